"""The people list: filters looked up in their own tables first, and the search page (post,
redirect, get; birth date, nicknames, cut-off)."""

import datetime
from itertools import product
from typing import Any
from unittest import mock

from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from salvaguarda.accounts.models import Role
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, member, sign_in
from salvaguarda.people import queries, saved_searches
from salvaguarda.people.models import Person, ReturnEvent, SavedSearch, SpecificNeed
from salvaguarda.people.queries import PersonFilters


class NewestFirstTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        common = {"organization_id": cls.cast.org.pk, "created_by": by, "modified_by": by}
        with organization_scope(cls.cast.org.pk):
            for n in range(30):
                person = make_person(cls.cast.org, by, given_names=f"Persona {n}")
                Person.objects.filter(pk=person.pk).update(
                    current_city=("tijuana", "matamoros", "mexicali")[n % 3]
                )
                # Early program phases for the people registered first, as in a real network.
                phases = ["MPP1"] if n < 12 else ["MPP2", "MPP3"] if n % 4 == 0 else ["MPP3"]
                for k, phase in enumerate(phases):
                    ReturnEvent.objects.create(
                        person=person,
                        program_phase=phase,
                        returned_on=datetime.date(2019, 3, 1) + datetime.timedelta(days=n * 40 + k),
                        return_point="SYS",
                        mexican_city="tijuana",
                        **common,
                    )
                if n % 5 == 0:
                    SpecificNeed.objects.create(
                        person=person,
                        code="SM",
                        priority="high",
                        identified_on=datetime.date(2024, 1, 1),
                        resolved_on=datetime.date(2024, 6, 1) if n == 10 else None,
                        **common,
                    )

    def test_it_matches_the_plain_query_for_few_or_many_related_rows(self) -> None:
        period = {
            "returned_from": datetime.date(2019, 6, 1),
            "returned_to": datetime.date(2020, 6, 1),
        }
        cases = [
            PersonFilters(),
            PersonFilters(city="matamoros"),
            PersonFilters(program_phase="MPP1"),
            PersonFilters(program_phase="MPP1", city="mexicali"),
            PersonFilters(program_phase="MPP2"),
            PersonFilters(need="SM"),
            PersonFilters(need="SM", program_phase="MPP3"),
            PersonFilters(**period),  # type: ignore[arg-type]
            PersonFilters(city="tijuana", **period),  # type: ignore[arg-type]
            PersonFilters(program_phase="EXPULSION"),
        ]
        pages = [(0, 5), (3, 4), (20, 6)]
        for few, filters, (offset, count) in product((3, 5000), cases, pages):
            with (
                organization_scope(self.cast.org.pk),
                mock.patch.object(queries, "FEW_RELATED", few),
                self.subTest(few=few, filters=filters, offset=offset),
            ):
                plain = (
                    queries.persons_for(None, filters).order_by("-id").values_list("id", flat=True)
                )
                self.assertEqual(
                    [p.pk for p in queries._newest_first(None, filters, offset, count)],
                    list(plain[offset : offset + count]),
                )


# Namesakes as a shelter registers them: the same common names, different birth dates, one
# without any, a nickname and a particle surname. (given, first surname, second, born, precision)
REGISTERED = {
    "lupe_older": ("María Guadalupe", "Hernández", "López", datetime.date(1979, 3, 12), "exact"),
    "lupe_younger": ("María Guadalupe", "Hernández", "López", datetime.date(1996, 8, 2), "exact"),
    "lupe_unknown": ("Guadalupe", "Hernández", "Cruz", None, ""),
    "jose": ("José Luis", "García", "Reyes", datetime.date(1988, 1, 1), "estimated"),
    "sofia": ("Sofía", "Reyes", "Paz", datetime.date(2009, 5, 30), "exact"),
    "de_la_o": ("María", "de la O", "Ramírez", datetime.date(1990, 11, 4), "exact"),
    "jesus": ("Jesús", "Mejía", "Orellana", datetime.date(1984, 6, 9), "exact"),
    "beto": ("Beto", "Castillo", "Mora", None, ""),
}


