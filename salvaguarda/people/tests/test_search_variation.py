"""The search-quality benchmark's generator of name variation (bench/variation.py) is sane.

The benchmark's figures are only as good as its variations: they must really alter what they
say they alter, never the person's identity itself, and come out the same for the same seed.
"""

import datetime
import random
from collections import Counter

from bench import variation as V

TODAY = datetime.date(2026, 12, 7)
PEOPLE = [
    V.Identity("María José", "Hernández", "López", datetime.date(1985, 3, 12), "HND"),
    V.Identity("José Luis", "García", "Vásquez", datetime.date(1990, 11, 5), "GTM"),
    V.Identity("Jean-Pierre", "Saint-Fleur", "", datetime.date(1979, 6, 30), "HTI"),
    V.Identity("Guadalupe", "Reyes", "de la O", datetime.date(2001, 1, 2), "MEX"),
    V.Identity("Sofía", "Xitumul", "Ajú", datetime.date(2015, 7, 8), "GTM"),
    V.Identity("Wilmer", "Chávez", "", None, "SLV"),
]


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible variation, not a secret


def draws(seed: int, count: int = 300) -> list[tuple[V.Writing, V.Writing]]:
    rng = seeded(seed)
    return [
        (V.registered(person, rng), V.searched(person, rng, TODAY))
        for _ in range(count)
        for person in PEOPLE
    ]


def test_the_same_seed_gives_the_same_writings_and_another_seed_others() -> None:
    assert draws(5) == draws(5)
    assert draws(5) != draws(6)


def test_a_writing_with_a_name_alteration_differs_from_the_true_name() -> None:
    for person in PEOPLE:
        rng = seeded(1)
        for _ in range(200):
            for writing, prefix in (
                (V.registered(person, rng), "reg_"),
                (V.searched(person, rng, TODAY), "q_"),
            ):
                altered = [k for k in writing.kinds if k.startswith(prefix) and "birth" not in k]
                if altered and altered != ["q_unaltered"]:
                    assert writing.text.casefold() != person.full.casefold(), writing
                if altered == ["q_unaltered"]:
                    assert writing.text.casefold() == person.full.casefold()


def test_every_kind_of_variation_happens_and_most_searches_are_altered() -> None:
    kinds = Counter(kind for pair in draws(9) for writing in pair for kind in writing.kinds)
    for kind in [*V.SEARCH_KINDS, *V.REGISTRATION_KINDS]:
        assert kinds[f"q_{kind}"] + kinds[f"reg_{kind}"] > 0, kind
    searches = len(PEOPLE) * 300
    assert 0 < kinds["q_unaltered"] < searches * 0.25


def test_birth_dates_are_off_by_at_most_a_year_or_swapped_and_an_estimate_is_1_jan_or_1_jul() -> (
    None
):
    rng = seeded(3)
    for _ in range(300):
        for person in PEOPLE:
            registered, searched = V.registered(person, rng), V.searched(person, rng, TODAY)
            born = person.born
            if born is None:
                assert registered.birth is None and searched.birth is None
                continue
            for birth in (registered.birth, searched.birth):
                if birth is not None:
                    assert birth.year is not None and abs(birth.year - born.year) <= 1
            if registered.birth and "birth_estimated" in registered.kinds:
                assert (registered.birth.month, registered.birth.day) in ((1, 1), (7, 1))
            if searched.birth and "q_birth_day_month_swapped" in searched.kinds:
                assert (searched.birth.month, searched.birth.day) == (born.day, born.month)
            if searched.birth and "q_birth_age" in searched.kinds:
                assert searched.birth.age is not None
                assert TODAY.year - searched.birth.age == searched.birth.year


def test_single_alterations_are_those_people_make() -> None:
    rng = seeded(2)
    for _ in range(100):
        slip = V.typo("Hernández", rng)
        assert slip != "Hernández" and slip[0] == "H"
        assert abs(len(slip) - len("Hernández")) <= 1
    heard = {V.spelled_by_ear("Vásquez", rng) for _ in range(100)}
    assert {"Básquez", "Vásques"} <= heard
    assert V.spelled_by_ear("Hilda", seeded(0)) != "Hilda"
    assert V.accents_dropped("Peña Núñez") == "Pena Nunez"
    assert V.nickname("José", rng) in {"Pepe", "Chepe", "Cheo"}
    assert V.nickname("María Guadalupe", rng) == "Lupe"
    assert V.nickname("Kevin", rng) is None
    assert V.abbreviated_maria("María José", rng).split()[1:] == ["José"]
    assert V.particle_variant("de la O", rng) in {"O", "Delao"}
