"""Read one language version of a sign-on letter from plain text or Markdown.

``parse_version(text, language=...)`` never raises. Every non-blank line ends up in a field of
the ``ParsedVersion`` or quoted in a ``Problem``; only structural lines are consumed silently
(section headings, the "Presente" formula, the labels "Asunto:"/"Subject:", list markers, table
header and separator rows).

The parts, in order: a heading (place and date in either order, on one line or two; addressees
with or without a salutation; a subject over one line or more), the body (from the salutation,
or without one from the first block that reads as prose, to the closing formula "Atentamente",
"Sincerely"...), then the signatory lists, each under a heading recognized by what it means
(``words.heading_kind``) and read by ``lists.read_section``. A paragraph split by a stray blank
line or hard line breaks in mid-sentence is joined again.

Problem codes:

- ``not_a_letter``: no body paragraphs, or no signatories and no closing formula nor list
  heading (line 0: it concerns the whole text); its message gives the lines looked at and
  what was found and not found in them.
- ``no_signatories``: a letter (its closing formula or a list heading read) with no
  signatories yet, at the line where the list was expected; the letter is imported, since a
  letter collecting signatures may have none yet.
- ``unplaced_line``: a line that fits nowhere; it is quoted in the message.
- ``broken_numbering``: a list number skipped or repeated; the entry is kept in its place.
  Under a sub-heading the numbers may go on from the part before or start again at 1.
- ``unnumbered_entry``: an entry without a number inside a numbered list; kept, and quoted.
- ``empty_list``: a signatory heading with no entries under it.
- ``unknown_column``: a table column (header or value) that could not be read; quoted.
- ``table_punctuation``: an entry made of table punctuation; left out, and quoted.
- ``long_entry``: an entry over 300 characters; kept, and quoted to be checked.
- ``list_label``: a label over part of a list ("Academia"); quoted.
- ``footnote``: a footnote among the lists; quoted.
- ``not_a_person``: an entry of the individuals that is no person's name; left out, quoted.
- ``other_language``: a paragraph that reads as another language than the version's.
- ``parse_error``: an unexpected failure; every line is then quoted as ``unplaced_line``.
"""

import re
import unicodedata
from collections.abc import Iterable

from salvaguarda.letters import languages
from salvaguarda.letters.document import Addressee, ParsedVersion, Problem, Signatory
from salvaguarda.letters.document import Said as _
from salvaguarda.letters.reading import list_shapes
from salvaguarda.letters.reading.lists import (
    BULLET,
    COPY_LINE,
    FOOTNOTE,
    NUMBER,
    Line,
    Numbering,
    inline_entries,
    plain,
    read_section,
    unplaced,
)
from salvaguarda.letters.reading.words import CLOSING as _CLOSING
from salvaguarda.letters.reading.words import ORGANIZATION_STARTS, fold, heading_kind, plain_heading

_I = re.IGNORECASE
_SUBJECT = re.compile(
    r"^[*_]*(?:asunto|subject|assunto|objet|objeto|subj|ref|re|referencia|r[ée]f[ée]rence|concerne)\.?\s*:\s*[*_]*\s*"
    r"(?P<v>.*?)[*_]*$",
    _I,
)
_TITLE = re.compile(r"^#\s+(?P<v>.+)$")
# Copy lines ("cc:", "c.c.:", "c.c.p.", "C/c:", "Copia:", "Con copia a:", "Copie à :",
# "Com cópia para:", "Copy to:") name recipients of a copy, not addressees. A label alone on
# its line heads a block of them (`v` is empty).
_COPY = re.compile(
    r"^[*_]*(?:c\.?\s?c\.?(?:\s?p\.?)?|c/c|cc/|(?:con\s+|com\s+)?c[oó]pias?(?:\s+(?:a|à|para))?|"
    r"copies?(?:\s+(?:à|a|pour))?|cop(?:y|ies)(?:\s+to)?)\s*[:.\-–][*_]*\s*(?P<v>.*)$",
    _I,
)
# An attention label before the addressees: "À l'attention de :", "A la atención de:",
# "At.", "Attn:", "Aos cuidados de". The label is left out; what follows is one addressee or
# several, separated by ";", each starting an addressee of its own.
_ATTENTION = re.compile(
    r"^[*_]*(?:(?:[àa]\s+l['’ʼ‘`´]\s*attention|[àa]\s+la\s+atenci[oó]n|[àa]\s+aten[cç][aã]o|"
    r"aos\s+cuidados|to\s+the\s+attention|for\s+the\s+attention)\s+(?:de|of|do|da)\b\s*[:.\-–]?|"
    r"(?:attention|atenci[oó]n|aten[cç][aã]o|attn|atn|at)\s*[.:]|a/c\b)[*_]*\s*(?P<v>.*)$",
    _I,
)
# A document's title in the letter's genre, as plain text on its first line: a
# pronouncement, a public note, an open letter, a statement. It and its headline are neither
# addressees nor subject (a Markdown or bold title is the subject, as _TITLE reads it).
_GENRE = re.compile(
    r"^(?:nota\s+p[uú]blica|pronunciamiento|posicionamiento|comunicado|manifiesto|"
    r"declaraci[oó]n|carta\s+(?:abierta|aberta|p[uú]blica)|open\s+letter|public\s+statement|"
    r"joint\s+statement|statement|lettre\s+ouverte|d[ée]claration|communiqu[ée]|tribune|"
    r"manifesto|nota\s+de\s+rep[uú]dio)\b[^.]{0,40}$",
    _I,
)
_BOLD_TITLE = re.compile(r"^(?:\*\*|__)(?P<v>[^*_].+)(?:\*\*|__)$")  # on the first line

