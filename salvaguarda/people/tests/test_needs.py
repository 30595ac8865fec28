"""Specific needs recorded by hand and needs marked resolved: the service, the pages, the API."""

import datetime
from typing import Any

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from salvaguarda.api import api
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, Cast, make_person, member, sign_in
from salvaguarda.people import queries, queries_records
from salvaguarda.people.forms_needs import NeedForm
from salvaguarda.people.models import Person, SpecificNeed
from salvaguarda.people.services import needs
from salvaguarda.people.services.screening import screening_record

# 18:00 UTC is 10:00 in Tijuana (organization A).
NOW = datetime.datetime(2026, 3, 10, 18, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 10)
DISABILITY = "disability_accommodation"
# The Washington Group short set, one domain ("walking") answered "a lot of difficulty".
WALKING_DIFFICULTY = {
    "wg.seeing": 1,
    "wg.hearing": 1,
    "wg.walking": 3,
    "wg.cognition": 1,
    "wg.self_care": 1,
    "wg.communication": 1,
}
Action = AuditEvent.Action


@time_machine.travel(NOW, tick=False)
class NeedsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.by = cls.cast.caseworker
        cls.person = make_person(
            cls.cast.org,
            cls.by,
            given_names="Esperanza",
            first_surname="Lozano",
            date_of_birth=datetime.date(1990, 6, 1),
        )
        # A baby: too young for the Washington Group questions.
        cls.baby = make_person(
            cls.cast.org, cls.by, given_names="Itzel", date_of_birth=datetime.date(2025, 11, 2)
        )

    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.enterContext(organization_scope(self.cast.org.pk))

    def record(self, person: Person | None = None, **data: Any) -> SpecificNeed:
        data.setdefault("code", "DS-PM")
        data.setdefault("priority", "high")
        return needs.need_record(by=self.by, person=person or self.person, data=data)

    def refused(self, person: Person | None = None, **data: Any) -> dict[str, list[str]]:
        with self.assertRaises(ValidationError) as caught:
            self.record(person, **data)
        return caught.exception.message_dict

    def disability_line(self, person: Person) -> bool:
        return DISABILITY in [line.item for line in queries_records.safeguard_status(person)]

    def priority(self, person: Person) -> str:
        person.refresh_from_db()
        return person.priority


