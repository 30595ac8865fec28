"""Name search over blind-index tokens: misspellings find the right person first."""

import datetime
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from io import StringIO
from unittest import mock, skipUnless

from django.core.management import call_command
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from salvaguarda.accounts.models import Organization, Role, User
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, OrganizationFactory, member
from salvaguarda.core.tests.test_rls import PROBE_ROLE, ensure_probe_role
from salvaguarda.people import search
from salvaguarda.people.models import NameToken, Person
from salvaguarda.people.search import (
    BirthQuery,
    name_token_rows,
    name_tokens_refresh,
    parse_birth,
    rank_persons,
    ranking,
)
from salvaguarda.people.search import candidates as search_candidates
from salvaguarda.people.search.terms import full_names_of, nicknames

# label: (given names, first surname, second surname)
TARGETS = {
    "gonzalez": ("María Fernanda", "González", "Ruiz"),
    "nunez": ("José Luis", "Núñez", "Salas"),
    "beatriz": ("Beatriz", "Valdivia", "Ortega"),
    "hernandez": ("Carlos", "Hernández", "Pérez"),
    "cecilia": ("Cecilia", "Ramírez", "Soto"),
    "yesenia": ("Yesenia", "Castillo", "Mora"),
    "hector": ("Héctor", "Aguilar", "Ríos"),
    "jonathan": ("Jonathan", "Mejía", "Torres"),
    "jeovany": ("Jeovany", "Rodríguez", "Martínez"),
    "maria_jose": ("María José", "Pérez", "López"),
    "guillermo": ("Guillermo", "Sánchez", "Ortiz"),
    "cruz": ("Ana María", "de la Cruz", "Villalobos"),
    "wilmer": ("Wilmer Josué", "Chávez", ""),
    "haitian": ("Jean-Baptiste", "Saint-Fleur", ""),
    "marie": ("Marie-Claude", "Dorvilus", ""),
    "cristhian": ("Cristhian", "Hernández", "Ventura"),
}

# Similar names that must rank below the intended person.
CROWD = [
    ("María Fernanda", "Gómez", "Ruiz"),
    ("Fernando", "González", "Ríos"),
    ("José Luis", "Muñoz", "Salas"),
    ("Luis", "Núñez", "Sala"),
    ("Beatriz", "Valdez", "Ortiz"),
    ("Carlos", "Fernández", "Pérez"),
    ("Carla", "Hernández", "Paz"),
    ("Celia", "Ramírez", "Soto"),
    ("Cecilia", "Ramos", "Sosa"),
    ("Yesenia", "Castro", "Mora"),
    ("Jessica", "Castillo", "Moreno"),
    ("Hugo", "Aguilar", "Ríos"),
    ("Héctor", "Aguirre", "Reyes"),
    ("Jonathan", "Medina", "Torres"),
    ("Johnny", "Mejía", "Torres"),
    ("Giovanni", "Ramírez", "Martínez"),
    ("Jeovany", "Rodas", "Marín"),
    ("María", "Pérez", "Gómez"),
    ("José", "López", "Pérez"),
    ("María Luisa", "López", "Ortega"),
    ("Guillermo", "Santos", "Ortega"),
    ("Guadalupe", "Sánchez", "Ortiz"),
    ("Ana", "Cruz", "Villa"),
    ("Ana María", "Ortiz", "Villalobos"),
    ("Wilson", "Chávez", "Reyes"),
    ("Josué", "Chaves", "López"),
    ("Jean", "Pierre", "Fleurant"),
    ("Baptiste", "Saint-Louis", ""),
    ("Claudette", "Dorval", ""),
    ("Marie", "Joseph", ""),
    ("Cristian", "Herrera", "Ventura"),
    ("Christian", "Hernández", "Bautista"),
    ("Rosa", "Castiyo", "Mena"),
]