_MONTHS = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
    "diciembre|janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|"
    "décembre|decembre|january|february|march|april|may|june|july|august|september|october|"
    "november|december"
)
_DAY = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|1er|1º|1°)\s+(?:de\s+|of\s+)?(?:{_MONTHS})\.?,?\s+(?:de[l]?\s+)?\d{{4}}|"
    rf"(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
    r"\d{1,2}/\d{1,2}/\d{4}"
)
# "Place, 12 de marzo de 2025", "a 12 de marzo", "le 12 mars 2025" or the date first:
# "12 de febrero de 2026. Tapachula, Chiapas", "18 juin 2026 – Port-au-Prince".
_DATE = re.compile(
    rf"^(?:(?P<place>[^\d]{{1,80}}?),?\s+)?(?:le\s+|a\s+|em\s+|on\s+)?(?P<date>{_DAY})\.?$|"
    rf"^(?:a\s+|le\s+|em\s+|on\s+)?(?P<date2>{_DAY})\s*[.,;–—-]\s*(?:en\s+|em\s+|à\s+|in\s+)?"
    rf"(?P<place2>[^\d]{{1,80}}?)\.?$",
    _I,
)
# The formula under the addressees ("Presente", "PRESENTES", "P R E S E N T E S", "Present"):
# kept as the version's formula, never an addressee's line.
# In Colombia "Ciudad" (the addressee is in the sender's city) or "E. S. D." (en su despacho)
# stands where Mexico writes "Presente".
_PRESENTE = re.compile(
    r"^[*_]*(?:p\s*r\s*e\s*s\s*e\s*n\s*t(?:\s*e)?(?:\s*s)?|(?:la\s+)?ciudad|"
    # Central America's "Su Despacho" / "En su despacho" under the addressee.
    r"(?:en\s+)?su\s+despacho|"
    r"e\.\s?s\.\s?d\.?|"
    # Argentina's "S / D" ("Su Despacho"), "S/D", "S. / D.".
    r"s\.?\s?/\s?d\.?)[.:\-–]*[*_]*$",
    _I,
)
# Formula lines above an addressee's name: "Ao Excelentíssimo Senhor", "Al Señor".
_FORMULA = re.compile(
    r"^[*_]*(?:(?:a|ao|à|al|a\s+la|to\s+the)\s+)?(?:(?:excelent[ií]ssim[oa]|excelent[ií]sim[oa]|"
    r"ilustr[ií]ssim[oa]|il[uú]stre|honorable|distinguid[oa])\s+)?"
    r"(?:senhor(?:a|es|as)?|señor(?:a|es|as)?|sr\.?|sra\.?)[.:,]?[*_]*$|"
    # "Doctor" / "Doctora" alone above the name (the Colombian courtesy line).
    r"^[*_]*(?:(?:señor(?:a)?|senhor(?:a)?)\s+)?(?:doctor(?:a|es|as)?|doutor(?:a|es|as)?|"
    r"docteure?|licenciad[oa]s?|ingenier[oa]s?|maestr[oa]s?|magister|profesor(?:a|es|as)?)"
    r"[.:,]?[*_]*$|"
    # "Su Excelencia" / "His Excellency" / "Son Excellence" / "Sua Excelência" alone above it.
    r"^[*_]*(?:(?:a|à|to)\s+)?(?:su|his|her|son|sa|sua|vuestra|vossa|your)\s+"
    r"(?:excelencia|excellency|excellence|excel[eê]ncia)[.:,]?[*_]*$",
    _I,
)
# A salutation starts with one of these words; the weaker ones (that also start an addressee
# line, such as "Sr." or "Madame") only when the line ends with a comma or a colon.
_SALUTATION = re.compile(
    r"^[*_]*(?:(?:estimad[oa]s?|querid[oa]s?|dear|to whom|prezad[oa]s?|a quien corresponda)\b|"
    r"(?:distinguid[oa]s?|respetad[oa]s?|respetables?|car[oa]s?|excelent[ií]s?sim[oa]s?|madame|monsieur|"
    r"(?:vossas?\s+|vuestras?\s+)?excel[eêé]ncias?|"
    r"mesdames|"
    r"messieurs|chères?|chers?|honorables?|señor(?:a|es|as)?|senhor(?:a|es|as)?|hello|hi)\b"
    r".*[,:][*_]*$)",
    _I,
)
_STOP = {
    "es": "el la los las del y en por para con que se una es su sus al lo más este esta sin",
    "en": "the and of to in for with that is are this on by be we our from it have has which",
    "pt": "não são uma com do da dos das em no na nos nas ao pela pelo que para os é e também",
    "fr": "le la les des une pour avec que est sont du au aux et en dans sur par ne pas nous qui",
}
_STOP_SETS = {k: set(v.split()) for k, v in _STOP.items()}
# Only the words that belong to one language count as evidence.
_UNIQUE = {
    k: v - set().union(*(o for j, o in _STOP_SETS.items() if j != k)) for k, v in _STOP_SETS.items()
}


# A page's number as a PDF prints it at the foot or head of each page, alone or after the
# document's running title: "Página 2 de 3", "— Page 1 of 4", "Pág. 3/5", "- 2 -".
_PAGE = re.compile(
    r"^(?P<title>.*?)[\s|–—-]*(?:(?:p[áa]gina|page|p[áa]g\.?|folha|fl\.)\s*\d{1,3}"
    r"(?:\s*(?:de|of|sur|/)\s*\d{1,3})?|[-–—]\s*\d{1,3}\s*[-–—])\s*$",
    _I,
)


def _page_marks(lines: list[Line]) -> list[Line]:
    """The lines a PDF paste carries from its page layout: page numbers ("Página 2 de 3") with
    or without the running title before them, and that title alone on another line (over
    the date, at the head of a page). None is the letter's; each is reported."""
    marks = [
        line for line in lines if line.text and len(line.text) <= 160 and _PAGE.match(line.text)
    ]
    titles = {
        fold(m["title"])
        for line in marks
        if (m := _PAGE.match(line.text)) and len(m["title"]) >= 12
    }
    if not marks:
        return []
    return [line for line in lines if line.text and (line in marks or fold(line.text) in titles)]


