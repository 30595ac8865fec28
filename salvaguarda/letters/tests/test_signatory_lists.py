# ruff: noqa: E501 - names are written as they circulate
"""Each version's own signatory lists tied to the reference's, and what differs between them."""

from salvaguarda.letters.document import ParsedVersion, Signatory
from salvaguarda.letters.signatory_lists import in_order, list_drifts, lists_of


def version(language: str, organizations: list[str], people: list[str]) -> ParsedVersion:
    parsed = ParsedVersion(language=language)
    parsed.organizations = [Signatory("organization", n, written=n) for n in organizations]
    parsed.individuals = [Signatory("individual", n, written=n) for n in people]
    return parsed


ES = version(
    "es",
    ["Casa del Migrante Saltillo", "Centro Prodh", "Asylum Access México (AAMX)", "Red Sur"],
    ["Hno. Tomás Rendón Saucedo", "Aurora Ximénez Lara", "Samuel Okafor Reyes"],
)
ROWS = {
    "organizations": ["o1", "o2", "o3", "o4"],
    "members": [[], [], [], []],
    "individuals": ["p1", "p2", "p3"],
}


def test_another_versions_entries_are_tied_to_the_reference_rows() -> None:
    reference = lists_of(ES, None, ROWS)
    en = version(
        "en",
        [
            "Casa del Migrante Saltillo",
            "Asylum Access Mexico (AAMX)",
            "Centro Prodh",
            "Texas Project",
        ],
        ["Bro. Tomás Rendón Saucedo", "Aurora Jiménez Lara", "Samuel Okafor Reyes"],
    )
    lists = lists_of(en, reference, None)
    assert [e["row"] for e in lists["organizations"]] == ["o1", "o3", "o2", None]
    assert [e["row"] for e in lists["individuals"]] == ["p1", "p2", "p3"]
    assert lists["absent"] == ["o4"]  # "Red Sur" is not in the English list
    found = {(d.kind, d.detail) for d in list_drifts(reference, lists, ("es", "en"))}
    # Each missing in the other at the same place (4th): one drift, not two.
    assert ("signatory_named", "“Red Sur” (es) / “Texas Project” (en)") in found
    assert not {d for d in found if d[0] == "signatory_only_in"}
    assert (
        "signatory_order",
        "“Centro Prodh” ↔ “Asylum Access México (AAMX)”: 2 ↔ 3 (en)",
    ) in found
    assert (
        "signatory_spelling",
        "“Aurora Ximénez Lara” (es) ≠ “Aurora Jiménez Lara” (en)",
    ) in found
    # A translated title (Hno./Bro.) and a name without accents are no drift.
    assert not any("Rendón" in detail or "Asylum Access Mexico" in detail for _k, detail in found)


def test_a_version_put_in_the_reference_order_keeps_its_own_entries_where_they_were() -> None:
    entries = [{"row": "o2"}, {"row": None, "written": "Own"}, {"row": "o1"}, {"row": "o3"}]
    assert [e["row"] for e in in_order(entries, ["o1", "o2", "o3"])] == ["o1", "o2", None, "o3"]


def test_a_version_without_lists_of_its_own_lists_the_letters_signatories() -> None:
    reference = lists_of(ES, None, ROWS)
    bare = version("en", [], [])
    assert lists_of(bare, reference, None) == {}
    assert list_drifts(reference, {}, ("es", "en")) == []


def test_a_title_kept_in_one_version_and_dropped_in_another_is_no_spelling_drift() -> None:
    rows = {"organizations": [], "members": [], "individuals": ["p1", "p2", "p3", "p4"]}
    fr = version(
        "fr",
        [],
        ["Maître Odile Sarrazin", "Me Paul Ndiaye", "Docteur Inès Morel", "Lucie Faure"],
    )
    es = version("es", [], ["Odile Sarrazin", "Lic. Paul Ndiaye", "Dra. Inès Morel", "Lucie Favre"])
    reference = lists_of(fr, None, rows)
    lists = lists_of(es, reference, None)
    found = [(d.kind, d.detail) for d in list_drifts(reference, lists, ("fr", "es"))]
    assert found == [("signatory_spelling", "“Lucie Faure” (fr) ≠ “Lucie Favre” (es)")]


def test_a_name_translated_at_the_same_place_is_one_drift_and_far_apart_two() -> None:
    es = version(
        "es",
        ["Casa Hogar Nazaret", "Red de Apoyo Jurídico del Valle", "Colectivo Huellas"],
        [],
    )
    rows = {"organizations": ["a", "b", "c"], "members": [[], [], []], "individuals": []}
    reference = lists_of(es, None, rows)
    # The second translated: the same place in both lists.
    en = version(
        "en",
        ["Casa Hogar Nazaret", "Valley Legal Support Network", "Colectivo Huellas"],
        [],
    )
    found = [
        (d.kind, d.detail)
        for d in list_drifts(reference, lists_of(en, reference, None), ("es", "en"))
    ]
    assert found == [
        (
            "signatory_named",
            "“Red de Apoyo Jurídico del Valle” (es) / “Valley Legal Support Network” (en)",
        )
    ]
    # Listed at other places (first in one, last in the other): each is its own drift.
    moved = version(
        "en",
        ["Casa Hogar Nazaret", "Colectivo Huellas", "Valley Legal Support Network"],
        [],
    )
    kinds = [d.kind for d in list_drifts(reference, lists_of(moved, reference, None), ("es", "en"))]
    assert sorted(kinds) == ["signatory_only_in", "signatory_only_in"]
