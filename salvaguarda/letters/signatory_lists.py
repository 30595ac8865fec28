"""Each language version's own signatory lists: its entries as it writes them, each tied to the
signatory row it stands for, and what differs between the versions' lists. Pure functions.

A version's lists are stored on it (``LetterVersion.signatory_lists``) as::

    {"headings": {"organization": "Organizaciones firmantes", "individual": "..."},
     "organizations": [{"row": "<uuid>" | None, "written": "...", "name": "...",
                        "kind": "organization" | "coalition",
                        "members": [{"row": ..., "written": "...", "name": "..."}]}],
     "individuals": [{"row": ..., "written": "...", "name": "...", "title": "...",
                      "affiliation": "..."}],
     "absent": ["<uuid>", ...]}   # the reference's signatories this version does not list

An entry of another version is tied to the reference's entry for the same signatory: the same
name once accents, capitals, legal forms and titles are folded, the same acronym, the same
person's name spelled nearly alike, or for coalitions (whose names are often translated) the
same members. An entry tied to no row is the version's own ("only in this version").

Drifts between a version's lists and the reference's (``list_drifts``):

* ``signatory_order``: the same signatories in another order (two swapped, or one moved);
* ``signatory_only_in``: a signatory listed in one of the two versions only;
* ``signatory_named``: an entry each version lists where the other does not, at the same
  place (one drift, not two: most often a name translated);
* ``signatory_spelling``: the same signatory's name spelled differently (not only accents or
  capitals, and not a translated title such as "Hno."/"Bro.").
"""

import bisect
import copy
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from salvaguarda.letters import names
from salvaguarda.letters.document import ParsedVersion, Signatory

SPELLING = 0.8  # keys at least this alike (difflib ratio) are the same name spelled differently


@dataclass(frozen=True)
class ListDrift:
    kind: str  # "signatory_order" | "signatory_only_in" | "signatory_named" | "signatory_spelling"
    languages: tuple[str, ...]
    detail: str


def _org_key(entry: dict[str, Any]) -> str:
    return names.organization_key(entry.get("name") or entry.get("written", ""))


def _acronym(entry: dict[str, Any]) -> str:
    return "".join(
        names.fold(entry.get("acronym", "") or names.acronym_of(entry["written"])).split()
    )


def _short_name(entry: dict[str, Any]) -> str:
    """The acronym or short name of an organization's entry, folded, when it reads as one:
    a word in capitals ("ASCAM") or two words or more ("Lanigi Garinagu")."""
    short = str(entry.get("acronym", "") or names.acronym_of(entry["written"]))
    words = short.split()
    if len(words) >= 2 or any(sum(c.isupper() for c in w) >= 2 for w in words):
        return names.fold(short)
    return ""


def _person_key(entry: dict[str, Any]) -> str:
    return names.person_key(entry.get("name") or entry.get("written", ""))


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() if a and b else 0.0