# query: the label of the person it must find first
CASES = [
    ("Maria Fernanda Gonzalez Ruiz", "gonzalez"),  # no accents
    ("Maria Fernanda Gonsales Ruis", "gonzalez"),  # s/z
    ("GONZALEZ, María F.", "gonzalez"),  # upper case, punctuation, an initial
    ("Jose Luis Nunez", "nunez"),  # no ñ
    ("Veatriz Baldibia", "beatriz"),  # b/v
    ("Beatris Valdivia Ortega", "beatriz"),
    ("Carlos Hernandes Perez", "hernandez"),  # s/z
    ("Carlos Ernandez", "hernandez"),  # silent h left out
    ("Sesilia Ramires", "cecilia"),  # c/s
    ("Llesenia Castiyo", "yesenia"),  # y/ll
    ("Ector Aguilar", "hector"),  # silent h
    ("Jhonatan Mejia", "jonathan"),
    ("Jonatan Megia Torres", "jonathan"),  # g/j
    ("Jonathan Mejai", "jonathan"),  # transposed letters
    ("Geovany Rodriguez", "jeovany"),  # g/j
    ("Jeovanny Rodrigez Martines", "jeovany"),  # double letter, missing u, s/z
    ("Marttinez Rodriguez Jeovany", "jeovany"),  # order, double t
    ("Jose Maria Perez", "maria_jose"),  # compound given name, in another order
    ("Maria Perez Lopez", "maria_jose"),  # half of a compound given name
    ("Mariajose Perez", "maria_jose"),  # written together
    ("Perez Lopez Maria Jose", "maria_jose"),  # surnames first
    ("Guillermo Sanchez", "guillermo"),  # no second surname
    ("Guillermo Ortiz", "guillermo"),  # only the second surname
    ("Guillermo Ortiz Sanchez", "guillermo"),  # surnames swapped
    ("Guiyermo Sanches Ortis", "guillermo"),
    ("Ana Maria de la Cruz Villalobos", "cruz"),
    ("Ana Maria Delacruz", "cruz"),  # particle written together
    ("Ana Cruz Villalobos", "cruz"),
    ("Uilmer Chaves", "wilmer"),  # w/u, v/b, z/s
    ("Wilmer Josue Chavez", "wilmer"),
    ("Jean Baptiste Saint Fleur", "haitian"),  # hyphens left out
    ("Jeanbaptiste Sainfleur", "haitian"),  # written together, t left out
    ("Saint Fleur Jean", "haitian"),
    ("Mari Klod Dorbilus", "marie"),  # written by ear
    ("Christian Hernandez Bentura", "cristhian"),  # th, v/b
]


@contextmanager
def exact_ranking() -> Iterator[None]:
    """Budgets large enough for the ranking statement to read every matching row."""
    with (
        mock.patch.object(search_candidates, "NAIVE_ROWS", 10**9),
        mock.patch.object(search_candidates, "WINDOW_ROWS", 10**9),
    ):
        yield


def create_person(
    organization: Organization,
    user: User,
    number: int,
    names: tuple[str, str, str],
    pk: int | None = None,
) -> Person:
    given, first, second = names
    with organization_scope(organization.pk):
        person = Person.objects.create(
            id=pk,
            organization=organization,
            created_by=user,
            modified_by=user,
            reference=f"P-{number:06d}",
            given_names=given,
            first_surname=first,
            second_surname=second,
        )
        name_tokens_refresh(person)
    return person


class NameSearchTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.org = cls.cast.org
        user = cls.cast.caseworker
        cls.people: dict[str, Person] = {}
        # The crowd is registered after the targets: newer, it would win every tie.
        for number, (label, names) in enumerate(TARGETS.items(), start=1):
            cls.people[label] = create_person(cls.org, user, number, names)
        cls.crowd = [
            create_person(cls.org, user, 100 + number, names) for number, names in enumerate(CROWD)
        ]
        cls.elsewhere = create_person(
            cls.cast.other_org, cls.cast.outsider, 1, ("Guillermo", "Sánchez", "Ortiz")
        )

    def rank(self, text: str, **kwargs: object) -> list[int]:
        with organization_scope(self.org.pk):
            return rank_persons(organization_id=self.org.pk, text=text, **kwargs)  # type: ignore[arg-type]

    def test_misspellings_find_the_intended_person_first(self) -> None:
        for query, label in CASES:
            with self.subTest(query=query):
                found = self.rank(query)
                self.assertTrue(found, "nothing found")
                self.assertEqual(found[0], self.people[label].pk)

    def test_a_given_name_alone_finds_every_person_with_it(self) -> None:
        found = self.rank("Maria")
        for label in ("gonzalez", "maria_jose", "cruz"):
            self.assertIn(self.people[label].pk, found)
        found = self.rank("Jose")
        self.assertIn(self.people["maria_jose"].pk, found)
        self.assertIn(self.people["nunez"].pk, found)

    def test_exact_beats_phonetic_beats_a_typo(self) -> None:
        jessica, rosa = self.crowd[10].pk, self.crowd[32].pk  # Castillo, Castiyo
        castro = self.crowd[9].pk  # KSTR is one code away from KSTY
        yesenia = self.people["yesenia"].pk
        self.assertEqual(self.rank("Castillo"), [jessica, yesenia, rosa, castro])
        self.assertEqual(self.rank("Castiyo"), [rosa, jessica, yesenia, castro])
        found = self.rank("Fernandez")  # Hernández is one phonetic code away
        self.assertEqual(found[0], self.crowd[5].pk)
        self.assertIn(self.people["hernandez"].pk, found[1:])

    def test_ties_go_to_the_newest(self) -> None:
        found = self.rank("Jeovany")
        self.assertEqual(found[:2], [self.crowd[16].pk, self.people["jeovany"].pk])

    def test_an_unrelated_name_finds_nobody(self) -> None:
        self.assertEqual(self.rank("Zbigniew Kowalczyk"), [])

    def test_empty_or_unsearchable_text_finds_nobody(self) -> None:
        for text in ["", "   ", "de la", "J.", "-- ,"]:
            with self.subTest(text=text):
                self.assertEqual(self.rank(text), [])

    def test_another_organization_is_never_returned(self) -> None:
        found = self.rank("Guillermo Sanchez Ortiz")
        self.assertNotIn(self.elsewhere.pk, found)
        with organization_scope(self.cast.other_org.pk):
            theirs = rank_persons(organization_id=self.cast.other_org.pk, text="Guillermo")
        self.assertEqual(theirs, [self.elsewhere.pk])

    def test_soft_deleted_people_are_not_returned(self) -> None:
        target = self.people["guillermo"]
        Person.unscoped.filter(pk=target.pk).update(deleted_at=timezone.now())
        found = self.rank("Guillermo Sanchez Ortiz")
        self.assertNotIn(target.pk, found)
        self.assertTrue(found)

    def test_many_deleted_best_matches_do_not_shorten_the_page(self) -> None:
        before = self.rank("Maria", limit=50)
        removed = before[:12]
        Person.unscoped.filter(pk__in=removed).update(deleted_at=timezone.now())
        self.assertEqual(self.rank("Maria", limit=1), before[12:13])
        self.assertEqual(self.rank("Maria", limit=2, offset=1), before[13:15])

    def test_pages(self) -> None:
        everyone = self.rank("Maria Jose Luis Perez", limit=100)
        self.assertGreaterEqual(len(everyone), 4)
        self.assertEqual(self.rank("Maria Jose Luis Perez", limit=2), everyone[:2])
        self.assertEqual(self.rank("Maria Jose Luis Perez", limit=2, offset=2), everyone[2:4])
        self.assertEqual(self.rank("Maria Jose Luis Perez", limit=2, offset=99), [])

    def test_the_pruned_statement_with_room_for_every_row_ranks_exactly(self) -> None:
        queries = [query for query, _ in CASES] + ["Maria", "Hernandez", "Jose Luis Maria"]
        with exact_ranking():
            exact = {query: self.rank(query, limit=100) for query in queries}
        with (
            mock.patch.object(search_candidates, "NAIVE_ROWS", 0),
            mock.patch.object(search_candidates, "ANCHOR_ROWS", 3),
            mock.patch.object(search_candidates, "WINDOW_ROWS", 1000),
        ):
            for query in queries:
                with self.subTest(query=query):
                    self.assertEqual(self.rank(query, limit=100), exact[query])

    def test_candidates_restrict_the_result(self) -> None:
        allowed = [self.people["maria_jose"].pk, self.crowd[17].pk, self.people["nunez"].pk]
        with organization_scope(self.org.pk):
            candidates = Person.objects.filter(pk__in=allowed)
            found = rank_persons(
                organization_id=self.org.pk, text="Maria Perez", candidates=candidates
            )
            nobody = rank_persons(
                organization_id=self.org.pk, text="Maria", candidates=Person.objects.none()
            )
        # Both are "María Pérez": the newer first.
        self.assertEqual(found, [self.crowd[17].pk, self.people["maria_jose"].pk])
        self.assertEqual(nobody, [])

    def test_candidates_far_down_the_ranking_are_ranked_among_themselves(self) -> None:
        with exact_ranking():
            ranking = self.rank("Maria Perez", limit=100)
        self.assertGreater(len(ranking), 9)
        last, before_last = ranking[-1], ranking[-2]
        for few in (5000, 0):  # ranked one by one, or by the restricted statement
            with (
                self.subTest(few=few),
                organization_scope(self.org.pk),
                mock.patch.object(search_candidates, "PREFILTER_ROWS", 2),
                mock.patch.object(search_candidates, "FEW_CANDIDATES", few),
                exact_ranking(),
            ):
                candidates = Person.objects.filter(pk__in=[last, before_last])
                found = rank_persons(
                    organization_id=self.org.pk, text="Maria Perez", candidates=candidates
                )
                second = rank_persons(
                    organization_id=self.org.pk, text="Maria Perez", candidates=candidates, offset=1
                )
                self.assertEqual(found, [before_last, last])
                self.assertEqual(second, [last])

    def test_misspellings_among_filtered_candidates(self) -> None:
        with (
            organization_scope(self.org.pk),
            mock.patch.object(search_candidates, "PREFILTER_ROWS", 1),
            mock.patch.object(search_candidates, "FEW_CANDIDATES", 0),
        ):
            candidates = Person.objects.exclude(pk=self.crowd[0].pk)
            for query, label in CASES:
                with self.subTest(query=query):
                    found = rank_persons(
                        organization_id=self.org.pk, text=query, candidates=candidates, limit=3
                    )
                    self.assertEqual(found[0], self.people[label].pk)

    def test_candidates_exclude_soft_deleted_people(self) -> None:
        target = self.people["maria_jose"]
        Person.unscoped.filter(pk=target.pk).update(deleted_at=timezone.now())
        with organization_scope(self.org.pk):
            found = rank_persons(
                organization_id=self.org.pk, text="Maria Jose", candidates=Person.unscoped.all()
            )
        self.assertNotIn(target.pk, found)
        self.assertNotIn(self.elsewhere.pk, found)

    def test_a_name_change_changes_the_tokens(self) -> None:
        person = self.people["hector"]
        with organization_scope(self.org.pk):
            person = Person.objects.get(pk=person.pk)
            person.first_surname = "Zamudio"
            person.save()
            name_tokens_refresh(person)
        self.assertNotIn(person.pk, self.rank("Ector Aguilar")[:1])
        self.assertEqual(self.rank("Hector Zamudio")[0], person.pk)

    def test_the_token_table_holds_no_clear_text(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM people_nametoken")
            rows = cursor.fetchall()
        self.assertTrue(rows)
        for row in rows:
            self.assertTrue(all(value is None or isinstance(value, int) for value in row), row)
        self.assertEqual(
            set(NameToken.objects.values_list("kind", flat=True)),
            {
                NameToken.Kind.EXACT,
                NameToken.Kind.PHONETIC,
                NameToken.Kind.ALIAS,
                NameToken.Kind.PAIR,
            },
        )

    def test_rows_are_distinct_and_the_same_name_differs_between_organizations(self) -> None:
        other = OrganizationFactory()
        user = member(other, Role.CASEWORKER)
        names = TARGETS["guillermo"]
        twin = create_person(other, user, 1, names)
        mine = set(NameToken.objects.filter(person=self.people["guillermo"]).values_list("token"))
        theirs = set(NameToken.objects.filter(person=twin).values_list("token"))
        self.assertEqual(len(mine), len(theirs))
        self.assertFalse(mine & theirs)
        # guillermo, sanchez, ortiz: an exact and a phonetic token each, and the three pairs of
        # their keys; nothing else.
        kinds = list(NameToken.objects.filter(person=twin).values_list("kind", flat=True))
        self.assertEqual(len(kinds), 9)
        self.assertEqual(kinds.count(NameToken.Kind.PAIR), 3)

    def test_unsaved_rows_for_a_person(self) -> None:
        person = Person(organization=self.org, given_names="María José", first_surname="de la Cruz")
        with organization_scope(self.org.pk):
            rows = name_token_rows(person)
        kinds = [row.kind for row in rows]
        # maria, jose, mariajose, cruz, delacruz: one exact token each, and phonetic ones
        # (MR, JS, MRJS, KRS, DLKRS).
        self.assertEqual(kinds.count(NameToken.Kind.EXACT), 5)
        self.assertEqual(kinds.count(NameToken.Kind.PHONETIC), 5)
        # The French forms a Haitian "María" or "José" may stand for (nicknames.csv).
        self.assertEqual(kinds.count(NameToken.Kind.ALIAS), 2)
        # Pairs of the words' keys: maria (MR, and MR for "marie"), jose (JS, and JSF for
        # "joseph"), cruz (KRS, and DLKRS with its particles), mariajose (MRJS) with cruz:
        # MR+JS, MR+JSF, MR+KRS, MR+DLKRS, JS+KRS, JS+DLKRS, JSF+KRS, JSF+DLKRS, MRJS+KRS,
        # MRJS+DLKRS; no year, no date of birth.
        self.assertEqual(kinds.count(NameToken.Kind.PAIR), 10)
        # Letter pairs for single words only; joined terms stand for two words.
        with_grams = {row.word_mask for row in rows if row.grams is not None}
        self.assertEqual(with_grams, {0b1, 0b10, 0b100})
        joined = {row.word_mask for row in rows if row.kind == NameToken.Kind.EXACT}
        self.assertEqual(joined, {0b1, 0b10, 0b11, 0b100})
        self.assertTrue(all(row.pk is None and row.person is person for row in rows))
        self.assertTrue(all(row.organization_id == self.org.pk for row in rows))


class PrunedNameSearchTest(NameSearchTest):
    """The same, with the budgets of the pruned statement shrunk to a few rows."""

    def setUp(self) -> None:
        for name, value in [("NAIVE_ROWS", 0), ("WINDOW_ROWS", 1), ("ANCHOR_ROWS", 2)]:
            patcher = mock.patch.object(search_candidates, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)


@skipUnless(connection.vendor == "postgresql", "row-level security is a PostgreSQL feature")
class NameSearchUnderRowLevelSecurityTest(TestCase):
    """As the application's plain role, the search sees only the scope's organization."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        names = ("Guillermo", "Sánchez", "Ortiz")
        cls.mine = create_person(cls.cast.org, cls.cast.caseworker, 1, names)
        cls.theirs = create_person(cls.cast.other_org, cls.cast.outsider, 1, names)

    def setUp(self) -> None:
        ensure_probe_role()
        call_command("grant_app_role", PROBE_ROLE, stdout=StringIO())

    def rank_as_app(self, scope: int, organization_id: int, **budgets: int) -> list[int]:
        with ExitStack() as stack:
            for name, value in budgets.items():
                stack.enter_context(mock.patch.object(search_candidates, name, value))
            with organization_scope(scope), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL ROLE {PROBE_ROLE}")
                found = rank_persons(organization_id=organization_id, text="Guillermo Sanches")
                cursor.execute("RESET ROLE")
        return found

    def test_the_search_works_as_the_application_role(self) -> None:
        self.assertEqual(self.rank_as_app(self.cast.org.pk, self.cast.org.pk), [self.mine.pk])
        pruned = {"NAIVE_ROWS": 0, "WINDOW_ROWS": 1, "ANCHOR_ROWS": 1}
        found = self.rank_as_app(self.cast.org.pk, self.cast.org.pk, **pruned)
        self.assertEqual(found, [self.mine.pk])

    def test_another_organization_s_tokens_are_out_of_reach(self) -> None:
        self.assertEqual(self.rank_as_app(self.cast.org.pk, self.cast.other_org.pk), [])


class IdGapTest(TestCase):
    """A list's size, and so a word's weight, is counted, never worked out from person ids:
    people created after a large gap in the ids (ids are shared by every organization, and
    PostgreSQL's sequences skip what rolled back) rank as the same people would without it."""

    NAMES = [
        ("Ana", "López", "García"),
        ("Ana María", "López", "Ruiz"),
        ("Luis", "López", ""),
        ("Ana", "Soto", "Pérez"),
        ("Rosa", "García", "Soto"),
        ("Pedro", "Ruiz", "López"),
        ("Ana", "Pérez", ""),
        ("Marta", "Soto", "García"),
        ("Ana", "García", "López"),
        ("José", "López", "Soto"),
    ]
    QUERIES = ["Ana Lopez", "Lopez Garcia", "Ana Maria Lopez", "Soto", "Ana Perez Soto"]
    GAP = 10**9

    @classmethod
    def setUpTestData(cls) -> None:
        cast = Cast.build()
        cls.near, cls.far = cast.org, cast.other_org
        cls.people: dict[int, list[int]] = {}
        for org, user, first in [(cls.near, cast.caseworker, None), (cls.far, cast.outsider, 1)]:
            cls.people[org.pk] = [
                create_person(org, user, n, names, cls.GAP + n if first else None).pk
                for n, names in enumerate(cls.NAMES, start=1)
            ]

    def weights_and_scores(
        self, org: Organization, text: str
    ) -> tuple[list[float], dict[int, float]]:
        """The query words' weights, and each person's score by position in NAMES."""
        with organization_scope(org.pk):
            query = search.parse_query(org.pk, text)
            plan = search_candidates.plan_for(org.pk, query)
            weights = ranking._weights(query, plan, len(self.NAMES))
            found = ranking.search_persons(organization_id=org.pk, text=text)
        positions = self.people[org.pk]
        return weights, {positions.index(pk): score for pk, score in found.scores.items()}

    def test_people_after_an_id_gap_rank_the_same(self) -> None:
        for text in self.QUERIES:
            with exact_ranking():  # every list read whole and counted
                exact = self.weights_and_scores(self.near, text)
                far_exact = self.weights_and_scores(self.far, text)
            with (
                self.subTest(text=text),
                mock.patch.object(search_candidates, "NAIVE_ROWS", 0),
                mock.patch.object(search_candidates, "WINDOW_ROWS", 1),
                mock.patch.object(search_candidates, "ANCHOR_ROWS", 1),
            ):
                near_weights, _ = self.weights_and_scores(self.near, text)
                far_weights, far_scores = self.weights_and_scores(self.far, text)
                self.assertEqual(near_weights, exact[0])
                self.assertEqual(far_weights, exact[0])
                self.assertEqual(far_exact[0], exact[0])
                # The same people score the same with every list read in part: their words
                # weigh what they weigh when read whole.
                for position, score in far_scores.items():
                    self.assertAlmostEqual(score, far_exact[1][position])


class BirthDateRankingTest(TestCase):
    """A birth date given with the name ranks; it never filters anyone out."""

    @classmethod
    def setUpTestData(cls) -> None:
        cast = Cast.build()
        cls.org = cast.org
        born = [(1961, "exact"), (1984, "estimated"), (1990, "exact"), (2003, "year")]
        cls.namesakes = []
        for number, (year, precision) in enumerate(born, start=1):
            person = create_person(cls.org, cast.caseworker, number, ("Ana", "López", "García"))
            with organization_scope(cls.org.pk):
                person.date_of_birth = datetime.date(year, 3, 12)
                person.birth_year, person.birth_precision = year, precision
                person.save()
                name_tokens_refresh(person)
            cls.namesakes.append(person)
        cls.unknown = create_person(cls.org, cast.caseworker, 9, ("Ana", "López", "García"))

    def rank(self, birth: str, **kwargs: object) -> list[int]:
        with organization_scope(self.org.pk):
            found = parse_birth(birth, datetime.date(2026, 12, 7))
            return rank_persons(
                organization_id=self.org.pk, text="Ana Lopez Garcia", birth=found, **kwargs
            )  # type: ignore[arg-type]

    def test_the_namesake_born_then_comes_first_and_nobody_is_left_out(self) -> None:
        oldest, estimated, exact, year_only = (p.pk for p in self.namesakes)
        everyone = {*(p.pk for p in self.namesakes), self.unknown.pk}
        for birth, first in [
            ("12/03/1961", oldest),
            ("03/12/1961", oldest),  # day and month the other way round
            ("1962", oldest),  # a year off
            ("1986", estimated),  # an estimated date is given two years
            ("12/03/1990", exact),
            ("2003", year_only),
            ("36", exact),  # an age: born about 1990
        ]:
            with self.subTest(birth=birth):
                found = self.rank(birth)
                self.assertEqual(found[0], first)
                self.assertEqual(set(found), everyone)

    def test_an_older_namesake_beyond_the_candidates_is_brought_in_by_the_year(self) -> None:
        oldest = self.namesakes[0].pk
        with mock.patch.object(ranking, "POOL", 2):
            self.assertNotIn(oldest, self.rank("", limit=2))  # the newest two
            self.assertEqual(self.rank("1961", limit=1), [oldest])


class ParseBirthTest(SimpleTestCase):
    """What caseworkers type in the birth field, as they write dates in the region."""

    TODAY = datetime.date(2026, 12, 7)

    def test_dates_months_years_and_ages(self) -> None:
        cases = {
            "12/03/1985": BirthQuery(1985, 3, 12),
            "12-3-1985": BirthQuery(1985, 3, 12),
            "12.03.85": BirthQuery(1985, 3, 12),
            "1/7/05": BirthQuery(2005, 7, 1),
            "1985-03-12": BirthQuery(1985, 3, 12),
            "03/25/1985": BirthQuery(1985, 3, 25),  # month first: read the other way round
            "03/1985": BirthQuery(1985, 3),
            "1985": BirthQuery(1985),
            "38": BirthQuery(1988, approximate=True),
            "38 años": BirthQuery(1988, approximate=True),
            "2 AÑOS": BirthQuery(2024, approximate=True),
        }
        for typed, expected in cases.items():
            with self.subTest(typed=typed):
                self.assertEqual(parse_birth(typed, self.TODAY), expected)

    def test_what_cannot_be_a_birth_date(self) -> None:
        for typed in ["marzo", "31/02/1990", "13/13/1990", "2030", "1850", "150 años", "12/03"]:
            with self.subTest(typed=typed):
                self.assertIsNone(parse_birth(typed, self.TODAY))


class NicknameTableTest(SimpleTestCase):
    def test_nicknames_and_abbreviations_stand_for_full_names(self) -> None:
        self.assertEqual(full_names_of("pepe"), {"jose"})
        self.assertEqual(full_names_of("lupita"), {"guadalupe"})
        self.assertEqual(full_names_of("chuy"), {"jesus"})
        self.assertEqual(full_names_of("ma"), {"maria"})
        self.assertEqual(full_names_of("majo"), {"maria", "jose"})
        self.assertTrue({"alberto", "roberto"} <= full_names_of("beto"))
        self.assertEqual(full_names_of("guadalupe"), set())  # a full name stands for itself

    def test_every_row_of_the_table_names_full_names_and_countries(self) -> None:
        table = nicknames()
        self.assertGreater(len(table), 100)
        self.assertTrue(all(names for names in table.values()))


class WordWeightTest(TestCase):
    """A common word counts less than a rare one, even when a person has both written
    together (the joined term is rare, the words are not)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cast = Cast.build()
        cls.org = cast.org
        names = [("Jayden Luis", "García", "López"), ("Jayden", "Gómez", "Rodríguez")]
        names += [("Luis", surname, "") for surname in ("Pérez", "Ruiz", "Díaz", "Paz", "Soto")]
        cls.people = [
            create_person(cls.org, cast.caseworker, number, person)
            for number, person in enumerate(names, start=1)
        ]

    def test_weights_come_from_each_word_s_own_lists(self) -> None:
        with organization_scope(self.org.pk):
            query = search.parse_query(self.org.pk, "Jayden Luis Gomez Rodriguez")
            plan = search_candidates.plan_for(self.org.pk, query)
            jayden, luis, gomez, _rodriguez = ranking._weights(query, plan, len(self.people))
        self.assertGreater(jayden, luis)
        self.assertGreater(gomez, luis)

    def test_the_person_with_more_of_the_words_comes_first(self) -> None:
        with organization_scope(self.org.pk):
            found = rank_persons(organization_id=self.org.pk, text="Jayden Luis Gomez Rodriguez")
        self.assertEqual(found[0], self.people[1].pk)  # not "Luis" ~ "López", one sound away


class RepeatedWordTest(TestCase):
    """A word said twice stands for two of the person's words: "Hernández Hernández" is not
    "Hernández" said once more."""

    @classmethod
    def setUpTestData(cls) -> None:
        cast = Cast.build()
        cls.org = cast.org
        names = [
            ("Dylan", "Hernández", "Hernández"),
            ("Dylan", "Hernández", ""),  # newer: wins every tie
        ]
        cls.people = [
            create_person(cls.org, cast.caseworker, number, person)
            for number, person in enumerate(names, start=1)
        ]

    def test_a_surname_said_twice_finds_the_person_who_has_it_twice(self) -> None:
        with organization_scope(self.org.pk):
            twice = rank_persons(organization_id=self.org.pk, text="Dylan Hernandez Hernandez")
            once = rank_persons(organization_id=self.org.pk, text="Dylan Hernandez")
        self.assertEqual(twice[0], self.people[0].pk)
        self.assertEqual(once[0], self.people[1].pk)


class DateCandidateTest(TestCase):
    """Whoever has the birth date searched is brought as a candidate, even when the name is
    misspelt beyond its pairs and newer people share a word and the year."""

    @classmethod
    def setUpTestData(cls) -> None:
        cast = Cast.build()
        cls.org = cast.org
        people = [
            (("Ana", "López", "García"), datetime.date(1990, 3, 12)),
            (("Ana", "Pérez", "Soto"), datetime.date(1990, 7, 1)),  # newer: win every tie
            (("Ana", "Ruiz", "Mora"), datetime.date(1990, 9, 23)),
        ]
        cls.people = []
        for number, (names, born) in enumerate(people, start=1):
            person = create_person(cls.org, cast.caseworker, number, names)
            with organization_scope(cls.org.pk):
                person.date_of_birth, person.birth_year = born, born.year
                person.birth_precision = Person.BirthPrecision.EXACT
                person.save()
                name_tokens_refresh(person)
            cls.people.append(person)

    def test_the_date_searched_brings_its_person_first(self) -> None:
        target = self.people[0].pk
        for typed in ["12/03/1990", "03/12/1990"]:  # and day and month the other way round
            with self.subTest(typed=typed), organization_scope(self.org.pk):
                birth = parse_birth(typed, datetime.date(2026, 12, 7))
                query = search.parse_query(self.org.pk, "Ana Lobez Carcia", birth)
                found = search_candidates.pair_candidates(self.org.pk, query, limit=1)
                self.assertEqual(found, [target])
