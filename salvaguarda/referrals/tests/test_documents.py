"""Applications for Mexican documents and the refugee claim (issue 17 §3): the firm-resettlement
advice before a Mexican status, an issued document recorded among the person's documents (the
checklist and the expiry see it), the claim's steps in order, and the pages."""

import datetime

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.people.models import IdentityDocument
from salvaguarda.people.queries_records import safeguard_status
from salvaguarda.people.validation_records import MIGRATION_DOCUMENT_TYPES
from salvaguarda.referrals.documents import services
from salvaguarda.referrals.documents.models import ComarStep, DocumentProcedure
from salvaguarda.referrals.documents.queries import REPLACED_BY


class DocumentProcedureTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Yesenia",
            first_surname="Castillo",
            date_of_birth=datetime.date(1999, 4, 2),
        )
        cls.today = timezone.localdate()

    def start(self, **data: object) -> DocumentProcedure:
        values = {"doc_type": "TVRH", "applied_on": self.today, "office": "INM Tijuana", **data}
        with organization_scope(self.cast.org.pk):
            return services.procedure_start(
                by=self.cast.caseworker, person=self.person, data=values
            )

    def test_a_tvrh_needs_the_firm_resettlement_advice_first(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.start()
        self.assertIn("advice_given_on", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            self.start(advice_given_on=self.today, applied_on=self.today - datetime.timedelta(1))
        self.assertIn("advice_given_on", caught.exception.message_dict)
        with organization_scope(self.cast.org.pk):
            self.assertFalse(DocumentProcedure.objects.exists())
        # An FMM is not a Mexican status: no advice asked.
        self.assertEqual(self.start(doc_type="FMM").status, "applied")

    def test_an_issued_document_is_recorded_and_ticks_the_checklist(self) -> None:
        procedure = self.start(advice_given_on=self.today)
        expires = self.today + datetime.timedelta(days=365)
        with organization_scope(self.cast.org.pk):
            services.procedure_decide(
                by=self.cast.caseworker,
                procedure=procedure,
                data={"status": "issued", "decided_on": self.today, "expires_on": expires},
            )
            procedure.refresh_from_db()
            document = IdentityDocument.objects.get(person=self.person)
            self.assertEqual(procedure.document, document)
            self.assertEqual((document.doc_type, document.expires_on), ("TVRH", expires))
            lines = {line.item: line for line in safeguard_status(self.person)}
            self.assertFalse(lines["migration_document"].is_omission)
            with self.assertRaises(ValidationError):  # decided once
                services.procedure_decide(
                    by=self.cast.caseworker,
                    procedure=procedure,
                    data={"status": "refused", "decided_on": self.today},
                )

    def test_an_answer_before_the_application_is_refused(self) -> None:
        procedure = self.start(doc_type="FMM")
        with organization_scope(self.cast.org.pk), self.assertRaises(ValidationError) as caught:
            services.procedure_decide(
                by=self.cast.caseworker,
                procedure=procedure,
                data={"status": "refused", "decided_on": self.today - datetime.timedelta(3)},
            )
        self.assertIn("decided_on", caught.exception.message_dict)

    def test_the_claim_starts_with_its_filing_and_keeps_its_history(self) -> None:
        record = services.comar_step_record
        with organization_scope(self.cast.org.pk):
            with self.assertRaises(ValidationError) as caught:
                record(
                    by=self.cast.caseworker,
                    person=self.person,
                    data={"stage": "interviewed", "on": self.today},
                )
            self.assertIn("stage", caught.exception.message_dict)
            filed = self.today - datetime.timedelta(days=20)
            step = {"by": self.cast.caseworker, "person": self.person}
            with self.assertRaises(ValidationError) as caught:  # the advice comes first
                record(**step, data={"stage": "filed", "on": filed})
            self.assertIn("advice_given_on", caught.exception.message_dict)
            record(**step, data={"stage": "filed", "on": filed, "advice_given_on": filed})
            decided = self.today - datetime.timedelta(days=2)
            record(**step, data={"stage": "recognized", "on": decided})
            # An interview after the decision, a step before the last, a second filing: refused.
            for stage, day in (
                ("interviewed", self.today),
                ("appeal_filed", filed),
                ("filed", self.today),
            ):
                with self.subTest(stage), self.assertRaises(ValidationError):
                    record(**step, data={"stage": stage, "on": day})
            record(**step, data={"stage": "abandoned", "on": self.today})
            self.assertEqual(
                list(ComarStep.objects.filter(person=self.person).values_list("stage", flat=True)),
                ["abandoned", "recognized", "filed"],
            )

    def test_the_pages_work_for_the_organization_and_404_for_others(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        url = reverse("referrals:procedure_start", args=[self.person.uuid])
        refused = client.post(url, {"doc_type": "TVRH", "applied_on": self.today.isoformat()})
        self.assertEqual(refused.status_code, 422)
        self.assertContains(refused, 'value="TVRH" selected', status_code=422)
        saved = client.post(
            url,
            {
                "doc_type": "TVRH",
                "applied_on": self.today.isoformat(),
                "advice_given_on": self.today.isoformat(),
                "office": "INM Tijuana",
            },
        )
        self.assertRedirects(saved, reverse("people:detail", args=[self.person.uuid]))
        page = client.get(reverse("people:detail", args=[self.person.uuid]))
        self.assertContains(page, "INM Tijuana")
        outsider = sign_in(self.client_class(), self.cast.outsider)
        for name in ("procedure_start", "comar_step"):
            target = reverse(f"referrals:{name}", args=[self.person.uuid])
            self.assertEqual(outsider.get(target).status_code, 404)


class DocumentsToRenewTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        today = timezone.localdate()
        cls.soon, cls.later, cls.theirs = (
            make_person(org, by, given_names=name, first_surname="Pérez")
            for org, by, name in (
                (cls.cast.org, cls.cast.caseworker, "Marisol"),
                (cls.cast.org, cls.cast.caseworker, "Edwin"),
                (cls.cast.other_org, cls.cast.outsider, "Ajena"),
            )
        )
        for person, by, days, kind in (
            (cls.soon, cls.cast.caseworker, 12, "TVRH"),
            (cls.later, cls.cast.caseworker, 200, "TVRH"),
            (cls.later, cls.cast.caseworker, 5, "PASSPORT"),  # not a Mexican document
            (cls.theirs, cls.cast.outsider, 3, "FMM"),
        ):
            with organization_scope(person.organization_id):
                IdentityDocument.objects.create(
                    organization_id=person.organization_id,
                    person=person,
                    doc_type=kind,
                    expires_on=today + datetime.timedelta(days=days),
                    created_by=by,
                    modified_by=by,
                )

    def test_the_organization_s_migration_documents_about_to_expire_are_listed(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        page = client.get(reverse("referrals:documents_expiring"))
        self.assertContains(page, reverse("people:detail", args=[self.soon.uuid]))
        self.assertNotContains(page, reverse("people:detail", args=[self.later.uuid]))
        self.assertNotContains(page, "Ajena")
        analyst = sign_in(self.client_class(), self.cast.analyst)
        self.assertEqual(analyst.get(reverse("referrals:documents_expiring")).status_code, 404)

    def test_a_document_replaced_by_a_later_one_leaves_the_list(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        url = reverse("referrals:documents_expiring")
        today = timezone.localdate()

        def add(doc_type: str, days: int | None) -> None:
            with organization_scope(self.cast.org.pk):
                IdentityDocument.objects.create(
                    organization_id=self.cast.org.pk,
                    person=self.soon,
                    doc_type=doc_type,
                    expires_on=None if days is None else today + datetime.timedelta(days=days),
                    created_by=self.cast.caseworker,
                    modified_by=self.cast.caseworker,
                )

        # A temporary CURP valid for longer does not replace the TVRH: it is still to renew.
        add("CURP_TEMP", 300)
        self.assertContains(client.get(url), reverse("people:detail", args=[self.soon.uuid]))
        # Renewed: a TVRH valid for a year.
        add("TVRH", 365)
        self.assertNotContains(client.get(url), reverse("people:detail", args=[self.soon.uuid]))

    def test_every_migration_document_says_what_replaces_it(self) -> None:
        self.assertEqual(set(REPLACED_BY), set(MIGRATION_DOCUMENT_TYPES))
