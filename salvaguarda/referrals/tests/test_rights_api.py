"""Access to rights in the REST API (issue 17 §3): the glance, a right's history and a new
record, with the rules of the service answered on their field."""

import datetime
import typing
from typing import Any

import time_machine
from django.test import Client, TestCase, override_settings

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, Cast, make_person
from salvaguarda.people.services import records as people_records
from salvaguarda.referrals.rights.api import RightBarrierCode, RightKind, RightState
from salvaguarda.referrals.rights.models import Barrier, Right, RightRecord, State

# 09:30 in Tijuana.
NOW = datetime.datetime(2026, 11, 3, 17, 30, tzinfo=datetime.UTC)
TODAY = "2026-11-03"
SCHOOL = "Escuela Primaria Benito Juárez García"


@time_machine.travel(NOW, tick=False)
@override_settings(SALVAGUARDA_API_RATE_PER_TOKEN=0, SALVAGUARDA_API_RATE_PER_ADDRESS=0)
class RightsApiTest(ApiCalls, TestCase):
    """A Honduran mother and her son of 9 at the shelter (cast.org); cast.outsider is of
    another organization."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.mother, cls.son = (
            make_person(
                cls.cast.org,
                cls.cast.caseworker,
                given_names=given,
                first_surname="Hernández",
                date_of_birth=born,
                nationality="HND",
            )
            for given, born in (
                ("Dania Marisol", datetime.date(1991, 5, 20)),
                ("Josué Efraín", datetime.date(2017, 6, 8)),
            )
        )

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.caseworker)

    def path(self, person: Any = None, tail: str = "") -> str:
        return f"/people/{(person or self.mother).uuid}/rights{tail}"

    def post(self, person: Any = None, secret: str | None = None, **body: Any) -> Any:
        body.setdefault("right", "health")
        body.setdefault("state", "access")
        return self.call("post", self.path(person), body, secret=secret)

    def recorded(self, person: Any = None, **body: Any) -> dict[str, Any]:
        response = self.post(person, **body)
        self.assertEqual(response.status_code, 201, response.content)
        return typing.cast(dict[str, Any], response.json())

    def test_a_record_is_created_and_returned(self) -> None:
        record = self.recorded(
            self.son,
            right="school",
            state="access",
            as_of="2026-09-14",
            details={"school": SCHOOL, "grade": "4.º", "since": "2026-09-14"},
            note="Inscrito con la CURP temporal.",
        )
        self.assertEqual(
            {k: record[k] for k in ("right", "state", "barrier", "as_of", "note")},
            {
                "right": "school",
                "state": "access",
                "barrier": "",
                "as_of": "2026-09-14",
                "note": "Inscrito con la CURP temporal.",
            },
        )
        self.assertEqual(
            record["details"], {"school": SCHOOL, "grade": "4.º", "since": "2026-09-14"}
        )
        saved = RightRecord.unscoped.get(uuid=record["uuid"])
        self.assertEqual((saved.person_id, saved.created_by), (self.son.pk, self.cast.caseworker))
        event = AuditEvent.objects.get(object_uuid=record["uuid"])
        self.assertEqual(sorted(event.fields), ["as_of", "details", "note", "right", "state"])

    def test_without_a_day_it_is_today_and_without_facts_they_are_empty(self) -> None:
        record = self.recorded()
        self.assertEqual((record["as_of"], record["details"], record["note"]), (TODAY, {}, ""))

    def test_the_glance_gives_each_right_that_applies_with_its_latest_record(self) -> None:
        self.recorded(right="health", state="barrier", barrier="fee", as_of="2026-10-01")
        latest = self.recorded(
            right="health",
            state="access",
            as_of="2026-10-20",
            details={"affiliated": True, "last_attention": "2026-10-20"},
        )
        self.recorded(right="health", state="pending", as_of="2026-10-05")
        response = self.call("get", self.path(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200, response.content)
        glance = response.json()
        self.assertEqual(
            [(line["right"], line["state"]) for line in glance["rights"]],
            [("health", "access"), ("work", ""), ("mental_health", "")],
        )
        health = glance["rights"][0]
        self.assertEqual(health["latest"]["uuid"], latest["uuid"])
        self.assertEqual(
            health["facts"],
            [
                {"label": "Affiliated to IMSS-Bienestar", "value": "Yes"},
                {"label": "Last health visit", "value": "10/20/2026"},
            ],
        )
        self.assertIsNone(glance["rights"][1]["latest"])
        self.assertEqual((glance["can_work_legally"], glance["work_document"]), (False, None))
        son = self.call("get", self.path(self.son)).json()
        self.assertEqual(
            [line["right"] for line in son["rights"]], ["health", "school", "mental_health"]
        )

    def test_gbv_services_appear_once_recorded(self) -> None:
        self.recorded(right="gbv", state="pending", details={"place": "CEJUM Tijuana"})
        rights = [line["right"] for line in self.call("get", self.path()).json()["rights"]]
        self.assertEqual(rights, ["health", "work", "mental_health", "gbv"])

    def test_a_valid_tvrh_allows_working_and_an_expired_one_does_not(self) -> None:
        with organization_scope(self.cast.org.pk):
            tvrh = people_records.document_record(
                by=self.cast.caseworker,
                person=self.mother,
                data={"doc_type": "TVRH", "number": "TVRH1234567", "expires_on": NOW.date()},
            )
        glance = self.call("get", self.path()).json()
        self.assertTrue(glance["can_work_legally"])
        self.assertEqual(glance["work_document"], {"doc_type": "TVRH", "expires_on": TODAY})
        self.assertNotIn("TVRH1234567", str(glance))
        with time_machine.travel(NOW + datetime.timedelta(days=1)):
            later = self.call("get", self.path(), secret=self.token_for(self.cast.legal)).json()
        self.assertEqual((later["can_work_legally"], later["work_document"]), (False, None))
        self.assertEqual(tvrh.doc_type, "TVRH")

    def test_a_child_holding_a_tvrh_cannot_work_legally(self) -> None:
        with organization_scope(self.cast.org.pk):
            people_records.document_record(
                by=self.cast.caseworker,
                person=self.son,
                data={"doc_type": "TVRH", "number": "TVRH7654321"},
            )
        glance = self.call("get", self.path(self.son)).json()
        self.assertEqual(glance["work_document"], {"doc_type": "TVRH", "expires_on": None})
        self.assertFalse(glance["can_work_legally"])

    def test_the_history_is_newest_first_with_who_recorded_it(self) -> None:
        first = self.recorded(right="mental_health", state="pending", as_of="2026-09-01")
        second = self.recorded(right="mental_health", state="access", as_of="2026-10-01")
        self.recorded(right="health")
        response = self.call(
            "get", self.path(tail="/mental_health/history"), HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertEqual(response.status_code, 200, response.content)
        history = response.json()
        self.assertEqual((history["right"], history["label"]), ("mental_health", "Mental health"))
        self.assertEqual([r["uuid"] for r in history["records"]], [second["uuid"], first["uuid"]])
        self.assertEqual(history["records"][0]["recorded_by"], self.cast.caseworker.full_name)
        empty = self.call("get", self.path(tail="/gbv/history")).json()
        self.assertEqual(empty["records"], [])

    def test_the_rules_of_the_service_answer_422_on_their_field(self) -> None:
        cases = [
            ({"state": "barrier"}, "barrier"),
            ({"state": "barrier", "barrier": "other"}, "note"),
            ({"right": "school"}, "right"),
            ({"right": "work", "person": self.son}, "right"),
            ({"as_of": "2026-11-04"}, "as_of"),
            ({"as_of": "1991-05-19"}, "as_of"),
            ({"details": {"school": SCHOOL}}, "details.school"),
            ({"details": {"affiliated": "sí"}}, "details.affiliated"),
            ({"details": {"last_attention": "2026-12-01"}}, "details.last_attention"),
            ({"details": {"last_attention": "ayer"}}, "details.last_attention"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                response = self.post(**body)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertEqual(list(response.json()["errors"]), [field])
        self.assertFalse(RightRecord.unscoped.exists())

    def test_unknown_codes_are_refused_on_their_field(self) -> None:
        cases = [
            ({"right": "housing"}, "right"),
            ({"state": "maybe"}, "state"),
            ({"state": "barrier", "barrier": "weather"}, "barrier"),
            ({"as_of": "03/11/2026"}, "as_of"),
            ({"details": {"affiliated": 3}}, "details.affiliated"),
            ({"details": []}, "details"),
            ({"note": "n" * 1001}, "note"),
            ({"person": "Dania"}, "person"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                response = self.call(
                    "post", self.path(), {"right": "health", "state": "access", **body}
                )
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIn(field, response.json()["errors"])
        history = self.call("get", self.path(tail="/housing/history"))
        self.assertEqual(history.status_code, 422, history.content)
        self.assertIn("right", history.json()["errors"])
        self.assertFalse(RightRecord.unscoped.exists())

    def test_a_barrier_is_dropped_unless_the_state_is_a_barrier(self) -> None:
        record = self.recorded(state="pending", barrier="fee")
        self.assertEqual(record["barrier"], "")
        barrier = self.recorded(state="barrier", barrier="distance")
        self.assertEqual(barrier["barrier"], "distance")

    def test_another_organization_gets_404(self) -> None:
        self.recorded(right="gbv", state="access")
        secret = self.token_for(self.cast.outsider)
        for method, tail, body in (
            ("get", "", None),
            ("get", "/gbv/history", None),
            ("post", "", {"right": "health", "state": "access"}),
        ):
            with self.subTest(method=method, tail=tail):
                response = self.call(method, self.path(tail=tail), body, secret=secret)
                self.assertEqual(response.status_code, 404, response.content)
        self.assertEqual(RightRecord.unscoped.count(), 1)

    def test_the_analyst_gets_404(self) -> None:
        secret = self.token_for(self.cast.analyst)
        self.assertEqual(self.call("get", self.path(), secret=secret).status_code, 404)
        self.assertEqual(self.post(secret=secret).status_code, 404)
        self.assertFalse(RightRecord.unscoped.exists())

    def test_anonymous_requests_get_401(self) -> None:
        response = self.call("get", self.path(), client=Client())
        self.assertEqual(response.status_code, 401)

    def test_reads_are_audited_as_a_view_of_the_person(self) -> None:
        before = AuditEvent.objects.filter(object_uuid=self.mother.uuid, action="view").count()
        self.call("get", self.path())
        self.call("get", self.path(tail="/health/history"))
        after = AuditEvent.objects.filter(object_uuid=self.mother.uuid, action="view").count()
        self.assertEqual(after, before + 2)

    def test_the_documented_codes_are_those_of_the_models(self) -> None:
        document = self.call("get", "/openapi.json").json()
        schemas = document["components"]["schemas"]
        properties = schemas["RightIn"]["properties"]
        self.assertEqual(schemas["RightKind"]["enum"], Right.values)
        self.assertEqual(schemas["RightState"]["enum"], State.values)
        self.assertEqual(properties["right"]["$ref"], "#/components/schemas/RightKind")
        self.assertEqual(properties["barrier"]["enum"], ["", *Barrier.values])
        self.assertEqual(typing.get_args(RightKind.__value__)[0], Right)
        self.assertEqual(typing.get_args(RightState.__value__)[0], State)
        self.assertEqual(typing.get_args(RightBarrierCode)[0], str)
