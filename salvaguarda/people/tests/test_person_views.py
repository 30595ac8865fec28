from unittest import mock

from django.db import DatabaseError, connection
from django.test import Client, TestCase
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.people.models import Person


class PersonPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org, cls.cast.caseworker, given_names="María José", family_names="Pérez"
        )

    def test_caseworker_registers_a_person_and_the_write_is_audited(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            reverse("people:create"),
            {"given_names": "Wilson", "family_names": "Joseph", "date_of_birth": "1990-05-04"},
        )
        self.assertEqual(response.status_code, 302)
        event = AuditEvent.objects.filter(action="create").latest("at")
        self.assertEqual(event.actor, self.cast.caseworker)
        self.assertEqual(event.fields, ["date_of_birth", "family_names", "given_names"])
        self.assertNotIn("Wilson", str(event.detail))

    def test_invalid_form_keeps_what_was_typed(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            reverse("people:create"),
            {"given_names": "", "family_names": "Joseph", "date_of_birth": "1990-13-45"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Joseph"')
        self.assertContains(response, "errorlist")

    def test_detail_is_audited_before_it_is_shown(self) -> None:
        client = sign_in(self.client, self.cast.legal)
        response = client.get(reverse("people:detail", args=[self.person.uuid]))
        self.assertContains(response, "María José")
        event = AuditEvent.objects.filter(action="view").latest("at")
        self.assertEqual(event.object_uuid, self.person.uuid)
        self.assertEqual(event.actor, self.cast.legal)

    def test_nothing_is_shown_when_the_read_cannot_be_audited(self) -> None:
        client = sign_in(Client(raise_request_exception=False), self.cast.caseworker)
        failure = DatabaseError("the audit trail is unavailable")
        with (
            mock.patch("salvaguarda.core.audit.AuditEvent.save", side_effect=failure),
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
            mock.patch("salvaguarda.core.audit.AuditEvent.save", side_effect=DatabaseError("x")),
            self.assertLogs("django.request", level="ERROR"),
        ):
            response = client.post(reverse("people:create"), {"given_names": "Sin bitácora"})
        self.assertEqual(response.status_code, 500)
        with organization_scope(self.cast.org.pk):
            self.assertEqual(Person.objects.count(), 1)

    def test_search_finds_a_name_without_accents_or_case(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(reverse("people:list"), {"name": "maria jose"})
        self.assertContains(response, self.person.reference)
        self.assertEqual(AuditEvent.objects.filter(action="search").count(), 1)

    def test_it_hides_a_person_from_another_organization(self) -> None:
        client = sign_in(self.client, self.cast.outsider)
        response = client.get(reverse("people:detail", args=[self.person.uuid]))
        self.assertEqual(response.status_code, 404)
        listing = client.get(reverse("people:list"))
        self.assertNotContains(listing, self.person.reference)

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
        with self.assertNumQueries(15 + (2 if connection.vendor == "postgresql" else 0)):
            client.get(reverse("people:list"))
        self.assertEqual(Person.objects.count(), 0)  # no scope outside a request