def _dehyphenated(lines: list[Line]) -> list[Line]:
    """A word a PDF broke at the end of a line with a hyphen ("firma-" / "mos esta carta"):
    the next line joins it, so the word is whole ("firmamos esta carta"). Only before a small
    letter, so "Centro-" over "América" or a dash after a space stays."""
    out: list[Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if (
            previous is not None
            and re.search(r"[a-zà-ÿ]{2}-$", previous.text)
            and re.match(r"[a-zà-ÿ]", line.text)
        ):
            out[-1] = Line(previous.no, previous.text[:-1] + line.text, previous.indent)
            continue
        out.append(line)
    return out


def _split_lines(text: str) -> list[Line]:
    lines = []
    # Composed characters (NFC): "é" typed as "e" and a combining accent reads as "é".
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    for no, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        clean = re.sub(r"[\u00a0\u2007\u202f\u200b\x00]", " ", raw)  # NUL cannot be stored
        body = clean.lstrip(" \t")
        indent = len(clean[: len(clean) - len(body)].expandtabs(4))
        lines.append(Line(no, body.strip(), indent))
    return _dehyphenated(lines)


def _bare(text: str) -> str:
    """A heading without its Markdown marks and trailing colon."""
    return re.sub(r"^[#>\s*_]+|[\s*_:.]+$", "", text)


def _heading(line: Line) -> str:
    text = line.text
    if NUMBER.match(text) or BULLET.match(text) or text.startswith("|"):
        return ""
    return heading_kind(_bare(_inline_heading(text)[0]))


# Words after which a sentence cannot stop: articles, prepositions, conjunctions.
_CONNECTORS = frozenset(
    "de del of and y e et da do des du la the el los las por en a al con para sin an by to in "
    "for with on from o os as no na nos nas pelo pela com le les par pour avec au aux sur dans "
    "que".split()
)


def _wrapped(lines: list[Line], i: int) -> bool:
    """A line of prose broken in mid-sentence: it ends with a word that needs the next one
    ("de", "of") or the next line goes on with a small letter."""
    last = lines[i].text.rstrip(" *_").rsplit(" ", 1)[-1].casefold()
    following = lines[i + 1].text if i + 1 < len(lines) else ""
    if re.match(r"[a-zà-ÿ]", following):
        return True
    # "Endorsed by", "Firmado por" alone over a blank line: a heading that ends as a sentence
    # would not stop, made only of heading words.
    return last in _CONNECTORS and not (not following and plain_heading(_bare(lines[i].text)))


# Words a clause starts with, not a signatory's name: "que se respete…", "that the…", "to…".
_CLAUSE_START = frozenset("que qu that para pour afin to we nous nos nós".split())


def _clause(text: str) -> bool:
    """Text that reads as the rest of a sentence, not as names: it starts with a small
    letter or with a word that opens a clause ("Que el Estado…", "To restore…")."""
    text = re.sub(r"^(?:\d{1,3}[.)]|[a-z][.)]|[-*•+–—])\s+", "", text.strip())
    text = text.lstrip("*_“”\"'«» ")
    first = re.split(r"[\s'’,]", text, maxsplit=1)[0].casefold()
    if re.match(r"(?:la|el|los|las|le|les|the|o|a|os|as|l['’])\s*[A-ZÀ-Ý]", text):
        return False  # "la Red Jesuita…, el Centro Prodh": names after their article
    return bool(re.match(r"[a-zà-ÿ]", text)) or first in _CLAUSE_START


def _lead_in(lines: list[Line], i: int, last_closing: int, listed_after: bool) -> bool:
    """A sentence of the body that starts as a heading would ("Las organizaciones firmantes
    le pedimos: que…", "The organizations signing this letter urge you to:"), not a list's
    heading: what follows its colon reads as a clause; or, when it says more than who signs
    (a verb, an object), the line under it reads as a clause, or the closing formula still
    comes after it with a list's heading after that (`listed_after`). A heading of heading
    words alone ("Organizaciones firmantes:") always opens its list, and so does a longer one
    over names when the letter closes only after its lists."""
    head, rest = _inline_heading(lines[i].text)
    if rest and _clause(rest):
        return True
    if plain_heading(_bare(head)):
        return False
    if last_closing > i and listed_after:
        return True
    following = next((line.text for line in lines[i + 1 :] if line.text), "")
    return not rest and _clause(following)


def _inline_heading(text: str) -> tuple[str, str]:
    """ "Organisations signataires : A, B (C, D)" is a heading and its list on one line."""
    head, colon, rest = text.partition(":")
    if colon and rest.strip(" *_") and len(head) <= 110 and heading_kind(_bare(head)):
        return head, rest.strip()
    return text, ""


def _blocks(lines: Iterable[Line]) -> list[list[Line]]:
    blocks: list[list[Line]] = [[]]
    for line in lines:
        if line.text:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def parse_version(text: str, *, language: str) -> ParsedVersion:
    """Read one language version of a letter; never raises (see the module docstring)."""
    try:
        return _parse(str(text), language)
    except Exception:  # a safety net: the report must come back whatever the input
        version = ParsedVersion(language=language)
        message = _("The text could not be read because of an unexpected error.")
        version.problems.append(Problem(0, "parse_error", message))
        lines = _split_lines(str(text)) if isinstance(text, str) else []
        version.problems.extend(unplaced(line) for line in lines if line.text)
        return version


# A forwarded or pasted e-mail around the letter: its header ("De:", "Enviado el:", "From:",
# "Sent:", "Para:", "Asunto: RV: …"), the forwarder's note before the letter's date, and the
# signature after a "--" line. None of it is the letter; each line is reported.
_MAIL_LABEL = re.compile(
    r"^[*_]*(?:de|from|para|to|enviado(?:\s+el)?|enviada\s+em|sent|fecha|date|data|asunto|"
    r"subject|assunto|objet|cc|cco|bcc|envoy[ée](?:\s+le)?|[àa]|destinataires?)[*_]*\s*:",
    _I,
)
_MAIL_SENT = re.compile(
    r"^[*_]*(?:de|from|enviado(?:\s+el)?|enviada\s+em|sent|envoy[ée](?:\s+le)?|fecha|date)"
    r"[*_]*\s*:",
    _I,
)
_SIGNATURE = re.compile(r"^--\s*$")
_MAIL_MARK = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|:\s*(?:rv|re|fw|fwd|tr|enc)\s*:|mensaje\s+original|"
    r"original\s+message|forwarded\s+message|mensaje\s+reenviado|message\s+transf[ée]r[ée]|"
    r"mensagem\s+(?:original|encaminhada)",
    _I,
)


