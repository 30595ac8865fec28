"""The fine ranking does not let collisions of the 64 keyed letter-pair bits decide.

Each organization has its own key, so which letter pairs of two words share a bit changes from one
organization to the next: "López" may seem to share 4 of its 6 pairs with "Gómez" in one of about
fifty. These tests build the bits by hand, as such a collision would set them.
"""

from django.test import SimpleTestCase

from salvaguarda.people.search import ranking
from salvaguarda.people.search.query import Query, QueryTerm


def term(text: str, word: int, grams: int, start: int, exact: int) -> QueryTerm:
    return QueryTerm(
        text=text,
        words=(word,),
        joined=False,
        exact=exact,
        phonetic=None,
        near=frozenset(),
        aliases=frozenset(),
        grams=grams,
        initial=None,
        first_letter=-exact,
        start=start,
    )


def bits(*positions: int) -> int:
    return sum(1 << p for p in positions)


# "lopez" as 6 bits: ^l (bit 0), lo, op, pe, ez, z$.
LOPEZ = bits(0, 1, 2, 3, 4, 5)
START_L = bits(0)
# "gomez" with ez and z$ (bits 4, 5) and, by collision, two more of López's bits (2, 3); its own
# ^g, go, om, me elsewhere (bits 20-23, 22 and 23 colliding with each other).
GOMEZ = bits(2, 3, 4, 5, 20, 21, 22)


class LetterPairMatchTest(SimpleTestCase):
    def test_pairs_shared_by_collision_with_another_first_letter_are_no_match(self) -> None:
        self.assertGreaterEqual(ranking._shared(LOPEZ, GOMEZ), ranking.MIN_SHARED)
        person = ranking._Person(grams={1: GOMEZ}, words=1)
        found = list(ranking._matches(term("lopez", 0, LOPEZ, START_L, exact=7), person))
        self.assertEqual(found, [])

    def test_a_misspelling_with_the_same_first_letter_still_matches(self) -> None:
        lopes = bits(0, 1, 2, 3, 30, 31)  # ^l lo op pe es s$
        person = ranking._Person(grams={1: lopes}, words=1)
        found = list(ranking._matches(term("lopez", 0, LOPEZ, START_L, exact=7), person))
        self.assertEqual(len(found), 1)
        level, mask = found[0]
        self.assertEqual(mask, 1)
        self.assertLess(level, 0.7)  # a typo counts less than a word matched by sound


class AdjacencyTest(SimpleTestCase):
    """Two words typed one after the other that follow each other in the person's name add
    `ADJACENT` only as much as the weaker of the two matches."""

    def score(self, second_grams: int) -> float:
        query = Query(
            tokens=[],
            covered_by={},
            terms=[
                term("perez", 0, bits(40, 41, 42), bits(40), exact=11),
                term("lopez", 1, LOPEZ, START_L, exact=7),
            ],
            words=2,
        )
        person = ranking._Person(
            exact={11: [1]}, grams={1: bits(40, 41, 42), 2: second_grams}, words=3
        )
        score, unmatched = ranking._name_score(query, [2.0, 2.0], person)
        self.assertEqual(unmatched, 0)
        return score

    def test_a_weak_second_match_adds_a_weaker_bonus(self) -> None:
        lopes = bits(0, 1, 2, 3, 30, 31)
        level = next(
            ranking._matches(
                term("lopez", 1, LOPEZ, START_L, exact=7),
                ranking._Person(grams={2: lopes}, words=2),
            )
        )[0]
        expected = 2.0 + 2.0 * level + ranking.IN_ORDER + ranking.ADJACENT * level
        self.assertAlmostEqual(self.score(lopes), expected)
