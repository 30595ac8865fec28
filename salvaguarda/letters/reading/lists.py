"""The signatory lists of one language version: organizations (coalitions with their members)
and individuals, in every layout they are pasted in.

An entry starts at a number ("1.", "1)", "1 -"), a bullet ("-", "*", "•") or, in a list without
either, at each line. A line that does not start an entry continues the one before when that
entry's member list is open (it ends with ":", ",", ";" or "integrada por", or already has
members), when it starts with a small letter, or when it is indented under it; a blank line
does not close a member list that is still open. A coalition's members are split at the list's
own separator: ";" when the list uses it (commas then belong to the names, "Centro X, A.C."),
else ",", a legal form ("A.C.", "S.C.", "Inc.") staying with its name, and a final "y", "and",
"e" or "et" before a new name.

Tables: a header row names the columns; a row of separators is skipped; a table whose cells
each start with a number ("| 1. Ana | 8. Luis |") is read in number order, down each column.

Nothing is dropped silently: an entry over 300 characters, one made of table punctuation, a
number skipped or repeated and an entry without a number in a numbered list are reported with
their line.
"""

import re
from dataclasses import dataclass, field

from salvaguarda.letters.document import Problem, Signatory
from salvaguarda.letters.document import Said as _
from salvaguarda.letters.reading.words import (
    CLOSING,
    COALITION_WORDS,
    MEMBERS_INLINE,
    MEMBERS_OPEN,
    ORGANIZATION_STARTS,
    fold,
)
from salvaguarda.letters.reading.words import (
    OPENERS as _OPENERS,
)

LONG_ENTRY = 300
NUMBER = re.compile(r"^(?P<n>\d{1,4})\s*(?:[.)º°][-–]?|\s[-–—]|\s*-(?=\s))\s*(?P<v>.*)$")
# A member numbered under its coalition's number: "2.1 Fundación X", "2.3. Clínica Y".
SUB_NUMBER = re.compile(r"^\d{1,3}\.\d{1,2}\.?\)?\s+(?P<v>\S.*)$")
BULLET = re.compile(r"^(?:[-*•+▪◦·–—]|[a-z][.)])\s+(?P<v>.*)$")
PUNCTUATION = re.compile(r"[\s|:\-–—+=*_.#]*")
_LEGAL = re.compile(
    r"^(?:a\.?\s?c\.?|i\.?\s?a\.?\s?p\.?|s\.?\s?c\.?|a\.?\s?b\.?\s?p\.?|inc\.?|ltd\.?|llc|"
    r"e\.?\s?v\.?|asbl|s\.?\s?a\.?(?:\s+de\s+c\.?\s?v\.?)?|a\.?\s?r\.?|o\.?\s?s\.?\s?c\.?|"
    r"ong|n\.?\s?g\.?\s?o\.?|ltda\.?|ac|iap|sc|a\.\s?p\.?)$",
    re.IGNORECASE,
)
_MARKUP = re.compile(r"^[*_]+|[*_]+$")
_ARTICLES = frozenset("el la los las the al otro sin de del y".split())