def _mail_wrapper(lines: list[Line]) -> list[Line]:
    """The lines of a forwarded e-mail's header, its note and its signature (see above)."""
    out: list[Line] = []
    blocks = _blocks(lines[:80])
    header = next(
        (
            n
            for n in range(len(blocks) - 1, -1, -1)
            if sum(bool(_MAIL_LABEL.match(line.text)) for line in blocks[n]) >= 2
            and any(_MAIL_SENT.match(line.text) for line in blocks[n])
            # An e-mail's, not a memo's "Para: … De: … Asunto:": an address or a forward.
            and any(_MAIL_MARK.search(line.text) for line in blocks[n])
        ),
        None,
    )
    if header is not None:
        end = blocks[header][-1].no  # 1-based: lines[:end] is the header and what precedes it
        out.extend(line for line in lines[:end] if line.text)
        # The forwarder's note: the short blocks between the header and the letter's date.
        following = [line for line in lines[end:] if line.text][:8]
        dated = next((i for i, line in enumerate(following) if _DATE.match(line.text)), None)
        if dated is not None:
            out.extend(following[:dated])
    closing = max((i for i, line in enumerate(lines) if _CLOSING.match(line.text)), default=-1)
    signature = next(
        (i for i in range(closing + 1, len(lines)) if _SIGNATURE.match(lines[i].text)), None
    )
    if closing >= 0 and signature is not None:
        out.extend(line for line in lines[signature:] if line.text)
    return out


def _parse(text: str, language: str) -> ParsedVersion:
    version = ParsedVersion(language=language)
    lines = _split_lines(text)
    wrapper = _mail_wrapper(lines)
    if wrapper:
        version.problems.extend(unplaced(line) for line in wrapper)
        dropped = {line.no for line in wrapper}
        lines = [Line(line.no, "", 0) if line.no in dropped else line for line in lines]
    pages = _page_marks(lines)
    if pages:
        version.problems.extend(unplaced(line) for line in pages)
        dropped = {line.no for line in pages}
        lines = [Line(line.no, "", 0) if line.no in dropped else line for line in lines]
    prose = _first_long_block(lines, len(lines))
    salutation = next(
        (
            i
            for i, line in enumerate(lines)
            if len(line.text) <= 200
            and (_SALUTATION.match(line.text) or (i < prose and _salutation(line.text)))
        ),
        None,
    )
    last_closing = max((i for i, line in enumerate(lines) if _CLOSING.match(line.text)), default=-1)
    candidates = [
        (i, kind)
        for i, line in enumerate(lines)
        if line.text
        and (salutation is None or i > salutation)
        and not _wrapped(lines, i)
        and (kind := _heading(line))
    ]
    listed_after = any(i > last_closing for i, _kind in candidates)
    headings = [
        (i, kind) for i, kind in candidates if not _lead_in(lines, i, last_closing, listed_after)
    ]
    end = headings[0][0] if headings else len(lines)
    if salutation is not None and salutation >= end:
        salutation = None
    start = salutation if salutation is not None else _first_long_block(lines, end)
    closing = next((i for i in range(start, end) if _CLOSING.match(lines[i].text)), None)
    body_end = closing + 1 if closing is not None else end
    if closing is None:
        # With no closing formula, a place-and-date line after the body ends it
        # ("Tapachula, Chiapas, 7 de diciembre de 2026" over "Firman las organizaciones:").
        filled = [i for i in range(start + 1, end) if lines[i].text]
        if filled and len(lines[filled[-1]].text) <= 160 and _DATE.match(lines[filled[-1]].text):
            body_end = filled[-1]
    # One numbering a kind: a list's numbers may go on under its sub-headings.
    numberings = {k: Numbering(version.problems) for k in ("organization", "individual")}
    before = _list_before_body(lines, salutation)
    if before is not None:
        # "Organizaciones peticionarias:" and their list between the subject and the
        # salutation: the list is read, the header is what comes before its heading.
        at, kind = before
        _read_header(lines[:at], version)
        version.headings.setdefault(kind, plain(_bare(lines[at].text)))
        target = version.organizations if kind == "organization" else version.individuals
        section = lines[at + 1 : start]
        target.extend(_read_list(section, kind, version.problems, numberings[kind]))
    else:
        _read_header(lines[:start], version)
    if salutation is not None and not version.subject:
        lines = _subject_after_salutation(lines, salutation, body_end, version)
    _read_body(lines[start:body_end], version)
    tail = _dated(lines[body_end:end], version)
    if any(NUMBER.match(line.text) for line in tail) or _author(tail, headings):
        version.organizations.extend(
            _read_list(tail, "organization", version.problems, numberings["organization"])
        )
    elif signed := _signature_blocks(tail):
        version.individuals.extend(signed)
    else:
        version.problems.extend(unplaced(line) for line in tail if line.text)
    for n, (i, kind) in enumerate(headings):
        stop = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        section = _dated(lines[i + 1 : stop], version)
        heading, inline = _inline_heading(lines[i].text)
        version.headings.setdefault(kind, plain(_bare(heading)))
        if inline:
            section = [*inline_entries(lines[i], inline), *section]
        if any(line.text for line in section):
            target = version.organizations if kind == "organization" else version.individuals
            target.extend(_read_list(section, kind, version.problems, numberings[kind]))
        elif n + 1 < len(headings) and headings[n + 1][1] == kind:
            continue  # "Liste des signataires" over "Associations et collectifs": one list
        else:
            message = _("Line %(line)s: the list “%(heading)s” has no entries.")
            params = {"line": lines[i].no, "heading": _bare(lines[i].text)}
            version.problems.append(Problem(lines[i].no, "empty_list", message % params))
    if version.paragraphs and not (version.organizations or version.individuals):
        if closing is not None or headings:
            # A letter collecting signatures may have none yet: it is read, and the report
            # says where its list was expected (its heading, else the line after the closing).
            at = lines[headings[0][0]].no if headings else _line_after(lines, closing or 0)
            message = _(
                "Line %(line)s: no signatory list yet; signatures can be added by hand or "
                "through the public signing page."
            )
            version.problems.append(Problem(at, "no_signatories", message % {"line": at}))
        else:
            version.problems.append(_not_a_letter(lines, version, salutation, closing, headings))
    elif not version.paragraphs:
        version.problems.append(_not_a_letter(lines, version, salutation, closing, headings))
    version.problems.sort(key=lambda p: p.line)
    return version


