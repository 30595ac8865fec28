"""Anonymous victims saved from an untouched optional section: found by the migration, listed
for coordinators, removed (audited) or kept by them, never deleted silently."""

import datetime
import importlib

import time_machine
from django.apps import apps
from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.incidents import services
from salvaguarda.incidents.models import Victim
from salvaguarda.incidents.tests.factories import make_incident

MIGRATION = importlib.import_module("salvaguarda.incidents.migrations.0005_victim_to_review")
# What the old form sent for the optional section nobody touched.
UNTOUCHED = {"role": "victim", "sex": "female", "age_band": "", "nationality": "", "status": ""}
DAY = datetime.datetime(2025, 6, 3, 17, 5, tzinfo=datetime.UTC)


class FindingThemTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        cls.mother = make_person(cls.cast.org, by, given_names="Iris Nohemí", sex="female")
        cls.father = make_person(cls.cast.org, by, given_names="Darwin", sex="male")
        with time_machine.travel(DAY, tick=False):
            # From a person's file, the anonymous section left as the form showed it.
            cls.untouched = make_incident(
                cls.cast.org, by, person=cls.mother, victims=[{"person": cls.mother}, UNTOUCHED]
            )
            # A witness described on purpose, in the same flow.
            cls.described = make_incident(
                cls.cast.org,
                by,
                person=cls.father,
                victims=[{"person": cls.father}, {**UNTOUCHED, "age_band": "12-17"}],
            )
            # No registered person: the anonymous victim is the incident's one victim.
            cls.alone = make_incident(cls.cast.org, by, victims=[UNTOUCHED])
        with time_machine.travel(DAY + datetime.timedelta(days=2), tick=False):
            # Added later on the incident's own page: another request, another decision.
            with organization_scope(cls.cast.org.pk):
                cls.added_later = services.victim_add(
                    by=by, incident=cls.described, data=dict(UNTOUCHED)
                )

    def test_only_the_victims_of_an_untouched_section_are_marked(self) -> None:
        MIGRATION.mark_untouched_victims(apps, None)
        with organization_scope(self.cast.org.pk):
            marked = list(Victim.objects.filter(to_review=True))
            self.assertEqual(Victim.objects.count(), 6)  # nothing is deleted
        self.assertEqual(len(marked), 1)
        self.assertEqual(marked[0].incident, self.untouched)
        self.assertIsNone(marked[0].person)


class ReviewPageTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        person = make_person(cls.cast.org, cls.cast.caseworker, given_names="Iris Nohemí")
        cls.incident = make_incident(
            cls.cast.org,
            cls.cast.caseworker,
            person=person,
            victims=[{"person": person}, UNTOUCHED],
        )
        with organization_scope(cls.cast.org.pk):
            Victim.objects.filter(person__isnull=True).update(to_review=True)
            cls.victim = Victim.objects.get(person__isnull=True)
        cls.url = reverse("incidents:victims_review")

    def test_coordinators_are_told_on_the_incident_list(self) -> None:
        client = sign_in(self.client, self.cast.coordinator)
        listing = client.get(reverse("incidents:list"))
        self.assertContains(listing, "1 víctima anónima pudo haberse guardado")
        self.assertContains(listing, self.url)
        caseworker = sign_in(self.client_class(), self.cast.caseworker)
        self.assertNotContains(caseworker.get(reverse("incidents:list")), self.url)

    def test_only_coordinators_of_the_organization_see_the_page(self) -> None:
        caseworker = sign_in(self.client_class(), self.cast.caseworker)
        self.assertIn(caseworker.get(self.url).status_code, (403, 404))
        outsider = sign_in(self.client_class(), self.cast.outsider)
        self.assertNotContains(outsider.get(self.url), self.incident.reference)
        coordinator = sign_in(self.client_class(), self.cast.coordinator)
        self.assertContains(coordinator.get(self.url), self.incident.reference)

    def test_a_coordinator_removes_it_and_the_removal_is_audited(self) -> None:
        client = sign_in(self.client, self.cast.coordinator)
        response = client.post(self.url, {"victim": str(self.victim.uuid), "decision": "remove"})
        self.assertRedirects(response, self.url)
        with organization_scope(self.cast.org.pk):
            remaining = list(self.incident.victims.all())
        self.assertEqual(len(remaining), 1)
        self.assertIsNotNone(remaining[0].person_id)  # the registered person stays
        removal = AuditEvent.objects.get(action="delete", object_uuid=self.victim.uuid)
        self.assertEqual(removal.actor, self.cast.coordinator)
        self.assertContains(client.get(self.url), "Ninguna víctima espera revisión.")

    def test_a_coordinator_keeps_it(self) -> None:
        client = sign_in(self.client, self.cast.coordinator)
        client.post(self.url, {"victim": str(self.victim.uuid), "decision": "keep"})
        with organization_scope(self.cast.org.pk):
            self.victim.refresh_from_db()
            self.assertEqual(self.incident.victims.count(), 2)
        self.assertFalse(self.victim.to_review)
        change = AuditEvent.objects.get(action="update", object_uuid=self.victim.uuid)
        self.assertEqual(change.fields, ["to_review"])

    def test_a_victim_not_marked_cannot_be_removed_from_this_page(self) -> None:
        with organization_scope(self.cast.org.pk):
            registered = Victim.objects.get(person__isnull=False)
        client = sign_in(self.client, self.cast.coordinator)
        client.post(self.url, {"victim": str(registered.uuid), "decision": "remove"})
        with organization_scope(self.cast.org.pk):
            self.assertEqual(self.incident.victims.count(), 2)


class OneFlowSectionTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(cls.cast.org, cls.cast.caseworker, given_names="Iris Nohemí")

    def test_a_section_touched_but_without_its_role_is_refused_and_explained(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        url = reverse("incidents:new_for_person", kwargs={"person_uuid": self.person.uuid})
        response = client.post(
            url,
            {
                "date_precision": "exact",
                "occurred_from": "2025-02-14",
                "acts": ["kidnapping"],
                "summary": "La subieron a una camioneta frente al albergue.",
                "source": "direct_testimony",
                "country": "MEX",
                "person-role": "victim",
                "victim-TOTAL_FORMS": "1",
                "victim-INITIAL_FORMS": "0",
                "victim-0-age_band": "0-11",
                "perpetrator-TOTAL_FORMS": "0",
                "perpetrator-INITIAL_FORMS": "0",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="0-11" selected')
        with organization_scope(self.cast.org.pk):
            self.assertFalse(Victim.objects.exists())
