"""What crosses with a referral, below the application: row-level security on the referral
tables (PostgreSQL, raw SQL as a plain role), and the packet sealed under the receiver's key
(both databases)."""

import datetime
import uuid
from io import StringIO
from typing import Any
from unittest import skipUnless

from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import TestCase
from django.utils import timezone

from salvaguarda.accounts.models import Organization
from salvaguarda.core.models import OrganizationKey
from salvaguarda.core.rotation import rotate_organization_key
from salvaguarda.core.scoping import RLS_SETTING, organization_scope
from salvaguarda.core.tests.helpers import make_person, raw
from salvaguarda.core.tests.test_rls import (
    POSTGRESQL,
    PROBE_ROLE,
    as_probe_role,
    ensure_probe_role,
)
from salvaguarda.lib.crypto import DecryptionError
from salvaguarda.people.services import records as people_records
from salvaguarda.referrals.referring import queries, reminders, services
from salvaguarda.referrals.referring.models import Referral, ReferralStep, ReferredPerson
from salvaguarda.referrals.tests.factories import referral_data
from salvaguarda.referrals.tests.test_referral_services import Network

Kind = ReferralStep.Kind
TABLES = ("referrals_referral", "referrals_referralstep", "referrals_referredperson")


class Referred(Network):
    """Rosa Elvira, at the shelter (cast.org), referred to the clinic (cast.other_org), which
    asked for more; the third member of the network must see none of it."""

    referral: Referral

    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()
        cls.rosa = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Rosa Elvira",
            first_surname="Chávez",
            second_surname="Núñez",
            date_of_birth=datetime.date(1996, 7, 23),
        )
        cls.referral = cls.refer(cls.rosa)
        cls.take(Kind.INFO_REQUESTED, "¿Ya tuvo consulta psicológica antes?")

    @classmethod
    def refer(cls, person: Any, service: Any = None, **changes: Any) -> Referral:
        with organization_scope(cls.cast.org.pk):
            return services.referral_send(
                by=cls.cast.caseworker,
                person=person,
                service=service or cls.clinic,
                data=referral_data(**changes),
            )

    @classmethod
    def take(cls, kind: str, note: str = "") -> None:
        """The step on Rosa Elvira's referral, by the side whose step it is."""
        by_sender = kind == Kind.INFO_GIVEN
        organization = cls.cast.org if by_sender else cls.cast.other_org
        with organization_scope(organization.pk):
            services.referral_step(
                by=cls.cast.caseworker if by_sender else cls.clinician,
                organization_id=organization.pk,
                referral=cls.referral,
                kind=kind,
                note=note,
            )


def probe_role_ready() -> None:
    ensure_probe_role()
    call_command("grant_app_role", PROBE_ROLE, stdout=StringIO())