def _subject_after_salutation(
    lines: list[Line], salutation: int, end: int, version: ParsedVersion
) -> list[Line]:
    """ "Dear Prime Minister," then "RE: DEPORTATION OF …" (the British order): the labelled
    block right under the salutation is the subject, its lines joined as written, and the
    body starts after it (the lines are blanked for the body)."""
    first = next((i for i in range(salutation + 1, end) if lines[i].text), None)
    label = _SUBJECT.match(lines[first].text) if first is not None else None
    if first is None or label is None:
        return lines
    stop = next((i for i in range(first, end) if not lines[i].text), end)
    parts = [label["v"], *(line.text for line in lines[first + 1 : stop])]
    version.subject = plain(" ".join(p for p in parts if p.strip(" *_")))
    blank = {line.no for line in lines[first:stop]}
    return [Line(line.no, "", 0) if line.no in blank else line for line in lines]


def _read_list(
    lines: list[Line], kind: str, problems: list[Problem], numbering: Numbering
) -> list[Signatory]:
    """One list, its whole-list shapes (``list_shapes``) read around ``read_section``."""
    lines = list_shapes.word_sub_bullets(lines)
    lines = list_shapes.people_on_one_line(list_shapes.places_on_lines(lines, kind), kind)
    entries = read_section(lines, kind, problems, numbering)
    if kind == "individual":
        return list_shapes.surname_first(entries)
    return list_shapes.members_listed_below(entries, problems)


def _not_a_letter(
    lines: list[Line],
    version: ParsedVersion,
    salutation: int | None,
    closing: int | None,
    headings: list[tuple[int, str]],
) -> Problem:
    """Why the text is not read as a letter: the lines looked at, what was found in them (with
    its line) and what was not. A letter needs body paragraphs, then a closing formula or a
    signatory heading or list (the list may be empty: see ``no_signatories``)."""
    filled = [line for line in lines if line.text]
    if not filled:
        return Problem(0, "not_a_letter", _("The text is empty: there is no line to read."))
    found: list[str] = []
    missing: list[str] = []
    if version.addressees:
        found.append(_("addressees (%(count)s)") % {"count": len(version.addressees)})
    else:
        missing.append(_("an addressee"))
    if salutation is not None:
        found.append(_("a salutation on line %(line)s") % {"line": lines[salutation].no})
    else:
        missing.append(_("a salutation (“Estimada…”, “Dear…”)"))
    if version.paragraphs:
        found.append(_("body paragraphs (%(count)s)") % {"count": len(version.paragraphs)})
    else:
        missing.append(_("a body paragraph (a block of sentences)"))
    if closing is not None:
        found.append(_("a closing formula on line %(line)s") % {"line": lines[closing].no})
    else:
        missing.append(_("a closing formula (“Atentamente”, “Sincerely”)"))
    if headings:
        found.append(_("a signatory heading on line %(line)s") % {"line": lines[headings[0][0]].no})
    else:
        missing.append(_("a signatory heading (“Organizaciones firmantes”, “Signatories”)"))
    listed = [s.line for s in (*version.organizations, *version.individuals) if s.line]
    if listed:
        counts = {"count": len(listed), "first": min(listed), "last": max(listed)}
        found.append(_("a list of %(count)s entries on lines %(first)s–%(last)s") % counts)
    first, last = filled[0].no, filled[-1].no
    where = str(first) if first == last else f"{first}–{last}"
    params = {"lines": where, "found": found, "missing": missing}
    if found:
        message = _(
            "Lines read: %(lines)s. This does not look like a letter. Not found: %(missing)s. "
            "Found: %(found)s."
        )
    else:
        message = _(
            "Lines read: %(lines)s. This does not look like a letter. Not found: %(missing)s."
        )
    return Problem(0, "not_a_letter", message % params)


def _list_before_body(lines: list[Line], salutation: int | None) -> tuple[int, str] | None:
    """A signatory list before the salutation ("Organizaciones peticionarias:" over numbered
    or bulleted entries, between the subject and "Honorables Relatora y Relator:"): where its
    heading is and the kind of list. Only a heading of heading words alone, over marked
    entries, and only with a salutation after it (the body starts there)."""
    if salutation is None:
        return None
    for i in range(salutation):
        text = lines[i].text
        if not text or _SUBJECT.match(text) or not plain_heading(_bare(text)):
            continue
        kind = _heading(lines[i])
        entries = [x for x in lines[i + 1 : salutation] if x.text]
        if kind and entries and all(NUMBER.match(x.text) or BULLET.match(x.text) for x in entries):
            return i, kind
    return None


_LITTLE_WORDS = frozenset("the la el los las le les o a os as al otro sin de del da do y e".split())


def _author(tail: list[Line], headings: list[tuple[int, str]]) -> bool:
    """The organization that wrote the letter, signing alone on one line between the closing
    and a list of organizations ("Respetuosamente," / "Colegio de Abogados X, A.C." /
    "Adhieren:"): the first organization. A person signing so is not read as one."""
    filled = [line.text for line in tail if line.text]
    if len(filled) != 1 or not headings or headings[0][1] != "organization":
        return False
    text = plain(filled[0])
    words = [fold(w) for w in text.split()[:3]]
    legal = re.search(r",\s*(?:A\.\s?C|S\.\s?C|I\.\s?A\.\s?P|A\.\s?P|Inc|Ltd|e\.V)\.?$", text)
    starts = ORGANIZATION_STARTS - _LITTLE_WORDS
    return len(text) <= 120 and (bool(legal) or any(w in starts for w in words))


_PARTICLES = frozenset("da de do das dos del della di du des la le van von der y e".split())


def _signature_blocks(tail: list[Line]) -> list[Signatory]:
    """Signature blocks under the closing with no heading ("Atenciosamente," / "Marina
    Cordeiro Falcão" / "Presidenta da ANADEM" / "Defensora Pública…", a blank line, the next
    one): each block's first line a person's name, the one to three lines under it that
    person's role, kept as the affiliation. Every block must read so, or none is taken."""
    blocks = _blocks(tail)
    out: list[Signatory] = []
    for block in blocks:
        name = plain(block[0].text)
        words = name.split()
        person = (
            2 <= len(words) <= 6
            and not re.search(r"[\d,;:()|]", name)
            and not BULLET.match(block[0].text)
            and fold(words[0]) not in ORGANIZATION_STARTS
            and all(w[:1].isupper() or w in _PARTICLES for w in words)
        )
        if not person or not 2 <= len(block) <= 4:
            return []
        roles = [plain(line.text) for line in block[1:]]
        written = ", ".join([name, *roles])
        out.append(
            Signatory(
                kind="individual",
                name=name,
                affiliation="; ".join(roles),
                line=block[0].no,
                written=written,
            )
        )
    return out


