"""Shapes of signatory lists that are read around ``lists.read_section``: a list's lines
rewritten before it reads them, its entries corrected after, when the whole list has the shape.

- Organizations grouped by place, one line a place: "Córdoba: Asociación A, Clínica B." The
  place is a label over its entries, no signatory and no coalition. A line so is read when its
  label is a known place, or when two lines of the list or more have the shape and no label
  names an organization ("Red X: A, B" is a coalition and its members).
- A coalition whose entry says its members are listed below ("(member congregations listed
  below)") takes the entries under a later label that names it, to the list's end.
- Word's second-level "o" bullets, indented, are bullets.
- Individuals in one paragraph, separated by ";": one entry each.
- People written surname first, "Quispe Mamani, Rosa (docente, Universidad X)": the comma is
  inside the name and the parenthesis is the affiliation, when every entry of the list reads so.
"""

import re

from salvaguarda.letters.document import Problem, Signatory
from salvaguarda.letters.document import Said as _
from salvaguarda.letters.reading.lists import (
    BULLET,
    NUMBER,
    Line,
    inline_entries,
    organization,
    plain,
)
from salvaguarda.letters.reading.lists import _place_label as place_label
from salvaguarda.letters.reading.lists import _top_level_colon as top_level_colon
from salvaguarda.letters.reading.words import COALITION_WORDS, ORGANIZATION_STARTS, fold

_ARTICLES = frozenset("el la los las the al otro sin de del y".split())
_NAMING = (ORGANIZATION_STARTS - _ARTICLES) | COALITION_WORDS


def _grouping_label(text: str) -> tuple[str, str] | None:
    """ "Córdoba: A, B." -> ("Córdoba", "A, B."): a short label with no organization's word
    and no digit, then a list on the same line."""
    if NUMBER.match(text) or BULLET.match(text):
        return None
    bare = re.sub(r"^[*_]+|[*_]+$", "", text.strip())
    colon = top_level_colon(bare)
    if colon <= 0 or not bare[colon + 1 :].strip():
        return None
    label = re.sub(r"[*_]+", "", bare[:colon]).strip()
    words = label.split()
    if not 0 < len(words) <= 6 or re.search(r"[\d,()/]", label) or not label[:1].isupper():
        return None
    if any(fold(w) in _NAMING for w in words):
        return None
    return label, bare[colon + 1 :].strip()


def places_on_lines(lines: list[Line], kind: str) -> list[Line]:
    """Lines "Place: A, B, C." rewritten as the label alone, then one marked entry a name."""
    if kind != "organization":
        return lines
    found = {i: _grouping_label(line.text) for i, line in enumerate(lines) if line.text}
    grouped = {i: g for i, g in found.items() if g is not None}
    if not grouped:
        return lines
    many = len(grouped) >= 2
    out: list[Line] = []
    for i, line in enumerate(lines):
        group = grouped.get(i)
        if group is None or not (many or place_label(group[0])):
            out.append(line)
            continue
        label, rest = group
        out.append(Line(line.no, f"{label}:", line.indent))
        out.extend(inline_entries(line, rest))
    return out


# Word's second-level bullet pasted as a letter: "    o Tobago Welcome Centre".
_WORD_SUB_BULLET = re.compile(r"^o\s+(?=[A-ZÀ-Ý0-9\[])")


def word_sub_bullets(lines: list[Line]) -> list[Line]:
    """Indented lines starting "o " and a capital, two or more in the list: Word's sub-bullets
    (a coalition's members under it), read as bullets ("◦")."""
    found = [line for line in lines if line.indent > 0 and _WORD_SUB_BULLET.match(line.text)]
    if len(found) < 2:
        return lines
    marked = {line.no for line in found}
    return [
        Line(line.no, _WORD_SUB_BULLET.sub("◦ ", line.text), line.indent)
        if line.no in marked
        else line
        for line in lines
    ]


