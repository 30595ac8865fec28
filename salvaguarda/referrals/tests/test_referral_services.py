"""Referrals (issue 17 §2): refer a person with their consent, the answer of the receiving
organization, the outcome, deadlines and reminders, consent revocation, audited reads and key
rotation, through the services and queries (not the pages)."""

import datetime
import smtplib
from typing import Any
from unittest import mock

import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import TestCase
from django.utils import timezone, translation

from salvaguarda.accounts.models import Organization, Role
from salvaguarda.core import audit, keys, shredding
from salvaguarda.core.models import AuditEvent, OrganizationKey
from salvaguarda.core.rotation import rotate_organization_key
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, OrganizationFactory, make_person, member, raw
from salvaguarda.people.models import Consent, Person
from salvaguarda.people.services import records as people_records
from salvaguarda.people.services.persons import Arrival, Contact, MemberData, household_register
from salvaguarda.referrals.directory.models import Service
from salvaguarda.referrals.referring import queries, reminders, services
from salvaguarda.referrals.referring.models import (
    Barrier,
    DeclineReason,
    Outcome,
    Referral,
    ReferralStep,
    ReferredPerson,
    Status,
)
from salvaguarda.referrals.tests.factories import (
    editor,
    make_service,
    member_service,
    referral_data,
)

Kind = ReferralStep.Kind
NOW = datetime.datetime(2026, 11, 3, 17, 30, tzinfo=datetime.UTC)
REASON = "Fiebre y tos desde hace cinco días; necesita consulta pediátrica."


class Network:
    """A shelter (cast.org) and a clinic of another member (cast.other_org), a third member
    that must see nothing, and a family at the shelter: a mother and her son."""

    cast: Cast
    third: Organization
    clinic: Service
    own_service: Service
    outside: Service
    mother: Person
    son: Person

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        self.enterContext(translation.override("en"))  # type: ignore[attr-defined]

    @classmethod
    def build_network(cls) -> None:
        cls.cast = Cast.build()
        cls.third = OrganizationFactory(short_name="MXL", name="Casa del Migrante Mexicali")
        cls.third_member = member(cls.third, Role.COORDINATOR)
        cls.clinician = member(cls.cast.other_org, Role.CASEWORKER)
        cls.clinic = member_service(
            cls.cast.outsider, cls.cast.other_org, name="Consulta pediátrica"
        )
        # More services of the clinic, for a person referred to several at once.
        cls.dentist, cls.psychologist = (
            member_service(cls.cast.outsider, cls.cast.other_org, name=name)
            for name in ("Odontología", "Atención psicológica")
        )
        cls.own_service = member_service(
            cls.cast.coordinator, cls.cast.org, name="Acompañamiento psicosocial"
        )
        cls.outside = make_service(editor(cls.cast.coordinator), name="Consulta general")
        with organization_scope(cls.cast.org.pk):
            household = household_register(
                by=cls.cast.caseworker,
                members=[
                    MemberData(
                        {
                            "given_names": "María Guadalupe",
                            "first_surname": "Hernández",
                            "second_surname": "Ávila",
                            "sex": "female",
                            "date_of_birth": datetime.date(1992, 4, 17),
                            "nationality": "HND",
                            "preferred_language": "spa",
                        },
                        [Contact("whatsapp", "+52 664 987 6543", True)],
                    ),
                    MemberData(
                        {
                            "given_names": "Josué Efraín",
                            "first_surname": "Hernández",
                            "relationship": "child",
                            "sex": "male",
                            "date_of_birth": datetime.date(2019, 2, 11),
                            "preferred_language": "spa",
                        }
                    ),
                ],
                arrival=Arrival(city="tijuana", consent_given=True),
            )
            cls.mother, cls.son = household.members.order_by("id")

    def send(
        self,
        person: Person | None = None,
        service: Service | None = None,
        now: datetime.datetime = NOW,
        **changes: Any,
    ) -> Referral:
        person = person or self.son
        service = service or self.clinic
        # The son is 7: his mother, his caregiver, consents for him; she for herself.
        given_by = "caregiver" if person == self.son else "self"
        data = referral_data(**{"reason": REASON, "consent_given_by": given_by, **changes})
        with organization_scope(self.cast.org.pk):
            # Each test sends several referrals of one person to one service; one may be open
            # at a time (test_a_second_open_referral_to_the_same_service_is_refused).
            open_ones = Referral.unscoped.filter(
                pk__in=ReferredPerson.objects.filter(person=person).values("referral"),
                service=service,
                status__in=["sent", "info_requested", "accepted"],
            )
            open_ones.update(status="cancelled")
            return services.referral_send(
                by=self.cast.caseworker, person=person, service=service, data=data, now=now
            )

    def step(
        self, referral: Referral, kind: str, organization: Organization | None = None, **kw: Any
    ) -> Referral:
        organization = organization or self.cast.other_org
        by = self.clinician if organization == self.cast.other_org else self.cast.caseworker
        with organization_scope(organization.pk):
            return services.referral_step(
                by=by, organization_id=organization.pk, referral=referral, kind=kind, **kw
            )

    def close(
        self, referral: Referral, organization: Organization | None = None, **data: Any
    ) -> Referral:
        organization = organization or self.cast.other_org
        by = self.clinician if organization == self.cast.other_org else self.cast.caseworker
        with organization_scope(organization.pk):
            return services.referral_close(
                by=by, organization_id=organization.pk, referral=referral, data=data
            )

    def seen_by(self, organization: Organization, referral: Referral) -> Referral:
        """The row again, as `organization`'s scope reads it (decrypted)."""
        with organization_scope(organization.pk):
            fresh = Referral.objects.get(pk=referral.pk)
            _ = (fresh.shared, fresh.reason)
            return fresh

    def view_as(self, organization: Organization, referral: Referral) -> queries.ReferralView:
        user = {
            self.cast.org.pk: self.cast.caseworker,
            self.cast.other_org.pk: self.clinician,
        }.get(organization.pk, self.third_member)
        with organization_scope(organization.pk):
            return queries.referral_get_for(user, referral.uuid)

    def rows_written(self) -> tuple[int, int, int, int]:
        with organization_scope(self.cast.org.pk):
            return (
                Consent.objects.filter(purpose=Consent.Purpose.REFERRAL).count(),
                Referral.unscoped.count(),
                ReferralStep.unscoped.count(),
                ReferredPerson.unscoped.count(),
            )


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


