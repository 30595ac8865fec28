"""A letter version as a PDF (ReportLab) and as a Word document (python-docx).

The PDF uses ReportLab's standard Helvetica (Windows-1252: the accents, ñ, ç, ã, curly quotes
and dashes of Spanish, English, Portuguese and French); a character outside it is replaced by
"?" rather than lost silently in an unreadable glyph. Markdown links are kept as links in the
PDF and as "text (address)" in Word; no other markup is interpreted.
"""

import io
import re
from collections.abc import Iterable

from docx import Document
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from salvaguarda.letters.models import Letter, LetterVersion
from salvaguarda.letters.output import HEADINGS, LINK
from salvaguarda.letters.queries import Numbered, numbered


def _cp1252(text: str) -> str:
    return text.encode("cp1252", errors="replace").decode("cp1252")


def _pdf_text(text: str) -> str:
    """ReportLab's paragraph markup: everything escaped, Markdown links as links."""
    out, last = [], 0

    def escaped(part: str) -> str:
        return _cp1252(part).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    for found in LINK.finditer(text):
        out.append(escaped(text[last : found.start()]))
        out.append(f'<a href="{escaped(found[2])}" color="blue">{escaped(found[1])}</a>')
        last = found.end()
    out.append(escaped(text[last:]))
    return "".join(out).replace("\n", "<br/>")


def _plain(text: str) -> str:
    return LINK.sub(lambda m: f"{m[1]} ({m[2]})", text)


def _lines(
    organizations: Iterable[Numbered], individuals: Iterable[Numbered]
) -> tuple[list[tuple[str, list[str]]], list[str]]:
    orgs = []
    for item in organizations:
        s = item.signatory
        line = (
            s.name
            + (f" ({s.acronym})" if s.acronym else "")
            + (f", {s.country}" if s.country else "")
        )
        orgs.append((f"{item.number}. {line}", [m.name for m in item.members]))
    people = [
        f"{item.number}. "
        + ", ".join(
            p for p in (item.signatory.name, item.signatory.title, item.signatory.affiliation) if p
        )
        for item in individuals
    ]
    return orgs, people


def pdf_of(letter: Letter, version: LetterVersion, *, compress: bool = True) -> bytes:
    organizations, individuals = numbered(list(letter.signatories.all()))
    orgs, people = _lines(organizations, individuals)
    headings = HEADINGS.get(version.language, HEADINGS["en"])
    styles = getSampleStyleSheet()
    story: list[object] = [Paragraph(_pdf_text(version.subject or letter.subject), styles["Title"])]
    date_line = ", ".join(p for p in (version.place, version.date_text) if p)
    if date_line:
        story.append(Paragraph(_pdf_text(date_line), styles["Normal"]))
    for addressee in version.addressees:
        lines = [addressee.get(k, "") for k in ("name", "title", "institution")]
        story.append(Paragraph(_pdf_text("\n".join(x for x in lines if x)), styles["Normal"]))
    for paragraph in version.paragraphs:
        story += [Spacer(1, 0.3 * cm), Paragraph(_pdf_text(paragraph), styles["BodyText"])]
    if orgs:
        story.append(Paragraph(_pdf_text(headings[0]), styles["Heading2"]))
        for line, members in orgs:
            story.append(Paragraph(_pdf_text(line), styles["Normal"]))
            if members:
                story.append(
                    ListFlowable(
                        [ListItem(Paragraph(_pdf_text(m), styles["Normal"])) for m in members],
                        bulletType="bullet",
                        leftIndent=18,
                    )
                )
    if people:
        story.append(Paragraph(_pdf_text(headings[1]), styles["Heading2"]))
        story += [Paragraph(_pdf_text(line), styles["Normal"]) for line in people]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=_cp1252(version.subject or letter.subject),
        invariant=True,
        pageCompression=1 if compress else 0,
    )
    document.build(story)
    return buffer.getvalue()


def docx_of(letter: Letter, version: LetterVersion) -> bytes:
    organizations, individuals = numbered(list(letter.signatories.all()))
    orgs, people = _lines(organizations, individuals)
    headings = HEADINGS.get(version.language, HEADINGS["en"])
    document = Document()
    document.core_properties.title = version.subject or letter.subject
    document.core_properties.language = version.language
    document.add_heading(version.subject or letter.subject, level=1)
    date_line = ", ".join(p for p in (version.place, version.date_text) if p)
    if date_line:
        document.add_paragraph(date_line)
    for addressee in version.addressees:
        lines = [addressee.get(k, "") for k in ("name", "title", "institution")]
        document.add_paragraph("\n".join(x for x in lines if x))
    for paragraph in version.paragraphs:
        document.add_paragraph(re.sub(r"\s*\n\s*", "\n", _plain(paragraph)))
    if orgs:
        document.add_heading(headings[0], level=2)
        for line, members in orgs:
            document.add_paragraph(line)
            for member in members:
                document.add_paragraph(member, style="List Bullet")
    if people:
        document.add_heading(headings[1], level=2)
        for line in people:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
