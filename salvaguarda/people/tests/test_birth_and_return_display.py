"""What the file and the list show of a date of birth known in part, the year-only input of
the forms, the documents given at a return, and the list read on a phone."""

import datetime
import re

import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, registration, sign_in
from salvaguarda.people.models import Person
from salvaguarda.people.services import records
from salvaguarda.people.templatetags.people_tags import birth_date

TODAY = datetime.datetime(2026, 12, 7, 17, tzinfo=datetime.UTC)


@time_machine.travel(TODAY, tick=False)
class BirthDateShownAsKnownTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def person(self, **data: object) -> Person:
        return make_person(self.cast.org, self.cast.caseworker, **data)

    def file(self, person: Person) -> str:
        client = sign_in(self.client, self.cast.caseworker)
        return client.get(reverse("people:detail", args=[person.uuid])).content.decode()

    def test_a_year_known_alone_is_shown_as_the_year_only(self) -> None:
        person = self.person(
            first_surname="Hernández",
            date_of_birth=datetime.date(1991, 6, 14),
            birth_precision="year",
        )
        page = self.file(person)
        self.assertIn("1991 (solo el año)", page)
        self.assertNotIn("enero", page)

    def test_an_estimate_from_the_age_is_shown_as_an_approximate_year(self) -> None:
        person = self.person(
            given_names="Kervens",
            date_of_birth=datetime.date(2017, 12, 7),
            birth_precision="estimated",
        )
        page = self.file(person)
        self.assertIn("hacia 2017 (estimada por la edad)", page)
        self.assertNotIn("diciembre", page)

    def test_a_month_and_year_are_shown_without_a_day(self) -> None:
        person = self.person(
            given_names="Yesenia", date_of_birth=datetime.date(1988, 3, 22), birth_precision="month"
        )
        page = self.file(person)
        self.assertIn("marzo de 1988", page)
        self.assertNotIn("1 de marzo", page)

    def test_an_exact_date_is_shown_whole_in_both_languages(self) -> None:
        with organization_scope(self.cast.org.pk):
            person = self.person(given_names="Wilson", date_of_birth=datetime.date(1990, 5, 4))
            rough = self.person(
                given_names="Dilcia",
                date_of_birth=datetime.date(2003, 1, 1),
                birth_precision="estimated",
            )
            with translation.override("en"):
                self.assertEqual(birth_date(person), "May 4, 1990")
                self.assertEqual(birth_date(rough), "about 2003 (estimated from the age)")
            with translation.override("es"):
                self.assertEqual(birth_date(person), "4 de mayo de 1990")

    def test_the_list_shows_each_birth_date_as_known(self) -> None:
        self.person(first_surname="Reyes", date_of_birth=datetime.date(1979, 1, 1))
        self.person(
            first_surname="Lemus", date_of_birth=datetime.date(1985, 2, 1), birth_precision="year"
        )
        client = sign_in(self.client, self.cast.caseworker)
        page = client.get(reverse("people:list")).content.decode()
        self.assertIn("1985 (solo el año)", page)
        self.assertIn("1 de enero de 1979", page)