class ReferringTest(Network, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()

    def test_the_son_is_referred_with_the_minimum_his_mother_agreed_to(self) -> None:
        referral = self.send(consent_given_by="caregiver")
        self.assertEqual(referral.recipient_id, self.cast.other_org.pk)
        self.assertEqual(referral.organization_id, self.cast.org.pk)
        self.assertEqual(referral.status, Status.SENT)
        self.assertTrue(referral.reference.startswith("R-"))
        seen = self.seen_by(self.cast.other_org, referral)
        self.assertEqual(
            seen.shared,
            {
                "given_names": "Josué Efraín",
                "age_band": "5-11",
                "language": {"code": "spa", "interpreter": False},
            },
        )
        self.assertEqual(seen.reason, REASON)
        self.assertEqual(seen.shared_fields, ["given_names", "age_band", "language"])
        with organization_scope(self.cast.org.pk):
            link = ReferredPerson.objects.get(referral=referral)
            self.assertEqual(link.person, self.son)
            consent = link.consent
            self.assertEqual(consent.person, self.son)
            self.assertEqual(consent.purpose, Consent.Purpose.REFERRAL)
            self.assertEqual(consent.given_by, Consent.GivenBy.CAREGIVER)
            # The provider, and the referral it is for (each referral has its own consent).
            self.assertEqual(
                consent.recipient, f"{self.cast.other_org.name} · {referral.reference}"
            )
            self.assertIsNone(consent.revoked_at)
            steps = list(ReferralStep.objects.filter(referral=referral))
        self.assertEqual([s.kind for s in steps], [Kind.SENT])
        self.assertFalse(steps[0].by_recipient)

    def test_the_referral_consent_is_listed_with_the_person_s_other_consents(self) -> None:
        self.send()
        with organization_scope(self.cast.org.pk):
            purposes = set(self.son.consents.values_list("purpose", flat=True))
        self.assertEqual(purposes, {Consent.Purpose.REGISTRATION, Consent.Purpose.REFERRAL})

    def test_only_the_chosen_fields_cross(self) -> None:
        referral = self.send(person=self.mother, fields=["given_names", "nationality"])
        self.assertEqual(
            self.seen_by(self.cast.other_org, referral).shared,
            {"given_names": "María Guadalupe", "nationality": "HND"},
        )

    def test_the_contact_channel_crosses_only_if_the_person_agrees(self) -> None:
        without = self.send(person=self.mother)
        self.assertNotIn("contact", self.seen_by(self.cast.other_org, without).shared)
        with_contact = self.send(
            person=self.mother, fields=["given_names", "age_band", "language", "contact"]
        )
        contact = self.seen_by(self.cast.other_org, with_contact).shared["contact"]
        self.assertEqual(contact["kind"], "whatsapp")
        self.assertIn("987", contact["number"])

    def test_a_field_the_file_does_not_hold_is_left_out(self) -> None:
        referral = self.send(fields=["given_names", "age_band", "nationality"])
        self.assertEqual(
            self.seen_by(self.cast.other_org, referral).shared,
            {"given_names": "Josué Efraín", "age_band": "5-11"},
        )

    def test_the_data_are_copied_at_the_moment_of_referral_not_pointed_to(self) -> None:
        referral = self.send(fields=["given_names", "surnames"])
        Person.unscoped.filter(pk=self.son.pk).update(given_names=None)
        self.assertEqual(
            self.seen_by(self.cast.other_org, referral).shared,
            {"given_names": "Josué Efraín", "surnames": "Hernández"},
        )
        case_models = {Person, Consent, ReferredPerson}
        for model in (Referral, ReferralStep):
            for field in model._meta.concrete_fields:
                self.assertNotIn(field.related_model, case_models, f"{model.__name__}.{field}")

    def test_a_namesake_is_a_different_person_and_a_different_referral(self) -> None:
        namesake = make_person(
            self.cast.org,
            self.cast.caseworker,
            given_names="Josué Efraín",
            first_surname="Hernández",
            date_of_birth=datetime.date(1988, 9, 2),
        )
        first, second = self.send(), self.send(person=namesake)
        self.assertNotEqual(first.reference, second.reference)
        self.assertEqual(self.seen_by(self.cast.other_org, second).shared["age_band"], "18-59")
        with organization_scope(self.cast.org.pk):
            self.assertEqual(queries.referrals_of_person(namesake)[0].referral, second)
            self.assertEqual([r.referral for r in queries.referrals_of_person(self.son)], [first])

    def test_each_urgency_has_its_deadline(self) -> None:
        expected = {
            "emergency": datetime.timedelta(hours=24),
            "priority": datetime.timedelta(days=3),
            "routine": datetime.timedelta(days=10),
        }
        for urgency, within in expected.items():
            with self.subTest(urgency):
                referral = self.send(urgency=urgency)
                self.assertEqual(referral.answer_due_at, NOW + within)
        self.assertEqual(self.send(urgency="").urgency, "routine")

    def test_the_referral_is_audited_in_both_organizations(self) -> None:
        referral = self.send()
        events = AuditEvent.objects.filter(object_uuid=referral.uuid, action=audit.Action.CREATE)
        self.assertEqual(
            set(events.values_list("organization_id", flat=True)),
            {self.cast.org.pk, self.cast.other_org.pk},
        )

    def test_an_internal_referral_stays_in_the_organization(self) -> None:
        referral = self.send(service=self.own_service)
        self.assertEqual(referral.recipient_id, self.cast.org.pk)
        self.assertFalse(referral.crosses)
        events = AuditEvent.objects.filter(object_uuid=referral.uuid)
        self.assertEqual(set(events.values_list("organization_id", flat=True)), {self.cast.org.pk})
        self.assertTrue(self.view_as(self.cast.org, referral).internal)

    def test_a_referral_to_an_outside_provider_crosses_nothing(self) -> None:
        referral = self.send(service=self.outside)
        self.assertIsNone(referral.recipient_id)
        active = OrganizationKey.objects.get(organization=self.cast.org, is_active=True)
        self.assertEqual(
            raw("referrals_referral", "shared", referral.pk).split(".")[1], active.key_id
        )
        self.assertFalse(self.view_as(self.cast.org, referral).internal)


class RefusedReferralTest(Network, TestCase):
    """Bad input: a clear message, and no Consent, Referral, step or link left behind."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()

    def assertRefused(self, field: str, text: str, **send: Any) -> None:
        """Refused with `text` in English, and in Spanish with a message of its own."""
        before = self.rows_written()
        with self.assertRaises(ValidationError) as caught:
            self.send(**send)
        english = messages(caught.exception, field)
        self.assertIn(text, english)
        with translation.override("es"), self.assertRaises(ValidationError) as caught:
            self.send(**send)
        spanish = messages(caught.exception, field)
        self.assertTrue(spanish)
        self.assertNotEqual(spanish, english)
        self.assertEqual(self.rows_written(), before)

    def test_without_consent_nothing_is_referred(self) -> None:
        for consent in (False, None, "on", 1):
            with self.subTest(consent=consent):
                self.assertRefused("consent", "Without the person's consent", consent=consent)

    def test_a_service_no_longer_offered_is_refused(self) -> None:
        for status in ("inactive", "defunct", "temporarily closed"):
            with self.subTest(status):
                Service.objects.filter(pk=self.clinic.pk).update(status=status)
                self.clinic.refresh_from_db()
                self.assertRefused("service", "is not offered now")

    def test_an_organization_that_left_the_network_receives_no_referral(self) -> None:
        Organization.objects.filter(pk=self.cast.other_org.pk).update(is_active=False)
        self.clinic.refresh_from_db()
        self.clinic.provider.network_organization.refresh_from_db()
        self.assertRefused("service", "Clínica B has left the network")

    def test_nothing_to_share_is_refused(self) -> None:
        self.assertRefused("fields", "at least one thing to share", fields=[])

    def test_a_contact_channel_the_file_does_not_hold_is_refused(self) -> None:
        self.assertRefused("fields", "no contact channel", fields=["given_names", "contact"])

    def test_a_young_child_does_not_consent_alone(self) -> None:
        self.assertRefused("consent_given_by", "A child of 7", consent_given_by="self")

    def test_a_second_open_referral_to_the_same_service_is_refused(self) -> None:
        first = self.send()
        data = referral_data(reason=REASON, consent_given_by="caregiver")
        with organization_scope(self.cast.org.pk), self.assertRaises(ValidationError) as caught:
            services.referral_send(
                by=self.cast.caseworker, person=self.son, service=self.clinic, data=data
            )
        self.assertIn(first.reference, messages(caught.exception, "service"))

    def test_a_field_that_cannot_be_shared_is_refused(self) -> None:
        self.assertRefused("fields", "a_number", fields=["given_names", "a_number"])

    def test_the_need_is_required(self) -> None:
        self.assertRefused("reason", "Write a few words", reason="   ")
        self.assertRefused("reason", "2000", reason="x" * 2001)

    def test_an_unknown_urgency_is_refused(self) -> None:
        self.assertRefused("urgency", "Choose the urgency", urgency="tomorrow")


# The expected state machine, from the issue: the receiver accepts, declines or asks for
# more information; the sender answers the question or cancels while it is open.
SENDER, RECIPIENT = "sender", "recipient"
ALLOWED = {
    Kind.ACCEPTED: (RECIPIENT, {Status.SENT, Status.INFO_REQUESTED}),
    Kind.DECLINED: (RECIPIENT, {Status.SENT, Status.INFO_REQUESTED}),
    Kind.INFO_REQUESTED: (RECIPIENT, {Status.SENT}),
    Kind.INFO_GIVEN: (SENDER, {Status.INFO_REQUESTED}),
    Kind.CANCELLED: (SENDER, {Status.SENT, Status.INFO_REQUESTED, Status.ACCEPTED}),
}


class StateMachineTest(Network, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()

    def in_status(self, status: str) -> Referral:
        referral = self.send()
        Referral.unscoped.filter(pk=referral.pk).update(status=status)
        return referral

    def test_each_step_from_each_status_on_each_side(self) -> None:
        sides = {SENDER: self.cast.org, RECIPIENT: self.cast.other_org}
        for kind, (side, statuses) in ALLOWED.items():
            for status in Status.values:
                for name, organization in sides.items():
                    with self.subTest(kind=kind, status=status, side=name):
                        referral = self.in_status(status)
                        args = {"note": "Una nota.", "decline_reason": DeclineReason.NO_CAPACITY}
                        if name == side and status in statuses:
                            done = self.step(referral, kind, organization, **args)
                            self.assertNotEqual(done.status, status)
                        else:
                            with self.assertRaises(ValidationError):
                                self.step(referral, kind, organization, **args)
                            self.assertEqual(Referral.unscoped.get(pk=referral.pk).status, status)
                            self.assertEqual(
                                ReferralStep.unscoped.filter(referral=referral).count(), 1
                            )

    def test_a_third_organization_takes_no_step(self) -> None:
        referral = self.send()
        for kind in ALLOWED:
            with self.subTest(kind), self.assertRaises(ValidationError) as caught:
                self.step(referral, kind, self.third, note="x", decline_reason="other")
            self.assertIn("no longer available", messages(caught.exception, "status"))
        self.assertEqual(Referral.unscoped.get(pk=referral.pk).status, Status.SENT)

    def test_the_clinic_asks_for_more_the_shelter_answers_and_the_clinic_accepts(self) -> None:
        referral = self.send()
        with self.assertRaises(ValidationError):
            self.step(referral, Kind.INFO_REQUESTED, note="")
        self.step(referral, Kind.INFO_REQUESTED, note="¿Tiene cartilla de vacunación?")
        self.assertEqual(self.seen_by(self.cast.org, referral).status, Status.INFO_REQUESTED)
        self.step(referral, Kind.INFO_GIVEN, self.cast.org, note="Sí, la trae su mamá.")
        self.assertEqual(self.seen_by(self.cast.org, referral).status, Status.SENT)
        accepted = self.step(referral, Kind.ACCEPTED)
        self.assertEqual(accepted.status, Status.ACCEPTED)
        self.assertEqual(accepted.receiver_caseworker, self.clinician)
        view = self.view_as(self.cast.org, referral)
        self.assertEqual(view.referral.status, Status.ACCEPTED)
        self.assertEqual(
            [(s.kind, s.by_recipient, s.note) for s in view.steps],
            [
                (Kind.SENT, False, None),
                (Kind.INFO_REQUESTED, True, "¿Tiene cartilla de vacunación?"),
                (Kind.INFO_GIVEN, False, "Sí, la trae su mamá."),
                (Kind.ACCEPTED, True, None),
            ],
        )
        updates = AuditEvent.objects.filter(object_uuid=referral.uuid, action="update")
        self.assertEqual(
            sorted(updates.values_list("organization_id", flat=True)),
            sorted([self.cast.org.pk, self.cast.other_org.pk] * 3),
        )

    def test_a_decline_says_why(self) -> None:
        referral = self.send()
        with self.assertRaises(ValidationError) as caught:
            self.step(referral, Kind.DECLINED, decline_reason="")
        self.assertIn("Say why", messages(caught.exception, "decline_reason"))
        with self.assertRaises(ValidationError):
            self.step(referral, Kind.DECLINED, decline_reason=DeclineReason.OTHER, note="")
        declined = self.step(referral, Kind.DECLINED, decline_reason=DeclineReason.NO_CAPACITY)
        self.assertEqual(self.seen_by(self.cast.org, declined).status, Status.DECLINED)
        self.assertEqual(self.seen_by(self.cast.org, declined).decline_reason, "no_capacity")

    def test_the_receiver_records_each_outcome_once_it_has_accepted(self) -> None:
        cases = [
            ({"outcome": Outcome.RECEIVED, "barrier": Barrier.NO_DOCUMENTS}, ""),
            ({"outcome": Outcome.PARTLY, "barrier": Barrier.NO_CAPACITY}, "no_capacity"),
        ] + [
            ({"outcome": Outcome.NOT_RECEIVED, "barrier": b, "note": "Detalle."}, b)
            for b in Barrier.values
        ]
        for data, barrier in cases:
            with self.subTest(**data):
                referral = self.send()
                with self.assertRaises(ValidationError):
                    self.close(referral, **data)  # not accepted yet
                self.step(referral, Kind.ACCEPTED)
                with self.assertRaises(ValidationError):
                    self.close(referral, self.cast.org, **data)  # the sender does not
                closed = self.close(referral, **data)
                self.assertEqual(closed.status, Status.CLOSED)
                self.assertEqual((closed.outcome, closed.barrier), (data["outcome"], barrier))
                with self.assertRaises(ValidationError):
                    self.close(referral, **data)  # once

    def test_an_outcome_needs_its_reason_and_a_sensible_date(self) -> None:
        referral = self.send(now=timezone.now())
        self.step(referral, Kind.ACCEPTED)
        refused = [
            ({}, "outcome"),
            ({"outcome": "maybe"}, "outcome"),
            ({"outcome": Outcome.NOT_RECEIVED}, "barrier"),
            ({"outcome": Outcome.PARTLY, "barrier": "lost"}, "barrier"),
            ({"outcome": Outcome.NOT_RECEIVED, "barrier": Barrier.OTHER}, "note"),
            (
                {
                    "outcome": Outcome.RECEIVED,
                    "outcome_on": timezone.localdate() + datetime.timedelta(days=2),
                },
                "outcome_on",
            ),
            (
                {
                    "outcome": Outcome.RECEIVED,
                    "outcome_on": timezone.localdate() - datetime.timedelta(days=30),
                },
                "outcome_on",
            ),
        ]
        for data, field in refused:
            with self.subTest(**data), self.assertRaises(ValidationError) as caught:
                self.close(referral, **data)
            self.assertIn(field, caught.exception.message_dict)
        self.assertEqual(self.seen_by(self.cast.org, referral).status, Status.ACCEPTED)

    def test_the_shelter_closes_a_referral_to_an_outside_provider(self) -> None:
        referral = self.send(service=self.outside)
        with self.assertRaises(ValidationError):
            self.close(referral, self.cast.other_org, outcome=Outcome.RECEIVED)
        closed = self.close(
            referral, self.cast.org, outcome=Outcome.NOT_RECEIVED, barrier=Barrier.NO_DOCUMENTS
        )
        self.assertEqual((closed.status, closed.barrier), (Status.CLOSED, "no_documents"))

    def test_an_outside_referral_is_not_answered_by_the_shelter_as_if_it_were_the_provider(
        self,
    ) -> None:
        referral = self.send(service=self.outside)
        with self.assertRaises(ValidationError):
            self.step(referral, Kind.ACCEPTED, self.cast.org)

    def test_an_internal_referral_is_answered_and_closed_inside_the_organization(self) -> None:
        referral = self.send(service=self.own_service)
        self.step(referral, Kind.INFO_REQUESTED, self.cast.org, note="¿Habla algo de inglés?")
        self.step(referral, Kind.INFO_GIVEN, self.cast.org, note="No.")
        self.step(referral, Kind.ACCEPTED, self.cast.org)
        closed = self.close(referral, self.cast.org, outcome=Outcome.RECEIVED)
        self.assertEqual(closed.status, Status.CLOSED)
        with organization_scope(self.cast.org.pk):
            steps = ReferralStep.objects.filter(referral=referral)
            self.assertFalse(any(s.by_recipient for s in steps))
        self.assertEqual(
            set(
                AuditEvent.objects.filter(object_uuid=referral.uuid).values_list(
                    "organization_id", flat=True
                )
            ),
            {self.cast.org.pk},
        )

    def test_the_shelter_cancels_an_open_referral_but_not_a_closed_one(self) -> None:
        referral = self.send()
        self.step(referral, Kind.ACCEPTED)
        self.assertEqual(self.step(referral, Kind.CANCELLED, self.cast.org).status, "cancelled")
        with self.assertRaises(ValidationError):
            self.step(referral, Kind.CANCELLED, self.cast.org)


class OverdueTest(Network, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()

    def test_an_unanswered_referral_is_overdue_past_its_urgency_s_deadline(self) -> None:
        within = {"emergency": 24, "priority": 72, "routine": 240}
        for urgency, hours in within.items():
            with self.subTest(urgency):
                referral = self.send(urgency=urgency)
                due = NOW + datetime.timedelta(hours=hours)
                self.assertFalse(referral.is_overdue(due - datetime.timedelta(minutes=1)))
                self.assertTrue(referral.is_overdue(due + datetime.timedelta(minutes=1)))

    def test_the_overdue_list_shows_it_to_both_sides_until_it_is_answered(self) -> None:
        referral = self.send(urgency="emergency")
        later = NOW + datetime.timedelta(hours=25)
        for organization, user in (
            (self.cast.org, self.cast.caseworker),
            (self.cast.other_org, self.clinician),
        ):
            with organization_scope(organization.pk):
                early = queries.referrals_page_for(user, "overdue", now=NOW)
                late = queries.referrals_page_for(user, "overdue", now=later)
            self.assertEqual(early.referrals, [])
            self.assertEqual(late.referrals, [referral])
        with organization_scope(self.third.pk):
            page = queries.referrals_page_for(self.third_member, "overdue", now=later)
        self.assertEqual(page.referrals, [])
        self.step(referral, Kind.INFO_REQUESTED, note="¿Cuál es su CURP?")
        with organization_scope(self.cast.org.pk):
            page = queries.referrals_page_for(self.cast.caseworker, "overdue", now=later)
            self.assertEqual(page.referrals, [])

    def test_the_receiver_s_clock_restarts_when_its_question_is_answered(self) -> None:
        referral = self.send(urgency="emergency")
        hours = datetime.timedelta(hours=1)
        late = reminders.referral_remind(self.cast.org.pk, referral.pk, now=NOW + 25 * hours)
        self.assertEqual(late, "reminded")
        self.step(referral, Kind.INFO_REQUESTED, note="¿Tiene CURP?", now=NOW + 26 * hours)
        self.step(referral, Kind.INFO_GIVEN, self.cast.org, note="No.", now=NOW + 30 * hours)
        answered = Referral.unscoped.get(pk=referral.pk)
        self.assertFalse(answered.is_overdue(NOW + 31 * hours))
        self.assertTrue(answered.is_overdue(NOW + 55 * hours))
        self.assertEqual(reminders.referrals_remind_overdue(now=NOW + 55 * hours), 1)
        self.assertEqual(len(mail.outbox), 2)

    def test_the_receiver_counts_what_waits_for_its_answer(self) -> None:
        self.send(urgency="emergency")
        self.send(urgency="routine", service=self.dentist)
        later = NOW + datetime.timedelta(days=2)
        with organization_scope(self.cast.other_org.pk):
            self.assertEqual(
                queries.counts_for(self.cast.other_org.pk, later), {"waiting": 2, "overdue": 1}
            )
        with organization_scope(self.third.pk):
            self.assertEqual(queries.counts_for(self.third.pk, later), {"waiting": 0, "overdue": 0})


class ReminderTest(Network, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()

    def test_the_referring_caseworker_is_reminded_once_without_personal_data(self) -> None:
        referral = self.send(person=self.mother, urgency="emergency")
        early = NOW + datetime.timedelta(hours=23)
        self.assertEqual(
            reminders.referral_remind(self.cast.org.pk, referral.pk, now=early),
            "nothing to remind",
        )
        self.assertEqual(mail.outbox, [])
        late = NOW + datetime.timedelta(hours=25)
        self.assertEqual(
            reminders.referral_remind(self.cast.org.pk, referral.pk, now=late), "reminded"
        )
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [self.cast.caseworker.email])
        self.assertIn(referral.reference, message.subject + message.body)
        self.assertIn(str(referral.uuid), message.body)
        text = message.subject + message.body
        # The phone's digits as written ("987 6543"): three digits alone turn up in the link's
        # random identifier now and then.
        for personal in ("María", "Guadalupe", "Hernández", "Ávila", "987 6543", REASON[:10]):
            self.assertNotIn(personal, text)
        self.assertEqual(
            reminders.referral_remind(self.cast.org.pk, referral.pk, now=late),
            "nothing to remind",
        )
        self.assertEqual(reminders.referrals_remind_overdue(now=late), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_the_reminder_gives_the_deadline_in_the_organization_s_time(self) -> None:
        sent = datetime.datetime(2026, 12, 7, 6, 30, tzinfo=datetime.UTC)  # 22:30 the 6th
        referral = self.send(urgency="emergency", now=sent)
        later = sent + datetime.timedelta(days=1, minutes=1)
        reminders.referral_remind(self.cast.org.pk, referral.pk, now=later)
        self.assertIn("07/12/2026 22:30", mail.outbox[0].body)

    def test_the_sweep_reminds_each_overdue_referral_of_every_organization_once(self) -> None:
        overdue = [
            self.send(urgency="emergency"),
            self.send(person=self.mother, urgency="priority"),
        ]
        self.send(urgency="routine", service=self.dentist)  # not due yet
        answered = self.send(urgency="emergency", service=self.psychologist)
        self.step(answered, Kind.ACCEPTED)
        self.send(service=self.outside, urgency="emergency")  # nobody in the network answers
        later = NOW + datetime.timedelta(days=4)
        self.assertEqual(reminders.referrals_remind_overdue(now=later), 2)
        self.assertEqual(len(mail.outbox), 2)
        self.assertTrue(all(Referral.unscoped.get(pk=r.pk).reminded_at == later for r in overdue))
        self.assertEqual(reminders.referrals_remind_overdue(now=later), 0)
        self.assertEqual(len(mail.outbox), 2)

    def test_a_reminder_that_could_not_be_sent_is_tried_again_by_the_next_sweep(self) -> None:
        referral = self.send(urgency="emergency")
        later = NOW + datetime.timedelta(days=1, hours=1)
        failing = mock.patch(
            "salvaguarda.referrals.referring.reminders.send_mail",
            side_effect=smtplib.SMTPServerDisconnected("down"),
        )
        with failing, self.assertLogs("salvaguarda.referrals.referring.reminders", "WARNING"):
            self.assertEqual(
                reminders.referral_remind(self.cast.org.pk, referral.pk, now=later), "not sent"
            )
        self.assertIsNone(Referral.unscoped.get(pk=referral.pk).reminded_at)
        self.assertEqual(reminders.referrals_remind_overdue(now=later), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_the_referral_to_a_member_queues_its_check_at_the_deadline(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.send(urgency="emergency")
        self.assertEqual(len(callbacks), 1)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.send(service=self.outside)
        self.assertEqual(callbacks, [])


class ConsentRevokedTest(Network, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()

    def revoke(self, referral: Referral) -> None:
        with organization_scope(self.cast.org.pk):
            consent = ReferredPerson.objects.get(referral=referral).consent
            people_records.consent_revoke(by=self.cast.caseworker, consent=consent)

    def test_revoking_erases_what_crossed_and_cancels_the_open_referral(self) -> None:
        referral = self.send(person=self.mother, fields=["given_names", "surnames", "contact"])
        other = self.send(person=self.mother, service=self.dentist)  # its own consent: untouched
        self.step(referral, Kind.INFO_REQUESTED, note="¿María Guadalupe tiene CURP?")
        self.revoke(referral)
        seen = self.seen_by(self.cast.other_org, referral)
        self.assertIsNone(seen.shared)
        self.assertIsNone(seen.reason)
        self.assertIsNotNone(seen.withdrawn_at)
        self.assertEqual(seen.status, Status.CANCELLED)
        self.assertEqual(raw("referrals_referral", "shared", referral.pk), "None")
        with organization_scope(self.cast.other_org.pk):
            notes = list(
                ReferralStep.objects.filter(referral=referral).values_list("note", flat=True)
            )
            kinds = list(
                ReferralStep.objects.filter(referral=referral).values_list("kind", flat=True)
            )
        self.assertEqual(notes, [None] * len(notes))
        self.assertEqual(kinds[-1], Kind.WITHDRAWN)
        updates = AuditEvent.objects.filter(object_uuid=referral.uuid, action=audit.Action.UPDATE)
        self.assertEqual(
            {e.organization_id for e in updates if "withdrawn_at" in e.fields},
            {self.cast.org.pk, self.cast.other_org.pk},
        )
        view = self.view_as(self.cast.other_org, referral)
        self.assertEqual(view.shared, [])
        self.assertEqual(
            self.seen_by(self.cast.other_org, other).shared["given_names"], "María Guadalupe"
        )
        self.assertEqual(self.seen_by(self.cast.org, other).status, Status.SENT)

    def test_revoking_after_the_outcome_erases_the_data_and_keeps_the_outcome(self) -> None:
        referral = self.send(now=timezone.now())
        self.step(referral, Kind.ACCEPTED)
        self.close(referral, outcome=Outcome.PARTLY, barrier=Barrier.DISCRIMINATION)
        self.revoke(referral)
        seen = self.seen_by(self.cast.other_org, referral)
        self.assertEqual((seen.status, seen.outcome), (Status.CLOSED, Outcome.PARTLY))
        self.assertIsNone(seen.shared)

    def test_revoking_twice_changes_nothing_more(self) -> None:
        referral = self.send()
        self.revoke(referral)
        self.revoke(referral)
        with organization_scope(self.cast.org.pk):
            kinds = list(
                ReferralStep.objects.filter(referral=referral).values_list("kind", flat=True)
            )
        self.assertEqual(kinds.count(Kind.WITHDRAWN), 1)

    def test_a_revoked_referral_is_not_reminded(self) -> None:
        referral = self.send(urgency="emergency")
        self.revoke(referral)
        later = NOW + datetime.timedelta(days=2)
        self.assertEqual(reminders.referrals_remind_overdue(now=later), 0)
        self.assertEqual(mail.outbox, [])


class AuditedReadTest(Network, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()
        cls.referral = cls.send(cls, fields=["given_names", "surnames"])  # type: ignore[arg-type]

    def reads(self) -> list[tuple[int | None, dict[str, Any]]]:
        events = AuditEvent.objects.filter(
            object_uuid=self.referral.uuid, action=audit.Action.VIEW
        ).order_by("organization_id")
        return [(e.organization_id, e.detail) for e in events]

    def test_the_receiver_s_read_is_audited_for_both_organizations(self) -> None:
        view = self.view_as(self.cast.other_org, self.referral)
        self.assertIsNone(view.referred)
        self.assertEqual(dict(view.shared), {"First name": "Josué Efraín", "Surnames": "Hernández"})
        self.assertEqual(
            self.reads(),
            [
                (
                    self.cast.org.pk,
                    {"read_by_organization": str(self.cast.other_org.pk)},
                ),
                (self.cast.other_org.pk, {}),
            ],
        )

    def test_the_sender_s_read_is_audited_for_both_and_shows_its_person(self) -> None:
        view = self.view_as(self.cast.org, self.referral)
        self.assertEqual(view.referred.person, self.son)
        self.assertEqual(
            {organization for organization, _detail in self.reads()},
            {self.cast.org.pk, self.cast.other_org.pk},
        )

    def test_a_third_organization_gets_a_404_and_no_trace(self) -> None:
        with self.assertRaises(Http404):
            self.view_as(self.third, self.referral)
        with organization_scope(self.third.pk):
            self.assertFalse(Referral.objects.exists())
            self.assertFalse(ReferralStep.objects.exists())
            self.assertFalse(ReferredPerson.objects.exists())
        self.assertEqual(self.reads(), [])

    def test_the_receiver_never_sees_the_sender_s_record_of_the_person(self) -> None:
        with organization_scope(self.cast.other_org.pk):
            self.assertFalse(ReferredPerson.objects.exists())
            self.assertFalse(Person.objects.exists())
            self.assertFalse(Consent.objects.exists())


class KeyRotationTest(Network, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()

    def key_id(self, table: str, column: str, pk: int) -> str:
        return raw(table, column, pk).split(".")[1]

    def active_key_id(self, organization: Organization) -> str:
        return OrganizationKey.objects.get(organization=organization, is_active=True).key_id

    def test_rotating_the_receiver_s_key_reseals_the_packet_and_it_still_reads(self) -> None:
        referral = self.send()
        self.step(referral, Kind.INFO_REQUESTED, note="¿Trae su cartilla?")
        step = ReferralStep.unscoped.get(referral=referral, kind=Kind.INFO_REQUESTED)
        before = self.active_key_id(self.cast.other_org)
        rotate_organization_key(self.cast.other_org.pk)
        after = self.active_key_id(self.cast.other_org)
        self.assertNotEqual(before, after)
        self.assertEqual(self.key_id("referrals_referral", "shared", referral.pk), after)
        self.assertEqual(self.key_id("referrals_referral", "reason", referral.pk), after)
        self.assertEqual(self.key_id("referrals_referralstep", "note", step.pk), after)
        for organization in (self.cast.org, self.cast.other_org):
            seen = self.seen_by(organization, referral)
            self.assertEqual(seen.shared["given_names"], "Josué Efraín")
            self.assertEqual(seen.reason, REASON)
        self.assertEqual(self.step(referral, Kind.ACCEPTED).status, Status.ACCEPTED)

    def test_rotating_the_sender_s_key_leaves_the_packet_readable(self) -> None:
        referral = self.send()
        outside = self.send(service=self.outside)
        sealed = self.key_id("referrals_referral", "shared", referral.pk)
        rotate_organization_key(self.cast.org.pk)
        self.assertEqual(self.key_id("referrals_referral", "shared", referral.pk), sealed)
        self.assertEqual(
            self.key_id("referrals_referral", "shared", outside.pk),
            self.active_key_id(self.cast.org),
        )
        for organization in (self.cast.org, self.cast.other_org):
            self.assertEqual(self.seen_by(organization, referral).reason, REASON)
        self.assertEqual(self.seen_by(self.cast.org, outside).reason, REASON)


class ReceiverKeysDestroyedTest(Network, TestCase):
    """The clinic's data keys were destroyed (crypto-shredding): what crossed to it is gone,
    but the shelter still answers for its own person."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()

    def setUp(self) -> None:
        super().setUp()
        self.referral = self.send()
        network = self.cast.network_admin.memberships.get().organization
        shredding.shredding_request(organization=self.cast.other_org, by=self.cast.network_admin)
        shredding.shredding_confirm(
            organization=self.cast.other_org, by=member(network, Role.NETWORK_ADMIN)
        )
        keys.forget_cached_keys()

    def test_both_sides_still_open_the_referral_with_nothing_of_what_crossed(self) -> None:
        for organization in (self.cast.org, self.cast.other_org):
            with self.subTest(organization.short_name):
                view = self.view_as(organization, self.referral)
                self.assertFalse(view.readable)
                self.assertEqual((view.shared, view.reason), ([], ""))
                self.assertEqual([s.note for s in view.steps], [None])

    def test_the_person_can_still_revoke_the_referral_consent(self) -> None:
        with organization_scope(self.cast.org.pk):
            consent = ReferredPerson.objects.get(referral=self.referral).consent
            people_records.consent_revoke(by=self.cast.caseworker, consent=consent)
            consent.refresh_from_db()
        self.assertIsNotNone(consent.revoked_at)

    def test_the_shelter_can_still_cancel_its_referral(self) -> None:
        done = self.step(self.referral, Kind.CANCELLED, self.cast.org)
        self.assertEqual(done.status, Status.CANCELLED)


class OrganizationTimeZoneTest(Network, TestCase):
    """A clinic in Tijuana (two hours behind the server's Mexico City in winter)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()
        cls.tijuana = OrganizationFactory(short_name="CTJ", name="Clínica Tijuana")
        cls.tijuana_member = member(cls.tijuana, Role.COORDINATOR)
        cls.tijuana_service = member_service(cls.tijuana_member, cls.tijuana, name="Vacunación")

    def test_an_outcome_recorded_the_same_evening_is_accepted(self) -> None:
        evening = datetime.datetime(2026, 12, 8, 6, 30, tzinfo=datetime.UTC)  # 22:30 in Tijuana
        with time_machine.travel(evening, tick=False):
            referral = self.send(service=self.tijuana_service, now=evening)
            with organization_scope(self.tijuana.pk):
                services.referral_step(
                    by=self.tijuana_member,
                    organization_id=self.tijuana.pk,
                    referral=referral,
                    kind=Kind.ACCEPTED,
                )
                closed = services.referral_close(
                    by=self.tijuana_member,
                    organization_id=self.tijuana.pk,
                    referral=referral,
                    data={"outcome": Outcome.RECEIVED, "outcome_on": datetime.date(2026, 12, 7)},
                )
        self.assertEqual(closed.status, Status.CLOSED)