@skipUnless(POSTGRESQL, "row-level security is a PostgreSQL feature")
class ReferralRowLevelSecurityTest(Referred, TestCase):
    def setUp(self) -> None:
        super().setUp()
        probe_role_ready()

    def counts(self, organization: Organization | None) -> tuple[int, ...]:
        """How many rows of each of TABLES the plain role sees in `organization`'s scope."""
        found = []
        with as_probe_role() as cursor:
            if organization is not None:
                self.scoped(cursor, organization)
            for table in TABLES:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
                found.append(int(cursor.fetchone()[0]))
        return tuple(found)

    def insert(self, cursor: Any, table: str, organization_id: int, **values: Any) -> None:
        """A row of `table` from `organization_id` to the clinic, written past the ORM."""
        now = timezone.now()
        user = self.cast.caseworker.pk
        columns = {
            "uuid": uuid.uuid4(),
            "organization_id": organization_id,
            "recipient_id": self.cast.other_org.pk,
            "created_at": now,
            "created_by_id": user,
            "modified_at": now,
            "modified_by_id": user,
            **values,
        }
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - fixed names
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            list(columns.values()),
        )

    def insert_referral(self, cursor: Any, organization_id: int, **values: Any) -> None:
        now = timezone.now()
        referral = {
            "reference": f"R-{uuid.uuid4().hex[:6]}",
            "service_id": self.clinic.pk,
            "urgency": "routine",
            "answer_due_at": now,
            "status": "sent",
            "status_changed_at": now,
            "shared_fields": "[]",
            "decline_reason": "",
            "outcome": "",
            "barrier": "",
            "sender_caseworker_id": self.cast.caseworker.pk,
        }
        self.insert(cursor, "referrals_referral", organization_id, **referral, **values)

    def scoped(self, cursor: Any, organization: Organization) -> None:
        cursor.execute("SELECT set_config(%s, %s, true)", [RLS_SETTING, str(organization.pk)])

    def test_the_tables_are_under_their_forced_policies(self) -> None:
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(
                    "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
                    "WHERE relname = %s AND relnamespace = 'public'::regnamespace",
                    [table],
                )
                self.assertEqual(cursor.fetchone(), (True, True), table)

    def test_the_sender_sees_the_referral_its_steps_and_its_record_of_the_person(self) -> None:
        self.assertEqual(self.counts(self.cast.org), (1, 2, 1))

    def test_the_recipient_sees_the_referral_and_its_steps_never_the_person(self) -> None:
        self.assertEqual(self.counts(self.cast.other_org), (1, 2, 0))
        with as_probe_role() as cursor:
            self.scoped(cursor, self.cast.other_org)
            cursor.execute("SELECT count(*) FROM people_person")
            self.assertEqual(cursor.fetchone()[0], 0)
            cursor.execute("SELECT count(*) FROM people_consent")
            self.assertEqual(cursor.fetchone()[0], 0)

    def test_a_third_organization_and_no_scope_see_nothing(self) -> None:
        self.assertEqual(self.counts(self.third), (0, 0, 0))
        self.assertEqual(self.counts(None), (0, 0, 0))

    def test_a_third_organization_can_change_or_delete_nothing(self) -> None:
        with as_probe_role() as cursor:
            self.scoped(cursor, self.third)
            cursor.execute("UPDATE referrals_referral SET status = 'cancelled'")
            self.assertEqual(cursor.rowcount, 0)
            cursor.execute("DELETE FROM referrals_referralstep")
            self.assertEqual(cursor.rowcount, 0)
        self.assertEqual(Referral.unscoped.get(pk=self.referral.pk).status, "info_requested")

    def test_the_database_refuses_a_referral_between_two_other_organizations(self) -> None:
        with self.assertRaisesRegex(DatabaseError, "row-level security"):
            with as_probe_role() as cursor:
                self.scoped(cursor, self.cast.org)
                self.insert_referral(cursor, self.third.pk)
        with self.assertRaisesRegex(DatabaseError, "row-level security"):
            with as_probe_role() as cursor:
                self.scoped(cursor, self.third)
                step = {"referral_id": self.referral.pk, "kind": "accepted", "by_recipient": True}
                self.insert(cursor, "referrals_referralstep", self.cast.org.pk, **step)
        with as_probe_role() as cursor:  # its own, to whomever: allowed
            self.scoped(cursor, self.cast.org)
            self.insert_referral(cursor, self.cast.org.pk, recipient_id=self.third.pk)

    def test_the_recipient_cannot_write_a_record_of_the_person(self) -> None:
        with organization_scope(self.cast.org.pk):
            link = ReferredPerson.objects.get(referral=self.referral)
        with as_probe_role() as cursor:
            self.scoped(cursor, self.cast.other_org)
            cursor.execute("UPDATE referrals_referredperson SET person_id = person_id")
            self.assertEqual(cursor.rowcount, 0)
        with self.assertRaisesRegex(DatabaseError, "row-level security"):
            with as_probe_role() as cursor:
                self.scoped(cursor, self.cast.other_org)
                now = timezone.now()
                cursor.execute(
                    "INSERT INTO referrals_referredperson (uuid, organization_id, created_at, "
                    "created_by_id, modified_at, modified_by_id, referral_id, person_id, "
                    "consent_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        uuid.uuid4(),
                        self.cast.org.pk,
                        now,
                        self.clinician.pk,
                        now,
                        self.clinician.pk,
                        self.referral.pk,
                        link.person_id,
                        link.consent_id,
                    ],
                )

    def test_the_recipient_cannot_forge_a_referral_from_another_organization(self) -> None:
        with self.assertRaisesRegex(DatabaseError, "row-level security"):
            with as_probe_role() as cursor:
                self.scoped(cursor, self.cast.other_org)
                self.insert_referral(cursor, self.third.pk)

    def test_neither_side_can_hand_the_referral_to_a_third_organization(self) -> None:
        moves = [
            (self.cast.other_org, "organization_id"),
            (self.cast.org, "recipient_id"),
        ]
        for side, column in moves:
            refused = "row-level security|sides of a shared row cannot change"
            with self.subTest(column), self.assertRaisesRegex(DatabaseError, refused):
                with as_probe_role() as cursor:
                    self.scoped(cursor, side)
                    cursor.execute(
                        f"UPDATE referrals_referral SET {column} = %s",  # noqa: S608
                        [self.third.pk],
                    )

    def test_a_third_organization_cannot_add_a_step_to_a_referral_it_is_not_a_side_of(
        self,
    ) -> None:
        with self.assertRaisesRegex(DatabaseError, "row-level security"):
            with as_probe_role() as cursor:
                self.scoped(cursor, self.third)
                step = {
                    "referral_id": self.referral.pk,
                    "kind": "declined",
                    "by_recipient": True,
                    "recipient_id": self.cast.org.pk,
                }
                self.insert(cursor, "referrals_referralstep", self.third.pk, **step)


