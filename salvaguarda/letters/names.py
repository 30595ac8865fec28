"""Signatory duplicates: comparison keys for organizations and people, and the duplicates of a
letter with a suggested merge. Pure functions, no models.

Positions in a ``Duplicate``:

* organizations: ``(index,)`` for an entry of the organizations list (an organization or a
  coalition signing as a block), ``(coalition index, member index)`` for a coalition member;
* individuals: ``(language index, position)``, the language index being the place of the
  language among the keys of ``individuals_by_language`` (0 = the reference language).

Merges suggested (``keep``):

* ``alone_and_in_coalition``: keep the member inside the coalition and remove the separate
  signature. The organization is then counted once, and the coalition's list, which the
  coalition sent as a block, is not edited by the letter's editors.
* ``same_organization``: keep the earlier position.
* ``individual_spelled_differently``: keep the reference language's spelling.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from salvaguarda.letters.document import Signatory

# Legal forms dropped from the end of an organization's name, as folded tokens.
LEGAL_SUFFIXES = tuple(
    tuple(s.split())
    for s in (
        "a c, ac, i a p, iap, s c, sc, a b p, abp, inc, llc, ltd, e v, ev, ong, asociacion civil,"
        " sociedad civil, institucion de asistencia privada, s a de c v"
    ).split(",")
)
# Countries dropped from the end of an organization's name, as folded tokens.
COUNTRIES = tuple(
    tuple(s.split())
    for s in (
        "mexico, mx, guatemala, usa, us, ee uu, eeuu, estados unidos, united states, honduras,"
        " el salvador, nicaragua, costa rica, panama, colombia, venezuela, haiti, cuba, canada,"
        " brasil, brazil, espana, spain, francia, france"
    ).split(",")
)
# A country after one of these words belongs to the name ("... de Honduras").
PREPOSITIONS = frozenset("de del en of in for da do das dos du des".split())
TITLES = frozenset(
    "dr dra mtro mtra lic licda lcdo lcda ing sr sra srta pbro hna hno ms mr mrs mx prof profa "
    "fr fray sor sister father padre madre rev don dona phd hno hna bro ir irma irmao frere "
    "soeur sr sœur br pe pbro".split()
)
STOPWORDS = frozenset("de del la las los el y e the of and for a en da do das dos".split())


def fold(text: str) -> str:
    """Lower case, accents dropped (NFKD without combining marks)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _tokens(text: str) -> list[str]:
    return re.sub(r"[^\w\s]|_", " ", fold(text)).split()


def _drop_tail(tokens: list[str], tails: tuple[tuple[str, ...], ...], guard: bool) -> bool:
    for tail in tails:
        n = len(tail)
        if len(tokens) > n and tuple(tokens[-n:]) == tail:
            if guard and tokens[-n - 1] in PREPOSITIONS:
                return False
            del tokens[-n:]
            return True
    return False


def _looks_like_acronym(text: str) -> bool:
    """ "AAMX", "CDH Fray Matías", "Centro Prodh": short, and a word with 2+ capitals."""
    words = text.split()
    return 0 < len(words) <= 4 and any(sum(c.isupper() for c in w) >= 2 for w in words)


def _split(name: str) -> tuple[str, str]:
    """(the name without its acronym, the acronym as written or "")."""
    name = " ".join(name.split())
    acronym = ""
    for inner in re.findall(r"\(([^)]*)\)", name):
        tokens = _tokens(inner)
        if not tokens or tuple(tokens) in LEGAL_SUFFIXES or tuple(tokens) in COUNTRIES:
            continue
        if not acronym:
            acronym = inner.strip()
    name = re.sub(r"\s*\([^)]*\)", " ", name)
    dash = re.search(r"\s[-–—]\s*([^-–—,]+)(,.*)?$", name)
    if dash and _looks_like_acronym(dash.group(1)):
        after = tuple(_tokens(dash.group(1)))
        if after not in COUNTRIES and after not in LEGAL_SUFFIXES and after[0] not in TITLES:
            acronym = acronym or dash.group(1).strip()
            name = name[: dash.start()] + (dash.group(2) or "")
    return name.strip(" ,;-–—"), acronym


