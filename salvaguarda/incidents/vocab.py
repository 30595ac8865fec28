"""The controlled vocabularies of incident records (files in `vocabularies/`, DOMAIN.md §2).

HURIDOCS lists (`huridocs_*.csv`, columns code, parent_code, level, en, es): four lists of the
HURIDOCS Micro-thesauri, first published in 2001 (4 Types of Acts, 24 Types of Perpetrators,
18 Degrees of Involvement, 25 Status as Victim), copied byte for byte from `shared/data/`. Their
12-digit codes are the stable keys stored in the database. `HuridocsList` reads one of them.

Our lists (`code,label_es,label_en,extra…`, read by `salvaguarda.lib.vocabularies.Vocabulary`):

- `common_acts.csv`: the acts this field reports most, the chips at the top of the act picker.
  Each maps to ONE Types of Acts code (`huridocs`) and, when the act is gender-based violence by
  its nature, to the GBVIMS type it suggests (`gbv`). The `note` column justifies each mapping.
  Where HURIDOCS has no term of its own we chose the nearest one:
  burns (acid or fire) → 020101000000 Physical assaults, because a deliberate burn is a physical
  assault and GBVIMS lists burning and acid attacks under physical assault (staff tick Torture as
  well when it was inflicted to punish, intimidate or obtain something); trafficking for sexual
  exploitation → 030106000000 Slavery; trafficking for labour exploitation → 300102010000
  Involuntary or forced labour; denial of other services and discrimination → 330100000000
  Direct actions which violate the rights of aliens; family separation → 330104000000 Denial of
  the right to family reunion. Enforced disappearance and disappearance by private actors share
  030103000000 Disappearance: the perpetrator tells them apart. Several common acts may share a
  HURIDOCS code (burn and physical assault; both extortions): the common code keeps the detail.
- `local_perpetrator_types.csv`: the types staff actually pick, each a child (`parent`) of a
  list-24 term, and its REDODEM category (`redodem`, DOMAIN.md §2.1). Decisions:
  organized crime and gangs → 029000000000 Other non-governmental forces involved in conflicts
  (armed, organized non-state groups; list 24 has no "organized crime", and this term keeps them
  under 020000000000 Non-governmental entities rather than in 900000000000 Others);
  smugglers → 110000000000 Private individuals/groups in a position of relative power (the people
  they move depend on them); National Guard → 010103000000 Armed forces (under the Defense
  ministry since the 2024 reform, and REDODEM counts it with the military); INM agents →
  010101000000 National-level officials (a federal agency); U.S. officials → 010101000000
  National-level officials too: list 24 classifies the kind of entity, not which state, and CBP
  or ICE officers are federal executive officials (the local type records that the state is
  foreign); their REDODEM category is `otras_autoridades`, because REDODEM's migration
  authorities are Mexico's (INM) and counting CBP there would blur that figure; private
  individuals and common criminals → 900000000000 Others (the 11 branch requires a relationship
  of power); unknown → 990000000000 Unknown, with no REDODEM category.
- `redodem_categories.csv`: labels of the REDODEM perpetrator categories.
- `gbv_types.csv`: the six GBVIMS core types and `non_gbv`, with one-sentence definitions
  (`definition_es`, `definition_en`). GBVIMS classifies an incident by the act only.
- `mexican_states.csv` (INEGI codes "01"…"32", with an `abbreviation`), `place_types.csv`.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from salvaguarda.lib.vocabularies import Vocabulary

_HERE = Path(__file__).resolve().parent / "vocabularies"

PATH_SEPARATOR = " › "


def _english() -> bool:
    return (get_language() or "es").startswith("en")


@dataclass(frozen=True)
class HuridocsTerm:
    code: str
    parent_code: str  # "" for a top-level term
    level: int  # 0 = top
    label_en: str
    label_es: str

    @property
    def label(self) -> str:
        """The label in the active language (Spanish unless English is active)."""
        return self.label_en if _english() else self.label_es


class HuridocsList:
    """One HURIDOCS Micro-thesauri list: a tree of 12-digit codes. Loaded once, on first use."""

    def __init__(self, path: Path, number: int) -> None:
        self.path = path
        self.number = number  # the list's HURIDOCS number (4, 18, 24, 25)

    @cached_property
    def terms(self) -> dict[str, HuridocsTerm]:
        """Every term by code, in the file's order (parents before their children)."""
        with self.path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        terms = {
            row["code"]: HuridocsTerm(
                code=row["code"],
                parent_code=row["parent_code"],
                level=int(row["level"]),
                label_en=" ".join(row["en"].split()),
                label_es=" ".join(row["es"].split()),
            )
            for row in rows
        }
        broken = [t.code for t in terms.values() if t.parent_code and t.parent_code not in terms]
        if broken:
            raise ValueError(f"{self.path.name}: terms whose parent is missing: {broken}")
        return terms

    @cached_property
    def _children(self) -> dict[str, tuple[str, ...]]:
        """Codes of the children of each code, "" holding the roots."""
        found: dict[str, list[str]] = {}
        for term in self.terms.values():
            found.setdefault(term.parent_code, []).append(term.code)
        return {parent: tuple(codes) for parent, codes in found.items()}

    @cached_property
    def _descendants(self) -> dict[str, frozenset[str]]:
        result: dict[str, frozenset[str]] = {}

        def collect(code: str) -> frozenset[str]:
            below = {code}
            for child in self._children.get(code, ()):
                below |= collect(child)
            result[code] = frozenset(below)
            return result[code]

        for root in self._children.get("", ()):
            collect(root)
        return result

    def __contains__(self, code: object) -> bool:
        return code in self.terms

    def __len__(self) -> int:
        return len(self.terms)

    def label(self, code: str) -> str:
        """The term's label in the active language, or the code itself if it is unknown."""
        term = self.terms.get(code)
        return term.label if term else code

    def roots(self) -> list[HuridocsTerm]:
        return [self.terms[code] for code in self._children.get("", ())]

    def children(self, code: str) -> list[HuridocsTerm]:
        return [self.terms[child] for child in self._children.get(code, ())]

    def ancestors(self, code: str) -> list[HuridocsTerm]:
        """The terms above `code`, top-level first, the term itself left out."""
        found: list[HuridocsTerm] = []
        term = self.terms.get(code)
        while term is not None and term.parent_code:
            term = self.terms[term.parent_code]
            found.append(term)
        return found[::-1]

    def path_label(self, code: str, separator: str = PATH_SEPARATOR) -> str:
        """'Violations against personal integrity › … › Physical assaults, …' (active language)."""
        if code not in self.terms:
            return code
        return separator.join(term.label for term in [*self.ancestors(code), self.terms[code]])

    def descendants(self, code: str) -> frozenset[str]:
        """The codes under `code`, `code` included (an unknown code: itself only).

        A filter on an act matches its sub-acts too: `act__in=ACTS.descendants(code)`.
        """
        return self._descendants.get(code, frozenset({code}))

    def walk(self, code: str = "") -> Iterator[HuridocsTerm]:
        """The terms under `code` (the whole list by default), depth first, parents first."""
        for child in self._children.get(code, ()):
            yield self.terms[child]
            yield from self.walk(child)

    def choices(self) -> list[tuple[str, str]]:
        """(code, label) of every term, in tree order, labels in the active language."""
        return [(term.code, term.label) for term in self.terms.values()]

    def codes(self) -> list[str]:
        return list(self.terms)


