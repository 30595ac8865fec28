import datetime
import typing
from typing import Any

from django.test import TestCase, override_settings
from django.utils import timezone

from salvaguarda.accounts.models import Role
from salvaguarda.core.tests.helpers import ApiCalls, Cast, OrganizationFactory, make_person, member
from salvaguarda.referrals.referring import crossing, services
from salvaguarda.referrals.referring.api import ReferralSharedField, ReferralStepKind
from salvaguarda.referrals.referring.models import Referral
from salvaguarda.referrals.tests.factories import (
    editor,
    make_service,
    member_service,
    referral_data,
)

SURNAME = "Canarioapellido"


@override_settings(SALVAGUARDA_API_RATE_PER_TOKEN=0, SALVAGUARDA_API_RATE_PER_ADDRESS=0)
class ReferralApiTest(ApiCalls, TestCase):
    """The shelter (cast.org) refers a person to the clinic of another member (cast.other_org,
    whose coordinator is cast.outsider)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.clinic = member_service(cls.cast.outsider, cls.cast.other_org)
        cls.person = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Ana",
            first_surname=SURNAME,
            date_of_birth=datetime.date(1994, 3, 2),
            preferred_language="spa",
        )
        cls.third_org = OrganizationFactory(short_name="ENS", name="Comedor C")
        cls.third = member(cls.third_org, Role.COORDINATOR)

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.caseworker)
        self.clinic_secret = self.token_for(self.cast.outsider)

    def refer(self, **changes: Any) -> Any:
        service = changes.pop("service", self.clinic.uuid)
        body = {"service": str(service), **referral_data(**changes)}
        return self.call("post", f"/people/{self.person.uuid}/referrals", body)

    def referred(self, **changes: Any) -> str:
        response = self.refer(**changes)
        self.assertEqual(response.status_code, 201, response.content)
        return str(response.json()["uuid"])

    def test_the_receiving_member_reads_what_crossed_accepts_and_records_the_outcome(self) -> None:
        sent = self.refer()
        self.assertEqual(sent.status_code, 201, sent.content)
        referral = sent.json()
        self.assertEqual(referral["side"], "sender")
        self.assertEqual(referral["person"]["uuid"], str(self.person.uuid))
        self.assertEqual(
            (referral["from_organization"], referral["to_organization"]), ("TIJ", "MTY")
        )
        self.assertEqual((referral["status"], referral["urgency"]), ("sent", "priority"))

        received = self.call("get", "/referrals?list=received", secret=self.clinic_secret)
        self.assertEqual(received.status_code, 200, received.content)
        [line] = received.json()["results"]
        self.assertEqual(line["uuid"], referral["uuid"])
        self.assertEqual(line["service"]["name"], "Consulta general")
        self.assertNotIn("shared", line)
        self.assertNotIn("Ana", received.content.decode())

        opened = self.call("get", f"/referrals/{referral['uuid']}", secret=self.clinic_secret)
        self.assertEqual(opened.status_code, 200, opened.content)
        seen = opened.json()
        self.assertEqual(seen["side"], "recipient")
        self.assertIsNone(seen["person"])
        self.assertEqual(
            [row["field"] for row in seen["shared"]], ["given_names", "age_band", "language"]
        )
        self.assertEqual(seen["shared"][0]["value"], "Ana")
        self.assertIn("Dolor abdominal", seen["reason"])
        self.assertNotIn(SURNAME, opened.content.decode())
        self.assertNotIn(str(self.person.uuid), opened.content.decode())

        accepted = self.call(
            "post",
            f"/referrals/{referral['uuid']}/steps",
            {"kind": "accepted", "note": "La esperamos el lunes a las 9."},
            secret=self.clinic_secret,
        )
        self.assertEqual(accepted.status_code, 200, accepted.content)
        self.assertEqual(accepted.json()["status"], "accepted")
        closed = self.call(
            "post",
            f"/referrals/{referral['uuid']}/outcome",
            {"outcome": "received"},
            secret=self.clinic_secret,
        )
        self.assertEqual(closed.status_code, 200, closed.content)
        self.assertEqual(closed.json()["outcome_on"], timezone.localdate().isoformat())

        followed = self.call("get", f"/referrals/{referral['uuid']}").json()
        self.assertEqual((followed["status"], followed["outcome"]), ("closed", "received"))
        self.assertEqual(
            [(s["kind"], s["by_recipient"]) for s in followed["steps"]],
            [("sent", False), ("accepted", True), ("closed", True)],
        )
        self.assertEqual(followed["steps"][1]["note"], "La esperamos el lunes a las 9.")
        sent_list = self.call("get", "/referrals?list=sent&status=closed").json()
        self.assertEqual([r["uuid"] for r in sent_list["results"]], [referral["uuid"]])

    def test_surnames_cross_only_when_chosen(self) -> None:
        uuid = self.referred(fields=["given_names", "surnames"])
        seen = self.call("get", f"/referrals/{uuid}", secret=self.clinic_secret).json()
        self.assertEqual(
            [(row["field"], row["value"]) for row in seen["shared"]],
            [("given_names", "Ana"), ("surnames", SURNAME)],
        )

    def test_without_a_choice_the_minimum_crosses(self) -> None:
        data = referral_data()
        del data["fields"]
        body = {"service": str(self.clinic.uuid), **data}
        sent = self.call("post", f"/people/{self.person.uuid}/referrals", body)
        self.assertEqual(sent.status_code, 201, sent.content)
        self.assertEqual(
            [row["field"] for row in sent.json()["shared"]], ["given_names", "age_band", "language"]
        )

    def test_a_third_organization_sees_nothing(self) -> None:
        uuid = self.referred()
        secret = self.token_for(self.third)
        for which in ("received", "sent", "overdue"):
            listed = self.call("get", f"/referrals?list={which}", secret=secret)
            self.assertEqual(listed.status_code, 200, listed.content)
            self.assertEqual(listed.json()["results"], [], which)
        self.assertEqual(self.call("get", f"/referrals/{uuid}", secret=secret).status_code, 404)
        for path, body in (("steps", {"kind": "accepted"}), ("outcome", {"outcome": "received"})):
            response = self.call("post", f"/referrals/{uuid}/{path}", body, secret=secret)
            self.assertEqual(response.status_code, 404, path)
        self.assertEqual(Referral.unscoped.get(uuid=uuid).status, "sent")

    def test_another_organizations_person_cannot_be_referred(self) -> None:
        response = self.refer()
        self.assertEqual(response.status_code, 201)
        other = self.call(
            "post",
            f"/people/{self.person.uuid}/referrals",
            {"service": str(self.clinic.uuid), **referral_data()},
            secret=self.clinic_secret,
        )
        self.assertEqual(other.status_code, 404)

    def test_without_consent_nothing_is_referred(self) -> None:
        for consent in (False, "true"):
            response = self.refer(consent=consent)
            self.assertEqual(response.status_code, 422, response.content)
            self.assertIn("consent", response.json()["errors"])
        self.assertFalse(Referral.unscoped.exists())

    def test_each_side_takes_only_its_own_steps(self) -> None:
        uuid = self.referred()
        own = self.call("post", f"/referrals/{uuid}/steps", {"kind": "accepted"})
        self.assertEqual(own.status_code, 422, own.content)
        self.assertIn("status", own.json()["errors"])
        theirs = self.call(
            "post", f"/referrals/{uuid}/steps", {"kind": "cancelled"}, secret=self.clinic_secret
        )
        self.assertEqual(theirs.status_code, 422, theirs.content)
        early = self.call(
            "post", f"/referrals/{uuid}/outcome", {"outcome": "received"}, secret=self.clinic_secret
        )
        self.assertEqual(early.status_code, 422, early.content)
        self.assertIn("status", early.json()["errors"])
        self.assertEqual(self.call("get", f"/referrals/{uuid}").json()["status"], "sent")

    def test_a_decline_needs_its_reason(self) -> None:
        uuid = self.referred()
        path = f"/referrals/{uuid}/steps"
        missing = self.call("post", path, {"kind": "declined"}, secret=self.clinic_secret)
        self.assertEqual(missing.status_code, 422, missing.content)
        self.assertIn("decline_reason", missing.json()["errors"])
        declined = self.call(
            "post",
            path,
            {"kind": "declined", "decline_reason": "no_capacity"},
            secret=self.clinic_secret,
        )
        self.assertEqual(declined.status_code, 200, declined.content)
        self.assertEqual(declined.json()["decline_reason"], "no_capacity")
        self.assertEqual(
            self.call("get", "/referrals?list=sent&status=declined").json()["results"][0]["uuid"],
            uuid,
        )

    def test_asked_for_more_the_sender_gives_it(self) -> None:
        uuid = self.referred()
        path = f"/referrals/{uuid}/steps"
        asked = self.call(
            "post",
            path,
            {"kind": "info_requested", "note": "¿Tiene CURP?"},
            secret=self.clinic_secret,
        )
        self.assertEqual(asked.json()["status"], "info_requested")
        no_note = self.call("post", path, {"kind": "info_given"})
        self.assertIn("note", no_note.json()["errors"])
        given = self.call("post", path, {"kind": "info_given", "note": "Sí, temporal."})
        self.assertEqual(given.json()["status"], "sent")

    def test_an_outside_provider_is_closed_by_the_organization_that_referred(self) -> None:
        outside = make_service(editor(self.cast.caseworker), name="Asesoría jurídica")
        uuid = self.referred(service=outside.uuid)
        referral = self.call("get", f"/referrals/{uuid}").json()
        self.assertIsNone(referral["to_organization"])
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        before = self.call(
            "post",
            f"/referrals/{uuid}/outcome",
            {"outcome": "received", "outcome_on": str(yesterday)},
        )
        self.assertIn("outcome_on", before.json()["errors"])
        closed = self.call(
            "post",
            f"/referrals/{uuid}/outcome",
            {"outcome": "not_received", "barrier": "no_documents"},
        )
        self.assertEqual(closed.status_code, 200, closed.content)
        self.assertEqual(closed.json()["barrier"], "no_documents")

    def test_the_analyst_gets_404(self) -> None:
        uuid = self.referred()
        secret = self.token_for(self.cast.analyst)
        self.assertEqual(self.call("get", "/referrals", secret=secret).status_code, 404)
        self.assertEqual(self.call("get", f"/referrals/{uuid}", secret=secret).status_code, 404)
        response = self.call(
            "post",
            f"/people/{self.person.uuid}/referrals",
            {"service": str(self.clinic.uuid), **referral_data()},
            secret=secret,
        )
        self.assertEqual(response.status_code, 404)

    def test_unknown_codes_are_refused_on_their_field(self) -> None:
        uuid = self.referred()
        cases = [
            ("get", "/referrals?list=all", None, "list"),
            ("get", "/referrals?status=approved", None, "status"),
            ("post", f"/referrals/{uuid}/steps", {"kind": "approved"}, "kind"),
            ("post", f"/referrals/{uuid}/steps", {"kind": "closed"}, "kind"),
            ("post", f"/referrals/{uuid}/outcome", {"outcome": "great"}, "outcome"),
            (
                "post",
                f"/referrals/{uuid}/outcome",
                {"outcome": "partly", "barrier": "x"},
                "barrier",
            ),
        ]
        for method, path, body, field in cases:
            with self.subTest(path=path, body=body):
                response = self.call(method, path, body, secret=self.clinic_secret)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertIn(field, response.json()["errors"])
        for changes, field in (
            ({"fields": ["a_number"]}, "fields.0"),
            ({"urgency": "now"}, "urgency"),
        ):
            response = self.refer(**changes)
            self.assertEqual(response.status_code, 422, response.content)
            self.assertIn(field, response.json()["errors"])

    def test_an_unknown_service_is_404(self) -> None:
        response = self.refer(service="00000000-0000-4000-8000-000000000000")
        self.assertEqual(response.status_code, 404)

    def test_the_documented_codes_are_those_of_the_services(self) -> None:
        self.assertEqual(set(typing.get_args(ReferralStepKind.__value__)), set(services.STEPS))
        self.assertEqual(
            list(typing.get_args(ReferralSharedField.__value__)),
            [field.code for field in crossing.SHAREABLE],
        )