def people_on_one_line(lines: list[Line], kind: str) -> list[Line]:
    """Individuals written in one paragraph, "Name (affiliation); Name; Name (…).": one entry
    between each two semicolons outside parentheses."""
    if kind != "individual":
        return lines
    out: list[Line] = []
    for line in lines:
        text = line.text
        if text.startswith("|") or "\t" in text or top_level_count(text, ";") < 2:
            out.append(line)
            continue
        out.extend(inline_entries(line, text))
    return out


def top_level_count(text: str, char: str) -> int:
    """How many times ``char`` stands outside parentheses and brackets in ``text``."""
    depth, count = 0, 0
    for c in text:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(c, 0)
        count += c == char and depth <= 0
    return count


# "Quispe Mamani, Rosa (docente, …)": surnames, a comma, given names, the parenthesis.
_SURNAME_FIRST = re.compile(
    r"(?P<name>(?:[A-ZÀ-Ý][\w'’-]+\s+){0,3}[A-ZÀ-Ý][\w'’-]+,"
    r"(?:\s+[A-ZÀ-Ý][\w'’.-]*){1,3})\s*\((?P<affiliation>[^()]+)\)\.?"
)
# Roles written with a capital after a name: "Ana Ruiz, Director (X)" is not surname first.
_ROLES = frozenset(
    "director directora directeur directrice diretor diretora coordinator coordinadora "
    "coordinador coordenadora president presidenta presidente présidente chair founder "
    "fundadora fundador professor profesora profesor attorney abogada abogado pastor "
    "executive ejecutiva ejecutivo senior staff member miembro".split()
)


def surname_first(people: list[Signatory]) -> list[Signatory]:
    """Every entry "Surnames, Given names (affiliation)": the name keeps its comma."""
    matches = [m for p in people if (m := _SURNAME_FIRST.fullmatch(p.written))]
    if len(people) < 2 or len(matches) < len(people):
        return people
    if any(fold(w) in _ROLES for m in matches for w in m["name"].split(",", 1)[1].split()):
        return people
    for person, match in zip(people, matches, strict=True):
        person.name = plain(match["name"])
        person.title = ""
        person.affiliation = match["affiliation"].strip()
    return people


# "Coalition X (member congregations listed below)", "(integrantes más abajo)", "(membres
# ci-dessous)": the coalition's members are listed later, under a label that names it.
_BELOW = re.compile(
    r"\s*\((?P<v>[^()]{0,60}\b(?:below|abajo|abaixo|ci-dessous|plus\s+bas|al\s+final|"
    r"más\s+adelante|mais\s+adiante)\b[^()]{0,20})\)\.?$",
    re.IGNORECASE,
)
_MEMBER_WORDS = frozenset(
    "member members miembros integrantes membres membros congregations congregaciones "
    "congregações organizations organizaciones organisations organizações".split()
)


def members_listed_below(entries: list[Signatory], problems: list[Problem]) -> list[Signatory]:
    """A coalition whose entry says its members are listed below takes the entries under the
    label that names it ("Faith in Shelter Coalition member congregations"), to the list's end;
    the label is reported, no signatory."""
    for i, entry in enumerate(entries):
        below = _BELOW.search(entry.written)
        if below is None:
            continue
        name = entry.written[: below.start()].strip()
        for j in range(i + 1, len(entries)):
            label = entries[j]
            head, rest = fold(label.written)[: len(name)], fold(label.written)[len(name) :]
            words = set(re.findall(r"\w+", rest))
            if head != fold(name) or label.members or not words & _MEMBER_WORDS:
                continue
            coalition = organization(name)
            coalition.kind, coalition.line = "coalition", entry.line
            coalition.members = [member.written for member in entries[j + 1 :]]
            message = _("Line %(line)s: “%(text)s” was read as a label over part of the list.")
            problems.append(
                Problem(
                    label.line, "list_label", message % {"line": label.line, "text": label.written}
                )
            )
            return [*entries[:i], coalition, *entries[i + 1 : j]]
    return entries
