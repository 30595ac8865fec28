"""The e-mail reminder of Mexican migration documents about to expire (issue 17 §3): once at 30
days and once at 7, one digest per recipient, no data of the person but their reference, the
organization's own documents only, its day in its time zone, the caseworker of the procedure or
else a coordinator, and never twice."""

import datetime
import smtplib
from typing import Any
from unittest import mock

from django.core import mail
from django.test import TestCase, override_settings

from salvaguarda.accounts.models import Membership, Role, User
from salvaguarda.core import upkeep
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, member
from salvaguarda.people.models import IdentityDocument, Person
from salvaguarda.referrals.documents import reminders
from salvaguarda.referrals.documents.models import DocumentProcedure, ExpiryReminder

# 09:30 on 3 November 2026 in Tijuana (UTC-8), where organization A works.
NOW = datetime.datetime(2026, 11, 3, 17, 30, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 3)
DAY = datetime.timedelta(days=1)
BASE_URL = "https://salvaguarda.example.org"
TVRH_EN = "Humanitarian visitor card (TVRH)"
TVRH_ES = "Tarjeta de Visitante por Razones Humanitarias (TVRH)"
NAMES = ("Marisol", "Quintero", "Edwin", "Lozano", "Ajena", "Otra", "CURP123")


def sweep(now: datetime.datetime = NOW) -> int:
    return reminders.documents_remind_expiring(now=now)


def text(message: Any) -> str:
    return f"{message.subject}\n{message.body}"