def _dated(lines: list[Line], version: ParsedVersion) -> list[Line]:
    """A list's lines without the place-and-date line that ends it ("Boa Vista, 27 de outubro
    de 2026.", only footnotes after it): a letter dated at its end. It gives the letter its
    date when the heading gave none, and is reported otherwise; it is never a signatory. A
    line that reads as a date amid the entries is left to the list."""
    kept = []
    for n, line in enumerate(lines):
        last = all(
            not x.text or FOOTNOTE.match(x.text) or COPY_LINE.match(x.text) for x in lines[n + 1 :]
        )
        date = (
            _DATE.match(plain(line.text)) if line.text and len(line.text) <= 160 and last else None
        )
        if date is None:
            kept.append(line)
            continue
        kept.append(Line(line.no, "", line.indent))  # a blank in its place
        if not version.date_text:
            version.date_text = date["date"] or date["date2"]
            version.place = (date["place"] or date["place2"] or "").strip(" ,–—-")
        else:
            version.problems.append(unplaced(line))
    return kept


def _line_after(lines: list[Line], i: int) -> int:
    """The number of the first line after `lines[i]` (the closing formula): where the list
    of signatories would start."""
    following = next((line.no for line in lines[i + 1 :] if line.text), None)
    return following or lines[i].no + 1


def _salutation(text: str) -> bool:
    """Before the body, a short line ending with a colon that is not a label ("Asunto:") nor
    a list's heading: "Diputada Lozoya:"."""
    bare = plain(text)
    return (
        bool(re.fullmatch(r"[^\d:]{2,60}:", bare))
        and len(bare.split()) <= 6
        and not _SUBJECT.match(text + " x")
        and not _PRESENTE.match(bare)
        and not heading_kind(bare.rstrip(":"))
        and not re.match(r"[*_]*(?:c\.?\s*c\.?\s*p|cc|anexo|annex)", bare, re.IGNORECASE)
        and not _COPY.match(bare)
        and not _ATTENTION.match(bare + " x")
    )


def _first_long_block(lines: list[Line], end: int) -> int:
    """Without a salutation, the body starts at the first block that reads as prose: a line
    of 20 words or more, or 15 words or more that end a sentence or go on over lines that
    start with a small letter (hard line breaks). An addressee's long title is not prose."""
    for block in _blocks(lines[:end]):
        joined = " ".join(line.text for line in block)
        if _SUBJECT.match(joined):
            # The body may start on the line right under a one-line subject.
            body = next((line for line in block[1:] if _prose(line.text)), None)
            if body is not None:
                return body.no - 1
            continue
        if len(block) == 1 and _addressee_list(plain(joined)):
            continue  # addressees in one paragraph, separated by ";"
        words = len(joined.split())
        wrapped = any(re.match(r"[a-zà-ÿ]", line.text) for line in block[1:])
        long = next((line for line in block if len(line.text.split()) >= 20), None)
        if long is not None:
            return long.no - 1  # the body may start right under the addressee's lines
        if words >= 15 and (wrapped or re.search(r"[.!?]$", joined)):
            return block[0].no - 1
    return end


def _prose(text: str) -> bool:
    """A line that reads as a sentence of the body, not a title: 20 words or more, or 12 or
    more ending a sentence."""
    words = len(text.split())
    return words >= 20 or (words >= 12 and bool(re.search(r"[.!?]\W*$", text)))


def _read_header(lines: list[Line], version: ParsedVersion) -> None:
    """Place and date, addressees and the subject (its label's lines, or a Markdown title)."""
    title: Line | None = None
    candidates: list[Line] = []
    before_date: list[Line] = []
    subject: list[str] | None = None  # the subject's lines while they go on, as written
    date_at = -1
    document_title = False
    copying = False  # inside a block of copy recipients ("Copie à :" and the lines under it)
    fresh = False  # the next line starts an addressee (under an attention label alone)
    for n, line in enumerate(lines):
        if not line.text:
            subject = None
            copying = False
            continue
        text = plain(line.text) if not line.text.startswith("#") else line.text
        if _PRESENTE.match(text) or _FORMULA.match(text):
            if _PRESENTE.match(text) and not version.formula:
                version.formula = text.strip(" *_")
            elif not _PRESENTE.match(text):
                # "Excelentíssimo Senhor" above an addressee: not stored, so reported.
                version.problems.append(unplaced(line))
            subject = None
            continue
        copy = _COPY.match(text)
        if copy or copying:
            version.problems.append(unplaced(line))  # a copy's recipient is not an addressee
            subject = None
            copying = copying or (copy is not None and not copy["v"].strip(" *_"))
            continue
        date = _DATE.match(text) if len(text) <= 160 else None
        if not candidates and not version.date_text and _genre_title(lines, n):
            document_title = True  # "NOTA PÚBLICA": the lines under it until the date are its
        if document_title and not version.date_text and not date:
            version.problems.append(unplaced(line))
            continue
        label, heading = _SUBJECT.match(line.text), _TITLE.match(line.text)
        if label and not version.subject:
            subject = [label["v"]] if label["v"].strip(" *_") else []
            version.subject = plain(" ".join(subject))
        elif subject is not None:
            # The lines are joined as written, so a line's own ending (";", ",") stays.
            subject.append(line.text)
            version.subject = plain(" ".join(p for p in subject if p))
        elif (heading or (n == 0 and _BOLD_TITLE.match(line.text))) and title is None:
            title = line

        elif date and not version.date_text:
            version.date_text = date["date"] or date["date2"]
            version.place = (date["place"] or date["place2"] or "").strip(" ,–—-")
            date_at = n
            if not version.place and candidates and candidates[-1].no == line.no - 1:
                version.place = plain(candidates.pop().text)  # "Ciudad de México" above the date
            before_date = list(candidates)
            candidates.clear()
        elif date_at >= 0 and n == date_at + 1 and not version.place and _place_like(text):
            version.place = text  # the place under the date
        elif attention := _ATTENTION.match(text):
            # Each addressee after the label starts one of its own (indent -1 says so); a
            # label alone on its line has them on the lines under it.
            parts = _top_level_split(attention["v"])
            candidates.extend(Line(line.no, part, -1) for part in parts)
            fresh = not parts
        elif parts := _addressee_list(text):
            candidates.extend(Line(line.no, part, -1) for part in parts)
            fresh = False
        else:
            candidates.append(Line(line.no, text, -1 if fresh else line.indent))
            fresh = False
    if title is not None:
        if version.subject:
            version.problems.append(unplaced(title))
        else:
            found = _TITLE.match(title.text) or _BOLD_TITLE.match(title.text)
            version.subject = plain(found["v"]) if found else ""
    # A line of punctuation only (the ":" of a label the reader did not take) is no addressee.
    version.problems.extend(unplaced(c) for c in candidates if not re.search(r"\w", c.text))
    candidates = [c for c in candidates if re.search(r"\w", c.text)]
    if candidates:
        # Lines above the date, when addressees follow it, are a letterhead.
        version.problems.extend(unplaced(c) for c in before_date)
    else:
        candidates = before_date  # the addressees came first, the date under them
    version.addressees.extend(_group_addressees(candidates))