ACTS = HuridocsList(_HERE / "huridocs_types_of_acts.csv", number=4)
INVOLVEMENT = HuridocsList(_HERE / "huridocs_degrees_of_involvement.csv", number=18)
PERPETRATORS = HuridocsList(_HERE / "huridocs_types_of_perpetrators.csv", number=24)
VICTIM_STATUS = HuridocsList(_HERE / "huridocs_status_as_victim.csv", number=25)

COMMON_ACTS = Vocabulary(_HERE / "common_acts.csv")  # extra: huridocs, gbv, note
LOCAL_PERPETRATORS = Vocabulary(_HERE / "local_perpetrator_types.csv")  # parent, redodem, note
REDODEM_CATEGORIES = Vocabulary(_HERE / "redodem_categories.csv")
GBV_TYPES = Vocabulary(_HERE / "gbv_types.csv")  # extra: definition_es, definition_en
STATES = Vocabulary(_HERE / "mexican_states.csv")  # extra: abbreviation
PLACE_TYPES = Vocabulary(_HERE / "place_types.csv")

# The REDODEM category of a HURIDOCS perpetrator type, from its nearest listed ancestor (or
# itself). Best effort: non-state armed groups, Others and Unknown have none.
_HURIDOCS_REDODEM = {
    "010104000000": "autoridades_policiales",  # Police
    "010103000000": "autoridades_militares",  # Armed forces
    "010000000000": "otras_autoridades",  # any other governmental entity
    "110000000000": "particulares",  # private individuals in a position of power
    "020400000000": "particulares",  # private security guards
    "020500000000": "particulares",  # civilian crowd or mob
    "210000000000": "particulares",  # commercial establishments
}


def common_act_huridocs(code: str) -> str:
    """The HURIDOCS Types of Acts code of a common act ("" if the code is not a common act)."""
    term = COMMON_ACTS.terms.get(code)
    return term.extra["huridocs"] if term else ""


def common_act_gbv(code: str) -> str:
    """The GBVIMS type a common act suggests ("" if none: classify by the act)."""
    term = COMMON_ACTS.terms.get(code)
    return term.extra.get("gbv", "") if term else ""


def perpetrator_huridocs(code: str) -> str:
    """The list-24 code of a perpetrator type: a local type's parent, a HURIDOCS code itself."""
    term = LOCAL_PERPETRATORS.terms.get(code)
    if term is not None:
        return term.extra["parent"]
    return code if code in PERPETRATORS else ""


def perpetrator_codes() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a perpetrator-type field: local and HURIDOCS codes in one list.

    The local types come first, grouped under the label of their HURIDOCS parent (in the order
    of the local file); the whole list 24 follows as the last group, indented by level. Labels
    follow the active language, so pass the function itself as `choices=` (evaluated lazily).
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    for term in LOCAL_PERPETRATORS.terms.values():
        groups.setdefault(term.extra["parent"], []).append((term.code, term.label))
    choices = [(PERPETRATORS.label(parent), members) for parent, members in groups.items()]
    indented = [
        (term.code, "\u00a0\u00a0" * term.level + term.label)
        for term in PERPETRATORS.terms.values()
    ]
    choices.append((_("All types (HURIDOCS list)"), indented))
    return choices


def perpetrator_label(code: str) -> str:
    """The label of a local or HURIDOCS perpetrator type (the code itself if unknown)."""
    if code in LOCAL_PERPETRATORS:
        return LOCAL_PERPETRATORS.label(code)
    return PERPETRATORS.label(code)


def redodem_category(code: str) -> str:
    """The REDODEM category of a local type (its column) or a HURIDOCS type (best effort)."""
    term = LOCAL_PERPETRATORS.terms.get(code)
    if term is not None:
        return term.extra["redodem"]
    if code not in PERPETRATORS:
        return ""
    for candidate in [code, *(t.code for t in reversed(PERPETRATORS.ancestors(code)))]:
        if candidate in _HURIDOCS_REDODEM:
            return _HURIDOCS_REDODEM[candidate]
    return ""
