"""The audit trail page: coordinators read their own organization's entries, and nothing else."""

import datetime
import uuid
from typing import Any

import time_machine
from django.db import connection
from django.test import TestCase
from django.urls import reverse

from salvaguarda.core import audit
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.queries import AuditFilters, audit_events_for
from salvaguarda.core.tests.helpers import Cast, sign_in

UTC = datetime.UTC
URL = reverse("core:audit")


def at(*args: int) -> time_machine.travel:
    return time_machine.travel(datetime.datetime(*args, tzinfo=UTC), tick=False)


class AuditPageTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        org, other = cls.cast.org.pk, cls.cast.other_org.pk
        cls.person_uuid = uuid.uuid4()
        # Tijuana is UTC-8 in January and UTC-7 from 9 March 2025.
        with at(2025, 1, 15, 18, 0, 5):
            cls.created = audit.record(
                action=audit.Action.CREATE,
                actor=cls.cast.caseworker,
                organization_id=org,
                object_type="people.person",
                object_uuid=cls.person_uuid,
                fields=["given_names", "first_surname"],
            )
        with at(2025, 3, 10, 6, 30):  # 9 March, 23:30 in Tijuana
            cls.viewed = audit.record(
                action=audit.Action.VIEW,
                actor=cls.cast.legal,
                organization_id=org,
                object_type="people.person",
                object_uuid=cls.person_uuid,
            )
        with at(2025, 3, 10, 7, 30):  # 10 March, 00:30 in Tijuana
            cls.listed = audit.record(
                action=audit.Action.SEARCH,
                actor=cls.cast.caseworker,
                organization_id=org,
                object_type="people.person",
                detail={"count": 2, "filters": ["name"]},
            )
            cls.elsewhere = audit.record(
                action=audit.Action.VIEW,
                actor=cls.cast.outsider,
                organization_id=other,
                object_type="people.person",
                object_uuid=uuid.uuid4(),
            )
            cls.network = audit.record(action=audit.Action.LOGIN, actor=cls.cast.coordinator)

    def setUp(self) -> None:
        sign_in(self.client, self.cast.coordinator)

    def get(self, **params: Any) -> Any:
        return self.client.get(URL, params, headers={"accept-language": "en"})

    def shown(self, response: Any) -> list[AuditEvent]:
        return [row.event for row in response.context["rows"]]

    def test_coordinator_sees_their_organization_entries_newest_first(self) -> None:
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.shown(response), [self.listed, self.viewed, self.created])

    def test_it_hides_entries_of_other_organizations_and_of_the_network(self) -> None:
        response = self.get()
        self.assertNotContains(response, str(self.elsewhere.object_uuid))
        self.assertNotIn(self.network, self.shown(response))
        outsider = sign_in(self.client_class(), self.cast.outsider)
        theirs = [row.event for row in outsider.get(URL).context["rows"]]
        self.assertEqual(theirs, [self.elsewhere])

    def test_only_coordinators_may_open_it(self) -> None:
        for user in (self.cast.caseworker, self.cast.legal, self.cast.analyst):
            client = sign_in(self.client_class(), user)
            self.assertEqual(client.get(URL).status_code, 404, user)
        admin = sign_in(self.client_class(), self.cast.network_admin)
        self.assertEqual(admin.get(URL).status_code, 404)
        anonymous = self.client_class().get(URL)
        self.assertEqual(anonymous.status_code, 302)

    def test_it_shows_what_happened_in_the_organization_time_zone(self) -> None:
        response = self.get()
        self.assertContains(response, "2025-01-15 10:00:05")  # 18:00:05 UTC in Tijuana
        self.assertContains(response, "2025-03-09 23:30:00")
        self.assertContains(response, self.cast.caseworker.full_name)
        self.assertContains(response, "Created a record")
        self.assertContains(response, str(self.person_uuid))
        self.assertContains(response, "first surname, given names")
        self.assertContains(response, "count: 2; filters: name")

    def test_it_filters_by_actor(self) -> None:
        response = self.get(actor=self.cast.legal.uuid)
        self.assertEqual(self.shown(response), [self.viewed])

    def test_it_does_not_offer_people_outside_the_organization_as_actors(self) -> None:
        response = self.get(actor=self.cast.outsider.uuid)
        self.assertIn("actor", response.context["form"].errors)
        self.assertNotContains(response, self.cast.outsider.full_name)

    def test_it_filters_by_action_and_object_type(self) -> None:
        self.assertEqual(self.shown(self.get(action="search")), [self.listed])
        self.assertEqual(self.shown(self.get(object_type="accounts.organization")), [])
        self.assertEqual(len(self.shown(self.get(object_type="people.person"))), 3)

    def test_it_filters_by_days_of_the_organization_time_zone(self) -> None:
        response = self.get(date_from="2025-03-10", date_to="2025-03-10")
        self.assertEqual(self.shown(response), [self.listed])
        response = self.get(date_from="2025-01-01", date_to="2025-03-09")
        self.assertEqual(self.shown(response), [self.viewed, self.created])

    def test_it_refuses_an_end_date_before_the_start_date(self) -> None:
        response = self.get(date_from="2025-03-10", date_to="2025-03-01")
        self.assertIn("date_to", response.context["form"].errors)

    def test_reading_the_trail_is_audited_with_filter_names_only(self) -> None:
        self.get(actor=self.cast.legal.uuid, action="view")
        event = AuditEvent.objects.filter(object_type="core.auditevent").get()
        self.assertEqual(event.action, audit.Action.LIST)
        self.assertEqual(event.actor, self.cast.coordinator)
        self.assertEqual(event.organization_id, self.cast.org.pk)
        self.assertEqual(event.detail, {"count": 1, "filters": ["actor", "action"]})

    def test_it_shows_fifty_entries_a_page(self) -> None:
        for _ in range(52):
            audit.record(action=audit.Action.LIST, organization_id=self.cast.org.pk)
        first = self.get()
        self.assertEqual(len(first.context["rows"]), 50)
        self.assertContains(first, "page=2")
        second = self.get(page=2)
        # 55 entries, plus the one that records reading the first page.
        self.assertEqual(len(second.context["rows"]), 6)
        self.assertEqual(second.context["rows"][-1].event, self.created)

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        self.get()  # warm the caches
        # Session, user, user session, memberships; count and page of entries; actor choices;
        # the entry that records the read, appended last (locked chain, insert, chain update);
        # and the request's savepoint. On PostgreSQL the scope is also set and restored.
        expected = 12 + (2 if connection.vendor == "postgresql" else 0)
        with self.assertNumQueries(expected):
            self.get()
        actors = [self.cast.caseworker, self.cast.legal, self.cast.analyst]
        for n in range(30):
            audit.record(
                action=audit.Action.LIST, actor=actors[n % 3], organization_id=self.cast.org.pk
            )
        with self.assertNumQueries(expected):
            self.get()


class AuditQueryTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_it_returns_nothing_of_another_organization(self) -> None:
        audit.record(action=audit.Action.VIEW, organization_id=self.cast.other_org.pk)
        events = audit_events_for(self.cast.org, filters=AuditFilters())
        self.assertFalse(events.exists())
