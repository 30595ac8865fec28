"""Read one language version of a sign-on letter from plain text or Markdown.

``parse_version(text, language=...)`` never raises. Every non-blank line ends up in a field of
the ``ParsedVersion`` or quoted in a ``Problem``; only structural lines are consumed silently
(section headings, the "Presente" formula, the labels "Asunto:"/"Subject:", list markers, table
header and separator rows). The salutation is the first paragraph and the closing formula
("Atentamente", "Sincerely", ...) the last one.

Problem codes:

- ``not_a_letter``: no body paragraphs, or no signatories at all (line 0).
- ``unplaced_line``: a line that fits nowhere; it is quoted in the message.
- ``broken_numbering``: a list number skipped or repeated; the entry is kept in its place.
- ``unnumbered_entry``: an entry without a number inside a numbered list; kept, and quoted.
- ``empty_list``: a signatory heading with no entries under it.
- ``unknown_column``: a table column (header or value) that could not be read; quoted.
- ``other_language``: a paragraph that reads as another language than the version's.
- ``parse_error``: an unexpected failure; every line is then quoted as ``unplaced_line``.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .document import Addressee, ParsedVersion, Problem, Signatory


@dataclass(frozen=True)
class _Line:
    no: int  # 1-based
    text: str  # stripped, non-breaking spaces made plain
    indent: int  # leading width, a tab counting 4


def _fold(text: str) -> str:
    """Lower case without accents or dots, for comparing words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "").strip()


