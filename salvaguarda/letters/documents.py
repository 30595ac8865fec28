"""A letter version as a PDF (ReportLab) and as a Word document (python-docx), laid out as a
letter an organization sends: place and date, the addressees with their titles, the subject,
the body with its salutation and closing, then the numbered signatory organizations (each
coalition's members indented under it) and the individuals, under the version's own headings.

The PDF embeds DejaVu Sans (`fonts`), so a name in any Latin, Greek or Cyrillic script prints
as written; only without that font does it fall back to Helvetica, where a character outside
Windows-1252 is replaced by "?" rather than lost silently in an unreadable glyph. Links (any
target) and emphasis are kept as links and emphasis in both (`inline`); a target a PDF
cannot open (relative, "#", none) is shown as a link without an address.
"""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph
from reportlab.lib.enums import TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate

from salvaguarda.letters import fonts, inline
from salvaguarda.letters.models import Letter, LetterVersion
from salvaguarda.letters.output import Member, Parts, parts_of

LINK_BLUE = "#1a4f8b"


def _cp1252(text: str) -> str:
    """The text as the PDF's font can print it: all of it with DejaVu Sans; with Helvetica,
    Windows-1252 ("?" for the rest)."""
    if fonts.pdf_font().unicode:
        return text
    # Windows-1252 has the no-break space, not the narrow one French puts before ";?!".
    text = text.replace("\u202f", "\u00a0")
    return text.encode("cp1252", errors="replace").decode("cp1252")


def _escaped(text: str) -> str:
    return _cp1252(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdf_text(text: str) -> str:
    """ReportLab's paragraph markup: everything escaped; links, emphasis and footnote
    markers as `inline` reads them; line breaks kept."""
    out = []
    for span in inline.spans(text):
        markup = _escaped(span.text).replace("\n", "<br/>")
        if span.note:
            markup = f"<super>{markup}</super>"
        if span.em:
            markup = f"<i>{markup}</i>"
        if span.strong:
            markup = f"<b>{markup}</b>"
        if span.target is not None:
            markup = f'<font color="{LINK_BLUE}"><u>{markup}</u></font>'
            if span.target.lower().startswith(("http://", "https://", "mailto:")):
                markup = f'<a href="{_escaped(span.target)}">{markup}</a>'
        out.append(markup)
    return "".join(out)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    font = fonts.pdf_font()
    body = ParagraphStyle(
        "LetterBody",
        parent=base["BodyText"],
        fontName=font.regular,
        fontSize=10.5,
        leading=14.5,
        spaceBefore=0,
    )

    return {
        "date": ParagraphStyle("LetterDate", parent=body, alignment=TA_RIGHT, spaceAfter=18),
        "addressee": ParagraphStyle("LetterAddressee", parent=body, spaceAfter=8),
        "subject": ParagraphStyle("LetterSubject", parent=body, spaceBefore=10, spaceAfter=14),
        "body": ParagraphStyle("LetterParagraph", parent=body, alignment=TA_JUSTIFY, spaceAfter=9),
        "heading": ParagraphStyle(
            "LetterHeading", parent=body, fontName=font.bold, spaceBefore=16, spaceAfter=8
        ),
        "signatory": ParagraphStyle(
            "LetterSignatory", parent=body, leftIndent=18, firstLineIndent=-18, spaceAfter=2
        ),
        "member": ParagraphStyle(
            "LetterMember",
            parent=body,
            leftIndent=40,
            firstLineIndent=-10,
            fontSize=9.5,
            leading=12.5,
            spaceAfter=1,
        ),
    }


def pdf_of(letter: Letter, version: LetterVersion, *, compress: bool = True) -> bytes:
    parts = parts_of(letter, version)
    style = _styles()
    story: list[object] = []
    if parts.date_line:
        story.append(Paragraph(_pdf_text(parts.date_line), style["date"]))
    for lines in parts.addressees:
        first, *rest = lines
        text = "<br/>".join([f"<b>{_pdf_text(first)}</b>", *(_pdf_text(line) for line in rest)])
        story.append(Paragraph(text, style["addressee"]))
    if parts.formula:
        story.append(Paragraph(_pdf_text(parts.formula), style["addressee"]))
    subject = f"<b>{_escaped(parts.subject_label)}</b> {_pdf_text(parts.subject)}"
    story.append(Paragraph(subject, style["subject"]))
    story += [Paragraph(_pdf_text(p), style["body"]) for p in parts.paragraphs]
    if parts.organizations:
        story.append(Paragraph(_pdf_text(parts.headings[0]), style["heading"]))
        for line, members in parts.organizations:
            block = [Paragraph(_pdf_text(line), style["signatory"])]
            block += [Paragraph("–&nbsp;" + _pdf_member(m), style["member"]) for m in members]
            story += [KeepTogether(block[:3]), *block[3:]]  # a coalition never alone at a foot

    if parts.individuals:
        story.append(Paragraph(_pdf_text(parts.headings[1]), style["heading"]))
        story += [Paragraph(_pdf_text(line), style["signatory"]) for line in parts.individuals]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=_cp1252(inline.plain(parts.subject)),
        lang=version.language,
        invariant=True,
        pageCompression=1 if compress else 0,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.2 * cm,
        bottomMargin=2.2 * cm,
    )
    document.build(story)
    return buffer.getvalue()


