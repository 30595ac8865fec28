import datetime
from typing import Any

from django.db import DatabaseError, connection
from django.test import Client, TestCase
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, audit_fails, make_person, registration, sign_in
from salvaguarda.people.models import ContactChannel, Person, ReturnEvent, SpecificNeed


class PersonPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org, cls.cast.caseworker, given_names="María José", first_surname="Pérez"
        )

    def test_caseworker_registers_a_family_and_the_writes_are_audited(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            reverse("people:create"),
            registration(
                {
                    "given_names": "Wilson",
                    "first_surname": "Joseph",
                    "date_of_birth": "1990-05-04",
                    "contact_kind": "whatsapp",
                    "contact_number": "+52 664 123 4567",
                    "languages": "hat",
                },
                {"given_names": "Kervens", "relationship": "child", "age": "7"},
            ),
        )
        self.assertEqual(response.status_code, 302)
        with organization_scope(self.cast.org.pk):
            head = Person.objects.get(reference="P-000002")
            child = Person.objects.get(reference="P-000003")
            self.assertEqual(response["Location"], reverse("people:detail", args=[head.uuid]))
            self.assertEqual(child.birth_precision, "estimated")
            self.assertEqual(child.child_status, "accompanied")
            self.assertEqual(head.languages, ["hat"])
            self.assertEqual(ContactChannel.objects.get().number, "+526641234567")
        event = AuditEvent.objects.filter(action="create", object_uuid=head.uuid).get()
        self.assertEqual(event.actor, self.cast.caseworker)
        self.assertIn("date_of_birth", event.fields)
        self.assertNotIn("Wilson", str(event.detail))

    def test_adding_a_member_keeps_what_was_typed_and_saves_nothing(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        body = registration({"given_names": "Yesenia", "first_surname": "Castillo"})
        response = client.post(reverse("people:create"), {**body, "add_member": "1"})
        self.assertContains(response, 'value="Yesenia"')
        self.assertContains(response, 'name="member-1-given_names"')
        self.assertNotContains(response, "errorlist")
        with organization_scope(self.cast.org.pk):
            self.assertEqual(Person.objects.count(), 1)

    def test_invalid_registration_keeps_what_was_typed_and_explains(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            reverse("people:create"),
            registration(
                {
                    "first_surname": "Joseph",
                    "date_of_birth": "1990-13-45",
                    "a_number": "A12",
                    "contact_kind": "phone",
                    "contact_number": "+52 12",
                }
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Joseph"')
        self.assertContains(response, 'value="A12"')
        self.assertContains(response, "número A es la letra A")
        self.assertContains(response, "número de teléfono")
        with organization_scope(self.cast.org.pk):
            self.assertEqual(Person.objects.count(), 1)

    def test_a_child_older_than_the_parent_is_refused_on_the_page(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            reverse("people:create"),
            registration(
                {"given_names": "Madre", "date_of_birth": "2000-01-01"},
                {"given_names": "Hijo", "relationship": "child", "date_of_birth": "1995-01-01"},
            ),
        )
        self.assertContains(response, "La persona 2 está registrada como hija o hijo")
        with organization_scope(self.cast.org.pk):
            self.assertEqual(Person.objects.count(), 1)

    def test_registration_needs_the_consent(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        body = registration({"given_names": "Sin consentimiento"})
        del body["consent"]
        response = client.post(reverse("people:create"), body)
        self.assertEqual(response.status_code, 200)
        with organization_scope(self.cast.org.pk):
            self.assertEqual(Person.objects.count(), 1)

    def test_the_file_is_audited_before_it_is_shown(self) -> None:
        client = sign_in(self.client, self.cast.legal)
        response = client.get(reverse("people:detail", args=[self.person.uuid]))
        self.assertContains(response, "María José")
        event = AuditEvent.objects.filter(action="view").latest("at")
        self.assertEqual(event.object_uuid, self.person.uuid)
        self.assertEqual(event.actor, self.cast.legal)

    def test_editing_keeps_the_person_and_audits_changed_fields(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        url = reverse("people:edit", args=[self.person.uuid])
        form = client.get(url)
        self.assertContains(form, 'value="María José"')
        response = client.post(
            url, {"given_names": "María José", "first_surname": "Pérez", "second_surname": "Paz"}
        )
        self.assertEqual(response.status_code, 302)
        event = AuditEvent.objects.filter(action="update").get()
        self.assertEqual(event.fields, ["second_surname"])

    def test_contact_and_location_are_added_from_the_file(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        bad = client.post(
            reverse("people:contact_add", args=[self.person.uuid]),
            {"kind": "signal", "number": "555"},
        )
        self.assertContains(bad, 'value="555"')
        client.post(
            reverse("people:contact_add", args=[self.person.uuid]),
            {"kind": "signal", "number": "+504 9876 5432"},
        )
        client.post(
            reverse("people:location_move", args=[self.person.uuid]),
            {"city": "monterrey", "shelter": "Casa Nicolás", "since": "2026-01-02"},
        )
        page = client.get(reverse("people:detail", args=[self.person.uuid]))
        self.assertContains(page, "+50498765432")
        self.assertContains(page, "Casa Nicolás")

    def test_nothing_is_shown_when_the_read_cannot_be_audited(self) -> None:
        client = sign_in(Client(raise_request_exception=False), self.cast.caseworker)
        failure = DatabaseError("the audit trail is unavailable")
        with (
            audit_fails(failure),
            self.assertLogs("django.request", level="ERROR"),
        ):
            detail = client.get(reverse("people:detail", args=[self.person.uuid]))
            listing = client.get(reverse("people:list"))
        for response in (detail, listing):
            self.assertEqual(response.status_code, 500)
            self.assertNotContains(response, "María José", status_code=500)
            self.assertNotContains(response, self.person.reference, status_code=500)

    def test_a_write_that_cannot_be_audited_is_not_saved(self) -> None:
        client = sign_in(Client(raise_request_exception=False), self.cast.caseworker)
        with (
            audit_fails(DatabaseError("x")),
            self.assertLogs("django.request", level="ERROR"),
        ):
            response = client.post(
                reverse("people:create"), registration({"given_names": "Sin bitácora"})
            )
        self.assertEqual(response.status_code, 500)
        with organization_scope(self.cast.org.pk):
            self.assertEqual(Person.objects.count(), 1)

    def test_search_finds_a_name_without_accents_or_case(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(reverse("people:list"), {"name": "maria jose"}, follow=True)
        self.assertContains(response, self.person.reference)
        event = AuditEvent.objects.get(action="search")
        self.assertEqual(event.detail["filters"], ["name"])
        self.assertNotIn("maria", str(event.detail))

    def test_it_hides_a_person_from_another_organization(self) -> None:
        client = sign_in(self.client, self.cast.outsider)
        response = client.get(reverse("people:detail", args=[self.person.uuid]))
        self.assertEqual(response.status_code, 404)
        listing = client.get(reverse("people:list"))
        self.assertNotContains(listing, self.person.reference)
        search = client.post(reverse("people:list"), {"name": "María José"}, follow=True)
        self.assertNotContains(search, self.person.reference)

    def test_analyst_sees_the_count_but_no_person(self) -> None:
        client = sign_in(self.client, self.cast.analyst)
        self.assertEqual(client.get(reverse("people:list")).status_code, 404)
        self.assertEqual(
            client.get(reverse("people:detail", args=[self.person.uuid])).status_code, 404
        )
        home = client.get(reverse("core:home"))
        self.assertNotContains(home, "María")
        self.assertEqual(home.context["person_count"], 1)

    def test_list_runs_a_fixed_number_of_queries(self) -> None:
        for n in range(5):
            make_person(self.cast.org, self.cast.caseworker, given_names=f"Persona {n}")
        client = sign_in(self.client, self.cast.caseworker)
        client.get(reverse("people:list"))  # warm the key cache
        # PostgreSQL: the scope also sets the row-level-security setting (and resets it in tests).
        # The scope asks which data key is active (core.keys: no process-wide cache of it).
        with self.assertNumQueries(11 + (2 if connection.vendor == "postgresql" else 0)):
            client.get(reverse("people:list"))
        self.assertEqual(Person.objects.count(), 0)  # no scope outside a request


class PersonListFiltersTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        today = datetime.date.today()  # noqa: DTZ011 - only years matter here
        cls.child = make_person(
            cls.cast.org, by, given_names="Niña", date_of_birth=today.replace(year=today.year - 8)
        )
        cls.adult = make_person(
            cls.cast.org, by, given_names="Adulto", date_of_birth=datetime.date(1980, 1, 1)
        )
        with organization_scope(cls.cast.org.pk):
            Person.objects.filter(pk=cls.adult.pk).update(
                current_city="matamoros", nationality="HND", priority="urgent"
            )
            common: dict[str, Any] = {
                "organization_id": cls.cast.org.pk,
                "created_by": by,
                "modified_by": by,
            }
            ReturnEvent.objects.create(
                person=cls.adult,
                program_phase="MPP2",
                returned_on=datetime.date(2022, 2, 1),
                return_point="BRO",
                mexican_city="matamoros",
                **common,
            )
            SpecificNeed.objects.create(
                person=cls.child,
                code="DS",
                subcode="PM",
                priority="high",
                identified_on=today,
                **common,
            )

    def setUp(self) -> None:
        sign_in(self.client, self.cast.caseworker)

    def found(self, **filters: str) -> set[str]:
        response = self.client.post(reverse("people:list"), filters, follow=True)
        self.assertEqual(response.status_code, 200)
        return {p.given_names for p in response.context["page"].people}

    def test_each_filter_narrows_the_list(self) -> None:
        self.assertEqual(self.found(), {"Niña", "Adulto"})
        self.assertEqual(self.found(city="matamoros"), {"Adulto"})
        self.assertEqual(self.found(nationality="HND"), {"Adulto"})
        self.assertEqual(self.found(priority="urgent"), {"Adulto"})
        self.assertEqual(self.found(program_phase="MPP2"), {"Adulto"})
        self.assertEqual(self.found(program_phase="MPP1"), set())
        self.assertEqual(
            self.found(returned_from="2022-01-01", returned_to="2022-03-01"), {"Adulto"}
        )
        self.assertEqual(self.found(returned_from="2023-01-01"), set())
        self.assertEqual(self.found(need="DS"), {"Niña"})
        self.assertEqual(self.found(age_band="5-11"), {"Niña"})
        self.assertEqual(self.found(age_band="18-59"), {"Adulto"})
        self.assertEqual(self.found(name="Adulto", city="tijuana"), set())

    def test_a_period_that_ends_before_it_starts_is_explained(self) -> None:
        response = self.client.post(
            reverse("people:list"), {"returned_from": "2023-01-01", "returned_to": "2022-01-01"}
        )
        self.assertContains(response, "anterior a su inicio")
        self.assertContains(response, 'value="2023-01-01"')

    def test_pages_hold_twenty_people(self) -> None:
        for n in range(21):
            make_person(self.cast.org, self.cast.caseworker, given_names=f"Persona {n}")
        first = self.client.post(reverse("people:list"), {}, follow=True)
        second = self.client.get(first.redirect_chain[-1][0] + "?pagina=2")
        self.assertEqual(len(first.context["page"].people), 20)
        self.assertTrue(first.context["page"].has_next)
        self.assertEqual(len(second.context["page"].people), 3)