def _members_overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    left = {names.organization_key(m["written"]) for m in a.get("members", [])}
    right = {names.organization_key(m["written"]) for m in b.get("members", [])}
    return bool(left and right) and len(left & right) >= max(1, min(len(left), len(right)) // 2)


WINDOW = 12  # how far from its own place an entry spelled otherwise is looked for


def tie(
    reference: Sequence[dict[str, Any]], other: Sequence[dict[str, Any]], *, people: bool
) -> list[int | None]:
    """For each entry of `other`, the index of the reference's entry it stands for, or None:
    the same key first (anywhere in the list), then the same acronym or a person's name
    nearly alike, then a name spelled nearly alike, then a coalition with the same members;
    the last three looked for within `WINDOW` places. Each entry is tied once, to the
    nearest candidate."""
    key = _person_key if people else _org_key
    ref_keys = [key(e) for e in reference]
    other_keys = [key(e) for e in other]
    ref_acronyms = [_acronym(e) if not people else "" for e in reference]
    other_acronyms = [_acronym(e) if not people else "" for e in other]
    taken: set[int] = set()
    out: list[int | None] = [None] * len(other)
    by_key: dict[str, list[int]] = {}
    for i, k in enumerate(ref_keys):
        if k:
            by_key.setdefault(k, []).append(i)
    by_acronym: dict[str, list[int]] = {}
    for i, a in enumerate(ref_acronyms):
        if a:
            by_acronym.setdefault(a, []).append(i)

    def near(i: int, j: int) -> bool:
        if people:
            return names.similar_person(reference[i]["name"], other[j]["name"])
        return False  # organizations: by acronym, looked up below

    def alike(i: int, j: int) -> bool:
        return _ratio(ref_keys[i], other_keys[j]) >= SPELLING

    def same_members(i: int, j: int) -> bool:
        return (
            not people
            and reference[i].get("kind") == "coalition" == other[j].get("kind")
            and _members_overlap(reference[i], other[j])
        )

    def nearby(j: int) -> range:
        return range(max(0, j - WINDOW), min(len(reference), j + WINDOW + 1))

    def give(j: int, candidates: list[int]) -> None:
        free = [i for i in candidates if i not in taken]
        if free:
            best = min(free, key=lambda i: abs(i - j))
            out[j] = best
            taken.add(best)

    for j, k in enumerate(other_keys):
        give(j, by_key.get(k, []) if k else [])
    for j, a in enumerate(other_acronyms):
        if out[j] is None and a:
            give(j, by_acronym.get(a, []))  # the same acronym: the name may be translated
    for test in (near, alike, same_members):
        for j in range(len(other)):
            if out[j] is None:
                give(j, [i for i in nearby(j) if i not in taken and test(i, j)])
    return out


def entry_of(item: Signatory, row: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "row": row,
        "written": item.written or item.name,
        "name": item.name,
        "kind": item.kind,
    }
    if item.acronym:
        entry["acronym"] = item.acronym
    if item.kind == "individual":
        entry.update(title=item.title, affiliation=item.affiliation)
    return entry


def lists_of(
    parsed: ParsedVersion, reference: dict[str, Any] | None, rows: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A version's stored lists. For the reference version, `rows` gives the row uuid of each
    entry by place: {"organizations": [uuid], "members": [[uuid]], "individuals": [uuid]}. For
    another version, `reference` (the reference version's stored lists) ties its entries."""
    organizations = [
        {
            **entry_of(item, None),
            "members": [{"row": None, "written": m, "name": m} for m in item.members],
        }
        for item in parsed.organizations
    ]
    individuals = [entry_of(item, None) for item in parsed.individuals]
    if rows is None and not organizations and not individuals:
        return {}  # no lists of its own: the version lists the letter's signatories
    absent: list[str] = []

    if rows is not None:
        for n, entry in enumerate(organizations):
            entry["row"] = rows["organizations"][n]
            for k, member in enumerate(entry["members"]):
                member["row"] = rows["members"][n][k]
        for n, entry in enumerate(individuals):
            entry["row"] = rows["individuals"][n]
    elif reference is not None:
        absent += _tie_rows(reference.get("organizations", []), organizations, people=False)
        absent += _tie_rows(reference.get("individuals", []), individuals, people=True)
    return {
        "headings": dict(parsed.headings),
        "organizations": organizations,
        "individuals": individuals,
        "absent": absent,
    }


def _tie_rows(
    reference: list[dict[str, Any]], entries: list[dict[str, Any]], *, people: bool
) -> list[str]:
    """Tie `entries` to the reference's rows (members under their coalition); return the rows
    of the reference this version does not list."""
    ties = tie(reference, entries, people=people)
    for entry, i in zip(entries, ties, strict=True):
        if i is None:
            continue
        entry["row"] = reference[i]["row"]
        if not people:
            inner = tie(reference[i].get("members", []), entry.get("members", []), people=False)
            for member, k in zip(entry.get("members", []), inner, strict=True):
                if k is not None:
                    member["row"] = reference[i]["members"][k]["row"]
            listed = {m["row"] for m in entry.get("members", []) if m["row"]}
            entry["absent_members"] = [
                m["row"]
                for m in reference[i].get("members", [])
                if m["row"] and m["row"] not in listed
            ]
    listed_rows = {e["row"] for e in entries if e["row"]}
    return [e["row"] for e in reference if e["row"] and e["row"] not in listed_rows]


def realigned(lists: dict[str, Any], reference: dict[str, Any]) -> dict[str, Any]:
    """A version's lists tied again to a new reference's (the editors chose another reference
    version): each entry keeps the signatory it stands for; an entry tied to none is looked
    for among the reference's entries that no entry of this version stands for yet; what the
    version does not list (entries, coalitions' members) is worked out again."""
    if not lists:
        return {}
    out = copy.deepcopy(lists)
    absent: list[str] = []
    for key, people in (("organizations", False), ("individuals", True)):
        entries, ref = out.get(key, []), reference.get(key, [])
        _tie_loose(ref, entries, people=people)
        by_row = {r["row"]: r for r in ref if r.get("row")}
        for entry in entries if not people else []:
            twin = by_row.get(entry.get("row"))
            entry.pop("absent_members", None)
            if twin is None:
                continue
            _tie_loose(twin.get("members", []), entry.get("members", []), people=False)
            listed = {m["row"] for m in entry.get("members", []) if m.get("row")}
            entry["absent_members"] = [
                m["row"] for m in twin.get("members", []) if m.get("row") and m["row"] not in listed
            ]
        listed = {e["row"] for e in entries if e.get("row")}
        absent += [r["row"] for r in ref if r.get("row") and r["row"] not in listed]
    out["absent"] = absent
    return out


def _tie_loose(
    reference: list[dict[str, Any]], entries: list[dict[str, Any]], *, people: bool
) -> None:
    """Tie the entries that stand for no row to the reference's entries left free."""
    used = {e["row"] for e in entries if e.get("row")}
    free = [r for r in reference if r.get("row") and r["row"] not in used]
    loose = [e for e in entries if not e.get("row")]
    if free and loose:
        for entry, i in zip(loose, tie(free, loose, people=people), strict=True):
            if i is not None:
                entry["row"] = free[i]["row"]


def in_order(entries: list[dict[str, Any]], rows: list[str]) -> list[dict[str, Any]]:
    """`entries` in the order of `rows`; an entry tied to no row of it stays after the entry it
    followed."""
    rank = {row: n for n, row in enumerate(rows)}
    keyed: list[tuple[float, int, dict[str, Any]]] = []
    last = -1.0
    for n, entry in enumerate(entries):
        if entry.get("row") in rank:
            last = float(rank[entry["row"]])
            keyed.append((last, n, entry))
        else:
            keyed.append((last + 0.5, n, entry))
    return [dict(entry) for _rank, _n, entry in sorted(keyed, key=lambda t: (t[0], t[1]))]


# --- drifts ----------------------------------------------------------------------------------


def _shown(entry: dict[str, Any]) -> str:
    """An organization as written; a person by name (without the affiliation)."""
    if entry.get("kind") == "individual":
        return str(entry.get("name") or entry.get("written", ""))
    return str(entry.get("written") or entry.get("name", ""))


def _spelled_differently(a: dict[str, Any], b: dict[str, Any], *, people: bool) -> bool:
    if people:
        ka, kb = _person_key(a), _person_key(b)
    else:
        ka, kb = _org_key(a), _org_key(b)
        if _acronym(a) and _acronym(a) == _acronym(b) and _ratio(ka, kb) < SPELLING:
            return False  # the same acronym, the name translated
        short_a, short_b = _short_name(a), _short_name(b)
        if ka == kb and short_a and short_b and short_a != short_b:
            # The same long name, its short name spelled otherwise ("Lanigi Garinagu –
            # Asociación…" / "Lanigui Garinagu – Asociación…"); an acronym translated
            # ("ACNUR" / "UNHCR") is not that close, and a word in parentheses
            # ("(Coalición)" / "(Coalition)") is no short name.
            return _ratio(short_a, short_b) >= SPELLING
    return ka != kb and _ratio(ka, kb) >= SPELLING * 0.75


def _compare(
    reference: list[dict[str, Any]],
    other: list[dict[str, Any]],
    languages: tuple[str, str],
    *,
    people: bool,
    within: str = "",
) -> list[ListDrift]:
    ref_lang, lang = languages
    place = {e["row"]: n for n, e in enumerate(reference) if e.get("row")}
    out: list[ListDrift] = []
    prefix = f"{within}: " if within else ""
    listed = {e["row"] for e in other if e.get("row")}
    own = [n for n, e in enumerate(other) if not e.get("row") or e["row"] not in place]
    missing = [r for r, e in enumerate(reference) if e.get("row") and e["row"] not in listed]
    pairs = _same_place(reference, other, own, missing, place)
    for n, r in pairs.items():
        out.append(
            ListDrift(
                "signatory_named",
                languages,
                f"{prefix}“{_shown(reference[r])}” ({ref_lang}) / “{_shown(other[n])}” ({lang})",
            )
        )
    paired = set(pairs.values())
    for n in own:
        if n not in pairs:
            out.append(
                ListDrift(
                    "signatory_only_in",
                    (lang,),
                    f"{prefix}“{_shown(other[n])}” ({lang}) ∉ {ref_lang}",
                )
            )
    for r in missing:
        if r not in paired:
            out.append(
                ListDrift(
                    "signatory_only_in",
                    (ref_lang,),
                    f"{prefix}“{_shown(reference[r])}” ({ref_lang}) ∉ {lang}",
                )
            )
    tied = [(place[e["row"]], n, e) for n, e in enumerate(other) if e.get("row") in place]
    for r, _n, entry in tied:
        ref_entry = reference[r]
        if _spelled_differently(ref_entry, entry, people=people):
            out.append(
                ListDrift(
                    "signatory_spelling",
                    languages,
                    f"{prefix}“{_shown(ref_entry)}” ({ref_lang}) ≠ “{_shown(entry)}” ({lang})",
                )
            )
    out.extend(_order(reference, tied, languages, prefix))
    return out


def _same_place(
    reference: list[dict[str, Any]],
    other: list[dict[str, Any]],
    own: list[int],
    missing: list[int],
    place: dict[str, int],
) -> dict[int, int]:
    """The version's own entries each paired with a reference entry the version does not list
    at the same place (most often one name translated: "Iniciativa Kino para la Frontera" /
    "Kino Border Initiative"): the same number in the list, or right after the entries both
    versions list in the same place. Each entry is paired once."""
    pairs: dict[int, int] = {}
    free = set(missing)
    for n in own:
        before = other[n - 1].get("row") if n > 0 else None
        anchor = -1 if n == 0 else place.get(before) if before else None
        for r in (n, None if anchor is None else anchor + 1):
            if r is not None and r in free:
                pairs[n] = r
                free.discard(r)
                break
    return pairs


def _order(
    reference: list[dict[str, Any]],
    tied: list[tuple[int, int, dict[str, Any]]],
    languages: tuple[str, str],
    prefix: str,
) -> list[ListDrift]:
    """The entries out of the reference's order: a pair swapped, or one moved."""
    ref_lang, lang = languages
    sequence = [r for r, _n, _e in tied]
    keep = set(_increasing(sequence))
    out: list[ListDrift] = []
    done: set[int] = set()
    for k, (r, n, _entry) in enumerate(tied):
        if k in keep or k in done:
            continue
        partner = next(
            (
                j
                for j in (k - 1, k + 1)
                if 0 <= j < len(tied)
                and j not in done
                and abs(tied[j][0] - r) == 1
                and (tied[j][0] - r) * (j - k) < 0
            ),
            None,
        )
        if partner is not None:
            done.update({k, partner})
            (r1, n1, _a), (r2, n2, _b) = sorted((tied[k], tied[partner]), key=lambda t: t[0])
            # "5 ↔ 6 (pt)": the two entries swapped places, numbered as the version numbers
            # them (and as the reference does, when its numbers differ).
            low, high = sorted((n1 + 1, n2 + 1))
            places = f"{low} ↔ {high} ({lang})"
            if (low, high) != (r1 + 1, r2 + 1):
                places = f"{r1 + 1} ↔ {r2 + 1} ({ref_lang}), {places}"
            out.append(
                ListDrift(
                    "signatory_order",
                    languages,
                    f"{prefix}“{_shown(reference[r1])}” ↔ “{_shown(reference[r2])}”: {places}",
                )
            )
        else:
            done.add(k)
            out.append(
                ListDrift(
                    "signatory_order",
                    languages,
                    f"{prefix}“{_shown(reference[r])}”: {r + 1} ({ref_lang}) → {n + 1} ({lang})",
                )
            )
    return out


def _increasing(sequence: list[int]) -> list[int]:
    """Indices of a longest increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tails_at: list[int] = []
    back = [-1] * len(sequence)
    for k, value in enumerate(sequence):
        at = bisect.bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
            tails_at.append(k)
        else:
            tails[at], tails_at[at] = value, k
        back[k] = tails_at[at - 1] if at else -1
    out, k = [], tails_at[-1] if tails_at else -1
    while k >= 0:
        out.append(k)
        k = back[k]
    return out[::-1]


def list_drifts(
    reference: dict[str, Any], other: dict[str, Any], languages: tuple[str, str]
) -> list[ListDrift]:
    """What differs between the reference version's lists and another's (see the module doc)."""
    if not reference or not other.get("organizations") and not other.get("individuals"):
        return []  # a version without lists of its own lists the letter's signatories

    out = _compare(
        reference.get("organizations", []), other.get("organizations", []), languages, people=False
    )
    out += _compare(
        reference.get("individuals", []), other.get("individuals", []), languages, people=True
    )
    by_row = {e["row"]: e for e in other.get("organizations", []) if e.get("row")}
    for entry in reference.get("organizations", []):
        twin = by_row.get(entry.get("row"))
        if twin is not None and (entry.get("members") or twin.get("members")):
            out += _compare(
                entry.get("members", []),
                twin.get("members", []),
                languages,
                people=False,
                within=_shown(entry),
            )
    return out