def organization_key(name: str) -> str:
    """A comparison key: folded, without punctuation, legal form, acronym and trailing country."""
    tokens = _tokens(_split(name)[0])
    while _drop_tail(tokens, LEGAL_SUFFIXES, False) or _drop_tail(tokens, COUNTRIES, True):
        pass
    return " ".join(tokens)


def acronym_of(name: str) -> str:
    """The acronym given in the name, in parentheses or after a dash, else ""."""
    return _split(name)[1]


def person_key(name: str) -> str:
    """A comparison key for a person: folded, without punctuation and titles."""
    return " ".join(t for t in _tokens(name) if t not in TITLES)


def _display(name: str) -> str:
    """The name as spelled (accents and case kept), without titles and extra spaces."""
    words = [w for w in name.split() if fold(w).strip(".,") not in TITLES]
    return " ".join(unicodedata.normalize("NFC", " ".join(words)).split()).strip(" ,")


def damerau_at_most_one(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    a, b = a[start:], b[start:]
    if len(a) == len(b):
        return a[1:] == b[1:] or (len(a) >= 2 and a[0] == b[1] and a[1] == b[0] and a[2:] == b[2:])
    return a[1:] == b if len(a) > len(b) else b[1:] == a


def similar_person(a: str, b: str) -> bool:
    """Same person key, the same words in another order, or one edit apart (8+ letters)."""
    ka, kb = person_key(a), person_key(b)
    if not ka or not kb:
        return False
    if ka == kb or sorted(ka.split()) == sorted(kb.split()):
        return True
    letters = min(len(ka.replace(" ", "")), len(kb.replace(" ", "")))
    return letters >= 8 and damerau_at_most_one(ka, kb)


@dataclass(frozen=True)
class Duplicate:
    kind: str
    first: tuple[int, ...]
    second: tuple[int, ...]
    keep: tuple[int, ...]
    reason: str


def _acronym_key(acronym: str) -> str:
    return "".join(_tokens(acronym))


def _related(key_a: str, key_b: str) -> bool:
    """Two keys sharing an acronym name the same organization when one's content words are
    all in the other, or they are one edit apart."""
    wa = set(key_a.split()) - STOPWORDS
    wb = set(key_b.split()) - STOPWORDS
    if wa and wb and (wa <= wb or wb <= wa):
        return True
    return damerau_at_most_one(key_a, key_b)


@dataclass(frozen=True)
class _Org:
    position: tuple[int, ...]
    name: str
    key: str
    acronym: str  # folded, no spaces


def _org(position: tuple[int, ...], name: str, acronym: str = "") -> _Org:
    return _Org(position, name, organization_key(name), _acronym_key(acronym or acronym_of(name)))


def _same(a: _Org, b: _Org) -> str:
    """Why a and b are the same organization, or ""."""
    if a.key and a.key == b.key:
        return _("the same name without accents, capitals and legal suffixes: %(key)s") % {
            "key": a.key
        }
    if a.acronym and a.acronym == b.acronym and _related(a.key, b.key):
        return _("the same acronym %(acronym)s: %(first)s ~ %(second)s") % {
            "acronym": a.acronym,
            "first": a.key,
            "second": b.key,
        }
    if a.acronym and a.acronym == b.key.replace(" ", ""):
        return _("%(short)s is the acronym of %(long)s") % {"short": b.name, "long": a.name}
    if b.acronym and b.acronym == a.key.replace(" ", ""):
        return _("%(short)s is the acronym of %(long)s") % {"short": a.name, "long": b.name}
    return ""


def _candidates(orgs: list[_Org]) -> dict[str, list[_Org]]:
    """Blocks: each organization under its key, its acronym and its key as an acronym."""
    blocks: dict[str, list[_Org]] = defaultdict(list)
    for org in orgs:
        for block in {"k:" + org.key, "a:" + org.acronym, "a:" + org.key.replace(" ", "")}:
            if block not in ("k:", "a:"):
                blocks[block].append(org)
    return blocks


def _pairs(orgs: list[_Org]) -> list[tuple[_Org, _Org, str]]:
    """Pairs (earlier, later, reason) of the same organization, each pair once."""
    seen: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    out = []
    for block in _candidates(orgs).values():
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                first, second = sorted((a, b), key=lambda o: o.position)
                pair = (first.position, second.position)
                if pair in seen:
                    continue
                reason = _same(first, second)
                if reason:
                    seen.add(pair)
                    out.append((first, second, reason))
    return sorted(out, key=lambda t: (t[0].position, t[1].position))


def _organization_duplicates(organizations: list[Signatory]) -> list[Duplicate]:
    top = [_org((i,), s.name, s.acronym) for i, s in enumerate(organizations)]
    out = [
        Duplicate("same_organization", a.position, b.position, a.position, reason)
        for a, b, reason in _pairs(top)
    ]
    members: list[_Org] = []
    for c, s in enumerate(organizations):
        if s.kind == "coalition":
            inside = [_org((c, k), m) for k, m in enumerate(s.members)]
            members.extend(inside)
            out += [
                Duplicate("same_organization", a.position, b.position, a.position, reason)
                for a, b, reason in _pairs(inside)
            ]
    blocks = _candidates(members)
    for org in top:
        found: dict[tuple[int, ...], str] = {}
        for block in {"k:" + org.key, "a:" + org.acronym, "a:" + org.key.replace(" ", "")}:
            for member in blocks.get(block, []):
                if member.position[0] != org.position[0] and member.position not in found:
                    reason = _same(org, member)
                    if reason:
                        found[member.position] = reason
        for position, reason in sorted(found.items()):
            out.append(
                Duplicate("alone_and_in_coalition", org.position, position, position, reason)
            )
    return out


WINDOW = 5  # how far from the same position a differently spelled name is looked for


def _individual_duplicates(by_language: dict[str, list[Signatory]]) -> list[Duplicate]:
    languages = list(by_language)
    if not languages:
        return []
    reference = [(_display(s.name), person_key(s.name)) for s in by_language[languages[0]]]
    shown = {display for display, _ in reference}
    out = []
    for li, lang in enumerate(languages[1:], start=1):
        others = [(_display(s.name), person_key(s.name)) for s in by_language[lang]]
        by_key: dict[str, list[int]] = defaultdict(list)
        for q, (_shown, key) in enumerate(others):
            by_key[key].append(q)
        for p, (display, key) in enumerate(reference):
            if not key or any(others[q][0] == display for q in by_key.get(key, [])):
                continue  # spelled the same somewhere in this language
            near = sorted(
                range(max(0, p - WINDOW), min(len(others), p + WINDOW + 1)),
                key=lambda q: (abs(q - p), q),
            )
            exact = sorted(by_key.get(key, []), key=lambda q: (abs(q - p), q))
            for q in exact + near:
                other_display, other_key = others[q]
                if other_display in shown or not other_key:
                    continue  # that name is someone else's, as spelled in the reference
                if other_key == key or similar_person(display, other_display):
                    reason = f"{display} ~ {other_display}"
                    out.append(
                        Duplicate("individual_spelled_differently", (0, p), (li, q), (0, p), reason)
                    )
                    break
    return out


def duplicates(
    organizations: list[Signatory], individuals_by_language: dict[str, list[Signatory]]
) -> list[Duplicate]:
    """The duplicates of a letter with a suggested merge (see module doc for the conventions)."""
    return _organization_duplicates(organizations) + _individual_duplicates(individuals_by_language)
