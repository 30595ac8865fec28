import datetime
import json
from typing import Any

import time_machine
from django.test import Client, TestCase
from django.utils import translation

from salvaguarda.api import api
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, Cast, make_person, sign_in
from salvaguarda.court import services
from salvaguarda.court.models import (
    Hearing,
    HearingChange,
    HearingImport,
    ImmigrationCase,
    NonRefoulementInterview,
    Reminder,
    ReminderPlan,
    ReminderText,
    Representation,
)
from salvaguarda.court.queries import Reason
from salvaguarda.court.tests.factories import make_case, make_hearing
from salvaguarda.people.services import Contact, contact_add, person_move
from salvaguarda.people.services.records import consent_record

API = "/api/v1"
NOW = datetime.datetime(2026, 2, 2, 18, 0, tzinfo=datetime.UTC)  # a Monday, winter time
PHONE = "+526641234567"
Action = AuditEvent.Action


def hearing_body(**changes: Any) -> dict[str, Any]:
    """A master calendar hearing at the Brownsville facility, 9:00 on the court's clock."""
    return {"court": "BRO_IHF", "date": "2026-02-10", "time": "09:00", "kind": "master", **changes}


@time_machine.travel(NOW, tick=False)
class CourtApiTestCase(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        cls.person = make_person(
            cls.cast.org, by, given_names="Rosa", first_surname="Mejía", a_number="12345678"
        )
        with organization_scope(cls.cast.org.pk):
            contact_add(by=by, person=cls.person, contact=Contact("whatsapp", PHONE, True))
            consent_record(
                by=by, person=cls.person, purpose="reminders", given_by="self", language="spa"
            )
            person_move(
                by=by,
                person=cls.person,
                city="tijuana",
                shelter="",
                since=datetime.date(2025, 6, 1),
            )
        cls.secret = cls.token_for(cls.cast.legal)
        cls.outsider_secret = cls.token_for(cls.cast.outsider)
        cls.analyst_secret = cls.token_for(cls.cast.analyst)
        cls.coordinator_secret = cls.token_for(cls.cast.coordinator)

    def open_case(self, **body: Any) -> dict[str, Any]:
        response = self.call(
            "post", f"/people/{self.person.uuid}/case", {"court": "BRO_IHF", **body}
        )
        self.assertEqual(response.status_code, 201, response.content)
        return dict(response.json())

    def schedule(self, case_uuid: Any, **body: Any) -> dict[str, Any]:
        response = self.call("post", f"/cases/{case_uuid}/hearings", hearing_body(**body))
        self.assertEqual(response.status_code, 201, response.content)
        return dict(response.json())

    def count(self, model: Any) -> int:
        with organization_scope(self.cast.org.pk):
            return int(model.objects.count())


class CaseAndHearingTest(CourtApiTestCase):
    def test_a_case_is_opened_and_a_hearing_scheduled_with_a_token(self) -> None:
        case = self.open_case(relief_sought=["cat", "asylum"], program_phase="MPP1")
        self.assertEqual(case["person"]["given_names"], "Rosa")
        self.assertEqual(case["a_number"], "012345678")
        self.assertEqual(
            (case["relief_sought"], case["court_zone"]), (["asylum", "cat"], "America/Chicago")
        )
        hearing = self.schedule(case["uuid"], report_time="05:30", report_place="Puente Nuevo")
        self.assertEqual(hearing["starts_at"], "2026-02-10T15:00:00Z")
        self.assertEqual(hearing["court_time"], "2026-02-10T09:00:00-06:00")
        self.assertEqual(hearing["court_zone"], "America/Chicago")
        self.assertEqual(hearing["person_time"], "2026-02-10T07:00:00-08:00")
        self.assertEqual(hearing["person_zone"], "America/Tijuana")
        self.assertEqual(hearing["report_at"], "2026-02-10T11:30:00Z")
        self.assertEqual(hearing["port"], "BRO")  # the court's port
        self.assertEqual([c["change"] for c in hearing["history"]], ["scheduled"])
        # Reminders: where they stand, never their words nor the number they go to.
        reminders = sorted(hearing["reminders"], key=lambda r: -r["days_before"])
        self.assertEqual([r["days_before"] for r in reminders], [7, 2, 1])
        self.assertEqual(
            {(r["status"], r["channel"]) for r in reminders}, {("pending", "whatsapp")}
        )
        self.assertEqual(reminders[0]["due_at"], "2026-02-03T18:00:00Z")  # 10:00 in Tijuana
        self.assertEqual(
            set(reminders[0]),
            {
                "uuid",
                "person",
                "hearing_version",
                "days_before",
                "channel",
                "status",
                "due_at",
                "sent_at",
                "delivery_status",
            },
        )
        self.assertNotIn("6641234567", json.dumps(hearing))  # no phone number, whole or not

        file = self.call("get", f"/cases/{case['uuid']}")
        self.assertEqual(file.status_code, 200)
        data = file.json()
        self.assertEqual(len(data["hearings"]), 1)
        self.assertEqual(data["hearings"][0]["uuid"], hearing["uuid"])
        self.assertEqual(len(data["hearings"][0]["reminders"]), 3)
        self.assertNotIn(PHONE, file.content.decode())
        self.assertNotIn("audiencia", file.content.decode().lower())  # no message body
        by_person = self.call("get", f"/people/{self.person.uuid}/case")
        self.assertEqual(by_person.json()["uuid"], case["uuid"])

    def test_the_court_clock_is_read_in_winter_and_in_summer(self) -> None:
        case = self.open_case()
        winter = self.schedule(case["uuid"])
        summer = self.schedule(case["uuid"], date="2026-07-14")
        self.assertEqual(winter["starts_at"], "2026-02-10T15:00:00Z")  # CST, UTC-6
        self.assertEqual(summer["starts_at"], "2026-07-14T14:00:00Z")  # CDT, UTC-5
        self.assertEqual(summer["court_time"], "2026-07-14T09:00:00-05:00")
        self.assertEqual(summer["person_time"], "2026-07-14T07:00:00-07:00")  # Tijuana, PDT
        with organization_scope(self.cast.org.pk):
            stored = Hearing.objects.get(uuid=summer["uuid"]).starts_at
        self.assertEqual(stored, datetime.datetime(2026, 7, 14, 14, 0, tzinfo=datetime.UTC))

    def test_a_time_that_does_not_exist_on_the_court_clock_is_refused_on_its_field(self) -> None:
        case = self.open_case()
        # Clocks go forward at 2:00 on 8 March 2026 in Central time: 2:30 never happens.
        response = self.call(
            "post",
            f"/cases/{case['uuid']}/hearings",
            hearing_body(date="2026-03-08", time="02:30"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(list(response.json()["errors"]), ["time"])
        self.assertIn("does not exist", response.json()["errors"]["time"][0])
        report = self.call(
            "post",
            f"/cases/{case['uuid']}/hearings",
            hearing_body(date="2026-03-09", report_date="2026-03-08", report_time="02:15"),
        )
        self.assertEqual(list(report.json()["errors"]), ["report_time"])
        offset = self.call(
            "post", f"/cases/{case['uuid']}/hearings", hearing_body(time="09:00-06:00")
        )
        self.assertEqual(list(offset.json()["errors"]), ["time"])
        self.assertEqual(self.count(Hearing), 0)

    def test_a_past_hearing_without_attendance_is_refused_and_nothing_is_saved(self) -> None:
        case = self.open_case()
        before = AuditEvent.objects.filter(action=Action.CREATE).count()
        response = self.call(
            "post", f"/cases/{case['uuid']}/hearings", hearing_body(date="2026-01-20")
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(list(response.json()["errors"]), ["date"])
        self.assertEqual((self.count(Hearing), self.count(HearingChange)), (0, 0))
        self.assertEqual(self.count(Reminder), 0)
        self.assertEqual(AuditEvent.objects.filter(action=Action.CREATE).count(), before)
        # Recorded with its attendance, the past hearing is accepted.
        held = self.schedule(
            case["uuid"], date="2026-01-20", attendance="missed", missed_reason="no_transport"
        )
        self.assertEqual((held["attendance"], held["reminders"]), ("missed", []))

    def test_a_move_makes_version_2_and_keeps_the_history(self) -> None:
        case = self.open_case()
        hearing = self.schedule(case["uuid"])
        path = f"/cases/{case['uuid']}/hearings/{hearing['uuid']}"
        moved = self.call(
            "patch", path, {"date": "2026-02-17", "reason": "Reprogramada por la corte"}
        )
        self.assertEqual(moved.status_code, 200, moved.content)
        data = moved.json()
        self.assertEqual(data["version"], 2)
        self.assertEqual(data["court_time"], "2026-02-17T09:00:00-06:00")
        self.assertEqual([c["change"] for c in data["history"]], ["moved", "scheduled"])
        change = data["history"][0]
        self.assertEqual(change["previous_starts_at"], "2026-02-10T15:00:00Z")
        self.assertEqual(change["starts_at"], "2026-02-17T15:00:00Z")
        self.assertEqual(change["reason"], "Reprogramada por la corte")
        by_version = {(r["hearing_version"], r["status"]) for r in data["reminders"]}
        self.assertEqual(by_version, {(1, "cancelled"), (2, "pending")})
        # The time alone keeps the date; an edit that moves nothing keeps the version.
        later = self.call("patch", path, {"time": "13:30"}).json()
        self.assertEqual((later["court_time"], later["version"]), ("2026-02-17T13:30:00-06:00", 3))
        edited = self.call("patch", path, {"plan_confirmed": True}).json()
        self.assertEqual((edited["plan_confirmed"], edited["version"]), (True, 3))
        self.assertEqual(edited["history"][0]["change"], "edited")
        refused = self.call("patch", path, {"date": "2026-01-05"})
        self.assertEqual(list(refused.json()["errors"]), ["date"])

    def test_cancel_and_attendance(self) -> None:
        case = self.open_case()
        hearing = self.schedule(case["uuid"])
        path = f"/cases/{case['uuid']}/hearings/{hearing['uuid']}"
        early = self.call("post", path + "/attendance", {"attendance": "attended"})
        self.assertEqual(list(early.json()["errors"]), ["attendance"])
        cancelled = self.call("post", path + "/cancel", {"reason": "Cerrado el caso"})
        self.assertEqual(cancelled.status_code, 200, cancelled.content)
        data = cancelled.json()
        self.assertEqual(data["status"], "cancelled")
        self.assertEqual(data["history"][0]["change"], "cancelled")
        self.assertEqual({r["status"] for r in data["reminders"]}, {"cancelled"})
        again = self.call("patch", path, {"time": "10:00"})
        self.assertEqual(again.status_code, 422)
        # Attendance of a hearing that took place.
        past = make_hearing(
            self.case_row(case),
            self.cast.legal,
            NOW - datetime.timedelta(days=3),
            attendance="rescheduled",
        )
        recorded = self.call(
            "post",
            f"/cases/{case['uuid']}/hearings/{past.uuid}/attendance",
            {"attendance": "missed", "missed_reason": "insecurity", "result_notes": "Orden"},
        )
        self.assertEqual(recorded.status_code, 200, recorded.content)
        self.assertEqual(
            (recorded.json()["attendance"], recorded.json()["missed_reason"]),
            ("missed", "insecurity"),
        )
        self.assertEqual(recorded.json()["history"][0]["change"], "attendance")

    def case_row(self, case: dict[str, Any]) -> ImmigrationCase:
        with organization_scope(self.cast.org.pk):
            return ImmigrationCase.objects.get(uuid=case["uuid"])

    def test_case_patch_interviews_and_representation(self) -> None:
        case = self.open_case()
        path = f"/cases/{case['uuid']}"
        patched = self.call("patch", path, {"outcome": "terminated", "in_absentia": True})
        self.assertEqual(set(patched.json()["errors"]), {"outcome_on", "in_absentia"})
        patched = self.call(
            "patch",
            path,
            {"outcome": "removal_order", "in_absentia": True, "outcome_on": "2026-01-15"},
        )
        self.assertEqual(patched.status_code, 200, patched.content)
        self.assertEqual(patched.json()["outcome"], "removal_order")
        event = AuditEvent.objects.filter(action=Action.UPDATE, object_uuid=case["uuid"]).get()
        self.assertEqual(event.fields, ["in_absentia", "outcome", "outcome_on"])

        interview = self.call(
            "post", path + "/interviews", {"interviewed_on": "2025-11-04", "result": "negative"}
        )
        self.assertEqual(interview.status_code, 201, interview.content)
        future = self.call("post", path + "/interviews", {"interviewed_on": "2026-05-04"})
        self.assertEqual(list(future.json()["errors"]), ["interviewed_on"])

        unrepresented = self.call("get", "/cases/unrepresented").json()["results"]
        self.assertEqual([line["case"] for line in unrepresented], [])  # decided: not open
        self.call("patch", path, {"outcome": "appealed", "in_absentia": False})
        unrepresented = self.call("get", "/cases/unrepresented").json()["results"]
        self.assertEqual([line["case"] for line in unrepresented], [case["uuid"]])
        self.assertNotIn("Rosa", json.dumps(unrepresented))

        body = {
            "kind": "attorney",
            "representative": "Lic. Ruiz",
            "forms_filed": ["EOIR-28"],
            "since": "2026-01-10",
        }
        created = self.call("post", path + "/representations", body)
        self.assertEqual(created.status_code, 201, created.content)
        wrong = self.call("post", path + "/representations", {**body, "forms_filed": ["I-589"]})
        self.assertEqual(list(wrong.json()["errors"]), ["forms_filed.0"])
        self.assertEqual(self.call("get", "/cases/unrepresented").json()["results"], [])
        ended = self.call(
            "patch", f"{path}/representations/{created.json()['uuid']}", {"until": "2026-01-31"}
        )
        self.assertEqual((ended.status_code, ended.json()["until"]), (200, "2026-01-31"))
        file = self.call("get", path).json()
        self.assertFalse(file["represented"])
        self.assertEqual(len(file["interviews"]), 1)
        self.assertEqual(self.count(Representation), 1)
        self.assertEqual(self.count(NonRefoulementInterview), 1)

    def test_a_second_case_and_a_foreign_lead_case_are_refused(self) -> None:
        case = self.open_case()
        again = self.call("post", f"/people/{self.person.uuid}/case", {"court": "SDI"})
        self.assertEqual(list(again.json()["errors"]), ["person"])
        stranger = make_person(self.cast.org, self.cast.caseworker)
        response = self.call(
            "post", f"/people/{stranger.uuid}/case", {"court": "SDI", "lead_case": case["uuid"]}
        )
        self.assertEqual(list(response.json()["errors"]), ["lead_case"])
        unknown = self.call("post", f"/people/{stranger.uuid}/case", {"court": "XYZ"})
        self.assertEqual(list(unknown.json()["errors"]), ["court"])
        self.assertEqual(self.count(ImmigrationCase), 1)
        nobody = self.call("get", f"/people/{stranger.uuid}/case")
        self.assertEqual(nobody.status_code, 404)


class ListTest(CourtApiTestCase):
    def test_the_calendar_and_the_at_risk_list(self) -> None:
        case = make_case(self.cast.org, self.cast.legal, person=self.person, court="BRO_IHF")
        make_hearing(case, self.cast.legal, NOW + datetime.timedelta(days=8), plan_confirmed=True)
        alone = make_person(self.cast.org, self.cast.caseworker, given_names="Solita")
        risky_case = make_case(self.cast.org, self.cast.legal, person=alone, court="LRD_IHF")
        risky = make_hearing(risky_case, self.cast.legal, NOW + datetime.timedelta(days=3))

        week = self.call("get", "/hearings?first=2026-02-02&days=7").json()
        self.assertEqual([line["uuid"] for line in week["results"]], [str(risky.uuid)])
        two = self.call("get", "/hearings?first=2026-02-02&days=14").json()
        self.assertEqual(len(two["results"]), 2)
        laredo = self.call("get", "/hearings?first=2026-02-02&days=14&court=LRD_IHF").json()
        self.assertEqual(len(laredo["results"]), 1)
        self.assertNotIn("Rosa", json.dumps(two))
        self.assertNotIn("Solita", json.dumps(two))
        bad = self.call("get", "/hearings?days=40&court=XYZ&first=2026-02-31")
        self.assertEqual(set(bad.json()["errors"]), {"days", "court", "first"})

        at_risk = self.call("get", "/hearings/at-risk", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(at_risk.status_code, 200)
        lines = at_risk.json()["results"]
        self.assertEqual(lines[0]["hearing"]["uuid"], str(risky.uuid))
        self.assertLessEqual(
            {"no_channel", "no_consent", "no_lawyer", "no_plan"}, set(lines[0]["reasons"])
        )
        self.assertIn("No lawyer", lines[0]["labels"])
        self.assertEqual(len(lines[0]["reasons"]), len(lines[0]["labels"]))
        spanish = self.call("get", "/hearings/at-risk", HTTP_ACCEPT_LANGUAGE="es").json()
        with translation.override("es"):
            expected = [str(Reason.LABELS[code]) for code in lines[0]["reasons"]]
        self.assertEqual(spanish["results"][0]["labels"], expected)
        lists = AuditEvent.objects.filter(action=Action.LIST, actor=self.cast.legal)
        self.assertEqual(lists.count(), 5)


class IsolationTest(CourtApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = make_case(cls.cast.org, cls.cast.legal, person=cls.person, court="BRO_IHF")
        cls.hearing = make_hearing(cls.case, cls.cast.legal, NOW + datetime.timedelta(days=3))
        with organization_scope(cls.cast.org.pk):
            cls.representation = services.representation_record(
                by=cls.cast.legal,
                case=cls.case,
                data={
                    "kind": "attorney",
                    "representative": "Lic. Ruiz",
                    "since": datetime.date(2026, 1, 5),
                },
            )

    def attempts(self) -> list[tuple[str, str, Any]]:
        case, hearing = self.case.uuid, self.hearing.uuid
        h = f"/cases/{case}/hearings/{hearing}"
        return [
            ("get", f"/people/{self.person.uuid}/case", None),
            ("post", f"/people/{self.person.uuid}/case", {"court": "SDI"}),
            ("get", f"/cases/{case}", None),
            ("patch", f"/cases/{case}", {"notes": "cambiado"}),
            ("post", f"/cases/{case}/interviews", {"interviewed_on": "2025-11-04"}),
            (
                "post",
                f"/cases/{case}/representations",
                {"kind": "attorney", "representative": "X", "since": "2026-01-02"},
            ),
            (
                "patch",
                f"/cases/{case}/representations/{self.representation.uuid}",
                {"until": "2026-01-31"},
            ),
            ("post", f"/cases/{case}/hearings", hearing_body()),
            ("patch", h, {"time": "11:00"}),
            ("post", h + "/cancel", {"reason": "x"}),
            ("post", h + "/attendance", {"attendance": "rescheduled"}),
        ]

    def unchanged(self) -> None:
        with organization_scope(self.cast.org.pk):
            self.hearing.refresh_from_db()
            self.assertEqual((self.hearing.status, self.hearing.version), ("scheduled", 1))
            self.assertEqual(self.hearing.attendance, "")
            self.assertEqual(Hearing.objects.count(), 1)
            self.assertEqual(ImmigrationCase.objects.get().notes, None)
            self.assertFalse(NonRefoulementInterview.objects.exists())
            self.assertIsNone(Representation.objects.get().until)

    def test_another_organization_gets_404_on_every_path_and_empty_lists(self) -> None:
        for method, path, body in self.attempts():
            response = self.call(method, path, body, secret=self.outsider_secret)
            self.assertEqual(response.status_code, 404, f"{method} {path}: {response.content!r}")
            self.assertNotIn("Rosa", response.content.decode())
        self.unchanged()
        for path in (
            "/hearings?first=2026-02-01&days=31",
            "/hearings/at-risk",
            "/cases/unrepresented",
        ):
            response = self.call("get", path, secret=self.outsider_secret)
            self.assertEqual((response.status_code, response.json()["results"]), (200, []), path)
        # The organization's own lists do see them.
        own = self.call("get", "/hearings?first=2026-02-01&days=31").json()
        self.assertEqual(len(own["results"]), 1)

    def test_analysts_get_404_on_case_data_but_read_the_figures(self) -> None:
        for method, path, body in self.attempts() + [
            ("get", "/hearings", None),
            ("get", "/hearings/at-risk", None),
            ("get", "/cases/unrepresented", None),
        ]:
            for how in ("token", "session"):
                if how == "token":
                    response = self.call(method, path, body, secret=self.analyst_secret)
                else:
                    client = sign_in(Client(), self.cast.analyst)
                    response = self.call(method, path, body, client=client)
                self.assertEqual(response.status_code, 404, f"{how} {method} {path}")
        self.unchanged()
        figures = self.call(
            "get", "/court/figures?start=2026-01-01&end=2026-02-28", secret=self.analyst_secret
        )
        self.assertEqual(figures.status_code, 200, figures.content)
        data = figures.json()
        self.assertEqual(
            (data["hearings"], data["cases_open"], data["cases_represented"]), (1, 1, 1)
        )
        self.assertEqual(data["representation_rate"], 1.0)
        self.assertEqual(data["attendance"]["not_recorded"], 1)
        self.assertNotIn("Rosa", figures.content.decode())
        backwards = self.call(
            "get", "/court/figures?start=2026-02-01&end=2026-01-01", secret=self.analyst_secret
        )
        self.assertEqual(list(backwards.json()["errors"]), ["end"])
        self.assertEqual(
            self.call("get", "/court/figures", secret=self.analyst_secret).status_code, 200
        )

    def test_every_read_of_a_case_is_audited(self) -> None:
        views = AuditEvent.objects.filter(action=Action.VIEW, object_uuid=self.case.uuid)
        self.assertEqual(views.count(), 0)
        self.call("get", f"/cases/{self.case.uuid}")
        self.call("get", f"/people/{self.person.uuid}/case")
        self.call(
            "patch",
            f"/cases/{self.case.uuid}/hearings/{self.hearing.uuid}",
            {"plan_confirmed": True},
        )
        self.assertEqual(views.count(), 3)
        self.assertEqual({e.actor_id for e in views}, {self.cast.legal.pk})
        person_views = AuditEvent.objects.filter(action=Action.VIEW, object_uuid=self.person.uuid)
        self.assertEqual(person_views.count(), 1)
        # Field names only: no value of the case in the trail.
        trail = json.dumps(list(AuditEvent.objects.values("fields", "detail")))
        self.assertNotIn("Lic. Ruiz", trail)
        self.assertNotIn("012345678", trail)


class SettingsTest(CourtApiTestCase):
    def test_coordinators_set_the_reminder_plan_and_texts(self) -> None:
        path = "/court/reminder-settings"
        self.assertEqual(self.call("get", path).status_code, 404)  # legal staff
        current = self.call("get", path, secret=self.coordinator_secret)
        self.assertEqual(current.status_code, 200, current.content)
        self.assertEqual(current.json()["plan"], {"days_before": [7, 2, 1], "send_hour": 10})
        spanish = [t for t in current.json()["texts"] if t["language"] == "spa"]
        self.assertEqual(len(spanish), 2)
        self.assertFalse(any(t["own"] for t in spanish))

        body = {
            "plan": {"days_before": [3, 1], "send_hour": 9},
            "texts": [{"language": "hat", "kind": "ahead", "text": "Odyans ou {date} a {time}."}],
        }
        saved = self.call("put", path, body, secret=self.coordinator_secret)
        self.assertEqual(saved.status_code, 200, saved.content)
        self.assertEqual(saved.json()["plan"], {"days_before": [3, 1], "send_hour": 9})
        own = [t for t in saved.json()["texts"] if t["own"]]
        self.assertEqual(
            [(t["language"], t["kind"], t["text"]) for t in own],
            [("hat", "ahead", "Odyans ou {date} a {time}.")],
        )

        wrong = {
            "plan": {"days_before": [2], "send_hour": 3},
            "texts": [
                {"language": "spa", "kind": "ahead", "text": "Su audiencia es el {fecha}."},
                {"language": "hat", "kind": "ahead", "text": None},
            ],
        }
        refused = self.call("put", path, wrong, secret=self.coordinator_secret)
        self.assertEqual(refused.status_code, 422)
        self.assertEqual(set(refused.json()["errors"]), {"plan.send_hour", "texts.0.text"})
        with organization_scope(self.cast.org.pk):  # nothing of it was saved
            self.assertEqual(ReminderPlan.objects.get().days_before, [3, 1])
            self.assertEqual(ReminderText.objects.count(), 1)
        reset = self.call(
            "put", path, {"texts": wrong["texts"][1:]}, secret=self.coordinator_secret
        )
        self.assertFalse(any(t["own"] for t in reset.json()["texts"]))
        with organization_scope(self.cast.org.pk):
            self.assertEqual(ReminderText.objects.count(), 0)


class ImportTest(CourtApiTestCase):
    def upload(self, content: bytes, **data: str) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("audiencias.csv", content, content_type="text/csv")
        return Client().post(
            API + "/court/imports",
            {"file": upload, **data},
            HTTP_AUTHORIZATION=f"Bearer {self.secret}",
        )

    def test_a_hearing_list_is_previewed_then_applied(self) -> None:
        content = b"A-number,Fecha,Hora,Corte,Tipo\nA012345678,2026-02-20,09:00,BRO_IHF,master\n"
        preview = self.upload(content)
        self.assertEqual(preview.status_code, 201, preview.content)
        data = preview.json()
        self.assertEqual((data["status"], data["counts"]["new_case"]), ("previewed", 1))
        row = data["rows"][0]
        self.assertEqual(
            (row["result"], row["court_time"]), ("new_case", "2026-02-20T09:00:00-06:00")
        )
        self.assertNotIn("012345678", preview.content.decode())
        self.assertEqual(self.count(Hearing), 0)
        applied = self.call("post", f"/court/imports/{data['uuid']}/apply")
        self.assertEqual(applied.status_code, 200, applied.content)
        self.assertEqual(applied.json()["status"], "applied")
        self.assertEqual(self.count(Hearing), 1)
        twice = self.call("post", f"/court/imports/{data['uuid']}/apply")
        self.assertEqual(twice.status_code, 422)
        self.assertEqual(self.count(Hearing), 1)
        read = self.call("get", f"/court/imports/{data['uuid']}")
        self.assertEqual(read.json()["status"], "applied")
        outsider = self.call("get", f"/court/imports/{data['uuid']}", secret=self.outsider_secret)
        self.assertEqual(outsider.status_code, 404)

    def test_row_errors_and_missing_columns(self) -> None:
        content = b"A-number,Fecha,Hora,Corte\nA099999999,2026-02-20,09:00,XYZ\n"
        refused = self.upload(content).json()
        self.assertEqual(refused["status"], "refused")
        self.assertEqual(set(refused["rows"][0]["errors"]), {"a_number", "court"})
        missing = self.upload(b"Nombre,Fecha\nRosa,2026-02-20\n")
        self.assertEqual(missing.status_code, 422)
        self.assertIn("mapping", missing.json()["errors"])
        self.assertEqual(missing.json()["headers"], ["Nombre", "Fecha"])
        chosen = self.upload(
            b"Num,Dia,Hora,Sede\nA012345678,2026-02-20,09:00,BRO_IHF\n",
            mapping=json.dumps({"a_number": "Num", "date": "Dia", "time": "Hora", "court": "Sede"}),
        )
        self.assertEqual(chosen.status_code, 201, chosen.content)
        bad_mapping = self.upload(content, mapping="[1, 2]")
        self.assertEqual(list(bad_mapping.json()["errors"]), ["mapping"])
        self.assertEqual(self.count(HearingImport), 2)


class OpenApiTest(CourtApiTestCase):
    def test_the_document_lists_the_court_operations_all_protected(self) -> None:
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        listed = {(m, p) for p, item in schema["paths"].items() for m in item}
        for expected in (
            ("get", "/api/v1/people/{person_uuid}/case"),
            ("post", "/api/v1/people/{person_uuid}/case"),
            ("patch", "/api/v1/cases/{case_uuid}"),
            ("post", "/api/v1/cases/{case_uuid}/hearings"),
            ("post", "/api/v1/cases/{case_uuid}/hearings/{hearing_uuid}/cancel"),
            ("get", "/api/v1/hearings/at-risk"),
            ("get", "/api/v1/court/figures"),
            ("post", "/api/v1/court/imports"),
            ("put", "/api/v1/court/reminder-settings"),
        ):
            self.assertIn(expected, listed)
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                if not path.startswith("/api/v1/sign-on/"):  # a letter's public page: no account
                    self.assertTrue(operation.get("security"), f"{method} {path}")