@time_machine.travel(TODAY, tick=False)
class YearOfBirthInputTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def register(self, member: dict[str, str]) -> Person:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(reverse("people:create"), registration(member))
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        with organization_scope(self.cast.org.pk):
            return Person.objects.get()

    def test_registration_offers_a_year_of_birth(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        page = client.get(reverse("people:create"))
        self.assertContains(page, 'name="member-0-year_of_birth"')

    def test_a_year_typed_alone_is_stored_as_known_by_the_year_only(self) -> None:
        person = self.register(
            {"first_surname": "Santos", "birth_precision": "year", "year_of_birth": "1991"}
        )
        self.assertEqual(person.date_of_birth, datetime.date(1991, 1, 1))
        self.assertEqual(person.birth_precision, "year")
        self.assertEqual(person.birth_year, 1991)

    def test_a_year_typed_without_choosing_the_precision_is_a_year_only(self) -> None:
        person = self.register({"given_names": "Olga", "year_of_birth": "1964"})
        self.assertEqual(
            (person.date_of_birth, person.birth_precision), (datetime.date(1964, 1, 1), "year")
        )

    def test_an_estimated_year_stays_an_estimate(self) -> None:
        person = self.register(
            {"given_names": "Jonás", "birth_precision": "estimated", "year_of_birth": "1999"}
        )
        self.assertEqual(person.birth_precision, "estimated")
        self.assertEqual(person.birth_year, 1999)

    def test_an_age_gives_an_estimated_date(self) -> None:
        person = self.register(
            {"given_names": "Kervens", "birth_precision": "estimated", "age": "9"}
        )
        self.assertEqual(person.birth_precision, "estimated")
        self.assertEqual(person.birth_year, 2017)

    def test_a_year_in_the_future_or_against_the_age_is_explained(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        future = client.post(
            reverse("people:create"),
            registration({"given_names": "Ana", "year_of_birth": "2031"}),
        )
        self.assertEqual(future.status_code, 200)
        self.assertContains(future, 'value="2031"')
        self.assertContains(future, "no puede ser futura")
        mismatch = client.post(
            reverse("people:create"),
            registration({"given_names": "Ana", "year_of_birth": "1990", "age": "12"}),
        )
        self.assertContains(mismatch, "no corresponde al año de nacimiento")
        other_year = client.post(
            reverse("people:create"),
            registration(
                {"given_names": "Ana", "date_of_birth": "1990-05-04", "year_of_birth": "1991"}
            ),
        )
        self.assertContains(other_year, "no es el año de la fecha de nacimiento")
        with organization_scope(self.cast.org.pk):
            self.assertFalse(Person.objects.exists())

    def test_editing_shows_a_rough_date_as_its_year_and_keeps_it(self) -> None:
        person = make_person(
            self.cast.org,
            self.cast.caseworker,
            given_names="Kervens",
            date_of_birth=datetime.date(2017, 12, 7),
            birth_precision="estimated",
        )
        client = sign_in(self.client, self.cast.caseworker)
        url = reverse("people:edit", args=[person.uuid])
        form = client.get(url).content.decode()
        self.assertRegex(form, r'name="year_of_birth"[^>]*value="2017"')
        self.assertNotRegex(form, r'name="date_of_birth"[^>]*value=')
        body = {"given_names": "Kervens", "birth_precision": "estimated", "year_of_birth": "2017"}
        self.assertEqual(client.post(url, {**body, "first_surname": "Joseph"}).status_code, 302)
        with organization_scope(self.cast.org.pk):
            person.refresh_from_db()
            self.assertEqual(person.date_of_birth, datetime.date(2017, 12, 7))
            self.assertEqual(person.first_surname, "Joseph")
        client.post(url, {**body, "first_surname": "Joseph", "year_of_birth": "2016"})
        with organization_scope(self.cast.org.pk):
            person.refresh_from_db()
            self.assertEqual(person.date_of_birth, datetime.date(2016, 1, 1))
            self.assertEqual(person.birth_precision, "estimated")


class DocumentsGivenAtAReturnTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org, cls.cast.caseworker, given_names="Marleny", first_surname="Cruz"
        )
        with organization_scope(cls.cast.org.pk):
            cls.record = records.return_record(
                by=cls.cast.caseworker,
                person=cls.person,
                data={
                    "program_phase": "MPP2",
                    "returned_on": datetime.date(2022, 3, 15),
                    "return_point": "SYS",
                    "reception_documents": ["FMM"],
                },
            )

    def file(self) -> str:
        client = sign_in(self.client, self.cast.caseworker)
        return client.get(reverse("people:detail", args=[self.person.uuid])).content.decode()

    def section(self, page: str, heading_id: str) -> str:
        found = re.search(rf'aria-labelledby="{heading_id}".*?</section>', page, re.S)
        assert found is not None
        return found.group(0)

    def test_the_return_card_shows_the_documents_given(self) -> None:
        returns = self.section(self.file(), "h-returns")
        self.assertIn("Documentos entregados en el retorno: Forma Migratoria Múltiple", returns)

    def test_the_documents_panel_lists_them_from_the_return(self) -> None:
        documents = self.section(self.file(), "h-documents")
        self.assertIn("Forma Migratoria Múltiple", documents)
        self.assertIn("Se entregó en el retorno del 15/03/2022", documents)
        self.assertIn(
            reverse("people:return_edit", args=[self.person.uuid, self.record.uuid]), documents
        )
        self.assertNotIn("Aún no hay documentos registrados", documents)

    def test_a_return_where_nothing_was_given_adds_no_document(self) -> None:
        other = make_person(self.cast.org, self.cast.caseworker, given_names="Olvin")
        with organization_scope(self.cast.org.pk):
            records.return_record(
                by=self.cast.caseworker,
                person=other,
                data={
                    "program_phase": "MPP2",
                    "returned_on": datetime.date(2022, 4, 2),
                    "return_point": "ELP",
                    "reception_documents": ["none"],
                },
            )
        client = sign_in(self.client, self.cast.caseworker)
        page = client.get(reverse("people:detail", args=[other.uuid])).content.decode()
        self.assertIn(
            "Documentos entregados en el retorno: Ninguno", self.section(page, "h-returns")
        )
        self.assertNotIn('data-testid="document-from-return"', page)


class PeopleListOnAPhoneTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        make_person(cls.cast.org, cls.cast.caseworker, given_names="Rosa", first_surname="Ulloa")

    def test_every_cell_of_a_row_carries_its_column_name_for_the_card_layout(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        page = client.get(reverse("people:list")).content.decode()
        self.assertIn('class="list cards"', page)
        row = re.search(r"<tbody>.*?</tr>", page, re.S)
        assert row is not None
        labels = re.findall(r'<td data-label="([^"]+)"', row.group(0))
        self.assertEqual(
            labels, ["Nombre", "Referencia", "Nacimiento", "Ciudad", "Prioridad", "Registro"]
        )