_AND = re.compile(r"\s+(?:y|and|e|et|&)\s+(?=\S)")
COALITION_MARK = re.compile(
    r"\s*\((?:coalici[oó]n|coalition|coaliz[aã]o|red|network|rede|réseau|alianza|alliance|"
    r"aliança|colectivo|collectif|coletivo|frente|plataforma|platform|plateforme)\)\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Line:
    no: int  # 1-based
    text: str  # stripped, non-breaking spaces made plain
    indent: int  # leading width, a tab counting 4


def unplaced(line: Line) -> Problem:
    message = _("Line %(line)s could not be placed in the letter: “%(text)s”.")
    return Problem(line.no, "unplaced_line", message % {"line": line.no, "text": line.text})


def plain(text: str) -> str:
    """An entry as written: without Markdown emphasis, footnote markers and final punctuation
    (its links kept, to be shown as links)."""
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", r"\2", text)

    text = re.sub(r"\[\^?\d+\]|(?<=[^\s\d])\^\d+", "", text)  # footnote markers
    text = " ".join(text.split()).strip().rstrip(";,").strip()
    return without_full_stop(text)


# A name may end with an abbreviation whose period is part of it: "A.C.", "S.A. de C.V.",
# "Esq.", "Inc.", "Jr.", "Ltda.".
_ABBREVIATION_END = re.compile(
    r"(?:(?:^|[\s,(])(?:\w{1,4}\.){2,}|\b(?:esq|inc|jr|sr|ltd|ltda|co|corp|cía|cia|bros|"
    r"hnos|núm|no|mtro|mtra|dr|dra|lic|ing|prof|profa|st)\.)$",
    re.IGNORECASE,
)


def without_full_stop(text: str) -> str:
    """A name without the full stop that ends its sentence, keeping the period of an
    abbreviation it ends with ("Centro X, A.C.", "Esq.")."""
    text = text.rstrip()
    if text.endswith(".") and not _ABBREVIATION_END.search(text):
        return text[:-1].rstrip()
    return text


class Numbering:
    """The numbers of one kind of list, checked as they come. Under a heading or a label
    (a sub-heading: "Pastorales", then "Redes y articulaciones") the numbers may go on from
    the part before or start again at 1; a number skipped or repeated is reported."""

    def __init__(self, problems: list[Problem]) -> None:
        self.expected = 1
        self.problems = problems
        self.restart = True  # at a (sub-)heading: 1 is also expected

    def sub_heading(self) -> None:
        self.restart = True

    def check(self, number: int, line: int) -> None:
        restarted = self.restart and number == 1
        self.restart = False
        if number != self.expected and not restarted:
            message = _(
                "Line %(line)s: number %(number)s was found where %(expected)s was expected; the "
                "entry is kept in its place and the list will be numbered again."
            )
            params = {"line": line, "number": number, "expected": self.expected}
            self.problems.append(Problem(line, "broken_numbering", message % params))
        self.expected = number + 1


@dataclass
class _Entry:
    line: Line
    text: str
    members: list[str] = field(default_factory=list)  # member lines or pieces, as written
    open: bool = False  # a member list that goes on

    def add(self, text: str) -> None:
        if self.text.count("(") > self.text.count(")") or (
            not self.members and _inline_list(self.text)
        ):
            self.text = f"{self.text} {text}"  # the parenthesis that holds the members goes on
            self.open = self.text.count("(") > self.text.count(")") or _opens(text)
            return
        self.members.append(text)
        self.open = _opens(text) or bool(re.search(r"[,;:]$|\s(?:y|and|e|et)$", text))


def _inline_list(text: str) -> bool:
    """An entry that holds its member list: "Red X, integrada por A, B" or "Red X: A, B"."""
    colon = _top_level_colon(text)
    if MEMBERS_OPEN.search(_MARKUP.sub("", text.strip())):
        return False  # "…, integrada por las clínicas de:": the members follow on other lines
    return bool(
        any(
            text[: m.start()].count("(") == text[: m.start()].count(")")
            for m in MEMBERS_INLINE.finditer(text)
        )
        or (colon > 0 and text[colon + 1 :].strip())
    )


def _opens(text: str) -> bool:
    """An entry whose member list goes on: it ends with ":", ",", ";", "integrada por" or the
    list's final "y" / "and" / "e" / "et", or leaves a parenthesis open."""
    bare = _MARKUP.sub("", text.strip())
    return bool(
        MEMBERS_OPEN.search(bare)
        or bare.endswith(":")
        or re.search(r"[,;]$|\s(?:y|and|e|et|&)$", bare)
        or bare.count("(") > bare.count(")")
    )


def _legal_form(piece: str) -> bool:
    """A piece that is only a legal form, perhaps with a role after it in parentheses:
    "A.C.", "A.B.P. (secretaría técnica)"; it belongs to the name before it."""
    bare = re.sub(r"\s*\([^()]*\)\.?$", "", piece).strip()
    return bool(bare) and bool(_LEGAL.match(bare) or _LEGAL.match(bare.rstrip(".")))


def inline_entries(line: Line, text: str) -> list[Line]:
    """A list written on its heading's line, one entry a line: split at ";" when the list uses
    it, else at the commas outside parentheses (a legal form staying with its name)."""
    separator = ";" if _top_level(text, ";") else ","
    pieces: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char == separator and depth <= 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    entries: list[str] = []
    for piece in (p.strip() for p in pieces):
        piece = without_full_stop(re.sub(r"^(?:y|and|e|et)\s+", "", piece).strip())
        if not piece:
            continue
        if entries and _legal_form(piece):
            entries[-1] = f"{entries[-1]}, {piece}"
        else:
            entries.append(piece)
    last = entries[-1] if entries else ""
    # The final "y" / "and" before the last name, outside any parenthesis ("Mesa X (integrada
    # por A, B y C)" keeps its members), before a word that starts an organization's name
    # ("Clínica de Migrantes y Refugiados" is one name).
    # ("Clínica de Migrantes y Refugiados – Universidad X" is one name), or in a list of three
    # or more, before a name with such a word ahead of any dash.
    found = [m for m in _AND.finditer(last) if _depth(last, m.start()) == 0]
    after = last[found[-1].end() :] if found else ""
    starts = ORGANIZATION_STARTS - _ARTICLES
    named = any(fold(w) in starts for w in re.split(r"\s[–—-]\s", after)[0].split())
    if (
        found
        and after[:1].isupper()
        and (fold(after.split()[0]) in starts or (len(entries) >= 3 and named))
    ):
        entries[-1:] = [last[: found[-1].start()], after]
    return [Line(line.no, f"- {entry}", line.indent) for entry in entries]


def _depth(text: str, at: int) -> int:
    """How many parentheses or brackets are open at ``at``."""
    before = text[:at]
    return before.count("(") + before.count("[") - before.count(")") - before.count("]")


def split_members(text: str) -> list[str]:
    """A member list as its own separator splits it (see the module doc)."""
    text = without_full_stop(text.strip().lstrip(".").strip())
    depth, pieces, start = 0, [], 0
    # A middle dot between members ("A, A.C. · B · C") is the list's separator.
    separator = "·" if _MIDDLE_DOT.search(text) else ";" if _top_level(text, ";") else ","
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char == separator and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    if separator == ";":
        pieces = [part for piece in pieces for part in _two_names(piece)]
        pieces = [part for piece in pieces for part in _comma_and(piece)]
    members: list[str] = []
    introduced = False  # the last member came after the list's final "and" (", and C & D")
    for piece in (p.strip() for p in pieces):
        introduced = bool(re.match(r"(?:y|and|e|et|&)\s+", piece))
        piece = re.sub(r"^(?:y|and|e|et|&)\s+|,?\s+(?:y|and|e|et|&)$", "", piece)
        if not piece:
            continue
        if members and separator == "," and _legal_form(piece):
            members[-1] = f"{members[-1]}, {piece}"
        else:
            members.append(piece)
    if members and (len(members) > 1 or separator == ";") and not introduced:
        last = members[-1]
        found = list(_AND.finditer(last))
        if found:
            after = last[found[-1].end() :].strip()
            before = last[: found[-1].start()].strip()
            named = any(fold(w) in ORGANIZATION_STARTS - _ARTICLES for w in after.split())
            listed = len(members) >= 3 and named and len(before.split()) >= 2
            if after[:1].isupper() and (listed or fold(after.split()[0]) in ORGANIZATION_STARTS):
                members[-1:] = [before, after]
    return [plain(m) for m in members if plain(m)]


def _comma_and(piece: str) -> list[str]:
    """A piece of a ";" list where the last two members are joined by a comma and the final
    conjunction ("Refugio B, A.C., y Observatorio C"): two members."""
    found = list(re.finditer(r",\s+(?:y|and|e|et)\s+(?=[A-ZÀ-Ý])", piece))
    if found and piece[: found[-1].start()].count("(") == piece[: found[-1].start()].count(")"):
        return [piece[: found[-1].start()], piece[found[-1].end() :]]
    return [piece]


# The institutions a member belongs to, after a comma: "Clínica Jurídica, Universidad del
# Soconusco", "Consultorio Jurídico, Facultad de Derecho…", "Pastoral Social, Diócesis de X",
# "Centro Pastoral X, Paróquia Y".
PARENTS = frozenset(
    fold(w)
    for w in "universidad universidade université university facultad faculdade faculté "
    "faculty escuela escola école school diócesis diocese diocèse arquidiócesis arquidiocese "
    "archdiocese archidiocèse vicaría parroquia paróquia paroisse parish".split()
)


def _two_names(piece: str) -> list[str]:
    """A piece of a ";" list with a comma between two names ("Casa A, Albergue B") is two; a
    comma before a legal form, a place or a role ("Centro X, A.C.") is part of one."""
    parts = [p.strip() for p in piece.split(",")]
    if len(parts) == 2 and fold(parts[1].split()[0] if parts[1] else "") in PARENTS:
        return [piece]  # "Clínica X, Universidad Y": a university's clinic, one member
    if len(parts) == 2 and all(
        p.split() and fold(p.split()[0]) in ORGANIZATION_STARTS and len(p.split()) >= 2
        for p in parts
    ):
        return parts
    return [piece]


def _top_level(text: str, char: str) -> bool:
    depth = 0
    for c in text:
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(depth - 1, 0)
        elif c == char and depth == 0:
            return True
    return False


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


def read_section(
    lines: list[Line],
    kind: str,
    problems: list[Problem],
    numbering: Numbering | None = None,
) -> list[Signatory]:
    """The entries of one list (``kind`` "organization" or "individual"); ``lines`` may hold
    blank lines (their text empty). ``numbering``: that of the part of the same list before
    this one's heading, whose numbers this part may go on."""
    lines = _two_columns(lines, kind)
    if kind == "individual":
        lines = _space_aligned(lines)
    filled = [x for x in lines if x.text]
    if numbering is None:
        numbering = Numbering(problems)
    numbering.sub_heading()
    numbered = any(NUMBER.match(x.text) for x in filled)
    marked = numbered or any(BULLET.match(x.text) for x in filled)
    base = next((x.indent for x in filled if not x.text.startswith("|")), 0)
    entries: list[_Entry] = []
    out: list[Signatory] = []
    table: list[Line] = []

    def flush() -> None:
        nonlocal table
        if table:
            out.extend(_table(table, kind, numbering, problems))
            table = []
        for entry in entries:
            out.append(_entry(entry, kind, problems))
        entries.clear()

    marks = [bool(NUMBER.match(x.text) or BULLET.match(x.text)) for x in filled]
    at = -1
    copying = False  # under a copy label alone on its line ("Con copia para:", "Cc:")
    after_blank = False
    for line in lines:
        if not line.text:
            after_blank = True
            continue
        at += 1
        text = line.text
        blank, after_blank = after_blank, False
        if COPY_LABEL.match(text) or (
            copying and not (blank and not BULLET.match(text) and not NUMBER.match(text))
        ):
            # The copy's recipients under the label, to a blank line that a list of them
            # does not cross: none signs.
            copying = True
            if entries or table:
                flush()
            problems.append(unplaced(line))
            continue
        copying = False
        if HASHTAGS.fullmatch(text):
            problems.append(unplaced(line))  # a campaign's hashtag under the lists
            continue
        if FOOTNOTE.match(text):
            problems.append(_footnote(line))
            continue
        if COPY_LINE.match(text) or CONTACT_LINE.match(text):
            # a copy's recipient, or a contact for the press, is not a signatory
            problems.append(unplaced(line))
            continue
        if CLOSING.match(text) and not (entries and entries[-1].open):
            problems.append(unplaced(line))  # "Fraternalmente," after the lists
            continue
        label = (
            marked and not marks[at] and _group_label(text, marks[at + 1 : at + 2], entries)
        ) or (
            not (entries and entries[-1].open)
            and (
                (_capital_label(text) and not marked)
                or (kind == "organization" and _place_label(text))
                or (not marked and _bold_label(text, filled[at + 1 : at + 2]))
            )
        )
        if label:  # a label over part of the list ("Academia", "NATIONAL ORGANIZATIONS")
            message = _("Line %(line)s: “%(text)s” was read as a label over part of the list.")
            problems.append(
                Problem(line.no, "list_label", message % {"line": line.no, "text": text})
            )
            numbering.sub_heading()
            continue

        if re.fullmatch(r"\(.*\)\.?", text) and not (entries and entries[-1].open):
            problems.append(unplaced(line))  # a note: "(lista de firmas en proceso)"
            continue

        if text.startswith("|") or (
            "\t" in text and kind == "individual" and len(text.split("\t")) > 1
        ):
            if entries:
                flush()
            table.append(line)
            continue
        if table:
            flush()
        number, bullet = NUMBER.match(text), BULLET.match(text)
        current = entries[-1] if entries else None
        sub = SUB_NUMBER.match(text)
        if sub and current is not None and kind == "organization":
            current.add(sub["v"])  # "2.1 Fundación X" under "2. Red Y, integrada por:"
            continue
        if number:
            if current and current.open and kind == "organization" and line.indent > base:
                current.add(number["v"])
                continue
            numbering.check(int(number["n"]), line.no)
            entries.append(_Entry(line, number["v"]))
            entries[-1].open = kind == "organization" and _opens(number["v"])
            continue
        content = bullet["v"] if bullet else text
        if current is not None and kind == "organization":
            under = line.indent > base or (numbered and bullet is not None)
            continues = current.open or (not marked and current.members and line.indent > base)
            wrapped = (
                numbered and not bullet and (content[:1].islower() or _inline_list(current.text))
            )
            if under or continues or wrapped:
                current.add(content)
                continue
        if (
            current is not None
            and kind == "individual"
            and (
                (numbered and content[:1].islower())
                # "Ana Ruiz (coordinadora," broken before the rest of its parenthesis
                or (current.text.count("(") > current.text.count(")") and not number)
            )
        ):
            current.text = f"{current.text} {content}"
            continue
        if numbered and not bullet:
            message = _(
                "Line %(line)s: this entry has no number while the rest of the list is numbered; "
                "it was kept in its place: “%(text)s”."
            )
            problems.append(
                Problem(line.no, "unnumbered_entry", message % {"line": line.no, "text": text})
            )
        entries.append(_Entry(line, content))
        entries[-1].open = kind == "organization" and _opens(content)
    flush()
    return [entry for entry in out if _kept(entry, problems)]


_SPACED = re.compile(r"\s{2,}")
_GUTTER = re.compile(r"\s{3,}")


def _two_columns(lines: list[Line], kind: str) -> list[Line]:
    """A list pasted in two plain-text columns, a run of spaces between them ("Casa A
    Albergue B" on one line): each column's entry read on its own, row by row (left, then
    right), or by number when every cell is numbered (numbers across the rows or down the
    columns). It is one when two rows or more in a row split so into two cells of two words
    or more each; of the individuals, only when every cell is numbered (a name and an
    affiliation so aligned are a table's columns)."""
    out: list[Line] = []
    run: list[tuple[Line, list[str]]] = []

    def close() -> None:
        numbered = all(NUMBER.match(c) for _line, row in run for c in row)
        if len(run) >= 2 and (numbered or kind == "organization"):
            cells = [(line, c) for line, row in run for c in row]
            if numbered:
                cells.sort(key=lambda cell: int(NUMBER.match(cell[1])["n"]))  # type: ignore[index]
            out.extend(Line(line.no, c, line.indent) for line, c in cells)
        else:
            out.extend(line for line, _row in run)
        run.clear()

    for line in lines:
        row = _GUTTER.split(line.text) if line.text and "\t" not in line.text else []
        if len(row) == 2 and all(len(c.split()) >= 2 for c in row):
            run.append((line, row))
            continue
        close()
        out.append(line)
    close()
    return out


def _space_aligned(lines: list[Line]) -> list[Line]:
    """A table pasted with its columns aligned by runs of spaces ("Nombre      Entidad"): its
    rows read as tab-separated ones. It is one when a run of two rows or more, each with two
    cells or more, starts with a header row of column names, or runs over three rows or more
    with the same number of cells."""
    out = list(lines)
    run: list[int] = []

    def close() -> None:
        rows = [_SPACED.split(out[i].text) for i in run]
        header = all(_column(c) for c in rows[0]) if rows else False
        counts = {len(r) for r in rows}
        if (len(run) >= 2 and header) or (len(run) >= 3 and len(counts) == 1):
            for i, row in zip(run, rows, strict=True):
                out[i] = Line(out[i].no, "\t".join(row), out[i].indent)
        run.clear()

    for i, line in enumerate(out):
        if line.text and "\t" not in line.text and len(_SPACED.split(line.text)) >= 2:
            run.append(i)
        else:
            close()
    close()
    return out


# A contact line among or after the lists ("Contacto para medios: prensa@…", "Press contact:
# …", "Pour plus d'informations : …"): no signatory.
CONTACT_LINE = re.compile(
    r"^[*_]*(?:contactos?|contacts?|contatos?|prensa|press|media|medios|informes|"
    r"m[aá]s\s+informaci[oó]n|(?:for\s+)?more\s+information|pour\s+plus\s+d['’]informations?|"
    r"mais\s+informa[cç][oõ]es|renseignements)\b[^:]{0,40}:",
    re.IGNORECASE,
)

# A copy line after the lists ("C.c.p. Archivo.", "c.c. Comisión Estatal…"): no signatory.
COPY_LINE = re.compile(r"^[*_]*c\.\s?c\.(?:\s?p\.)?\s", re.IGNORECASE)
# A copy label alone on its line, the recipients on the lines under it: "Con copia para:",
# "Cc:", "C.c.p.:", "Copie à :", "Com cópia para:", "Copy to:".
COPY_LABEL = re.compile(
    r"^[*_]*(?:c\.?\s?c\.?(?:\s?p\.?)?|c/c|(?:con\s+|com\s+)?c[oó]pias?(?:\s+(?:a|à|para))?|"
    r"copies?(?:\s+(?:à|a|pour))?|cop(?:y|ies)(?:\s+to)?)\s*:[*_]*\s*$",
    re.IGNORECASE,
)

# A line of hashtags only: "#PeriodismoNoEsDelito", "#MigrarNoEsDelito #NiUnaMás".
HASHTAGS = re.compile(r"[*_]*#\w[\w-]*(?:\s+#\w[\w-]*)*[*_.]*")
FOOTNOTE = re.compile(r"^(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\[\^[^\]]+\]:|\(\d{1,2}\)\s|\[\d{1,2}\]\s)")


def _footnote(line: Line) -> Problem:
    message = _("Line %(line)s: a footnote was kept out of the lists: “%(text)s”.")
    return Problem(line.no, "footnote", message % {"line": line.no, "text": line.text})


def _group_label(text: str, following: list[bool], entries: list[_Entry]) -> bool:
    """A short unmarked line over marked entries, not a member list's continuation."""
    if not following or not following[0] or (entries and entries[-1].open):
        return False
    if entries and entries[-1].text.count("(") > entries[-1].text.count(")"):
        return False  # the rest of the entry's parenthesis
    if entries and re.match(r"[a-zà-ÿ]", _MARKUP.sub("", text).strip()):
        return False  # the rest of a name broken by a hard line break
    bare = _MARKUP.sub("", text).strip().rstrip(":")
    return 0 < len(bare.split()) <= 6 and "," not in bare and len(bare) <= 60


def _capital_label(text: str) -> bool:
    """ "NATIONAL ORGANIZATIONS", "MEXICO-BASED ORGANIZATIONS": a label in capitals."""
    bare = _MARKUP.sub("", text).strip().rstrip(":")
    letters = [c for c in bare if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and len(bare.split()) >= 2


_BOLD = re.compile(r"(\*\*|__)(?P<v>[^*_]+)\1:?")


def _bold_label(text: str, following: list[Line]) -> bool:
    """ "**Legal service providers**" alone on its line over plain entries: a label in bold
    over part of an unmarked list (short, no comma); an entry in bold among bold ones is not."""
    bold = _BOLD.fullmatch(text.strip())
    if not bold or not following or _BOLD.fullmatch(following[0].text.strip()):
        return False
    bare = bold["v"].strip().rstrip(":")
    return 0 < len(bare.split()) <= 8 and "," not in bare and len(bare) <= 70


def _place_label(text: str) -> bool:
    """ "Arizona", "Texas:", "Chiapas", "**Brasil**", "Nueva York", "Boa Vista": a country, a
    state or a city alone on its line groups the organizations under it by place; no
    organization is named only so."""
    bare = _MARKUP.sub("", text).strip().rstrip(":")
    return fold(bare) in COUNTRIES or fold(bare) in REGIONS


def _whole(entry: Signatory) -> str:
    """An entry as written with any table cell it was given (title, affiliation)."""
    text = entry.written or entry.name
    extra = [part for part in (entry.title, entry.affiliation) if part and part not in text]
    return ", ".join([text, *extra])


def _kept(entry: Signatory, problems: list[Problem]) -> bool:
    """Entries made of table punctuation are reported, not kept; long ones are kept, reported."""
    if not entry.name or PUNCTUATION.fullmatch(entry.written or entry.name):
        problems.append(
            Problem(
                entry.line,
                "table_punctuation",
                _("Line %(line)s: “%(text)s” is not a signatory; it was left out.")
                % {"line": entry.line, "text": "; ".join([entry.written, *entry.members])},
            )
        )
        return False
    too_long = [entry.written, *entry.members]
    if entry.kind == "individual" and (
        len(entry.name.split()) > 7 or re.search(r"\d", entry.name) or not entry.name[:1].isupper()
    ):
        problems.append(
            Problem(
                entry.line,
                "not_a_person",
                _(
                    "Line %(line)s: this does not read as a person's name; it was left out: "
                    "“%(text)s”."
                )
                % {"line": entry.line, "text": _whole(entry)},
            )
        )
        return False
    if any(len(text) > LONG_ENTRY for text in too_long):
        problems.append(
            Problem(
                entry.line,
                "long_entry",
                _(
                    "Line %(line)s: an entry is longer than %(count)s characters; check that it "
                    "is one signatory: “%(text)s”."
                )
                % {
                    "line": entry.line,
                    "count": LONG_ENTRY,
                    "text": max(too_long, key=len)[:120] + "…",
                },
            )
        )
    return True


def _entry(entry: _Entry, kind: str, problems: list[Problem]) -> Signatory:
    if kind == "individual":
        found = individual(entry.text)
    else:
        found = organization(entry.text, entry.members)
    found.line = entry.line.no
    return found


# --- one entry -------------------------------------------------------------------------------


def organization(text: str, member_lines: list[str] | None = None) -> Signatory:
    """An organization or a coalition: "Name (ACR)", "ACR - Name", "Name, A.C., México",
    "Coalition: a, b; c", "Coalition, integrada por a, b y c", "Coalition (a, b, c)"."""
    text = _MARKUP.sub("", text.strip()).strip()
    head, member_text = text, ""
    opened = next(
        (
            m
            for pattern in (MEMBERS_OPEN, MEMBERS_INLINE)
            for m in pattern.finditer(text)
            if text[: m.start()].count("(") == text[: m.start()].count(")")
        ),
        None,
    )
    if opened is not None:
        head, member_text = text[: opened.start()], text[opened.end() :]
    else:
        colon = _top_level_colon(text)
        if colon > 0:
            after = split_members(text[colon + 1 :])
            if len(after) >= 2 or member_lines or _coalition_word(text[:colon]) or not after:
                head, member_text = text[:colon], text[colon + 1 :]
    member_text = member_text.strip()
    if member_text.startswith("(") and member_text.endswith(")"):
        member_text = member_text[1:-1]  # "on behalf of its members (A; B; C)"
    members = split_members(member_text) if member_text else []
    for extra in _rejoined(member_lines or []):
        # "Integrantes: A · B · C" on the line under the coalition: the label is no member.
        extra = re.sub(r"^[*_]*(?:" + _OPENERS + r")\s*:[*_]*\s*", "", extra, flags=re.I)
        members.extend(split_members(extra) if _list_like(extra) else [plain(extra)])
    members = [m for m in members if m]
    head = head.strip().rstrip(":,;–—-").strip()
    if not members:
        head, members = _members_in_parentheses(head)
    entry = Signatory(kind="coalition" if members else "organization", name=head)
    entry.members = members
    entry.written = plain(head)
    name = head
    if COALITION_MARK.search(name):
        entry.kind = "coalition"
        name = COALITION_MARK.sub(" ", name).strip()
    name, entry.country = _country(plain(name))
    entry.name, entry.acronym = _acronym(name)
    return entry


_ROLE = re.compile(r"(?P<name>.+?)\s*\((?P<role>[^()]+)\)")
# "Ana Ruiz Soto, directora": a name then a role in small letters ("El Paso, Texas" is a place).
_PERSON_THEN_ROLE = re.compile(
    r"(?:[A-ZÀ-Ý][\w'’.-]*\s+){1,5}[A-ZÀ-Ý][\w'’.-]*,\s*[^\W\d_A-ZÀ-Ý].*"
)


def member_role(text: str) -> tuple[str, str]:
    """A member's name and the role or representative in its last parenthesis, as a list
    writes it after the name: "Casa X, A.C. (coordinación)", "Centro Y (Ana Ruiz Soto,
    directora)". A parenthesis that is a place, an acronym or a qualifier ("(Tijuana)",
    "(CX)") is part of the name."""
    match = _ROLE.fullmatch(text.strip())
    if match is None:
        return text, ""
    role = match["role"].strip()
    if role[:1].islower() or _PERSON_THEN_ROLE.fullmatch(role):
        return match["name"].strip(), role
    return text, ""


def _rejoined(member_lines: list[str]) -> list[str]:
    """Member lines with a name broken by a hard line break joined again: a line that starts
    with a small letter ("de Estudiantes Nicaragüenses") goes on the line before it, unless
    it starts with the list's final "y" / "and" / "e" / "et"."""
    out: list[str] = []
    for line in member_lines:
        text = line.strip()
        if out and re.match(r"[a-zà-ÿ]", text) and not re.match(r"(?:y|and|e|et|&)\s", text):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    return out


def _coalition_word(text: str) -> bool:
    return any(fold(w) in COALITION_WORDS for w in text.split()[:3])


def _members_in_parentheses(head: str) -> tuple[str, list[str]]:
    """ "Alianza X (Casa A, Red B, Casa C, A.C.)": the last parenthesis holds members when it
    lists three or more, or two that read as organizations' names (not a place, "El Paso,
    Texas", nor a role)."""
    if not head.endswith(")"):
        return head, []
    depth = 0
    for i in range(len(head) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(head[i], 0)
        if depth == 0:
            break
    inner, before = head[i + 1 : -1], head[:i].strip()
    opener = re.match(_OPENERS + r"\s*:?\s*", inner, re.IGNORECASE)
    inner = inner[opener.end() :] if opener else inner
    if not before or not (_top_level(inner, ",") or _top_level(inner, ";")):
        return head, []
    pieces = split_members(inner)
    named = [p for p in pieces if len(p.split()) >= 2 and fold(p.split()[0]) in ORGANIZATION_STARTS]
    long = [p for p in pieces if len(p.split()) >= 2 and fold(p) not in COUNTRIES]
    if len(named) >= 2 or (len(pieces) >= 3 and len(long) * 2 >= len(pieces) + 1):
        return before, pieces
    return head, []


_MIDDLE_DOT = re.compile(r"\S\s+·\s+\S")


def _list_like(text: str) -> bool:
    return (
        bool(_MIDDLE_DOT.search(text))
        or _top_level(text, ";")
        or text.count(",") >= 2
        and not _LEGAL.search(text.split(",")[-1].strip())
    )


def _top_level_comma(text: str) -> re.Match[str] | None:
    """The first comma outside parentheses: "Ana Ruiz (cacica, Abrigo X)" has none."""
    depth = 0
    for m in re.finditer(r"[()]|,\s*", text):
        if m.group() == "(":
            depth += 1
        elif m.group() == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            return m
    return None


def individual(text: str) -> Signatory:
    """A person: "Name, title, affiliation", "Name – affiliation", "Name (affiliation)"."""
    written = plain(text)
    text, country = _country(written)
    entry = Signatory(kind="individual", name=text, country=country, written=written)
    dash = re.search(r"\s+[–—]\s+|\s+-\s+|\s+\|\s+|\s+/\s+", text)
    paren = re.fullmatch(r"(?P<a>[^()]+?)\s*\((?P<b>[^()]+)\)", text)
    comma = _top_level_comma(text)
    if dash and (not comma or dash.start() < comma.start()):
        entry.name, rest = text[: dash.start()].strip(), text[dash.end() :].strip()
        if "," in rest:
            entry.title, entry.affiliation = (p.strip() for p in rest.split(",", 1))
        elif rest[:1].islower():
            entry.title = rest
        else:
            entry.affiliation = rest
    elif comma:
        entry.name, rest = text[: comma.start()].strip(), text[comma.end() :].strip()
        if "," in rest and rest[:1].islower():
            entry.title, entry.affiliation = (p.strip() for p in rest.split(",", 1))
        else:
            entry.affiliation = rest
    elif paren:
        entry.name, entry.affiliation = paren["a"].strip(), paren["b"].strip()
    return entry


COUNTRIES = frozenset(
    fold(c)
    for c in (
        "México Mexico Mexique Guatemala Honduras Nicaragua Panamá Colombia Colombie Venezuela "
        "Ecuador Équateur Perú Peru Pérou Bolivia Bolivie Chile Chili Argentina Argentine Uruguay "
        "Paraguay Brasil Brazil Brésil Cuba Haití Haiti Belice Belize Canadá Canada España Spain "
        "Espagne Espanha Francia France França Alemania Germany Allemagne Alemanha Italia Italy "
        "Portugal Suiza Switzerland Suisse Suíça Bélgica Belgium Belgique Holanda Netherlands "
        "Pays-Bas USA EEUU EE.UU. EUA US UK Colômbia Equador Guatemala/México México/EE.UU."
    ).split()
    + ["El Salvador", "Costa Rica", "Estados Unidos", "United States", "États-Unis", "Reino Unido"]
    + ["United Kingdom", "Royaume-Uni", "República Dominicana", "Dominican Republic", "Puerto Rico"]
    + ["Países Bajos", "Estados Unidos de América", "United States of America", "EE. UU."]
)


# Places the network's letters group their signatories by: the states of Mexico, the United
# States and Brazil (as written in their own language and as the other versions name them),
# and the region's larger cities.
REGIONS = frozenset(
    fold(r)
    for r in (
        "Aguascalientes|Baja California|Baja California Sur|Campeche|Chiapas|Chihuahua|Coahuila|"
        "Colima|Ciudad de México|CDMX|Durango|Guanajuato|Guerrero|Hidalgo|Jalisco|"
        "Estado de México|Michoacán|Morelos|Nayarit|Nuevo León|Oaxaca|Puebla|Querétaro|"
        "Quintana Roo|San Luis Potosí|Sinaloa|Sonora|Tabasco|Tamaulipas|Tlaxcala|Veracruz|"
        "Yucatán|Zacatecas|Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|"
        "Delaware|District of Columbia|Washington, D.C.|Florida|Georgia|Hawaii|Idaho|Illinois|"
        "Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
        "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|"
        "New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|"
        "South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|"
        "West Virginia|Wisconsin|Wyoming|Acre|Alagoas|Amapá|Amazonas|Bahia|Ceará|"
        "Distrito Federal|Espírito Santo|Goiás|Maranhão|Mato Grosso|Mato Grosso do Sul|"
        "Minas Gerais|Pará|Paraíba|Paraná|Pernambuco|Piauí|Rio de Janeiro|Rio Grande do Norte|"
        "Rio Grande do Sul|Rondônia|Roraima|Santa Catarina|São Paulo|Sergipe|Tocantins|"
        # U.S. states as Spanish, Portuguese and French versions name them.
        "Nueva York|Nuevo México|Nueva Jersey|Nuevo Hampshire|Carolina del Norte|"
        "Carolina del Sur|Dakota del Norte|Dakota del Sur|Pensilvania|Luisiana|Misisipi|"
        "Misuri|Hawái|Virginia Occidental|Distrito de Columbia|Florida|Texas|Nova York|"
        "Novo México|Nova Jersey|Carolina do Norte|Carolina do Sul|Pensilvânia|Luisiana|"
        "Califórnia|Flórida|Havaí|Nouveau-Mexique|État de New York|Caroline du Nord|"
        "Caroline du Sud|Pennsylvanie|Louisiane|Floride|Californie|Géorgie|Virginie|"
        "Nouvelle-Jersey|Michoacán de Ocampo|Veracruz de Ignacio de la Llave|Edomex|"
        # The cities such lists are grouped by: the state capitals and border cities of
        # Mexico, Brazil's state capitals, the U.S. cities with the largest migrant
        # communities, and the capitals of the region.
        "Tijuana|Mexicali|Ciudad Juárez|Juárez|Nogales|Reynosa|Matamoros|Nuevo Laredo|"
        "Piedras Negras|Ciudad Acuña|Monterrey|Saltillo|Hermosillo|Culiacán|Guadalajara|"
        "Morelia|Toluca|Cuernavaca|Tlaxcala de Xicohténcatl|Pachuca|Xalapa|Villahermosa|"
        "Tuxtla Gutiérrez|San Cristóbal de las Casas|Tapachula|Mérida|Cancún|Chetumal|"
        "Oaxaca de Juárez|Acapulco|Chilpancingo|León|Irapuato|Celaya|Torreón|Durango|"
        "Zacatecas|San Luis Potosí|Ciudad Victoria|Tepic|La Paz|Ensenada|Ciudad de México|"
        "Manaus|Boa Vista|Belém|Macapá|Porto Velho|Rio Branco|Palmas|São Luís|Teresina|"
        "Fortaleza|Natal|João Pessoa|Recife|Maceió|Aracaju|Salvador|Belo Horizonte|Vitória|"
        "Rio de Janeiro|São Paulo|Curitiba|Florianópolis|Porto Alegre|Campo Grande|Cuiabá|"
        "Goiânia|Brasília|Foz do Iguaçu|Corumbá|"
        "New York City|NYC|Nueva York|Los Angeles|Los Ángeles|Chicago|Houston|Miami|"
        "San Antonio|San Diego|El Paso|Phoenix|Tucson|Dallas|Atlanta|Boston|Denver|Seattle|"
        "San Francisco|Oakland|Newark|Philadelphia|Filadelfia|Brownsville|McAllen|Laredo|"
        "Washington, DC|Washington DC|Washington D.C.|Orlando|Charlotte|Nashville|Portland|"
        "Guatemala City|Ciudad de Guatemala|Cidade da Guatemala|Tegucigalpa|San Pedro Sula|"
        "San Salvador|Managua|San José|Ciudad de Panamá|Panama City|Bogotá|Caracas|Quito|"
        "Lima|Puerto Príncipe|Port-au-Prince|Porto Príncipe|Santo Domingo|La Habana|Havana|"
        "Cayenne|Pointe-à-Pitre|Fort-de-France|Montréal|Montreal|Toronto|Madrid|Paris|"
        "Ginebra|Genève|Geneva|Genebra"
    ).split("|")
)


def _country_like(text: str) -> bool:
    return all(
        fold(p.strip()) in COUNTRIES for p in re.split(r"[,;/]| y | and ", text) if p.strip()
    )


def _country(text: str) -> tuple[str, str]:
    """Split a trailing known country, in parentheses or after a comma or a dash. Each form is
    tried on its own, so a comma earlier in the name ("…, A.C. – México") does not hide the
    dash before the country."""
    for form in (r"\((?P<c>[^()]+)\)", r",\s*(?P<c>[^,()]+)", r"\s[-–—]\s*(?P<c>[^-–—()]+)"):
        match = re.fullmatch(r"(?P<rest>.+?)\s*" + form, text)
        if match and fold(match["c"].strip()) in COUNTRIES:
            return match["rest"].strip().rstrip(",").strip(), match["c"].strip()
    # The country before the acronym: "Servicio Jesuita a Refugiados – Brasil (SJMR)", "Red X,
    # Guatemala (RX)": the acronym stays with the name, to be read as its acronym.
    acronym = re.fullmatch(r"(?P<rest>.+?[,\s][-–—]?\s*[^-–—(),]+?)\s*\((?P<a>[^()]+)\)", text)
    if acronym and _acronym_like(acronym["a"].strip()):
        rest, country = _country(acronym["rest"])
        if country:
            return f"{rest} ({acronym['a'].strip()})", country
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
        and fold(text) not in COUNTRIES
        and fold(text) not in REGIONS  # "Missão Paz – São Paulo": a city, not an acronym
    )


def _acronym(text: str) -> tuple[str, str]:
    """Name and acronym of "Long name (SHORT)", "SHORT (Long name)", "Long name – SHORT",
    "SHORT - Long name" or "SHORT Long name" (the acronym's letters start the name's words)."""
    match = re.fullmatch(r"(?P<a>.+?[^\]\s])\s*\((?P<b>[^()]+)\)", text) or re.fullmatch(
        r"(?P<a>.+?)\s+[-–—]\s+(?P<b>[^-–—]+)", text
    )
    if match:
        a, b = match["a"].strip(), match["b"].strip()
        short, long = sorted((a, b), key=lambda s: (len(s.split()), len(s)))
        # "Maison Kiskeya (Montréal, Montréal-Nord)": a short name of capitalized words over
        # places in a list is the name and where it is, not a short form and its long name.
        places = "," in long and not any(sum(c.isupper() for c in w) >= 2 for w in short.split())
        if (
            not places
            and _acronym_like(short)
            and (len(short.split()), len(short))
            < (
                len(long.split()),
                len(long),
            )
        ):
            return long, short
    first, _sep, rest = text.partition(" ")
    if (
        rest
        and re.fullmatch(r"[A-ZÁÉÍÓÚÑ]{3,10}", first)
        and len(rest.split()) >= 2
        and _initials_fit(first, rest)
    ):
        return rest, first
    return text, ""


def _initials_fit(acronym: str, name: str) -> bool:
    initials = "".join(w[0] for w in name.split() if w[:1].isupper())
    return fold(acronym[:2]) == fold(initials[:2])


# --- tables ----------------------------------------------------------------------------------

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
    "organization": {"name", "acronym", "country", "members", "number", "timestamp"},
    "individual": {"name", "title", "affiliation", "country", "number", "timestamp"},
}
_COLUMN_WORDS = {fold(w): k for k, v in _COLUMNS.items() for w in v.split()}
# Column names of more than one word, as a form export or a spreadsheet writes them.
_COLUMN_PHRASES = {
    "name": "nombre completo|full name|nom complet|nome completo|nombre y apellidos|"
    "first and last name|nom et prénom|nome e sobrenome",
    "affiliation": "organización a la que pertenece|organization or affiliation",
    # A form's timestamp: no signatory's data, only when the answer came.
    "timestamp": "marca temporal|timestamp|horodatage|carimbo de data/hora|fecha y hora|"
    "date and time",
}
_COLUMN_WORDS.update({fold(p): k for k, v in _COLUMN_PHRASES.items() for p in v.split("|")})


def _column(cell: str) -> str | None:
    """The column a header cell names, a note in parentheses left out ("Organización
    (opcional)")."""
    return _COLUMN_WORDS.get(fold(re.sub(r"\([^()]*\)", " ", cell).strip("*_ :")))


def cells(text: str) -> list[str]:
    if not text.startswith("|"):
        row = [c.strip() for c in re.split(r"\t+", text)]
        # "1. Name<TAB>Affiliation": a pasted row whose number shares the name's cell.
        # (A row of numbered cells, "1. A<TAB>8. B", is a grid read down its columns.)
        numbered = re.match(r"^(\d{1,3})[.)]\s+(\S.*)$", row[0]) if len(row) > 1 else None
        grid = any(re.match(r"^\d{1,3}[.)]\s", c) for c in row[1:])
        return [numbered[1], numbered[2], *row[1:]] if numbered and not grid else row
    parts = [c.strip() for c in re.split(r"(?<!\\)\|", text.strip())]
    return parts[1:-1] if text.strip().endswith("|") else parts[1:]


def _table(
    rows: list[Line], kind: str, numbering: Numbering, problems: list[Problem]
) -> list[Signatory]:
    """A table: columns named by a header, or cells that each start with a number (read in
    number order, down each column), or one entry a row."""
    grid = [(line, cells(line.text)) for line in rows if not PUNCTUATION.fullmatch(line.text)]
    numbered_cells = [
        (line, cell) for line, row in grid for cell in row if cell and NUMBER.match(cell)
    ]
    widest = max((len([c for c in row if c]) for _line, row in grid), default=0)
    if (
        widest > 1
        and numbered_cells
        and all(not c or NUMBER.match(c) or _column(c) for _line, row in grid for c in row)
    ):
        return _numbered_grid(numbered_cells, kind, numbering)
    out: list[Signatory] = []
    columns: list[str] = []
    default = ["name", "title", "affiliation"] if kind == "individual" else ["name"]
    for line, row in grid:
        if columns and not line.text.startswith("|"):
            # A pasted row keeps its empty cells (two tabs in a row) under a header.
            single = [c.strip() for c in line.text.split("\t")]
            if len(single) == len(columns):
                row = single
        folded = [_column(c) for c in row]
        if (
            not columns
            and any(folded)
            and sum(bool(f) for f in folded) >= len([c for c in row if c]) / 2
        ):
            columns = []
            for cell, column in zip(row, folded, strict=True):
                if kind == "organization" and column == "affiliation" and "name" not in folded:
                    column = "name"
                if cell and (column not in _ALLOWED[kind] or column in columns):
                    message = _("Line %(line)s: the table column “%(column)s” was not recognized.")
                    problems.append(
                        Problem(
                            line.no, "unknown_column", message % {"line": line.no, "column": cell}
                        )
                    )
                    column = ""
                columns.append(column or "")
            continue
        if not columns:
            columns = (["number"] if row and row[0].rstrip(".").isdigit() else []) + default
        entry = _table_entry(line, row, columns, kind, numbering, problems)
        if entry is not None:
            out.append(entry)
    return out


def _numbered_grid(
    found: list[tuple[Line, str]], kind: str, numbering: Numbering
) -> list[Signatory]:
    by_number: list[tuple[int, Line, str]] = []
    for line, cell in found:
        match = NUMBER.match(cell)
        assert match is not None  # noqa: S101 - filtered above
        by_number.append((int(match["n"]), line, match["v"]))
    out = []
    for number, line, text in sorted(by_number, key=lambda t: t[0]):
        numbering.check(number, line.no)
        entry = individual(text) if kind == "individual" else organization(text)
        entry.line = line.no
        out.append(entry)
    return out


def _table_entry(
    line: Line,
    row: list[str],
    columns: list[str],
    kind: str,
    numbering: Numbering,
    problems: list[Problem],
) -> Signatory | None:
    values: dict[str, str] = {}
    for n, cell in enumerate(row):
        column = columns[n] if n < len(columns) else ""
        if column == "number" and not cell.rstrip(".").isdigit():
            column = ""
        if cell and not column:
            message = _("Line %(line)s: a table value could not be placed in a column: “%(text)s”.")
            problems.append(
                Problem(line.no, "unknown_column", message % {"line": line.no, "text": cell})
            )
        elif cell:
            values[column] = cell
    if not values.get("name"):
        if values:
            problems.append(unplaced(line))
        return None
    if values.get("number", "").rstrip(".").isdigit():
        numbering.check(int(values["number"].rstrip(".")), line.no)
    name = plain(values["name"])
    if kind == "individual":
        entry = Signatory(kind=kind, name=name, written=name, line=line.no)
    else:
        entry = organization(name)
        entry.line = line.no
    entry.acronym = values.get("acronym", entry.acronym)
    entry.country = values.get("country", entry.country)
    entry.title, entry.affiliation = values.get("title", ""), values.get("affiliation", "")
    if values.get("members"):
        entry.kind, entry.members = "coalition", split_members(values["members"])
    return entry