class SearchPageTest(TestCase):
    """The search is posted, kept on the server and shown at an address of its own."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.people: dict[str, Person] = {}
        for label, (given, first, second, born, precision) in REGISTERED.items():
            data: dict[str, object] = {
                "given_names": given,
                "first_surname": first,
                "second_surname": second,
            }
            if born is not None:
                data |= {"date_of_birth": born, "birth_precision": precision}
            cls.people[label] = make_person(cls.cast.org, cls.cast.caseworker, **data)

    def setUp(self) -> None:
        sign_in(self.client, self.cast.caseworker)

    def search(self, **typed: str) -> Any:
        posted = self.client.post(reverse("people:list"), typed)
        self.assertEqual(posted.status_code, 303)
        return self.client.get(posted["Location"])

    def first(self, **typed: str) -> Person:
        page = self.search(**typed).context["page"]
        return page.people[0]

    def test_the_results_have_an_address_without_the_name_and_survive_reload(self) -> None:
        posted = self.client.post(reverse("people:list"), {"name": "Guadalupe Hernández"})
        location = posted["Location"]
        self.assertRegex(location, r"^/personas/busqueda/[0-9a-f-]{36}/$")
        first = self.client.get(location)
        again = self.client.get(location)  # reload, or Back from a person's file
        self.assertEqual(first.context["page"].people, again.context["page"].people)
        self.assertContains(again, 'value="Guadalupe Hernández"')
        # Each showing is audited as a search, with the filters' names only.
        events = AuditEvent.objects.filter(action="search")
        self.assertEqual(events.count(), 2)
        self.assertNotIn("Guadalupe", str(list(events.values_list("detail", flat=True))))

    def test_the_search_is_kept_encrypted(self) -> None:
        self.client.post(reverse("people:list"), {"name": "Guadalupe Hernández"})
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM people_savedsearch")
            rows = cursor.fetchall()
        self.assertEqual(len(rows), 1)
        self.assertNotIn("Guadalupe", repr(rows))

    def test_only_its_author_may_open_it_and_only_for_a_while(self) -> None:
        location = self.client.post(reverse("people:list"), {"name": "Hernández"})["Location"]
        colleague = member(self.cast.org, Role.CASEWORKER)
        self.assertEqual(sign_in(Client(), colleague).get(location).status_code, 404)
        self.assertEqual(sign_in(Client(), self.cast.outsider).get(location).status_code, 404)
        self.assertEqual(self.client.get(location).status_code, 200)
        # Its hour has passed (the session is still open: it lasts while in use).
        SavedSearch.unscoped.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        self.assertEqual(self.client.get(location).status_code, 404)
        self.assertEqual(saved_searches.expired_searches_delete(), 1)

    def test_the_name_is_the_link_and_the_filters_stay_folded(self) -> None:
        response = self.search(name="Sofia Reyes")
        person = self.people["sofia"]
        url = reverse("people:detail", args=[person.uuid])
        self.assertContains(response, f'<a href="{url}">Sofía Reyes Paz</a>', html=True)
        self.assertContains(response, '<details class="more">')
        filtered = self.search(name="Sofia Reyes", city="tijuana")
        self.assertContains(filtered, '<details class="more" open>')

    def test_a_birth_date_ranks_namesakes_and_filters_nobody_out(self) -> None:
        older, younger = self.people["lupe_older"], self.people["lupe_younger"]
        unknown = self.people["lupe_unknown"]
        for typed, expected in [
            ("12/03/1979", older),
            ("03/12/1979", older),  # day and month the other way round
            ("1980", older),  # a year off
            ("1996", younger),
            ("29", younger),  # an age
        ]:
            with self.subTest(typed=typed):
                page = self.search(name="Maria Guadalupe Hernandez", birth=typed).context["page"]
                found = page.people + page.others
                self.assertEqual(page.people[0], expected)
                self.assertIn(unknown, found)  # no birth date recorded: still there
                self.assertIn(older if expected == younger else younger, found)

    def test_an_unreadable_birth_date_is_explained_and_kept(self) -> None:
        response = self.client.post(reverse("people:list"), {"name": "Lupe", "birth": "marzo"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "12/03/1985")
        self.assertContains(response, 'value="marzo"')
        alone = self.client.post(reverse("people:list"), {"birth": "1985"})
        self.assertEqual(alone.status_code, 200)
        self.assertTrue(alone.context["form"].errors["name"])

    def test_nicknames_abbreviations_particles_and_short_misspellings(self) -> None:
        cases = [
            ("Lupe Hernandez Lopez", {"lupe_older", "lupe_younger"}),  # Lupe: Guadalupe
            ("Pepe Garcia", {"jose"}),  # Pepe: José
            ("Chuy Mejia", {"jesus"}),  # Chuy: Jesús
            ("Roberto Castillo", {"beto"}),  # registered as Beto
            ("Ma. de la O", {"de_la_o"}),  # Ma.: María; "de la O" searchable
            ("Jose Luis Garkia", {"jose"}),  # short names misspelt: no phonetic neighbour
            ("Sogfia Reys", {"sofia"}),
        ]
        for typed, labels in cases:
            with self.subTest(typed=typed):
                self.assertIn(self.first(name=typed), {self.people[label] for label in labels})

    def test_weak_matches_go_under_the_page(self) -> None:
        page = self.search(name="Sofia Reyes Paz", birth="30/05/2009").context["page"]
        self.assertEqual(page.people, [self.people["sofia"]])
        # José Luis García Reyes shares only a surname: another possible match.
        self.assertIn(self.people["jose"], page.others)
        response = self.search(name="Sofia Reyes Paz")
        self.assertContains(response, "Otras coincidencias posibles")

    def test_pages_are_links_to_the_same_results(self) -> None:
        for _ in range(21):
            make_person(
                self.cast.org, self.cast.caseworker, given_names="Rosa", first_surname="Hernández"
            )
        location = self.client.post(reverse("people:list"), {"name": "Rosa Hernandez"})["Location"]
        first = self.client.get(location)
        self.assertEqual(len(first.context["page"].people), 20)
        self.assertContains(first, 'href="?pagina=2"')
        second = self.client.get(location + "?pagina=2")
        self.assertEqual(second.context["page"].number, 2)
        self.assertFalse(set(first.context["page"].people) & set(second.context["page"].people))


class ListPagesTest(TestCase):
    def test_the_newest_list_pages_by_link(self) -> None:
        cast = Cast.build()
        for n in range(21):
            make_person(cast.org, cast.caseworker, given_names=f"Persona {n}")
        client = sign_in(Client(), cast.caseworker)
        first = client.get(reverse("people:list"))
        self.assertContains(first, 'href="?pagina=2"')
        second = client.get(reverse("people:list") + "?pagina=2")
        self.assertEqual(len(second.context["page"].people), 1)
        self.assertEqual(client.get(reverse("people:list") + "?pagina=x").status_code, 200)