@skipUnless(POSTGRESQL, "row-level security is a PostgreSQL feature")
class ReferralsUnderRowLevelSecurityTest(Referred, TestCase):
    """The whole flow connected as a plain role: each service works with RLS on for real."""

    def setUp(self) -> None:
        super().setUp()
        probe_role_ready()
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {PROBE_ROLE}")  # until the test ends

    def test_answer_read_remind_rotate_and_revoke_as_the_application_role(self) -> None:
        # To another of the clinic's services: one open referral per person and service.
        late = self.refer(self.rosa, service=self.dentist, urgency="emergency")
        self.take(Kind.INFO_GIVEN, "Sí, en Honduras.")
        self.take(Kind.ACCEPTED)
        with organization_scope(self.cast.other_org.pk):
            view = queries.referral_get_for(self.clinician, self.referral.uuid)
        self.assertIn("Rosa Elvira", dict(view.shared).values())
        self.assertEqual(view.referral.status, "accepted")
        later = timezone.now() + datetime.timedelta(days=2)
        self.assertEqual(reminders.referrals_remind_overdue(now=later), 1)
        self.assertEqual(len(mail.outbox), 1)
        rotate_organization_key(self.cast.other_org.pk)
        rotate_organization_key(self.cast.org.pk)
        with organization_scope(self.cast.org.pk):
            view = queries.referral_get_for(self.cast.caseworker, self.referral.uuid)
            self.assertEqual(view.referral.reason, referral_data()["reason"])
            consent = ReferredPerson.objects.get(referral=late).consent
            people_records.consent_revoke(by=self.cast.caseworker, consent=consent)
        with organization_scope(self.cast.other_org.pk):
            withdrawn = Referral.objects.get(pk=late.pk)
            self.assertIsNone(withdrawn.shared)
            self.assertEqual(withdrawn.status, "cancelled")
        with organization_scope(self.third.pk):
            self.assertFalse(Referral.objects.exists())


class SealedPacketTest(Referred, TestCase):
    """What crossed is sealed under the recipient's key and bound to its row (both databases)."""

    def active_key_id(self, organization: Organization) -> str:
        return OrganizationKey.objects.get(organization=organization, is_active=True).key_id

    def test_the_packet_is_sealed_under_the_recipient_s_key(self) -> None:
        recipient = self.active_key_id(self.cast.other_org)
        step = ReferralStep.unscoped.get(referral=self.referral, kind=Kind.INFO_REQUESTED)
        for table, column, pk in (
            ("referrals_referral", "shared", self.referral.pk),
            ("referrals_referral", "reason", self.referral.pk),
            ("referrals_referralstep", "note", step.pk),
        ):
            with self.subTest(column):
                stored = raw(table, column, pk)
                self.assertTrue(stored.startswith("sg1."))
                self.assertEqual(stored.split(".")[1], recipient)
                self.assertNotEqual(stored.split(".")[1], self.active_key_id(self.cast.org))
                self.assertNotIn("Rosa", stored)

    def test_the_stored_packet_shows_no_clear_data(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM referrals_referral WHERE id = %s", [self.referral.pk])
            row = " ".join(str(value) for value in cursor.fetchone())
        for clear in ("Rosa", "Elvira", "Dolor abdominal"):
            self.assertNotIn(clear, row)

    def test_a_packet_copied_into_another_row_does_not_decrypt(self) -> None:
        other = self.refer(
            make_person(self.cast.org, self.cast.caseworker, given_names="Rosa Elvira")
        )
        sealed = raw("referrals_referral", "shared", self.referral.pk)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE referrals_referral SET shared = %s, reason = %s WHERE id = %s",
                [sealed, sealed, other.pk],
            )
        with organization_scope(self.cast.other_org.pk):
            copy = Referral.objects.get(pk=other.pk)
            with self.assertRaises(DecryptionError):
                _ = copy.shared
            with self.assertRaises(DecryptionError):
                _ = copy.reason
            self.assertEqual(
                Referral.objects.get(pk=self.referral.pk).shared["given_names"], "Rosa Elvira"
            )

    def test_a_packet_sealed_for_one_recipient_does_not_open_for_another(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # As the superuser, past the trigger that keeps a shared row's sides fixed
                # (core.rls.SIDES_FIXED): replicas do not fire ordinary triggers.
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                "UPDATE referrals_referral SET recipient_id = %s WHERE id = %s",
                [self.third.pk, self.referral.pk],
            )
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = origin")
        with organization_scope(self.third.pk):
            moved = Referral.objects.get(pk=self.referral.pk)
            with self.assertRaises(DecryptionError):
                _ = moved.shared