class RecordTest(NeedsTestCase):
    def test_a_need_recorded_by_hand_is_stored_split_with_its_note(self) -> None:
        need = self.record(code="DS-PM", priority="urgent", note="Informe del IMSS, 2024")
        need.refresh_from_db()
        self.assertEqual((need.code, need.subcode, need.priority), ("DS", "PM", "urgent"))
        self.assertIsNone(need.screening_id)
        self.assertEqual(need.identified_on, TODAY)
        self.assertEqual(needs.note_of(need), "Informe del IMSS, 2024")
        self.assertIsNone(need.resolved_on)

    def test_a_main_code_alone_is_a_need_without_detail(self) -> None:
        need = self.record(person=self.baby, code="DS", note="")
        self.assertEqual((need.code, need.subcode), ("DS", ""))
        self.assertEqual(needs.note_of(need), "")

    @time_machine.travel(datetime.datetime(2026, 3, 11, 3, 0, tzinfo=datetime.UTC), tick=False)
    def test_the_day_it_was_identified_is_today_where_the_organization_works(self) -> None:
        # 03:00 UTC on the 11th is still the 10th in Tijuana.
        self.assertEqual(self.record().identified_on, TODAY)

    def test_the_accommodation_of_a_disability_appears_with_a_disability_recorded_by_hand(
        self,
    ) -> None:
        self.assertFalse(self.disability_line(self.baby))
        need = self.record(person=self.baby, code="DS", note="Parálisis cerebral (certificado)")
        self.assertTrue(self.disability_line(self.baby))
        needs.need_resolve(by=self.by, need=need, resolved_on=TODAY)
        self.assertFalse(self.disability_line(self.baby))

    def test_a_later_screening_keeps_the_need_recorded_by_hand(self) -> None:
        screening_record(
            by=self.by,
            person=self.person,
            answers=WALKING_DIFFICULTY,
            screened_on=datetime.date(2026, 1, 5),
            language="spa",
        )
        found = SpecificNeed.objects.get(person=self.person, screening__isnull=False)
        hand = self.record(code="SM-CI", priority="standard")
        screening_record(
            by=self.by,
            person=self.person,
            answers={**WALKING_DIFFICULTY, "wg.walking": 1},
            screened_on=datetime.date(2026, 3, 1),
            language="spa",
        )
        still_open = SpecificNeed.objects.filter(person=self.person, resolved_on__isnull=True)
        self.assertEqual([n.pk for n in still_open], [hand.pk])
        self.assertFalse(SpecificNeed.objects.filter(pk=found.pk).exists())  # soft-deleted

    def test_unknown_code_future_date_and_date_before_birth_are_refused_nothing_written(
        self,
    ) -> None:
        audit_entries = AuditEvent.objects.count()
        errors = self.refused(
            code="DS-XX", priority="extreme", identified_on=datetime.date(2026, 3, 11)
        )
        self.assertEqual(errors["code"], ["“DS-XX” is not a specific need of the list."])
        self.assertEqual(errors["priority"], ["“extreme” is not one of the allowed values."])
        self.assertEqual(errors["identified_on"], ["This date cannot be in the future."])
        before_birth = self.refused(identified_on=datetime.date(1990, 5, 31))
        self.assertIn("before the person's date of birth", before_birth["identified_on"][0])
        missing = self.refused(code="", priority="")
        self.assertEqual(missing["code"], ["Choose the specific need."])
        self.assertEqual(missing["priority"], ["Choose the priority of this need."])
        long_note = self.refused(note="x" * (needs.NOTE_MAX_LENGTH + 1))
        self.assertIn("note", long_note)
        self.assertFalse(SpecificNeed.objects.exists())
        self.assertEqual(AuditEvent.objects.count(), audit_entries)
        self.assertEqual(self.priority(self.person), "")

    def test_a_second_open_need_of_the_same_code_by_hand_is_refused(self) -> None:
        self.record(code="DS-PM", identified_on=datetime.date(2026, 2, 3))
        errors = self.refused(code="DS-PM", priority="urgent")
        self.assertEqual(
            errors["code"],
            [
                "This need is already open on the person's file, recorded by hand on "
                "Feb. 3, 2026. Mark that one resolved before recording it again."
            ],
        )
        self.assertEqual(SpecificNeed.objects.count(), 1)
        # Another code, the main code alone, or another person: recorded.
        self.record(code="DS")
        self.record(code="DS-BD")
        self.record(person=self.baby, code="DS-PM")
        self.assertEqual(SpecificNeed.objects.count(), 4)

    def test_a_need_a_screening_found_is_not_recorded_again_by_hand_nor_the_reverse(
        self,
    ) -> None:
        screening_record(
            by=self.by,
            person=self.person,
            answers=WALKING_DIFFICULTY,
            screened_on=datetime.date(2026, 1, 5),
            language="spa",
        )
        errors = self.refused(code="DS-PM", priority="high")
        self.assertIn("found by the screening of", errors["code"][0])
        # A need open by hand is not doubled by a later screening that finds it too.
        self.record(person=self.baby, code="DS-PM", priority="urgent")
        hand = self.record(code="SM-CI", priority="standard")
        screening_record(
            by=self.by,
            person=self.person,
            answers={
                **WALKING_DIFFICULTY,
                "health.serious_condition": "yes",
                "health.medication": "yes",
            },
            screened_on=datetime.date(2026, 3, 1),
            language="spa",
        )
        open_codes = sorted(
            f"{n.code}-{n.subcode}"
            for n in SpecificNeed.objects.filter(person=self.person, resolved_on__isnull=True)
        )
        self.assertEqual(open_codes.count("SM-CI"), 1)
        found = SpecificNeed.objects.filter(person=self.person, screening__isnull=False)
        self.assertIn(("DS", "PM"), found.values_list("code", "subcode"))  # it did find needs
        self.assertFalse(found.filter(code="SM").exists())
        self.assertIn(hand.pk, SpecificNeed.objects.filter(code="SM").values_list("pk", flat=True))

    def test_a_note_with_a_null_character_is_refused_and_text_reordering_is_dropped(self) -> None:
        self.assertIn("note", self.refused(note="a\x00b"))
        need = self.record(note="Informe \u202eomsilaer\u202c del DIF")
        self.assertEqual(needs.note_of(need), "Informe omsilaer del DIF")

    def test_the_same_need_is_recorded_again_once_the_first_is_resolved(self) -> None:
        first = self.record(identified_on=datetime.date(2026, 1, 2))
        needs.need_resolve(by=self.by, need=first, resolved_on=datetime.date(2026, 2, 1))
        again = self.record()
        self.assertNotEqual(again.pk, first.pk)

    def test_writes_are_audited_with_field_names_only(self) -> None:
        need = self.record(priority="urgent", note="Silla de ruedas")
        created = AuditEvent.objects.get(action=Action.CREATE, object_uuid=need.uuid)
        self.assertEqual(created.object_type, "people.specificneed")
        self.assertEqual(
            sorted(created.fields), ["code", "identified_on", "priority", "reasons", "subcode"]
        )
        self.assertNotIn("Silla", str(created.detail))
        person_changed = AuditEvent.objects.get(action=Action.UPDATE, object_uuid=self.person.uuid)
        self.assertEqual(person_changed.fields, ["priority"])
        needs.need_resolve(by=self.by, need=need, resolved_on=TODAY)
        resolved = AuditEvent.objects.get(action=Action.UPDATE, object_uuid=need.uuid)
        self.assertEqual(resolved.fields, ["resolved_on"])
        needs.need_get_for(self.by, self.person, need.uuid)
        self.assertTrue(
            AuditEvent.objects.filter(action=Action.VIEW, object_uuid=need.uuid).exists()
        )

    def test_the_persons_priority_follows_their_open_needs(self) -> None:
        # Never screened: the priority comes from the needs recorded by hand alone.
        standard = self.record(code="SM-CI", priority="standard")
        self.assertEqual(self.priority(self.person), "standard")
        urgent = self.record(code="SM-CC", priority="urgent")
        self.assertEqual(self.priority(self.person), "urgent")
        needs.need_resolve(by=self.by, need=urgent, resolved_on=TODAY)
        self.assertEqual(self.priority(self.person), "standard")
        needs.need_resolve(by=self.by, need=standard, resolved_on=TODAY)
        self.assertEqual(self.priority(self.person), "")  # not screened yet, no need open

    def test_with_a_screening_the_priority_counts_its_needs_and_those_by_hand(self) -> None:
        screening_record(
            by=self.by,
            person=self.person,
            answers=WALKING_DIFFICULTY,
            screened_on=datetime.date(2026, 1, 5),
            language="spa",
        )
        screened = self.priority(self.person)
        self.assertNotEqual(screened, "urgent")
        urgent = self.record(code="LP-RR", priority="urgent")
        self.assertEqual(self.priority(self.person), "urgent")
        needs.need_resolve(by=self.by, need=urgent, resolved_on=TODAY)
        self.assertEqual(self.priority(self.person), screened)
        for found in SpecificNeed.objects.filter(person=self.person, screening__isnull=False):
            needs.need_resolve(by=self.by, need=found, resolved_on=TODAY)
        self.assertEqual(self.priority(self.person), "standard")  # screened, nothing open


