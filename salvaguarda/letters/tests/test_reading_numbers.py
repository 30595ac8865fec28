"""Numbers written with words read as the same number written in digits."""

from salvaguarda.letters.alignment import anchors
from salvaguarda.letters.reading.numbers import spelled


def test_numbers_in_words_and_with_multipliers() -> None:
    values = [v for _s, _e, v in spelled("cuarenta y cinco mil; 45 mil; $1.5 millones; 1,5 milhão")]
    assert values == ["45000", "45000", "1500000", "1500000"]
    assert [v for *_span, v in spelled("vingt-sept mille et twenty-seven thousand")] == [
        "27000",
        "27000",
    ]


def test_an_article_or_a_percentage_is_not_read_as_a_number() -> None:
    assert spelled("un informe sobre una familia") == []
    assert anchors("el 18 por ciento").numbers == {"18%": "18 por ciento"}


def test_the_same_number_in_any_writing_has_one_key() -> None:
    for text in ("45,000", "45 000", "45.000", "45 mil", "cuarenta y cinco mil"):
        assert set(anchors(f"Son {text} solicitudes.").numbers) == {"45000"}, text
    for text in ("3,210", "3 210", "3.210"):
        assert set(anchors(f"Hay {text} casos.").numbers) == {"3210"}, text
