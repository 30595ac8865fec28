"""The pages of returns, documents, consents and safeguards."""

import datetime

from django.template.loader import render_to_string
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.people import queries_records
from salvaguarda.people.models import Consent, IdentityDocument, ReturnEvent, SafeguardCheck
from salvaguarda.people.services import records

RETURN = {
    "program_phase": "MPP2",
    "returned_on": "2022-01-20",
    "return_point": "ELP",
    "mexican_city": "",
    "report_back_at": "2022-02-15T08:00",
    "report_back_place": "Puente Paso del Norte",
    "nta_date": "2022-01-19",
    "received_by": "inm",
    "reception_documents": ["FMM"],
    "informed_of_rights": "no",
    "offered_screening": "",
    "fear_of_mexico": "yes",
    "exclusion_outcome": "",
    "notes": "",
}


class RecordPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org, cls.cast.caseworker, given_names="María José", first_surname="Pérez"
        )
        cls.other_person = make_person(cls.cast.org, cls.cast.caseworker, given_names="Otra")
        with organization_scope(cls.cast.org.pk):
            cls.consent = records.consent_record(
                by=cls.cast.caseworker,
                person=cls.person,
                purpose="sharing",
                recipient="Clínica Jurídica B",
                given_by="self",
                language="spa",
                given_at=datetime.datetime(2025, 1, 15, 18, 30, tzinfo=datetime.UTC),
            )

    def url(self, name: str, *args: object) -> str:
        return reverse(f"people:{name}", args=[self.person.uuid, *args])

    def in_scope(self) -> organization_scope:  # type: ignore[valid-type]
        return organization_scope(self.cast.org.pk)

    def test_caseworker_records_a_return_read_in_the_organizations_time_zone(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        self.assertEqual(client.get(self.url("return_add")).status_code, 200)
        response = client.post(self.url("return_add"), RETURN)
        self.assertRedirects(response, reverse("people:detail", args=[self.person.uuid]))
        with self.in_scope():
            record = ReturnEvent.objects.get()
        self.assertEqual(record.mexican_city, "ciudad_juarez")  # from the port
        # 08:00 in Tijuana (organization A) in February is 16:00 UTC.
        self.assertEqual(
            record.report_back_at, datetime.datetime(2022, 2, 15, 16, 0, tzinfo=datetime.UTC)
        )
        edit = client.get(self.url("return_edit", record.uuid))
        self.assertContains(edit, 'value="2022-02-15T08:00"')
        changed = {**RETURN, "mexican_city": "ciudad_juarez", "notes": "Nota"}
        self.assertEqual(
            client.post(self.url("return_edit", record.uuid), changed).status_code, 302
        )
        event = AuditEvent.objects.filter(action="update").latest("sequence")
        self.assertEqual(event.fields, ["notes"])

    def test_an_invalid_return_keeps_what_was_typed_and_explains_next_to_the_field(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            self.url("return_add"),
            {**RETURN, "nta_date": "2022-02-01", "report_back_place": "Garita Lerdo"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="2022-02-01"')
        self.assertContains(response, 'value="Garita Lerdo"')
        self.assertContains(response, 'value="2022-02-15T08:00"')
        form = response.context["form"]
        self.assertEqual([e.code for e in form.errors.as_data()["nta_date"]], ["nta_after_return"])
        self.assertContains(response, 'aria-invalid="true"')
        self.assertContains(response, "errorlist")
        impossible = client.post(self.url("return_add"), {**RETURN, "returned_on": "2022-02-30"})
        self.assertIn("returned_on", impossible.context["form"].errors)
        with self.in_scope():
            self.assertFalse(ReturnEvent.objects.exists())

    def test_caseworker_records_a_document_and_reading_it_is_audited(self) -> None:
        client = sign_in(self.client, self.cast.legal)
        response = client.post(
            self.url("document_add"),
            {
                "doc_type": "CURP_TEMP",
                "number": "hegg560427mvzrrl04",
                "issuer": "COMAR",
                "issued_on": "2024-01-10",
                "expires_on": "2024-07-08",
                "holds_original": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        with self.in_scope():
            document = IdentityDocument.objects.get()
            self.assertTrue(
                SafeguardCheck.objects.filter(
                    item="migration_document", person=self.person
                ).exists()
            )
        page = client.get(self.url("document_edit", document.uuid))
        self.assertContains(page, "HEGG560427MVZRRL04")
        self.assertContains(page, "doc-expired")
        event = AuditEvent.objects.filter(action="view").latest("sequence")
        self.assertEqual(event.object_uuid, document.uuid)

    def test_an_invalid_document_keeps_the_typed_values(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            self.url("document_add"),
            {
                "doc_type": "CURP_PERM",
                "number": "ABC123",
                "issued_on": "2024-03-01",
                "expires_on": "2024-02-01",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="ABC123"')
        errors = response.context["form"].errors
        self.assertIn("number", errors)
        self.assertIn("expires_on", errors)

    def test_consents_are_recorded_and_sharing_asks_for_the_recipient(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        missing = client.post(
            self.url("consent_add"),
            {"purpose": "sharing", "recipient": "", "given_by": "self", "language": "hat"},
        )
        self.assertEqual(missing.status_code, 200)
        self.assertIn("recipient", missing.context["form"].errors)
        self.assertContains(missing, 'value="hat" selected')
        response = client.post(
            self.url("consent_add"),
            {"purpose": "reminders", "given_by": "self", "language": "hat"},
        )
        self.assertEqual(response.status_code, 302)
        with self.in_scope():
            self.assertTrue(records.has_consent(self.person, "reminders"))

    def test_revocation_asks_first_then_takes_effect(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        url = self.url("consent_revoke", self.consent.uuid)
        self.assertContains(client.get(url), "Clínica Jurídica B")
        self.consent.refresh_from_db()
        self.assertIsNone(self.consent.revoked_at)
        self.assertEqual(client.post(url).status_code, 302)
        self.consent.refresh_from_db()
        self.assertEqual(self.consent.revoked_by, self.cast.caseworker)
        receipt = client.get(self.url("consent_receipt", self.consent.uuid))
        self.assertContains(receipt, "receipt-revoked", count=2)

    def test_the_receipt_is_in_spanish_and_english_whatever_the_screen_language(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        for language in ("es", "en"):
            with translation.override(language):
                client.cookies.load({"sg_language": language})
                response = client.get(self.url("consent_receipt", self.consent.uuid))
            with self.subTest(language):
                self.assertContains(response, 'lang="es"')
                self.assertContains(response, 'lang="en"')
                self.assertContains(response, "Español")  # the language, as Spanish calls it
                self.assertContains(response, "Spanish")
                # 18:30 UTC is 10:30 in Tijuana; each half dates it in its own language.
                self.assertContains(response, "15 de enero de 2025")
                self.assertContains(response, "Jan. 15, 2025")
                self.assertContains(response, "10:30")
                self.assertContains(response, "Albergue A")
                self.assertContains(response, "Clínica Jurídica B")
                self.assertContains(response, "María José Pérez")
                self.assertContains(response, self.person.reference)
                self.assertContains(response, self.cast.caseworker.full_name)

    def test_safeguards_are_recorded_from_the_checklist(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        page = client.get(self.url("safeguard_record") + "?item=referrals_made")
        self.assertContains(page, 'value="referrals_made" required id="id_item_4" checked')
        response = client.post(
            self.url("safeguard_record"),
            {"item": "referrals_made", "done_on": "2024-05-02", "note": "DIF"},
        )
        self.assertEqual(response.status_code, 302)
        with self.in_scope():
            check = SafeguardCheck.objects.get()
        self.assertEqual(check.done_on, datetime.date(2024, 5, 2))

    def test_analyst_and_other_organizations_get_404(self) -> None:
        with self.in_scope():
            document = records.document_record(
                by=self.cast.caseworker, person=self.person, data={"doc_type": "PASSPORT"}
            )
        urls = [
            self.url("return_add"),
            self.url("document_edit", document.uuid),
            self.url("consent_receipt", self.consent.uuid),
            self.url("safeguard_record"),
        ]
        for user in (self.cast.analyst, self.cast.outsider):
            client = sign_in(self.client_class(), user)
            for url in urls:
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(client.get(url).status_code, 404)
                    self.assertEqual(client.post(url, RETURN).status_code, 404)
        # A row of another person of the same organization is not reachable through this one.
        client = sign_in(self.client_class(), self.cast.caseworker)
        other = reverse("people:document_edit", args=[self.other_person.uuid, document.uuid])
        self.assertEqual(client.get(other).status_code, 404)
        revoke = reverse("people:consent_revoke", args=[self.other_person.uuid, self.consent.uuid])
        self.assertEqual(client.post(revoke).status_code, 404)
        self.consent.refresh_from_db()
        self.assertIsNone(self.consent.revoked_at)
        with self.in_scope():
            self.assertEqual(Consent.objects.filter(revoked_at__isnull=True).count(), 1)


class PartialsTest(TestCase):
    """The partials of the person file page, rendered with what the file page passes them."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(cls.cast.org, cls.cast.caseworker, given_names="Ana")

    def test_documents_warn_before_and_after_they_expire(self) -> None:
        today = datetime.date(2025, 6, 1)
        with organization_scope(self.cast.org.pk):
            for expires in (datetime.date(2025, 6, 20), datetime.date(2025, 5, 1), None):
                records.document_record(
                    by=self.cast.caseworker,
                    person=self.person,
                    data={"doc_type": "PASSPORT", "number": "P98765432", "expires_on": expires},
                )
            documents = queries_records.documents_expiring(
                IdentityDocument.objects.filter(person=self.person), today
            )
            with translation.override("en"):
                html = render_to_string(
                    "people/_documents.html", {"documents": documents, "person": self.person}
                )
        self.assertIn("doc-expired", html)
        self.assertIn("Expires in 19 days", html)
        self.assertIn("•••5432", html)
        self.assertNotIn("P98765432", html)
        self.assertIn(reverse("people:document_add", args=[self.person.uuid]), html)

    def test_safeguard_omissions_are_visible(self) -> None:
        with organization_scope(self.cast.org.pk):
            records.safeguard_record(
                by=self.cast.caseworker,
                person=self.person,
                item="screening_done",
                done_on=datetime.date(2025, 1, 2),
            )
            lines = queries_records.safeguard_status(self.person)
            with translation.override("en"):
                html = render_to_string(
                    "people/_safeguards.html", {"safeguards": lines, "person": self.person}
                )
        self.assertEqual(html.count('class="omission"'), 4)
        self.assertIn(self.cast.caseworker.full_name, html)