def _pdf_member(member: Member) -> str:
    """A coalition's member: its name, then its role in italics after a dash."""
    if not member.role:
        return _pdf_text(member.name)
    return f"{_pdf_text(member.name)} — <i>{_pdf_text(member.role)}</i>"


def _hyperlink(paragraph: WordParagraph, target: str) -> BaseOxmlElement:
    """A w:hyperlink in `paragraph` to an address (an external relationship) or, for "#name",
    to a bookmark; the runs go inside it."""
    link = OxmlElement("w:hyperlink")
    if target.startswith("#"):
        link.set(qn("w:anchor"), target[1:])
    else:
        rel = paragraph.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link.set(qn("r:id"), rel)
    paragraph._p.append(link)
    return link


def _word_line(paragraph: WordParagraph, text: str) -> None:
    """`text` as runs of `paragraph`: emphasis as bold and italic, links as links."""
    for span in inline.spans(text):
        pieces = span.text.split("\n")
        for n, piece in enumerate(pieces):
            run = paragraph.add_run(piece)
            if n < len(pieces) - 1:
                run.add_break()
            run.bold = span.strong or None
            run.italic = span.em or None
            run.font.superscript = span.note or None
            if span.target is not None:
                run.font.underline = True
                run.font.color.rgb = RGBColor(0x1A, 0x4F, 0x8B)
                if span.target:
                    _hyperlink(paragraph, span.target).append(run._r)


def docx_of(letter: Letter, version: LetterVersion) -> bytes:
    parts = parts_of(letter, version)
    document = Document()
    document.core_properties.title = inline.plain(parts.subject)
    document.core_properties.language = version.language
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(11)
    _word_parts(document, parts)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _word_parts(document: object, parts: Parts) -> None:
    add = document.add_paragraph  # type: ignore[attr-defined]
    if parts.date_line:
        _word_line(date := add(), parts.date_line)
        date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for lines in parts.addressees:
        paragraph = add()
        for n, line in enumerate(lines):
            if n:
                paragraph.add_run().add_break()
            before = len(paragraph.runs)
            _word_line(paragraph, line)
            if n == 0:
                for run in paragraph.runs[before:]:
                    run.bold = True
    if parts.formula:
        _word_line(add(), parts.formula)
    subject = add()
    subject.add_run(f"{parts.subject_label} ").bold = True
    _word_line(subject, parts.subject)
    for text in parts.paragraphs:
        _word_line(body := add(), text)
        body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if parts.organizations:
        heading = add()
        heading.add_run(parts.headings[0]).bold = True
        for line, members in parts.organizations:
            _word_line(add(), line)
            for member in members:
                item = add()
                item.paragraph_format.left_indent = Pt(28)
                _word_line(item, f"– {member.name}")
                if member.role:
                    item.add_run(" — ")
                    before = len(item.runs)
                    _word_line(item, member.role)
                    for run in item.runs[before:]:
                        run.italic = True
    if parts.individuals:
        heading = add()
        heading.add_run(parts.headings[1]).bold = True
        for line in parts.individuals:
            _word_line(add(), line)