_I = re.IGNORECASE
_SUBJECT = re.compile(
    r"^[*_]*(?:asunto|subject|assunto|objet|subj)\s*:\s*[*_]*\s*"
    r"(?P<v>.*?)[*_]*$",
    _I,
)
_TITLE = re.compile(r"^#\s+(?P<v>.+)$")
_MONTHS = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
    "diciembre|janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|"
    "décembre|decembre|january|february|march|april|may|june|july|august|september|october|"
    "november|december"
)
_DATE = re.compile(
    rf"^(?:(?P<place>[^\d]{{1,80}}?),?\s+)?(?:le\s+)?(?P<date>(?:\d{{1,2}}|1er|1º|1°)\s+(?:de\s+)?"
    rf"(?:{_MONTHS})\.?,?\s+(?:de[l]?\s+)?\d{{4}}|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+"
    r"\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\.?$",
    _I,
)
_PRESENTE = re.compile(r"^[*_]*p\s*r\s*e\s*s\s*e\s*n\s*t\s*e[.:]?[*_]*$", _I)
# A salutation starts with one of these words; the weaker ones (that also start an addressee
# line, such as "Sr." or "Madame") only when the line ends with a comma or a colon.
_SALUTATION = re.compile(
    r"^[*_]*(?:(?:estimad[oa]s?|querid[oa]s?|dear|to whom|prezad[oa]s?|a quien corresponda)\b|"
    r"(?:distinguid[oa]s?|respetad[oa]s?|car[oa]s?|excelent[ií]ssim|madame|monsieur|mesdames|"
    r"messieurs|chères?|chers?|honorable|señor[ae]s?|sr\.|sra\.|senhor[ae]s?|hello|hi)\b.*[,:][*_]*$)",
    _I,
)
_CLOSING = re.compile(
    r"^[*_]*(?:atentamente|respetuosamente|sinceramente|cordialmente|saludos cordiales|sincerely"
    r"(?: yours)?|yours sincerely|yours faithfully|respectfully(?: yours)?|kind regards|"
    r"best regards|atenciosamente|respeitosamente|cordialement|bien cordialement|"
    r"respectueusement)[\s.,;:!*_]*$",
    _I,
)
_ORG_W = (
    r"(?:organi[sz]a(?:ciones|tions|ções|coes)|redes|colectivos|coletivos|collectifs|entidades)"
)
_SIGN_W = (
    r"(?:firmantes|signatari[ao]s|signatories|signatory|signataires|signatárias|signatarias|"
    r"signing|undersigned|"
    r"firman|assinantes|suscriptoras)"
)
_ORG_HEADING = re.compile(
    rf"(?:(?:las|les|as|the)\s+)?{_ORG_W}(?:\s+(?:y|and|e|et)\s+{_ORG_W})?\s+{_SIGN_W}|"
    rf"{_SIGN_W}\s+{_ORG_W}|{_ORG_W}|firmantes|signatories|signataires|signatários|signatárias",
    _I,
)
_PEOPLE_HEADING = re.compile(
    r"(?:personas|people|pessoas|personnes|individuals|individuos|individus)(?:\s+"
    + _SIGN_W
    + r")?|"
    r"(?:firmas|signatures|assinaturas|signatories|signatários|signataires)\s+(?:individuales|"
    r"individuais|individuels|individual(?:es)?)|individual\s+(?:signatories|signatures|signers)|"
    r"a\s+título\s+(?:personal|individual)",
    _I,
)
_NUMBER = re.compile(r"^(?P<n>\d{1,4})\s*(?:[.)]|\s[-–—])\s+(?P<v>.*)$")
_BULLET = re.compile(r"^(?:[-*•+]|[a-z][.)])\s+(?P<v>.*)$")
_COALITION = re.compile(
    r"\s*\((?:coalici[oó]n|coalition|coaliz[aã]o|red|network|rede|réseau|alianza|alliance|"
    r"aliança|colectivo|collectif|coletivo|frente|plataforma|platform|plateforme)\)\s*",
    _I,
)
_LEGAL = re.compile(
    r"^(?:a\.?\s?c\.?|i\.?a\.?p\.?|s\.?c\.?|a\.?b\.?p\.?|inc\.?|ltd\.?|llc|e\.?v\.?|asbl)$", _I
)
_COUNTRIES = frozenset(
    _fold(c)
    for c in (
        "México Mexico Mexique Guatemala Honduras Nicaragua Panamá Colombia Colombie Venezuela "
        "Ecuador Équateur Perú Peru Pérou Bolivia Bolivie Chile Chili Argentina Argentine Uruguay "
        "Paraguay Brasil Brazil Brésil Cuba Haití Haiti Belice Belize Canadá Canada España Spain "
        "Espagne Espanha Francia France França Alemania Germany Allemagne Alemanha Italia Italy "
        "Portugal Suiza Switzerland Suisse Suíça Bélgica Belgium Belgique Holanda Netherlands "
        "Pays-Bas USA EEUU EE.UU. EUA US UK Colômbia Equador"
    ).split()
    + ["El Salvador", "Costa Rica", "Estados Unidos", "United States", "États-Unis", "Reino Unido"]
    + ["United Kingdom", "Royaume-Uni", "República Dominicana", "Dominican Republic", "Puerto Rico"]
    + ["Países Bajos", "Estados Unidos de América", "United States of America"]
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
_COLUMNS = {
    "name": "nombre nombre completo name full name nom nom complet nome nome completo persona",
    "title": "cargo title position puesto titre fonction função funcao role rol poste ocupación",
    "affiliation": "organización organization organisation organização affiliation afiliación "
    "afiliação institución institution instituição entidad organisme",
    "country": "país pais country pays",
    "acronym": "siglas sigla acrónimo acronym sigle abreviatura abbreviation",
    "members": "miembros members membres membros integrantes",
    "number": "# no n° nº núm num número numero number",
}
_ALLOWED = {
    "organization": {"name", "acronym", "country", "members", "number"},
    "individual": {"name", "title", "affiliation", "country", "number"},
}
_COLUMN_WORDS = {_fold(w): k for k, v in _COLUMNS.items() for w in v.split()}


def _language_name(code: str) -> str:
    names = {  # a context of their own: lower case inside a sentence in Spanish
        "es": pgettext("language in a sentence", "Spanish"),
        "en": pgettext("language in a sentence", "English"),
        "pt": pgettext("language in a sentence", "Portuguese"),
        "fr": pgettext("language in a sentence", "French"),
    }
    return names.get(code, code)


def _unplaced(line: _Line) -> Problem:
    message = _("Line %(line)s could not be placed in the letter: “%(text)s”.")
    return Problem(line.no, "unplaced_line", message % {"line": line.no, "text": line.text})


def _split_lines(text: str) -> list[_Line]:
    lines = []
    for no, raw in enumerate(re.split(r"\r\n|\r|\n", text.lstrip("\ufeff")), start=1):
        plain = re.sub(r"[\u00a0\u2007\u202f\u200b\x00]", " ", raw)  # NUL cannot be stored
        body = plain.lstrip(" \t")
        indent = len(plain[: len(plain) - len(body)].expandtabs(4))
        lines.append(_Line(no, body.strip(), indent))
    return lines


def _bare(text: str) -> str:
    """A heading without its Markdown marks and trailing colon."""
    return re.sub(r"^[#>\s*_]+|[\s*_:.]+$", "", text)


def _heading(line: _Line) -> str:
    if len(line.text) > 80 or _NUMBER.match(line.text) or line.text.startswith("|"):
        return ""
    bare = _bare(line.text)
    if _PEOPLE_HEADING.fullmatch(bare):
        return "individual"
    return "organization" if _ORG_HEADING.fullmatch(bare) else ""


def _blocks(lines: Iterable[_Line]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = [[]]
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
        version.problems.extend(_unplaced(line) for line in lines if line.text)
        return version


def _parse(text: str, language: str) -> ParsedVersion:
    version = ParsedVersion(language=language)
    lines = _split_lines(text)
    headings = [(i, kind) for i, line in enumerate(lines) if line.text and (kind := _heading(line))]
    end = headings[0][0] if headings else len(lines)
    salutation = next(
        (i for i in range(end) if len(lines[i].text) <= 200 and _SALUTATION.match(lines[i].text)),
        None,
    )
    start = salutation if salutation is not None else _first_long_block(lines, end)
    closing = next((i for i in range(start, end) if _CLOSING.match(lines[i].text)), None)
    body_end = closing + 1 if closing is not None else end
    _read_header(lines[:start], version, addressees_allowed=salutation is not None)
    _read_body(lines[start:body_end], version)
    tail = [line for line in lines[body_end:end] if line.text]
    if any(_NUMBER.match(line.text) for line in tail):
        _read_section(tail, "organization", version)
    else:
        version.problems.extend(_unplaced(line) for line in tail)
    for n, (i, kind) in enumerate(headings):
        stop = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        section = [line for line in lines[i + 1 : stop] if line.text]
        if section:
            _read_section(section, kind, version)
        else:
            message = _("Line %(line)s: the list “%(heading)s” has no entries.")
            params = {"line": lines[i].no, "heading": _bare(lines[i].text)}
            version.problems.append(Problem(lines[i].no, "empty_list", message % params))
    if not version.paragraphs or not (version.organizations or version.individuals):
        if not version.paragraphs:
            message = _("This does not look like a letter: no body paragraphs were found.")
        else:
            message = _("This does not look like a letter: no signatories were found.")
        version.problems.append(Problem(0, "not_a_letter", message))
    version.problems.sort(key=lambda p: p.line)
    return version


def _first_long_block(lines: list[_Line], end: int) -> int:
    """Without a salutation, the body starts at the first block that reads as prose."""
    for block in _blocks(lines[:end]):
        joined = " ".join(line.text for line in block)
        if not _SUBJECT.match(joined) and (len(joined) >= 120 or len(joined.split()) >= 15):
            return lines.index(block[0])
    return end


def _read_header(lines: list[_Line], version: ParsedVersion, *, addressees_allowed: bool) -> None:
    title: _Line | None = None
    candidates: list[_Line] = []
    for line in lines:
        if not line.text or _PRESENTE.match(line.text):
            continue
        subject, heading = _SUBJECT.match(line.text), _TITLE.match(line.text)
        date = _DATE.match(line.text) if len(line.text) <= 160 else None
        if subject and subject["v"] and not version.subject:
            version.subject = subject["v"].strip()
        elif heading and title is None and not candidates:
            title = line
        elif date and not version.date_text:
            version.date_text = date["date"]
            version.place = (date["place"] or "").strip(" ,")
            # What comes before the date is a letterhead, not an addressee.
            version.problems.extend(_unplaced(c) for c in candidates)
            candidates.clear()
        elif addressees_allowed:
            candidates.append(line)
        else:
            version.problems.append(_unplaced(line))
    if title is not None:
        if version.subject:
            version.problems.append(_unplaced(title))
        else:
            version.subject = _TITLE.match(title.text)["v"].strip()  # type: ignore[index]
    version.addressees.extend(_group_addressees(candidates))


_HONORIFIC = re.compile(
    r"^(?:mtr[oa]|lic|lcda|lcdo|dr|dra|ing|arq|c|sr|sra|srta|hon|mr|mrs|ms|prof|profa|"
    r"sen|dip|excm[oa]|mme|m|me|dña|don|doña|s\.e)\.?\s",
    _I,
)
_INSTITUTION = re.compile(
    r"^(?:secretaría|comisión|gobierno|universidad|congreso|cámara|senado|suprema|instituto|"
    r"fiscalía|oficina|embajada|departamento|department|office|ministry|ministério|ministère|"
    r"commission|comité|consejo|naciones unidas|united nations|the\s|la\s|el\s|le\s|o\s|a\s)",
    _I,
)


def _group_addressees(lines: list[_Line]) -> list[Addressee]:
    """Blank lines and honorific name lines start an addressee; then title, then institution."""
    groups: list[list[str]] = []
    previous = -1
    for line in lines:
        if line.no != previous + 1 or _HONORIFIC.match(line.text) or not groups:
            groups.append([])
        groups[-1].append(line.text)
        previous = line.no
    addressees = []
    for group in groups:
        name, rest = group[0], group[1:]
        if len(rest) == 1 and _INSTITUTION.match(rest[0]):
            addressees.append(Addressee(name=name, institution=rest[0]))
        else:
            title = rest[0] if rest else ""
            addressees.append(Addressee(name=name, title=title, institution=", ".join(rest[1:])))
    return addressees


def _read_body(lines: list[_Line], version: ParsedVersion) -> None:
    for block in _blocks(lines):
        paragraph = "\n".join(line.text for line in block)
        version.paragraphs.append(paragraph)
        if len(version.paragraphs) > 1 and not _CLOSING.match(paragraph):
            found = _other_language(paragraph, version.language)
            if found:
                message = _(
                    "Line %(line)s: this paragraph seems to be in %(found)s rather than "
                    "%(expected)s; it was kept as written."
                )
                params = {
                    "line": block[0].no,
                    "found": _language_name(found),
                    "expected": _language_name(version.language),
                }
                version.problems.append(Problem(block[0].no, "other_language", message % params))


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


class _Numbering:
    def __init__(self, problems: list[Problem]) -> None:
        self.expected = 1
        self.problems = problems

    def check(self, number: int, line: int) -> None:
        if number != self.expected:
            message = _(
                "Line %(line)s: number %(number)s was found where %(expected)s was expected; the "
                "entry is kept in its place and the list will be numbered again."
            )
            params = {"line": line, "number": number, "expected": self.expected}
            self.problems.append(Problem(line, "broken_numbering", message % params))
        self.expected = number + 1


def _read_section(lines: list[_Line], kind: str, version: ParsedVersion) -> None:
    target = version.organizations if kind == "organization" else version.individuals
    numbering = _Numbering(version.problems)
    marked = any(_NUMBER.match(x.text) or _BULLET.match(x.text) for x in lines)
    base = next((x.indent for x in lines if not x.text.startswith("|")), 0)
    table: list[str] = []  # the column kinds of the current table
    for line in lines:
        if line.text.startswith("|"):
            table = _table_row(line, kind, table, target, numbering, version.problems)
            continue
        table = []
        number, bullet = _NUMBER.match(line.text), _BULLET.match(line.text)
        content = (number or bullet)["v"] if (number or bullet) else line.text  # type: ignore[index]
        if line.indent > base and target and kind == "organization" and not number:
            target[-1].kind = "coalition"
            target[-1].members.append(content.strip())
            continue
        if number:
            numbering.check(int(number["n"]), line.no)
        elif marked and not bullet:
            message = _(
                "Line %(line)s: this entry has no number while the rest of the list is numbered; "
                "it was kept in its place: “%(text)s”."
            )
            params = {"line": line.no, "text": line.text}
            version.problems.append(Problem(line.no, "unnumbered_entry", message % params))
        entry = _organization(content) if kind == "organization" else _individual(content)
        entry.line = line.no
        target.append(entry)


def _cells(text: str) -> list[str]:
    cells = [c.strip() for c in re.split(r"(?<!\\)\|", text.strip())]
    return cells[1:-1] if text.strip().endswith("|") else cells[1:]


def _table_row(
    line: _Line,
    kind: str,
    columns: list[str],
    target: list[Signatory],
    numbering: _Numbering,
    problems: list[Problem],
) -> list[str]:
    cells = _cells(line.text)
    default = ["name", "title", "affiliation"] if kind == "individual" else ["name"]
    if re.fullmatch(r"[\s|:\-]*-[\s|:\-]*", line.text):
        return columns or default
    if not columns:
        folded = [_COLUMN_WORDS.get(_fold(c.strip("*_ :"))) for c in cells]
        if any(folded):
            mapped: list[str] = []
            for cell, column in zip(cells, folded, strict=True):
                if kind == "organization" and column == "affiliation" and "name" not in folded:
                    column = "name"
                if column not in _ALLOWED[kind] or column in mapped:
                    message = _("Line %(line)s: the table column “%(column)s” was not recognized.")
                    params = {"line": line.no, "column": cell}
                    problems.append(Problem(line.no, "unknown_column", message % params))
                    column = ""
                mapped.append(column or "")
            return mapped
        columns = default
    values: dict[str, str] = {}
    for n, cell in enumerate(cells):
        column = columns[n] if n < len(columns) else ""
        if column == "number" and not cell.rstrip(".").isdigit():
            column = ""
        if cell and not column:
            message = _("Line %(line)s: a table value could not be placed in a column: “%(text)s”.")
            params = {"line": line.no, "text": cell}
            problems.append(Problem(line.no, "unknown_column", message % params))
        elif cell:
            values[column] = cell
    if not values.get("name"):
        if values:
            problems.append(_unplaced(line))
        return columns
    if values.get("number", "").rstrip(".").isdigit():
        numbering.check(int(values["number"].rstrip(".")), line.no)
    entry = Signatory(kind=kind, name=values["name"], line=line.no)
    entry.acronym, entry.country = values.get("acronym", ""), values.get("country", "")
    entry.title, entry.affiliation = values.get("title", ""), values.get("affiliation", "")
    if values.get("members"):
        entry.kind, entry.members = "coalition", _split_members(values["members"])
    target.append(entry)
    return columns


def _split_members(text: str) -> list[str]:
    pieces = [p.strip() for p in re.split(r"[;,]", text) if p.strip()]
    members: list[str] = []
    for piece in pieces:
        if members and (_LEGAL.match(piece) or piece.startswith(")")):
            members[-1] = f"{members[-1]}, {piece}"
        else:
            members.append(piece)
    return members


def _top_level_colon(text: str) -> int:
    depth = 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char == ":" and depth == 0 and not text.startswith("//", i + 1):
            return i
    return -1


def _country(text: str) -> tuple[str, str]:
    """Split a trailing known country, in parentheses or after a comma."""
    match = re.fullmatch(r"(?P<rest>.+?)\s*(?:\((?P<a>[^()]+)\)|,\s*(?P<b>[^,()]+))", text)
    if match:
        country = (match["a"] or match["b"] or "").strip()
        if _fold(country) in _COUNTRIES:
            return match["rest"].strip(), country
    return text, ""


def _acronym_like(text: str) -> bool:
    words = text.split()
    uppers = sum(c.isupper() for c in text)
    return (
        0 < len(words) <= 3
        and len(text) <= 30
        and not text[0].islower()
        and uppers >= 2
        and "://" not in text
        and _fold(text) not in _COUNTRIES
    )


def _acronym(text: str) -> tuple[str, str]:
    """Name and acronym of "Long name (SHORT)", "SHORT (Long name)" or "Long name – SHORT"."""
    match = re.fullmatch(r"(?P<a>.+?[^\]\s])\s*\((?P<b>[^()]+)\)", text) or re.fullmatch(
        r"(?P<a>.+?)\s+[-–—]\s+(?P<b>[^-–—]+)", text
    )
    if match:
        a, b = match["a"].strip(), match["b"].strip()
        short, long = sorted((a, b), key=lambda s: (len(s.split()), len(s)))
        if _acronym_like(short) and (len(short.split()), len(short)) < (
            len(long.split()),
            len(long),
        ):
            return long, short
    return text, ""


def _organization(text: str) -> Signatory:
    text = text.strip().rstrip(";,").strip()
    entry = Signatory(kind="organization", name=text)
    colon = _top_level_colon(text)
    head = text
    if colon > 0:
        head, entry.members = text[:colon].strip(), _split_members(text[colon + 1 :])
        entry.kind = "coalition" if entry.members else entry.kind
    if _COALITION.search(head):
        entry.kind = "coalition"
        head = _COALITION.sub(" ", head).strip()
    head, entry.country = _country(head)
    entry.name, entry.acronym = _acronym(head)
    return entry


def _individual(text: str) -> Signatory:
    text, country = _country(text.strip().rstrip(";,").strip())
    entry = Signatory(kind="individual", name=text, country=country)
    dash = re.search(r"\s+[–—]\s+|\s+-\s+", text)
    paren = re.fullmatch(r"(?P<a>[^()]+?)\s*\((?P<b>[^()]+)\)", text)
    if dash:
        entry.name, rest = text[: dash.start()].strip(), text[dash.end() :].strip()
        if "," in rest:
            entry.title, entry.affiliation = (p.strip() for p in rest.split(",", 1))
        elif rest[:1].islower():
            entry.title = rest
        else:
            entry.affiliation = rest
    elif "," in text:
        entry.name, entry.affiliation = (p.strip() for p in text.split(",", 1))
    elif paren:
        entry.name, entry.affiliation = paren["a"].strip(), paren["b"].strip()
    return entry