class ResolveTest(NeedsTestCase):
    def test_resolve_rules(self) -> None:
        need = self.record(identified_on=datetime.date(2026, 2, 10))
        future = self.resolve_refused(need, datetime.date(2026, 3, 11))
        self.assertEqual(future, ["This date cannot be in the future."])
        early = self.resolve_refused(need, datetime.date(2026, 2, 9))
        self.assertEqual(
            early,
            ["A need cannot be resolved before the day it was identified (Feb. 10, 2026)."],
        )
        need.refresh_from_db()
        self.assertIsNone(need.resolved_on)
        needs.need_resolve(by=self.by, need=need, resolved_on=datetime.date(2026, 2, 10))
        need.refresh_from_db()
        self.assertEqual(need.resolved_on, datetime.date(2026, 2, 10))
        again = self.resolve_refused(need, TODAY)
        self.assertEqual(again, ["This need was already marked resolved on Feb. 10, 2026."])
        need.refresh_from_db()
        self.assertEqual(need.resolved_on, datetime.date(2026, 2, 10))

    def test_resolved_today_when_no_day_is_given(self) -> None:
        need = needs.need_resolve(by=self.by, need=self.record(), resolved_on=None)
        self.assertEqual(need.resolved_on, TODAY)

    def test_a_need_found_by_a_screening_can_be_resolved(self) -> None:
        screening_record(
            by=self.by,
            person=self.person,
            answers=WALKING_DIFFICULTY,
            screened_on=datetime.date(2026, 1, 5),
            language="spa",
        )
        found = SpecificNeed.objects.filter(person=self.person, code="DS").get()
        self.assertTrue(self.disability_line(self.person))
        needs.need_resolve(by=self.by, need=found, resolved_on=TODAY)
        self.assertFalse(self.disability_line(self.person))

    def resolve_refused(self, need: SpecificNeed, day: datetime.date) -> list[str]:
        with self.assertRaises(ValidationError) as caught:
            needs.need_resolve(by=self.by, need=need, resolved_on=day)
        return caught.exception.message_dict["resolved_on"]