def _genre_title(lines: list[Line], n: int) -> bool:
    """A document's title in the letter's genre ("NOTA PÚBLICA"), as plain text, or as a
    Markdown or bold title with a headline under it ("# PRONUNCIAMIENTO" over "## Ninguna…"):
    it and its headline are neither subject nor addressees. A Markdown title alone over a
    letter ("# Carta abierta") is its subject."""
    text = lines[n].text
    if _GENRE.match(text):
        return True
    if not (_TITLE.match(text) or _BOLD_TITLE.match(text)) or not _GENRE.match(_bare(text)):
        return False
    following = next((line.text for line in lines[n + 1 :] if line.text), "")
    return following.startswith(("#", "*", "_"))


def _top_level_split(text: str, separator: str = ";") -> list[str]:
    """`text` split at `separator` outside parentheses, the pieces stripped, empty ones left
    out."""
    pieces, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == separator and depth <= 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return [p.strip(" ,") for p in pieces if p.strip(" ,")]


def _addressee_list(text: str) -> list[str]:
    """ "Ministra A, Presidenta de la Sala; Ministro B, integrante de la Sala": addressees in
    one paragraph, separated by ";", each "Name, Title" or starting with an honorific; else
    []."""
    if re.search(r"[.!?]$", text.strip(" *_")):
        return []
    parts = _top_level_split(text)
    fits = all(
        (_HONORIFIC.match(part) or _NAME_COMMA.match(part)) and len(part.split()) <= 25
        for part in parts
    )
    return parts if len(parts) >= 2 and fits else []


def _place_like(text: str) -> bool:
    return (
        len(text) <= 60
        and not re.search(r"\d", text)
        and not _HONORIFIC.match(text)
        and len(text.split()) <= 6
    )


_HONORIFIC = re.compile(
    r"^(?:(?:the\s+)?honou?rable|mtr[oa]|lic|lcda|lcdo|dr|dra|ing|arq|c|sr|sra|srta|hon|mr|mrs|ms|prof|profa|"
    r"sen|dip|excm[oa]|mme|m|me|dña|don|doña|s\.e|senhor|senhora|señor|señora|madame|"
    r"monsieur|secretary|minister|ministra|ministro|senator|senador|senadora|senadores|"
    r"representative|rep|congressman|congresswoman|congressmember|diputada|diputado|deputada|"
    r"deputado|deputy|député|députée|sénateur|sénatrice|governor|gobernador|gobernadora|"
    r"governador|governadora|mayor|judge|juez|jueza|ambassador|embajador|embajadora|"
    r"embaixador|embaixadora|ambassadeur|ambassadrice|comisionada|comisionado|commissioner|"
    r"maître|maitre|père|pere|padre|hna|hno|sor|sister|rev|pbro)\.?\s",
    _I,
)
# An addressee on one line, "Lic. Rosaura Benítez Ocampo, Secretaria de Gobernación": a name
# (an honorific, or two to six capitalised words with their particles) then a comma.
_NAME_COMMA = re.compile(
    r"^(?P<name>(?:[A-ZÀ-Ý][\w.'’-]*\.?\s+(?=\S))?"
    r"(?:(?:[A-ZÀ-Ý][\w'’-]+|[A-ZÀ-Ý]\.|de|del|la|las|los|da|das|do|dos|du|van|der|von|y|e)\s*)"
    r"{2,6}?)"
    r",\s+(?P<rest>\S.*)$"
)
# The formula before an honorific on the addressee's line: "Ao Excelentíssimo Senhor Dr. …",
# "À Senhora Dra. …", "Al Señor Lic. …"; the name starts at the honorific.
_LEADING_FORMULA = re.compile(
    r"^(?:(?:a|ao|à|al|a\s+la|to\s+the)\s+)?(?:(?:excelent[ií]s?sim[oa]|il[uú]stre|"
    r"ilustr[ií]ssim[oa]|honorable|distinguid[oa])\s+)?(?:senhor|senhora|señor|señora)\s+"
    r"(?=(?:mtr[oa]|lic|dr|dra|ing|prof|profa|sr|sra)\.\s)",
    _I,
)
_INSTITUTION = re.compile(
    r"^(?:secretaría|comisión|gobierno|universidad|congreso|cámara|senado|suprema|instituto|"
    r"fiscalía|oficina|embajada|departamento|department|office|ministry|ministério|ministère|"
    r"commission|comité|consejo|naciones unidas|united nations|the\s|la\s|el\s|le\s|o\s|a\s)",
    _I,
)


