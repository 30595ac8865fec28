"""A letter version as a PDF (ReportLab) and as a Word document (python-docx).

The PDF uses ReportLab's standard Helvetica (Windows-1252: the accents, ñ, ç, ã, curly quotes
and dashes of Spanish, English, Portuguese and French); a character outside it is replaced by
"?" rather than lost silently in an unreadable glyph. Markdown links are kept as links in the
PDF and as "text (address)" in Word; no other markup is interpreted.
"""

import io
import re

from docx import Document
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from salvaguarda.letters.models import Letter, LetterVersion
from salvaguarda.letters.output import parts_of, with_links


def _cp1252(text: str) -> str:
    return text.encode("cp1252", errors="replace").decode("cp1252")


def _escaped(text: str) -> str:
    return _cp1252(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdf_text(text: str) -> str:
    """ReportLab's paragraph markup: everything escaped, Markdown links as links."""
    html = with_links(
        text,
        _escaped,
        lambda label, address: f'<a href="{_escaped(address)}" color="blue">{_escaped(label)}</a>',
    )
    return html.replace("\n", "<br/>")


def pdf_of(letter: Letter, version: LetterVersion, *, compress: bool = True) -> bytes:
    parts = parts_of(letter, version)
    styles = getSampleStyleSheet()
    story: list[object] = [Paragraph(_pdf_text(parts.subject), styles["Title"])]
    if parts.date_line:
        story.append(Paragraph(_pdf_text(parts.date_line), styles["Normal"]))
    for lines in parts.addressees:
        story.append(Paragraph(_pdf_text("\n".join(lines)), styles["Normal"]))
    for paragraph in parts.paragraphs:
        story += [Spacer(1, 0.3 * cm), Paragraph(_pdf_text(paragraph), styles["BodyText"])]
    if parts.organizations:
        story.append(Paragraph(_pdf_text(parts.headings[0]), styles["Heading2"]))
        for line, members in parts.organizations:
            story.append(Paragraph(_pdf_text(line), styles["Normal"]))
            if members:
                story.append(
                    ListFlowable(
                        [ListItem(Paragraph(_pdf_text(m), styles["Normal"])) for m in members],
                        bulletType="bullet",
                        leftIndent=18,
                    )
                )
    if parts.individuals:
        story.append(Paragraph(_pdf_text(parts.headings[1]), styles["Heading2"]))
        story += [Paragraph(_pdf_text(line), styles["Normal"]) for line in parts.individuals]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=_cp1252(parts.subject),
        invariant=True,
        pageCompression=1 if compress else 0,
    )
    document.build(story)
    return buffer.getvalue()


def docx_of(letter: Letter, version: LetterVersion) -> bytes:
    parts = parts_of(letter, version)
    document = Document()
    document.core_properties.title = parts.subject
    document.core_properties.language = version.language
    document.add_heading(parts.subject, level=1)
    if parts.date_line:
        document.add_paragraph(parts.date_line)
    for lines in parts.addressees:
        document.add_paragraph("\n".join(lines))
    for paragraph in parts.paragraphs:
        plain = with_links(paragraph, str, lambda label, address: f"{label} ({address})")
        document.add_paragraph(re.sub(r"\s*\n\s*", "\n", plain))
    if parts.organizations:
        document.add_heading(parts.headings[0], level=2)
        for line, members in parts.organizations:
            document.add_paragraph(line)
            for member in members:
                document.add_paragraph(member, style="List Bullet")
    if parts.individuals:
        document.add_heading(parts.headings[1], level=2)
        for line in parts.individuals:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
