"""The incident pages: documenting in one flow from a person's file, errors that keep what was
typed, the list's filters, the testimony kept to its roles, and files that only download."""

import datetime
import io
from typing import Any

from django.test import TestCase
from django.urls import reverse
from PIL import Image

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.incidents import services
from salvaguarda.incidents.files import images, sniff
from salvaguarda.incidents.models import EvidenceFile, Incident
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.incidents.tests.test_services import jpeg_with_gps


def one_flow(**fields: Any) -> dict[str, Any]:
    """The POST body of the one-flow page with one perpetrator and no anonymous victim."""
    data = {
        "date_precision": "exact",
        "occurred_from": "2025-03-10",
        "acts": ["kidnapping", "extortion_relatives"],
        "summary": "Secuestro al salir de la central; llamaron a su hermana en Houston.",
        "testimony": "<script>alert('x')</script> Nos subieron a una camioneta.",
        "source": "direct_testimony",
        "country": "MEX",
        "state": "28",
        "municipality": "Reynosa",
        "place_type": "bus_station",
        "documented_on": "2025-03-20",
        "person-role": "victim",
        "person-status": "",
        "victim-TOTAL_FORMS": "1",
        "victim-INITIAL_FORMS": "0",
        "victim-0-role": "victim",
        "victim-0-sex": "not_recorded",
        "perpetrator-TOTAL_FORMS": "2",
        "perpetrator-INITIAL_FORMS": "0",
        "perpetrator-0-kind": "organized_crime",
        "perpetrator-0-how_many": "3",
        "perpetrator-0-identifying_details": "Camioneta gris",
        "consent-uses": ["statistics", "legal_action"],
        "consent-given_by": "self",
    }
    data.update(fields)
    return data


def photo_upload(name: str = "herida.jpg") -> io.BytesIO:
    upload = io.BytesIO(jpeg_with_gps())
    upload.name = name
    return upload


class OneFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(cls.cast.org, cls.cast.caseworker, sex="female")

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.caseworker)
        self.url = reverse("incidents:new_for_person", kwargs={"person_uuid": self.person.uuid})

    def test_it_documents_an_incident_with_a_photo_from_a_persons_file(self) -> None:
        response = self.client.post(self.url, {**one_flow(), "files-evidence": photo_upload()})
        incident = Incident.unscoped.get()
        self.assertRedirects(response, reverse("incidents:detail", args=[incident.uuid]))
        with organization_scope(self.cast.org.pk):
            self.assertEqual(incident.victims.count(), 2)
            self.assertEqual(incident.victims.filter(person=self.person).get().sex, "female")
            self.assertEqual(
                sorted(incident.acts.values_list("common", flat=True)),
                ["extortion_relatives", "kidnapping"],
            )
            self.assertEqual(incident.perpetrators.get().how_many, 3)
            self.assertEqual(incident.consents.count(), 2)
            self.assertTrue(incident.files.get().had_location)
        page = self.client.get(reverse("people:detail", args=[self.person.uuid]))
        self.assertContains(page, incident.reference)
        self.assertContains(page, "Secuestro")

    def test_errors_keep_what_was_typed_and_save_nothing(self) -> None:
        response = self.client.post(
            self.url, one_flow(occurred_from="2030-01-01", acts=["kidnapping"])
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Incident.unscoped.exists())
        self.assertContains(response, "no puede haber ocurrido después de hoy")
        self.assertContains(response, "Secuestro al salir de la central")
        self.assertContains(response, 'value="kidnapping" id="id_acts_kidnapping" checked')
        self.assertContains(response, "Camioneta gris")

    def test_a_file_that_lies_about_its_type_is_refused_with_its_name(self) -> None:
        fake = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>")
        fake.name = "foto.jpg"
        response = self.client.post(self.url, {**one_flow(), "files-evidence": fake})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Incident.unscoped.exists())
        self.assertContains(response, "foto.jpg")
        self.assertContains(response, "elija de nuevo")

    def test_an_anonymous_incident_needs_no_person(self) -> None:
        body = one_flow(**{"victim-0-sex": "male", "victim-0-age_band": "18-25"})
        response = self.client.post(reverse("incidents:new"), body)
        incident = Incident.unscoped.get()
        self.assertRedirects(response, reverse("incidents:detail", args=[incident.uuid]))
        with organization_scope(self.cast.org.pk):
            victim = incident.victims.get()
        self.assertEqual((victim.person, victim.age_band), (None, "18-25"))


class IncidentPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.incident = make_incident(
            cls.cast.org,
            cls.cast.caseworker,
            testimony="<b>Me quemaron</b> con ácido",
            uploads=[services.Upload(source=io.BytesIO(jpeg_with_gps()), name="brazo.jpg")],
            coordinates={"lat": 26.081234, "lon": -98.288765},
        )
        cls.evidence = EvidenceFile.unscoped.get()

    def page(self, user: Any, name: str = "incidents:detail", *args: Any) -> Any:
        client = sign_in(self.client_class(), user)
        return client.get(reverse(name, args=args or [self.incident.uuid]))

    def test_the_testimony_is_kept_from_a_caseworker_who_did_not_document_it(self) -> None:
        incident = make_incident(self.cast.org, self.cast.legal, testimony="Secreto")
        client = sign_in(self.client_class(), self.cast.caseworker)
        page = client.get(reverse("incidents:detail", args=[incident.uuid]))
        self.assertNotContains(page, 'data-testid="read-testimony"')
        response = client.get(reverse("incidents:testimony", args=[incident.uuid]))
        self.assertEqual(response.status_code, 404)

    def test_legal_staff_read_it_as_text_and_the_reading_is_audited(self) -> None:
        response = self.page(self.cast.legal, "incidents:testimony")
        self.assertContains(response, "&lt;b&gt;Me quemaron&lt;/b&gt; con ácido")
        self.assertNotContains(response, "<b>Me quemaron</b>")
        entry = AuditEvent.objects.filter(object_uuid=self.incident.uuid, actor=self.cast.legal)
        self.assertTrue(entry.filter(fields=["testimony"]).exists())

    def test_coordinates_are_shown_coarsened(self) -> None:
        response = self.page(self.cast.caseworker)
        self.assertContains(response, "26.1, -98.3")
        self.assertNotContains(response, "26.08")

    def test_a_file_only_downloads_never_inline(self) -> None:
        response = self.page(self.cast.caseworker, "incidents:file_download", self.evidence.uuid)
        self.assertEqual(response["Content-Type"], "image/jpeg")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertNotIn("brazo", response["Content-Disposition"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertEqual(b"".join(response.streaming_content), jpeg_with_gps_of(self))
        self.assertTrue(
            AuditEvent.objects.filter(object_uuid=self.evidence.uuid, fields=["content"]).exists()
        )

    def test_a_file_missing_from_its_folder_is_not_found(self) -> None:
        (services.evidence_directory(self.cast.org.pk) / self.evidence.stored_name).rename(
            services.evidence_directory(self.cast.org.pk) / "moved-away"
        )
        try:
            response = self.page(
                self.cast.caseworker, "incidents:file_download", self.evidence.uuid
            )
            self.assertEqual(response.status_code, 404)
        finally:
            (services.evidence_directory(self.cast.org.pk) / "moved-away").rename(
                services.evidence_directory(self.cast.org.pk) / self.evidence.stored_name
            )

    def test_the_copy_to_share_has_no_location_and_the_same_pixels(self) -> None:
        response = self.page(self.cast.caseworker, "incidents:file_share", self.evidence.uuid)
        shared = response.content
        self.assertFalse(images.has_location(io.BytesIO(shared), sniff.JPEG))
        original = Image.open(io.BytesIO(jpeg_with_gps_of(self)))
        self.assertEqual(Image.open(io.BytesIO(shared)).tobytes(), original.tobytes())

    def test_another_organization_finds_nothing(self) -> None:
        for name, arg in (
            ("incidents:detail", self.incident.uuid),
            ("incidents:file_download", self.evidence.uuid),
        ):
            response = self.page(self.cast.outsider, name, arg)
            self.assertEqual(response.status_code, 404, name)


def jpeg_with_gps_of(test: IncidentPageTests) -> bytes:
    """The bytes the incident's photo was uploaded with."""
    with organization_scope(test.cast.org.pk):
        return b"".join(services.evidence_chunks(EvidenceFile.objects.get(pk=test.evidence.pk)))


class ListTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        cls.kidnapping = make_incident(
            cls.cast.org,
            by,
            acts=[{"common": "kidnapping"}],
            perpetrators=[{"kind": "organized_crime"}],
            state="28",
            municipality="Reynosa",
            occurred_from=datetime.date(2025, 3, 10),
            consents=[{"purpose": "statistics", "given_on": datetime.date(2025, 3, 12)}],
        )
        cls.beating = make_incident(
            cls.cast.org,
            by,
            acts=[{"huridocs": "020101000000"}],
            perpetrators=[{"kind": "municipal_police"}],
            state="02",
            municipality="Tijuana",
            occurred_from=datetime.date(2024, 11, 2),
        )
        make_incident(cls.cast.other_org, cls.cast.outsider, state="28", municipality="Reynosa")

    def listed(self, **filters: str) -> list[str]:
        client = sign_in(self.client_class(), self.cast.caseworker)
        response = client.get(reverse("incidents:list"), filters)
        self.assertEqual(response.status_code, 200)
        return [i.reference for i in response.context["page"].incidents]

    def test_it_lists_the_organizations_incidents_newest_first(self) -> None:
        self.assertEqual(self.listed(), [self.kidnapping.reference, self.beating.reference])

    def test_it_filters_by_act_and_place(self) -> None:
        self.assertEqual(
            self.listed(act="kidnapping", state="28", municipality="reynosa"),
            [self.kidnapping.reference],
        )
        # A HURIDOCS act matches the acts under it: physical assault is under integrity.
        self.assertEqual(self.listed(act="020100000000"), [self.beating.reference])

    def test_it_filters_by_perpetrator_period_and_consent(self) -> None:
        self.assertEqual(self.listed(perpetrator="010104000000"), [self.beating.reference])
        self.assertEqual(
            self.listed(start="2025-01-01", end="2025-12-31"), [self.kidnapping.reference]
        )
        self.assertEqual(self.listed(use="statistics"), [self.kidnapping.reference])

    def test_a_period_that_ends_before_it_starts_is_explained(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        response = client.get(
            reverse("incidents:list"), {"start": "2025-02-01", "end": "2025-01-01"}
        )
        self.assertContains(response, "El periodo termina antes de empezar")


class RecordPagesTests(TestCase):
    """Adding to an incident from its page: a registered victim, a complaint, a consent
    revoked, a photo's location removed, a file refused."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(cls.cast.org, cls.cast.caseworker, given_names="Ana")
        cls.incident = make_incident(
            cls.cast.org,
            cls.cast.caseworker,
            consents=[{"purpose": "statistics", "given_on": datetime.date(2025, 3, 12)}],
            uploads=[services.Upload(source=io.BytesIO(jpeg_with_gps()), name="a.jpg")],
        )

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.legal)

    def url(self, name: str, *args: Any) -> str:
        return reverse(name, args=args or [self.incident.uuid])

    def test_a_registered_victim_is_added_by_reference(self) -> None:
        response = self.client.post(
            self.url("incidents:victim_add"),
            {"person_reference": self.person.reference.lower(), "role": "witness", "sex": "male"},
        )
        self.assertRedirects(response, self.url("incidents:detail"))
        with organization_scope(self.cast.org.pk):
            self.assertTrue(self.incident.victims.filter(person=self.person).exists())
        unknown = self.client.post(
            self.url("incidents:victim_add"),
            {"person_reference": "P-999999", "role": "victim", "sex": "female"},
        )
        self.assertContains(unknown, "Ninguna persona de la organización tiene esta referencia")

    def test_a_complaint_is_recorded_and_a_future_date_refused(self) -> None:
        body = {
            "authority": "cndh",
            "filed_on": "2025-04-01",
            "reference_number": "CNDH/5/2025/123/Q",
            "status": "filed",
        }
        response = self.client.post(self.url("incidents:complaint_add"), body)
        self.assertRedirects(response, self.url("incidents:detail"))
        page = self.client.get(self.url("incidents:detail"))
        self.assertContains(page, "CNDH/5/2025/123/Q")
        refused = self.client.post(
            self.url("incidents:complaint_add"), {**body, "filed_on": "2099-01-01"}
        )
        self.assertContains(refused, "no puede tener fecha posterior a hoy")

    def test_a_consent_is_revoked_from_the_page(self) -> None:
        with organization_scope(self.cast.org.pk):
            consent = self.incident.consents.get()
        self.client.post(self.url("incidents:consent_revoke", consent.uuid))
        with organization_scope(self.cast.org.pk):
            consent.refresh_from_db()
        self.assertIsNotNone(consent.revoked_on)

    def test_a_photos_location_is_removed_for_good(self) -> None:
        evidence = EvidenceFile.unscoped.get()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("incidents:file_remove_location", evidence.uuid))
        evidence.refresh_from_db()
        self.assertIsNotNone(evidence.location_removed_at)
        self.assertNotEqual(evidence.sha256, evidence.sha256_at_upload)
        page = self.client.get(self.url("incidents:detail"))
        self.assertContains(page, evidence.sha256_at_upload)
        self.assertContains(page, evidence.sha256)

    def test_an_archive_is_refused_on_the_files_page(self) -> None:
        archive = io.BytesIO(b"PK\x03\x04" + b"\x00" * 100)
        archive.name = "fotos.zip"
        response = self.client.post(self.url("incidents:files_add"), {"evidence": archive})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "fotos.zip")
        self.assertEqual(EvidenceFile.unscoped.count(), 1)
