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
* ``same_organization``: keep the earlier position (two entries of the list, two members
  of one coalition; the same name, the same acronym, an acronym and its long name, a name
  with and without an article or preposition, one of the two names of "X - Y").
* ``in_two_coalitions``: the same organization inside two coalitions; keep the first.
* ``individual_represents`` (``representatives``): a person who signs alone and as the
  representative named with an organization; keep the organization's signature.
* ``individual_spelled_differently``: keep the reference language's spelling.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

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
        " brasil, brazil, espana, spain, francia, france, haiti, republica dominicana,"
        " republique dominicaine, dominican republic, mexique, bresil, guyane, peru, chile,"
        " argentina, ecuador, cuba, venezuela, honduras, belice, belize, bolivia, paraguay,"
        " uruguay, senegal, cameroun, camerun, cameroon, guinee, guinea, rd congo, congo, mali,"
        " angola, nigeria, ghana, afghanistan, afeganistao, belgique, belgica, canada"
    ).split(",")
)
# A country after one of these words belongs to the name ("... de Honduras").
PREPOSITIONS = frozenset("de del en of in for da do das dos du des".split())
TITLES = frozenset(
    "dr dra mtro mtra lic licda lcdo lcda ing sr sra srta pbro hna hno ms mr mrs mx prof profa "
    "fr fray sor sister father padre madre rev don dona phd hno hna bro ir irma irmao frere "
    "soeur sr sœur br pe pbro rabbi rabina rabino rabbin dre pere père mere imam pastor pastora "
    "pasteur reverend reverendo mons monsenor monseigneur maitre me mme mlle doctor doctora "
    "docteur licenciado licenciada profesor profesora professor professora hermana hermano "
    "senator senador senadora psic psicol enf arq".split()
)
# "M. Mamadou Sarr": the French "Monsieur" before a name (only there: elsewhere "M." is an
# initial, "José M. Pérez").
_MONSIEUR = re.compile(r"^M\.\s+(?=\w)")
STOPWORDS = frozenset("de del la las los el y e the of and for a en da do das dos".split())
CONNECTORS = STOPWORDS | frozenset(
    "para por con sin al o u pour par avec sans des du le les et em no na nos nas ao aos pelo "
    "pela com sem to in on with by at".split()
)


def fold(text: str) -> str:
    """Lower case, accents dropped (NFKD without combining marks)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _tokens(text: str) -> list[str]:
    # An apostrophe inside a word joins it: "Pop No'j" and "Pop Noj" are one name.
    text = re.sub(r"(?<=\w)['’ʼ`´](?=\w)", "", fold(text))
    return re.sub(r"[^\w\s]|_", " ", text).split()


def _drop_tail(tokens: list[str], tails: tuple[tuple[str, ...], ...], guard: bool) -> bool:
    for tail in tails:
        n = len(tail)
        if len(tokens) > n and tuple(tokens[-n:]) == tail:
            if guard and tokens[-n - 1] in PREPOSITIONS:
                return False
            del tokens[-n:]
            return True
    return False


# Who represents an organization, after its name: "– representada por Ana Ruiz".
REPRESENTED = re.compile(
    r"\s*[,–—-]\s*(?:representad[oa]|represented|représentée?)\s+"
    r"(?:por|by|par|pel[oa])?\s*.+$",
    re.IGNORECASE,
)


def _looks_like_acronym(text: str) -> bool:
    """ "AAMX", "CDH Fray Matías", "Centro Prodh": short, and a word with 2+ capitals."""
    words = text.split()
    return 0 < len(words) <= 4 and any(sum(c.isupper() for c in w) >= 2 for w in words)


def _split(name: str) -> tuple[str, str]:
    """(the name without its acronym, the acronym as written or "")."""
    name = " ".join(name.split())
    name = REPRESENTED.sub("", name)
    acronym = ""
    for inner in re.findall(r"\(([^)]*)\)", name):
        tokens = _tokens(inner)
        if not tokens or tuple(tokens) in LEGAL_SUFFIXES or tuple(tokens) in COUNTRIES:
            continue
        short = inner.strip()
        if not acronym and short[:1].isupper() and len(short.split()) <= 4 and "," not in short:
            acronym = inner.strip()
    name = re.sub(r"\s*\([^)]*\)", " ", name)
    leading = re.match(r"([A-ZÁÉÍÓÚÑ]{3,10})\s+(?=\S+\s+\S)", name)
    if leading and not acronym and not name.isupper():
        acronym, name = leading.group(1), name[leading.end() :]
    dash = re.search(r"\s[-–—]\s*([^-–—,]+)(,.*)?$", name)
    if dash and _looks_like_acronym(dash.group(1)):
        after = tuple(_tokens(dash.group(1)))
        if after not in COUNTRIES and after not in LEGAL_SUFFIXES and after[0] not in TITLES:
            # "Name – ASCAM (Cameroun)": a parenthesis that is no acronym (a place) yields to
            # the acronym after the dash.
            if acronym and not _looks_like_acronym(acronym):
                acronym = ""
            acronym = acronym or dash.group(1).strip()
            name = name[: dash.start()] + (dash.group(2) or "")
    return name.strip(" ,;-–—"), acronym


@lru_cache(maxsize=65536)
def organization_key(name: str) -> str:
    """A comparison key: folded, without punctuation, legal form, acronym, trailing country and
    a place after a comma ("Instituto X, de Governador Valadares")."""
    base = re.sub(r",\s*(?:de|from|em|en|of|à|a)\s+[^,]+$", "", _split(name)[0])
    tokens = _tokens(base)
    while _drop_tail(tokens, LEGAL_SUFFIXES, False) or _drop_tail(tokens, COUNTRIES, True):
        pass
    return " ".join(tokens)


def content_key(name: str) -> str:
    """The organization key without articles and prepositions: "Red de las Mujeres" and "Red
    de Mujeres", "Centro Pastoral de Migrantes" and "Centro Pastoral para Migrantes"."""
    return " ".join(t for t in organization_key(name).split() if t not in CONNECTORS)