@override_settings(SALVAGUARDA_BASE_URL=BASE_URL)
class ExpiryReminderTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        User.objects.filter(pk=cls.cast.caseworker.pk).update(language="en")
        cls.cast.caseworker.refresh_from_db()
        cls.marisol = make_person(
            cls.cast.org, cls.cast.caseworker, given_names="Marisol", first_surname="Quintero"
        )
        cls.edwin = make_person(
            cls.cast.org, cls.cast.caseworker, given_names="Edwin", first_surname="Lozano"
        )
        cls.ajena = make_person(
            cls.cast.other_org, cls.cast.outsider, given_names="Ajena", first_surname="Otra"
        )

    def document(
        self,
        person: Person,
        expires_on: datetime.date,
        doc_type: str = "TVRH",
        by: User | None = None,
    ) -> IdentityDocument:
        by = by or self.cast.caseworker
        with organization_scope(person.organization_id):
            return IdentityDocument.objects.create(
                organization_id=person.organization_id,
                person=person,
                doc_type=doc_type,
                number="CURP123",
                expires_on=expires_on,
                created_by=by,
                modified_by=by,
            )

    def procedure(self, document: IdentityDocument, by: User) -> DocumentProcedure:
        with organization_scope(document.organization_id):
            return DocumentProcedure.objects.create(
                organization_id=document.organization_id,
                person=document.person,
                doc_type=document.doc_type,
                status=DocumentProcedure.Status.ISSUED,
                applied_on=TODAY - 60 * DAY,
                decided_on=TODAY - 30 * DAY,
                document=document,
                created_by=by,
                modified_by=by,
            )

    def test_the_sweep_runs_with_the_periodic_upkeep(self) -> None:
        self.assertIn(reminders.documents_remind_expiring, upkeep.PERIODIC)

    def test_a_document_is_reminded_once_at_30_days_and_once_at_7(self) -> None:
        self.document(self.marisol, TODAY + 25 * DAY)
        self.assertEqual(sweep(), 1)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [self.cast.caseworker.email])
        self.assertIn(self.marisol.reference, message.body)
        self.assertIn(TVRH_EN, message.body)
        self.assertIn("28/11/2026", message.body)
        self.assertIn(f"{BASE_URL}/documentos/por-vencer/", message.body)
        for name in NAMES:
            self.assertNotIn(name, text(message))
        # The same day, and the days after: nothing more until the 7-day threshold.
        self.assertEqual(sweep(), 0)
        self.assertEqual(sweep(NOW + 17 * DAY), 0)  # 8 days left
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(sweep(NOW + 19 * DAY), 1)  # 6 days left
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn(self.marisol.reference, mail.outbox[1].body)
        self.assertIn("6 days", mail.outbox[1].body)
        self.assertEqual(sweep(NOW + 19 * DAY), 0)
        self.assertEqual(sweep(NOW + 24 * DAY), 0)
        self.assertEqual(len(mail.outbox), 2)
        with organization_scope(self.cast.org.pk):
            self.assertEqual(
                sorted(ExpiryReminder.objects.values_list("days_before", flat=True)), [7, 30]
            )

    def test_a_document_recorded_within_7_days_is_reminded_once(self) -> None:
        self.document(self.marisol, TODAY + 5 * DAY)
        self.assertEqual(sweep(), 1)
        self.assertEqual(sweep(NOW + DAY), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_one_digest_per_recipient_with_the_organization_s_documents_only(self) -> None:
        self.document(self.marisol, TODAY + 3 * DAY)
        self.document(self.edwin, TODAY + 20 * DAY, doc_type="FMM")
        # Two documents of hers, neither replacing the other (a later TVRH would).
        for days, doc_type in ((4, "CURP_TEMP"), (10, "TVRH")):
            self.document(self.ajena, TODAY + days * DAY, doc_type=doc_type, by=self.cast.outsider)
        self.assertEqual(sweep(), 2)
        messages = {message.to[0]: message for message in mail.outbox}
        self.assertEqual(set(messages), {self.cast.caseworker.email, self.cast.outsider.email})
        ours = messages[self.cast.caseworker.email]
        self.assertIn("2 migration documents", ours.subject)
        lines = [line for line in ours.body.splitlines() if " · " in line]
        self.assertEqual(len(lines), 2)
        # Soonest first, each with its person's reference.
        self.assertTrue(lines[0].startswith(self.marisol.reference))
        self.assertTrue(lines[1].startswith(self.edwin.reference))
        theirs = messages[self.cast.outsider.email]
        self.assertEqual(len([line for line in theirs.body.splitlines() if " · " in line]), 2)
        self.assertIn(self.cast.other_org.name, theirs.body)
        self.assertNotIn(self.cast.org.name, theirs.body)
        for message in mail.outbox:
            for name in NAMES:
                self.assertNotIn(name, text(message))

    def test_other_documents_expired_ones_and_deleted_people_are_not_reminded(self) -> None:
        self.document(self.marisol, TODAY + 10 * DAY, doc_type="PASSPORT")
        self.document(self.marisol, TODAY - DAY)  # expired: on the list, no e-mail
        self.document(self.marisol, TODAY + 31 * DAY)  # not yet
        self.document(self.edwin, TODAY + 10 * DAY)
        Person.unscoped.filter(pk=self.edwin.pk).update(deleted_at=NOW)
        self.assertEqual(sweep(), 0)
        self.assertEqual(mail.outbox, [])

    def test_a_deleted_document_is_not_reminded(self) -> None:
        document = self.document(self.marisol, TODAY + 10 * DAY)
        IdentityDocument.unscoped.filter(pk=document.pk).update(deleted_at=NOW)
        self.assertEqual(sweep(), 0)
        self.assertEqual(mail.outbox, [])

    def test_a_renewed_document_is_reminded_again_before_its_new_expiry(self) -> None:
        document = self.document(self.marisol, TODAY + 25 * DAY)
        self.assertEqual(sweep(), 1)
        renewed = TODAY + 25 * DAY + 365 * DAY
        IdentityDocument.unscoped.filter(pk=document.pk).update(expires_on=renewed)
        self.assertEqual(sweep(NOW + 20 * DAY), 0)  # the old expiry's 7 days: renewed
        self.assertEqual(sweep(NOW + 360 * DAY), 1)  # 30 days before the new expiry
        self.assertIn(renewed.strftime("%d/%m/%Y"), mail.outbox[1].body)
        self.assertEqual(sweep(NOW + 360 * DAY), 0)

    def test_a_document_replaced_by_a_new_one_is_not_reminded(self) -> None:
        self.document(self.marisol, TODAY + 20 * DAY)
        self.document(self.marisol, TODAY + 380 * DAY)  # the new TVRH, recorded apart
        self.document(self.edwin, TODAY + 20 * DAY, doc_type="CURP_TEMP")
        self.document(self.edwin, TODAY + 300 * DAY, doc_type="TVRH")  # not a CURP
        self.assertEqual(sweep(), 1)
        body = mail.outbox[0].body
        self.assertNotIn(self.marisol.reference, body)
        self.assertIn(self.edwin.reference, body)

    def test_the_procedure_s_caseworker_receives_it_else_the_document_s(self) -> None:
        colleague = member(self.cast.org, Role.LEGAL, language="en")
        document = self.document(self.marisol, TODAY + 20 * DAY)
        self.procedure(document, colleague)
        self.assertEqual(sweep(), 1)
        self.assertEqual(mail.outbox[0].to, [colleague.email])
        # The colleague left the organization: the one who recorded the document receives it.
        Membership.objects.filter(user=colleague).update(is_active=False)
        self.assertEqual(sweep(NOW + 15 * DAY), 1)
        self.assertEqual(mail.outbox[1].to, [self.cast.caseworker.email])

    def test_without_a_reachable_author_the_coordinators_receive_it(self) -> None:
        silent = member(self.cast.org, Role.CASEWORKER, email="")
        document = self.document(self.marisol, TODAY + 20 * DAY, by=silent)
        self.procedure(document, silent)
        self.document(self.edwin, TODAY + 21 * DAY, by=self.cast.analyst)  # reads no case file
        self.assertEqual(sweep(), 1)
        self.assertEqual(mail.outbox[0].to, [self.cast.coordinator.email])
        self.assertIn(self.marisol.reference, mail.outbox[0].body)
        self.assertIn(self.edwin.reference, mail.outbox[0].body)

    def test_with_nobody_to_receive_it_it_waits_for_the_next_sweep(self) -> None:
        self.document(self.marisol, TODAY + 20 * DAY)
        User.objects.filter(pk__in=[self.cast.caseworker.pk, self.cast.coordinator.pk]).update(
            is_active=False
        )
        with self.assertLogs("salvaguarda.referrals.documents.reminders", "WARNING"):
            self.assertEqual(sweep(), 0)
        self.assertEqual(mail.outbox, [])
        User.objects.filter(pk=self.cast.coordinator.pk).update(is_active=True)
        self.assertEqual(sweep(), 1)
        self.assertEqual(mail.outbox[0].to, [self.cast.coordinator.email])

    def test_the_e_mail_is_in_the_recipient_s_language(self) -> None:
        spanish = member(self.cast.org, Role.CASEWORKER, language="es")
        self.document(self.marisol, TODAY + 20 * DAY, by=spanish)
        self.document(self.edwin, TODAY + 20 * DAY)
        self.assertEqual(sweep(), 2)
        messages = {message.to[0]: message for message in mail.outbox}
        es, en = messages[spanish.email], messages[self.cast.caseworker.email]
        self.assertIn(TVRH_ES, es.body)
        self.assertNotIn(TVRH_EN, es.body)
        self.assertIn(self.marisol.reference, es.body)
        self.assertIn(f"{BASE_URL}/documentos/por-vencer/", es.body)
        self.assertIn(TVRH_EN, en.body)
        self.assertIn("migration document expires soon", en.subject)

    def test_the_thresholds_count_the_organization_s_days(self) -> None:
        # 21:00 on 3 November in Tijuana, already the 4th in UTC.
        evening = datetime.datetime(2026, 11, 4, 5, 0, tzinfo=datetime.UTC)
        self.document(self.marisol, TODAY)  # expires today in Tijuana (yesterday in UTC)
        self.document(self.edwin, TODAY + 31 * DAY)  # 31 days in Tijuana, 30 in UTC
        self.assertEqual(sweep(evening), 1)
        body = mail.outbox[0].body
        self.assertIn(self.marisol.reference, body)
        self.assertIn("expires today", body)
        self.assertNotIn(self.edwin.reference, body)
        # Midnight in Tijuana: 30 days left.
        self.assertEqual(sweep(evening + datetime.timedelta(hours=3)), 1)
        self.assertIn(self.edwin.reference, mail.outbox[1].body)
        self.assertNotIn(self.marisol.reference, mail.outbox[1].body)

    def test_a_reminder_that_could_not_be_sent_is_tried_again(self) -> None:
        self.document(self.marisol, TODAY + 20 * DAY)
        failing = mock.patch(
            "salvaguarda.referrals.documents.reminders.send_mail",
            side_effect=smtplib.SMTPServerDisconnected("down"),
        )
        with failing, self.assertLogs("salvaguarda.referrals.documents.reminders", "WARNING"):
            self.assertEqual(sweep(), 0)
        with organization_scope(self.cast.org.pk):
            self.assertFalse(ExpiryReminder.objects.exists())
        self.assertEqual(sweep(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_reminder_another_worker_recorded_is_not_sent_twice(self) -> None:
        self.document(self.marisol, TODAY + 20 * DAY)
        with organization_scope(self.cast.org.pk):
            seen = reminders._due(self.cast.org.pk, TODAY)
        self.assertEqual(sweep(), 1)
        # A second worker that read the documents before the first one's rows were committed.
        with mock.patch.object(reminders, "_due", return_value=seen):
            self.assertEqual(sweep(), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_each_sweep_that_reminds_is_audited_as_a_list_without_personal_data(self) -> None:
        self.document(self.marisol, TODAY + 3 * DAY)
        self.document(self.edwin, TODAY + 20 * DAY)
        sweep()
        sweep()
        events = AuditEvent.objects.filter(detail__list="expiry_reminders")
        self.assertEqual(
            [(e.organization_id, e.action, e.detail["count"]) for e in events],
            [(self.cast.org.pk, "list", 2)],
        )