def _group_addressees(lines: list[Line]) -> list[Addressee]:
    """Blank lines and honorific name lines start an addressee; then title, then institution."""
    groups: list[list[str]] = []
    previous = -1
    for line in lines:
        text = _LEADING_FORMULA.sub("", line.text)
        # After a one-line "Name, Title", a line with an honorific or that shape is the next
        # addressee, not the first one's title.
        after_one_line = bool(groups) and bool(_NAME_COMMA.match(groups[-1][0]))
        # "Secretary of Public Education", "Ministra de Trabajo": a title, not a name.
        office = bool(re.match(r"^\S+\s+(?:of|for|de|del|da|do|des|du)\s", text, _I))
        starts = groups and (
            (_HONORIFIC.match(text) and not office and (len(groups[-1]) >= 2 or after_one_line))
            or (after_one_line and _NAME_COMMA.match(text))
        )
        if line.no != previous + 1 or starts or not groups or line.indent < 0:
            groups.append([])
        groups[-1].append(text)
        previous = line.no
    addressees = []
    for group in groups:
        one_line = _NAME_COMMA.match(group[0])
        if one_line:
            group = [one_line["name"].strip(), *one_line["rest"].split(", "), *group[1:]]
        name, rest = group[0], group[1:]
        if len(rest) == 1 and not one_line and _INSTITUTION.match(rest[0]):
            addressees.append(Addressee(name=name, institution=rest[0]))
        else:
            title = rest[0] if rest else ""
            addressees.append(Addressee(name=name, title=title, institution=", ".join(rest[1:])))
    return addressees


_ENDS = re.compile(r"[.!?:;…»”\")\]]\s*[*_]*$|^\s*[*_]*$")


def _paragraphs(lines: list[Line]) -> list[tuple[int, list[str]]]:
    """Blocks of the body, each as (first line, lines), joined again where a stray blank line
    split a sentence: a paragraph that does not end a sentence goes on in the next block
    (whatever letter that starts with: "recibidas por el" / "INM, lo que…"), unless the next
    block is a heading or a list, or the paragraph is itself a heading (a Markdown title, a
    line in bold, a short line in capitals or without a small-letter word at its end). A list
    item starts a line of its own."""
    out: list[tuple[int, list[str]]] = []
    for block in _blocks(lines):
        texts = [line.text for line in block]
        if out and _goes_on(out[-1][1], texts[0]):
            out[-1][1][-1] = f"{out[-1][1][-1]} {texts[0]}"
            out[-1][1].extend(texts[1:])
            continue
        out.append((block[0].no, texts))
    return out


def _goes_on(before: list[str], first: str) -> bool:
    """Whether the block starting with `first` continues the unfinished sentence `before`."""
    last = before[-1]
    if _ENDS.search(last) or _item(first):
        return False
    if first.startswith(("#", ">", "|")) or _BOLD_TITLE.match(first) or _CLOSING.match(first):
        return False
    if re.match(r"[*_\[]*[a-zà-ÿ0-9(]", first):
        return True
    if all(_SALUTATION.match(text) or _salutation(text) for text in before):
        return False  # "Madame, Monsieur," above the first paragraph, on one line or more
    titled = (
        (
            len(before) == 1
            and (last.startswith("#") or bool(_BOLD_TITLE.match(last)) or last.isupper())
        )
        or NUMBER.match(last)
        or BULLET.match(last)
    )
    words = " ".join(before).split()
    needs_more = last.endswith(",") or words[-1].casefold() in _CONNECTORS
    return not titled and (needs_more or len(words) >= 15) and bool(re.search(r"[a-zà-ÿ,]$", last))


def _joined(texts: list[str]) -> str:
    """Hard line breaks inside a sentence become spaces; a list item keeps its own line."""
    out = texts[0]
    for text in texts[1:]:
        starts_item = _item(text) or text.startswith(">")
        out += ("\n" if starts_item or out.endswith("  ") else " ") + text
    return out


# Petition markers besides numbers and bullets: "(a)", "(1)", "(iv)", and ordinal words
# "PRIMERO.-", "Segundo.", "TERCERO:" (Mexican petitions).
_MARKER = re.compile(
    r"^(?:\((?:[a-z]|\d{1,2}|[ivx]{1,4})\)\s+|(?:primer[oa]|segund[oa]|tercer[oa]|cuart[oa]|"
    r"quint[oa]|sext[oa]|s[ée]ptim[oa]|octav[oa]|noven[oa]|d[ée]cim[oa])\s*[.:]-?\s+)(?=\S)",
    _I,
)


def _item(text: str) -> bool:
    return bool(NUMBER.match(text) or BULLET.match(text) or _MARKER.match(text))


def _items(first: int, texts: list[str]) -> list[tuple[int, list[str]]]:
    """A block split at its list items: each item is a paragraph of its own (the requests of
    a letter, numbered, bulleted or marked "(a)", "PRIMERO.-"), the lines before them another."""
    out: list[tuple[int, list[str]]] = []
    for n, text in enumerate(texts):
        item = _item(text)
        if not out or (item and out[-1][1]):
            out.append((first + n, []))
        out[-1][1].append(text)
    return out


def _read_body(lines: list[Line], version: ParsedVersion) -> None:
    blocks = [item for first, texts in _paragraphs(lines) for item in _items(first, texts)]
    for first, texts in blocks:
        # A quoted line ("> …", as an e-mail or Markdown quotes) is a paragraph of its own,
        # without its marker.
        texts = [re.sub(r"^>\s?", "", t) for t in texts] if texts[0].startswith(">") else texts
        paragraph = _joined(texts)
        version.paragraphs.append(paragraph)
        if len(version.paragraphs) > 1 and not _CLOSING.match(paragraph):
            found = _other_language(paragraph, version.language)
            if found:
                message = _(
                    "Line %(line)s: this paragraph seems to be in %(found)s rather than "
                    "%(expected)s; it was kept as written."
                )
                params = {
                    "line": first,
                    "found": languages.in_a_sentence(found),
                    "expected": languages.in_a_sentence(version.language),
                }
                version.problems.append(Problem(first, "other_language", message % params))


def _other_language(text: str, language: str) -> str:
    """The language a paragraph clearly reads as, when it is not ``language``; else ""."""
    if language not in _UNIQUE:
        return ""
    text = re.sub(r"\]\([^)\s]*\)|https?://\S+", " ", text)
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if len(words) < 8:
        return ""
    scores = {k: sum(w in unique for w in words) for k, unique in _UNIQUE.items()}
    best = max(scores, key=lambda k: scores[k])
    if best != language and scores[best] >= 3 and scores[best] >= 2 * scores[language] + 2:
        return best
    return ""