def initials(name: str) -> str:
    """The initials of a name's content words, when it has three or more: "Centro de
    Derechos Humanos Fray Tomás" → cdhft (words in figures do not count)."""
    words = [t for t in organization_key(name).split() if t not in CONNECTORS and t.isalpha()]
    return "".join(t[0] for t in words) if len(words) >= 3 else ""


def acronym_of(name: str) -> str:
    """The acronym given in the name, in parentheses or after a dash, else ""."""
    return _split(name)[1]


@lru_cache(maxsize=65536)
def person_key(name: str) -> str:
    """A comparison key for a person: folded, without punctuation and titles."""
    return " ".join(t for t in _tokens(_MONSIEUR.sub("", name.strip())) if t not in TITLES)


def _display(name: str) -> str:
    """The name as spelled (accents and case kept), without titles and extra spaces."""
    name = _MONSIEUR.sub("", name.strip())
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
    content: str  # the key without articles and prepositions
    parts: tuple[str, ...]  # the keys of the two names of "X - Y"
    initials: str  # of the content words, when there are three or more


def _org(position: tuple[int, ...], name: str, acronym: str = "") -> _Org:
    bare = REPRESENTED.sub("", re.sub(r"\s*\([^)]*\)", " ", name))
    halves = re.split(r"\s[-–—]\s", bare)
    parts = tuple(organization_key(h) for h in halves) if len(halves) == 2 else ()
    return _Org(
        position,
        name,
        organization_key(name),
        _acronym_key(acronym or acronym_of(name)),
        content_key(name),
        tuple(p for p in parts if len(p.split()) >= 2),
        initials(name),
    )


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
    for short, long in ((a, b), (b, a)):
        compact = short.key.replace(" ", "")
        if (
            long.acronym
            and long.acronym == compact
            or (short.name.strip().isupper() and len(compact) >= 3 and long.initials == compact)
        ):
            return _("%(short)s is the acronym of %(long)s") % {
                "short": short.name,
                "long": long.name,
            }
    if a.content and a.content == b.content:
        return _("the same name but for an article or a preposition: %(first)s ~ %(second)s") % {
            "first": a.name,
            "second": b.name,
        }
    for x, y in ((a, b), (b, a)):
        if y.key and y.key in x.parts:
            return _("%(short)s is one of the two names of %(long)s") % {
                "short": y.name,
                "long": x.name,
            }
    return ""


def _blocks_of(org: _Org) -> set[str]:
    keys = {"k:" + org.key, "a:" + org.acronym, "a:" + org.key.replace(" ", "")}
    keys |= {"c:" + org.content, "a:" + org.initials} | {"k:" + p for p in org.parts}
    return {k for k in keys if k not in ("k:", "a:", "c:")}


def _candidates(orgs: list[_Org]) -> dict[str, list[_Org]]:
    """Blocks: each organization under its key, its acronym, its key as an acronym, its key
    without articles, its initials and the two names of "X - Y"."""
    blocks: dict[str, list[_Org]] = defaultdict(list)
    for org in orgs:
        for block in _blocks_of(org):
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
                if pair in seen or first.position == second.position:
                    continue
                reason = _same(first, second)
                if reason:
                    seen.add(pair)
                    out.append((first, second, reason))
    return sorted(out, key=lambda t: (t[0].position, t[1].position))


def _organization_duplicates(organizations: list[Signatory]) -> list[Duplicate]:
    """Organizations twice: at the top of the list, inside one coalition or two, and alone
    and inside a coalition."""
    top = [_org((i,), s.name, s.acronym) for i, s in enumerate(organizations)]
    members = [
        _org((c, k), m)
        for c, s in enumerate(organizations)
        if s.kind == "coalition"
        for k, m in enumerate(s.members)
    ]
    out = []
    for a, b, reason in _pairs(top + members):
        if len(a.position) == len(b.position):
            apart = len(a.position) == 2 and a.position[0] != b.position[0]
            kind = "in_two_coalitions" if apart else "same_organization"
            out.append(Duplicate(kind, a.position, b.position, a.position, reason))

        else:
            alone, inside = (a, b) if len(a.position) == 1 else (b, a)
            if inside.position[0] == alone.position[0]:
                continue  # a coalition and one of its own members
            out.append(
                Duplicate(
                    "alone_and_in_coalition",
                    alone.position,
                    inside.position,
                    inside.position,
                    reason,
                )
            )
    return sorted(out, key=lambda d: (d.first, d.second))


def representatives(organizations: list[Signatory], people: list[Signatory]) -> list[Duplicate]:
    """A person who signs as an individual and also as the one who represents an organization
    ("Casa X – representada por Ana Ruiz", "Red Y (Ana Ruiz, coordinadora)"): positions are
    the organization's (as in `duplicates`) and the person's ``(0, index)``."""
    keys = {
        person_key(p.name): n for n, p in enumerate(people) if len(person_key(p.name).split()) >= 2
    }
    out = []
    places = [((i,), s.name) for i, s in enumerate(organizations)] + [
        ((c, k), m) for c, s in enumerate(organizations) for k, m in enumerate(s.members)
    ]
    for position, name in places:
        text = " " + " ".join(_tokens(name)) + " "
        for key, n in keys.items():
            if f" {key} " in text:
                reason = _("%(person)s signs as an individual and for %(organization)s") % {
                    "person": people[n].name,
                    "organization": name,
                }
                out.append(Duplicate("individual_represents", position, (0, n), position, reason))
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
