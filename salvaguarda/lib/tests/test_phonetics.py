"""The Spanish phonetic key: names that sound alike get the same key."""

import pytest

from salvaguarda.lib.phonetics import ALPHABET, edit_variants, spanish_key

SAME = [
    ("González", "Gonzalez"),  # accents
    ("Núñez", "Nunez"),  # ñ
    ("Beatriz", "Veatriz"),  # b/v
    ("Valdivia", "Baldibia"),
    ("Hernández", "Hernandes"),  # s/z
    ("González", "Gonsales"),
    ("Cecilia", "Sesilia"),  # c before e/i
    ("Ximena", "Simena"),  # x
    ("Carla", "Karla"),  # c before a/o/u, k
    ("Quiroz", "Kiros"),  # qu
    ("Geovany", "Jeovany"),  # g before e/i, j
    ("Guillermo", "Guiyermo"),  # gu before e/i, ll
    ("Yesenia", "Llesenia"),  # y/ll
    ("Castillo", "Castiyo"),
    ("Maia", "Maya"),  # i between vowels
    ("Mayra", "Maira"),  # y as a vowel
    ("Edwin", "Eduin"),  # w as a vowel
    ("Héctor", "Éctor"),  # silent h
    ("Jhonatan", "Jonathan"),
    ("Shirley", "Chirley"),  # sh/ch
    ("Philippe", "Felipe"),  # ph
    ("Marttinez", "Martinez"),  # double letters
    ("Ulisses", "Ulises"),
    ("Pierre", "Pier"),
    ("Mejía", "Mejai"),  # vowel order does not matter
    ("Oscar", "Óscar"),
    ("Christian", "Cristhian"),  # ch before a consonant is k
    ("Cristian", "Christian"),
]

DIFFERENT = [
    ("Martínez", "Martín"),  # final s kept
    ("Cruz", "Cruces"),
    ("Chávez", "Sánchez"),  # ch is not s
    ("Hernández", "Fernández"),
    ("Ana", "Andrea"),
]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_names_that_sound_alike_share_a_key(one: str, other: str) -> None:
    assert spanish_key(one) == spanish_key(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_names_that_sound_different_do_not(one: str, other: str) -> None:
    assert spanish_key(one) != spanish_key(other)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Hernández", "ARNNDS"),  # leading vowel marker; n-a-n keeps both n
        ("Ana", "AN"),
        ("Chávez", "CBS"),
        ("Rodríguez", "RDRGS"),
        ("García", "GRS"),
        ("Jean-Baptiste", "JNBPTST"),
        ("Ruiz", "RS"),
        ("Io", "A"),
    ],
)
def test_known_keys(name: str, key: str) -> None:
    assert spanish_key(name) == key


def test_a_leading_silent_h_and_vowel_give_the_vowel_marker() -> None:
    assert spanish_key("Hilda") == spanish_key("Ilda") == "ALD"


def test_ch_keeps_its_h() -> None:
    assert spanish_key("Chelo") == "CL"
    assert spanish_key("Chelo") != spanish_key("Elo")


def test_no_letters_no_key() -> None:
    assert spanish_key("") == ""
    assert spanish_key("123") == ""
    assert spanish_key(" - ") == ""


def test_the_key_uses_the_alphabet_only_and_the_vowel_marker_only_first() -> None:
    for name in ["Ángel", "Wilson", "Xóchitl", "Ñañez", "Hugo", "Yvonne", "Güero"]:
        key = spanish_key(name)
        assert key
        assert set(key) <= set(ALPHABET)
        assert "A" not in key[1:]


def test_edit_variants_are_at_distance_one() -> None:
    variants = edit_variants("RDRJS")
    assert "RDRGS" in variants  # substitution: Rodrigez -> Rodriguez
    assert "RDRS" in variants  # deletion
    assert "RDRJKS" in variants  # insertion
    assert "DRRJS" in variants  # transposition
    assert "RDRJS" not in variants
    assert all("A" not in variant[1:] for variant in variants)
    assert "ARDRJS" in variants  # a leading vowel may be missing or added
    assert "DRS" not in variants  # two edits


def test_typos_are_one_edit_away() -> None:
    assert spanish_key("Rodriguez") in edit_variants(spanish_key("Rodrigez"))
    assert spanish_key("Saint-Fleur".replace("-", "")) in edit_variants(spanish_key("Sainfleur"))
    assert spanish_key("Hernández") in edit_variants(spanish_key("Hernadez"))