class PagesTest(NeedsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.english = member(self.cast.org, "caseworker", language="en")
        self.client = sign_in(self.client, self.english)

    def url(self, name: str, *args: object) -> str:
        return reverse(f"people:{name}", args=[self.person.uuid, *args])

    def test_caseworker_adds_a_need_by_hand_and_sees_it_on_the_file(self) -> None:
        page = self.client.get(self.url("detail"))
        self.assertContains(page, f'href="{self.url("need_add")}"')
        form = self.client.get(self.url("need_add"))
        self.assertContains(form, "DS-PM · Physical disability")
        self.assertContains(form, 'label="DS · Disability"')  # grouped under the main code
        response = self.client.post(
            self.url("need_add"),
            {
                "code": "DS-PM",
                "priority": "high",
                "identified_on": "2026-03-02",
                "note": "Certificado de discapacidad del DIF",
            },
        )
        self.assertRedirects(response, self.url("detail"))
        need = SpecificNeed.objects.get(person=self.person)
        file = self.client.get(self.url("detail"))
        self.assertContains(file, "Physical disability")
        self.assertContains(file, "recorded by hand")
        self.assertContains(file, "Certificado de discapacidad del DIF")
        self.assertContains(file, f'href="{self.url("need_resolve", need.uuid)}"')
        self.assertContains(file, "Priority: High")

    def test_a_refused_need_shows_the_messages_and_what_was_typed(self) -> None:
        self.record(code="DS-PM", identified_on=datetime.date(2026, 2, 3))
        response = self.client.post(
            self.url("need_add"),
            {"code": "DS-PM", "priority": "urgent", "identified_on": "2026-03-04", "note": "Otra"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "already open on the person&#x27;s file")
        self.assertContains(response, 'value="DS-PM" selected')
        self.assertContains(response, 'value="2026-03-04"')
        self.assertContains(response, "Otra</textarea>")
        future = self.client.post(
            self.url("need_add"),
            {"code": "DS-BD", "priority": "high", "identified_on": "2026-04-01", "note": ""},
        )
        self.assertContains(future, "This date cannot be in the future.")
        self.assertContains(future, 'value="2026-04-01"')
        self.assertEqual(SpecificNeed.objects.count(), 1)

    def test_the_list_of_needs_is_in_the_users_language(self) -> None:
        form = NeedForm(person=self.person, time_zone="America/Tijuana")
        with translation.override("es"):
            self.assertIn("DS-PM · Discapacidad física", form["code"].as_widget())

    def test_caseworker_marks_a_need_resolved(self) -> None:
        need = self.record(code="DS", note="Silla de ruedas")
        page = self.client.get(self.url("need_resolve", need.uuid))
        self.assertContains(page, "Silla de ruedas")
        self.assertContains(page, 'value="2026-03-10"')  # today, by default
        refused = self.client.post(
            self.url("need_resolve", need.uuid), {"resolved_on": "2026-03-01"}
        )
        self.assertContains(refused, "before the day it was identified")
        self.assertContains(refused, 'value="2026-03-01"')
        response = self.client.post(
            self.url("need_resolve", need.uuid), {"resolved_on": "2026-03-10"}
        )
        self.assertRedirects(response, self.url("detail"))
        need.refresh_from_db()
        self.assertEqual(need.resolved_on, TODAY)
        file = self.client.get(self.url("detail"))
        self.assertNotContains(file, self.url("need_resolve", need.uuid))
        # Still on the file, among the resolved ones; the file does not say there were none.
        self.assertContains(file, 'data-testid="resolved-needs"')
        self.assertContains(file, "1 resolved need")
        self.assertContains(file, "No open specific need.")
        self.assertNotContains(file, "No specific needs recorded.")
        again = self.client.get(self.url("need_resolve", need.uuid))
        self.assertContains(again, "This need was already marked resolved on")
        self.assertNotContains(again, 'name="resolved_on"')
        posted = self.client.post(
            self.url("need_resolve", need.uuid), {"resolved_on": "2026-03-09"}
        )
        self.assertContains(posted, "This need was already marked resolved on")
        need.refresh_from_db()
        self.assertEqual(need.resolved_on, TODAY)

    def test_other_organizations_and_roles_without_case_data_get_404(self) -> None:
        need = self.record()
        for user in (self.cast.outsider, self.cast.analyst):
            client = sign_in(self.client_class(), user)
            for url in (self.url("need_add"), self.url("need_resolve", need.uuid)):
                self.assertEqual(client.get(url).status_code, 404, (user, url))
                posted = client.post(url, {"code": "DS", "priority": "high", "resolved_on": ""})
                self.assertEqual(posted.status_code, 404, (user, url))
        self.assertEqual(SpecificNeed.objects.count(), 1)
        need.refresh_from_db()
        self.assertIsNone(need.resolved_on)

    def test_a_need_of_another_person_is_not_found_under_this_one(self) -> None:
        need = self.record(person=self.baby)
        response = self.client.get(self.url("need_resolve", need.uuid))
        self.assertEqual(response.status_code, 404)


class ApiTest(ApiCalls, NeedsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.secret = self.token_for(self.cast.caseworker)

    def path(self, tail: str = "") -> str:
        return f"/people/{self.person.uuid}/needs{tail}"

    def post(self, path: str, body: Any, **kwargs: Any) -> Any:
        return self.call("post", path, body, HTTP_ACCEPT_LANGUAGE="en", **kwargs)

    def test_the_document_lists_the_operations(self) -> None:
        paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
        self.assertIn("post", paths["/api/v1/people/{person_uuid}/needs"])
        self.assertIn("post", paths["/api/v1/people/{person_uuid}/needs/{need_uuid}/resolve"])

    def test_a_need_is_recorded_and_resolved(self) -> None:
        response = self.post(
            self.path(), {"code": "DS-DF", "priority": "standard", "note": "Audiometría"}
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            {k: body[k] for k in ("code", "subcode", "priority", "identified_on", "note")},
            {
                "code": "DS",
                "subcode": "DF",
                "priority": "standard",
                "identified_on": "2026-03-10",
                "note": "Audiometría",
            },
        )
        self.assertTrue(body["recorded_by_hand"])
        self.assertIsNone(body["resolved_on"])
        file = self.call("get", f"/people/{self.person.uuid}").json()
        self.assertEqual([n["uuid"] for n in file["needs"]], [body["uuid"]])
        self.assertEqual(
            (file["needs"][0]["note"], file["needs"][0]["recorded_by_hand"]), ("Audiometría", True)
        )
        self.assertEqual(file["person"]["priority"], "standard")
        resolved = self.post(self.path(f"/{body['uuid']}/resolve"), {"resolved_on": "2026-03-10"})
        self.assertEqual(resolved.status_code, 200, resolved.content)
        self.assertEqual(resolved.json()["resolved_on"], "2026-03-10")
        file = self.call("get", f"/people/{self.person.uuid}").json()
        self.assertEqual(file["needs"], [])
        self.assertEqual([n["uuid"] for n in file["resolved_needs"]], [body["uuid"]])
        again = self.post(self.path(f"/{body['uuid']}/resolve"), {})
        self.assertEqual(again.status_code, 422)
        self.assertIn("already marked resolved", again.json()["errors"]["resolved_on"][0])

    def test_refusals_are_422_by_field_and_write_nothing(self) -> None:
        unknown = self.post(self.path(), {"code": "ZZ", "priority": "high"})
        self.assertEqual(unknown.status_code, 422)
        self.assertEqual(
            unknown.json()["errors"]["code"], ["“ZZ” is not a specific need of the list."]
        )
        future = self.post(
            self.path(), {"code": "DS", "priority": "high", "identified_on": "2026-03-11"}
        )
        self.assertEqual(
            future.json()["errors"]["identified_on"], ["This date cannot be in the future."]
        )
        self.assertEqual(
            self.post(self.path(), {"code": "DS", "priority": "high"}).status_code, 201
        )
        duplicate = self.post(self.path(), {"code": "DS", "priority": "urgent"})
        self.assertEqual(duplicate.status_code, 422)
        self.assertIn("already open", duplicate.json()["errors"]["code"][0])
        self.assertEqual(SpecificNeed.objects.count(), 1)

    def test_another_organization_gets_404_and_changes_nothing(self) -> None:
        need = self.record()
        outsider = self.token_for(self.cast.outsider)
        created = self.post(self.path(), {"code": "SM", "priority": "high"}, secret=outsider)
        self.assertEqual(created.status_code, 404)
        resolved = self.post(
            self.path(f"/{need.uuid}/resolve"), {"resolved_on": "2026-03-10"}, secret=outsider
        )
        self.assertEqual(resolved.status_code, 404)
        # A need of organization A under a person of B's is not found either.
        with organization_scope(self.cast.other_org.pk):
            theirs = make_person(self.cast.other_org, self.cast.outsider, given_names="Otra")
        crossed = self.post(f"/people/{theirs.uuid}/needs/{need.uuid}/resolve", {}, secret=outsider)
        self.assertEqual(crossed.status_code, 404)
        self.assertEqual(SpecificNeed.objects.count(), 1)
        need.refresh_from_db()
        self.assertIsNone(need.resolved_on)


class FileQueryTest(NeedsTestCase):
    def test_the_file_lists_open_needs_found_and_recorded(self) -> None:
        need = self.record(person=self.baby, code="DS")
        file = queries.person_file_for(self.by, self.baby.uuid)
        self.assertEqual([n.pk for n in file.needs], [need.pk])
        self.assertIn(DISABILITY, [line.item for line in file.safeguards])
