"""Documenting incidents through the services: whole or not at all, checked, encrypted,
linked to the return they followed, and audited by field names only."""

import datetime
import io
from pathlib import Path
from typing import Any
from unittest import mock

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from PIL import ExifTags, Image

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, InOrganizationScope, make_person, raw
from salvaguarda.incidents import services
from salvaguarda.incidents.files import images, sniff
from salvaguarda.incidents.models import (
    Act,
    Complaint,
    EvidenceFile,
    Incident,
    IncidentConsent,
    Perpetrator,
    Victim,
)
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.people.services.records import return_record

NOW = datetime.datetime(2025, 6, 1, 18, 0, tzinfo=datetime.UTC)


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (32.0, 31.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (117.0, 2.0, 0.0)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def services_create_failing() -> Any:
    """`create` as the services use it, failing when it writes the evidence file's row."""
    real = services.create

    def create(model: Any, **kwargs: Any) -> Any:
        if model is EvidenceFile:
            raise RuntimeError("the database went away")
        return real(model, **kwargs)

    return create


def upload(data: bytes, name: str = "foto.jpg", description: str = "") -> services.Upload:
    return services.Upload(source=io.BytesIO(data), name=name, description=description)


def messages(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for m in found] for field, found in error.message_dict.items()}


@time_machine.travel(NOW, tick=False)
class DocumentingTests(InOrganizationScope, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        super().setUp()
        self.by = self.cast.caseworker
        self.person = make_person(
            self.cast.org,
            self.by,
            sex="female",
            nationality="HND",
            date_of_birth=datetime.date(2008, 4, 2),
        )

    def test_it_saves_the_whole_incident_with_its_parts(self) -> None:
        return_record(
            by=self.by,
            person=self.person,
            data={
                "program_phase": "MPP1",
                "returned_on": datetime.date(2025, 2, 20),
                "return_point": "SYS",
            },
        )
        incident = make_incident(
            self.cast.org,
            self.by,
            person=self.person,
            acts=[{"common": "kidnapping"}, {"common": "extortion_relatives"}],
            victims=[
                {"person": self.person},
                {"role": "witness", "sex": "male", "age_band": "26-40", "nationality": "GTM"},
            ],
            perpetrators=[
                {
                    "kind": "organized_crime",
                    "involvement": "010100000000",
                    "how_many": 3,
                    "identifying_details": "Camioneta gris, alias El Güero",
                }
            ],
            consents=[{"purpose": "statistics", "given_on": datetime.date(2025, 5, 30)}],
            testimony="Nos subieron a una camioneta en la central de autobuses.",
        )
        self.assertEqual(incident.reference, "I-000001")
        self.assertEqual(Act.objects.filter(incident=incident).count(), 2)
        self.assertEqual(incident.return_point, "SYS")
        self.assertEqual(incident.days_since_return, 18)
        victim = Victim.objects.get(incident=incident, person=self.person)
        self.assertEqual(
            (victim.sex, victim.nationality, victim.age_band), ("female", "HND", "12-17")
        )
        witness = Victim.objects.get(incident=incident, person__isnull=True)
        self.assertEqual(witness.role, "witness")
        perpetrator = Perpetrator.objects.get(incident=incident)
        self.assertNotIn(
            "Güero", raw("incidents_perpetrator", "identifying_details", perpetrator.pk)
        )
        self.assertNotIn("camioneta", raw("incidents_incident", "testimony", incident.pk))
        self.assertEqual(IncidentConsent.objects.get(incident=incident).purpose, "statistics")
        created = AuditEvent.objects.get(object_uuid=incident.uuid, action="create")
        self.assertIn("testimony", created.fields)
        self.assertNotIn("camioneta", str(created.detail) + str(created.fields))

    def test_a_short_list_act_is_stored_with_its_huridocs_code(self) -> None:
        incident = make_incident(self.cast.org, self.by, acts=[{"common": "kidnapping"}])
        act = incident.acts.get()
        self.assertEqual((act.common, act.huridocs), ("kidnapping", "030104000000"))

    def test_a_month_stands_for_all_its_days(self) -> None:
        incident = make_incident(
            self.cast.org,
            self.by,
            date_precision="month",
            occurred_from=datetime.date(2025, 2, 14),
        )
        self.assertEqual(
            (incident.occurred_from, incident.occurred_to),
            (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28)),
        )

    def test_it_refuses_a_date_after_today_and_saves_nothing(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            make_incident(self.cast.org, self.by, occurred_from=datetime.date(2025, 6, 2))
        self.assertIn("occurred_from", caught.exception.message_dict)
        self.assertFalse(Incident.objects.exists())

    def test_it_names_every_problem_of_every_part_at_once(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            make_incident(
                self.cast.org,
                self.by,
                acts=[{"huridocs": "999999999999"}],
                victims=[],
                perpetrators=[{"kind": "organized_crime", "how_many": 0}],
                consents=[{"purpose": "sharing", "given_on": datetime.date(2025, 5, 1)}],
                summary="",
            )
        found = messages(caught.exception)
        self.assertEqual(
            set(found), {"acts", "victims", "perpetrators", "consents", "summary"}, found
        )
        self.assertFalse(Incident.objects.exists())
        self.assertFalse(Perpetrator.objects.exists())

    def test_a_period_that_ends_before_it_starts_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            make_incident(
                self.cast.org,
                self.by,
                date_precision="range",
                occurred_from=datetime.date(2025, 3, 10),
                occurred_to=datetime.date(2025, 3, 1),
            )
        self.assertIn("occurred_to", caught.exception.message_dict)

    def test_a_lying_upload_refuses_the_whole_incident_and_leaves_no_file(self) -> None:
        directory = Path(services.evidence_directory(self.cast.org.pk))
        before = set(directory.glob("*"))
        good = upload(jpeg_with_gps())
        bad = upload(b"<html><script>alert(1)</script></html>", name="foto2.jpg")
        with self.assertRaises(ValidationError) as caught:
            make_incident(self.cast.org, self.by, uploads=[good, bad])
        self.assertIn("foto2.jpg", caught.exception.message_dict["files"][0])
        self.assertFalse(Incident.objects.exists())
        self.assertEqual(set(directory.glob("*")), before)

    def test_a_database_failure_removes_the_files_already_written(self) -> None:
        directory = Path(services.evidence_directory(self.cast.org.pk))
        before = set(directory.glob("*"))
        with (
            mock.patch.object(services, "create", side_effect=services_create_failing()),
            self.assertRaises(RuntimeError),
        ):
            make_incident(self.cast.org, self.by, uploads=[upload(jpeg_with_gps())])
        self.assertEqual(set(directory.glob("*")), before)

    def test_a_file_is_stored_encrypted_with_its_hash_and_reads_back(self) -> None:
        data = jpeg_with_gps()
        incident = make_incident(self.cast.org, self.by, uploads=[upload(data, "herida.jpg")])
        evidence = EvidenceFile.objects.get(incident=incident)
        stored = (services.evidence_directory(self.cast.org.pk) / evidence.stored_name).read_bytes()
        self.assertNotIn(data[100:200], stored)
        self.assertNotIn("herida", evidence.stored_name)
        self.assertEqual(b"".join(services.evidence_chunks(evidence)), data)
        self.assertEqual(evidence.sha256, evidence.sha256_at_upload)
        self.assertEqual((evidence.category, evidence.media_type), ("photo", "image/jpeg"))
        self.assertTrue(evidence.had_location)

    def test_removing_the_location_keeps_the_upload_hash_on_record(self) -> None:
        incident = make_incident(self.cast.org, self.by, uploads=[upload(jpeg_with_gps())])
        evidence = EvidenceFile.objects.get(incident=incident)
        old_name, old_hash = evidence.stored_name, evidence.sha256
        with self.captureOnCommitCallbacks(execute=True):
            services.evidence_remove_location(by=self.cast.legal, evidence=evidence)
        evidence.refresh_from_db()
        self.assertEqual(evidence.sha256_at_upload, old_hash)
        self.assertNotEqual(evidence.sha256, old_hash)
        clean = b"".join(services.evidence_chunks(evidence))
        self.assertFalse(images.has_location(io.BytesIO(clean), sniff.JPEG))
        self.assertEqual(evidence.location_removed_by, self.cast.legal)
        self.assertFalse((services.evidence_directory(self.cast.org.pk) / old_name).exists())

    def test_the_return_link_follows_the_victims(self) -> None:
        incident = make_incident(self.cast.org, self.by)
        self.assertIsNone(incident.days_since_return)
        return_record(
            by=self.by,
            person=self.person,
            data={
                "program_phase": "MPP1",
                "returned_on": datetime.date(2025, 3, 1),
                "return_point": "ELP",
            },
        )
        services.victim_add(by=self.by, incident=incident, data={"person": self.person})
        incident.refresh_from_db()
        self.assertEqual((incident.return_point, incident.days_since_return), ("ELP", 9))

    def test_the_same_person_cannot_be_listed_twice(self) -> None:
        incident = make_incident(self.cast.org, self.by, person=self.person)
        with self.assertRaises(ValidationError):
            services.victim_add(by=self.by, incident=incident, data={"person": self.person})

    def test_the_last_victim_cannot_be_removed(self) -> None:
        incident = make_incident(self.cast.org, self.by)
        with self.assertRaises(ValidationError):
            services.victim_remove(by=self.by, victim=incident.victims.get())

    def test_acts_can_be_replaced(self) -> None:
        incident = make_incident(self.cast.org, self.by, acts=[{"common": "kidnapping"}])
        services.acts_set(
            by=self.by,
            incident=incident,
            acts=[{"common": "robbery"}, {"huridocs": "020101000000"}],
        )
        self.assertEqual(
            sorted(incident.acts.values_list("huridocs", flat=True)),
            ["020101000000", "130101000000"],
        )

    def test_a_consent_is_revoked_and_stays_on_record(self) -> None:
        incident = make_incident(
            self.cast.org,
            self.by,
            consents=[{"purpose": "public_advocacy", "given_on": datetime.date(2025, 5, 1)}],
        )
        consent = incident.consents.get()
        services.consent_revoke(by=self.cast.coordinator, consent=consent)
        consent.refresh_from_db()
        self.assertEqual(consent.revoked_on, datetime.date(2025, 6, 1))

    def test_a_complaint_keeps_its_reference_number_encrypted(self) -> None:
        incident = make_incident(self.cast.org, self.by)
        complaint = services.complaint_record(
            by=self.cast.legal,
            incident=incident,
            data={
                "authority": "fgr",
                "filed_on": datetime.date(2025, 4, 2),
                "reference_number": "FED/BC/TIJ/0001234/2025",
                "next_step": "Ratificar",
            },
        )
        self.assertNotIn("0001234", raw("incidents_complaint", "reference_number", complaint.pk))
        self.assertEqual(Complaint.objects.get().reference_number, "FED/BC/TIJ/0001234/2025")
        with self.assertRaises(ValidationError) as caught:
            services.complaint_record(
                by=self.cast.legal,
                incident=incident,
                data={"authority": "fgr", "filed_on": datetime.date(2025, 7, 1)},
            )
        self.assertIn("filed_on", caught.exception.message_dict)


class AgeBandTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_the_band_is_the_age_on_the_day_of_the_incident(self) -> None:
        person = make_person(
            self.cast.org, self.cast.caseworker, date_of_birth=datetime.date(2007, 6, 2)
        )
        with organization_scope(self.cast.org.pk):
            self.assertEqual(services.age_band(person, datetime.date(2025, 6, 1)), "12-17")
            self.assertEqual(services.age_band(person, datetime.date(2025, 6, 2)), "18-25")


class UpdateTests(InOrganizationScope, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_fields_and_acts_change_together_or_not_at_all(self) -> None:
        incident = make_incident(self.cast.org, self.cast.caseworker)
        with self.assertRaises(ValidationError) as caught:
            services.incident_update(
                by=self.cast.legal,
                incident=incident,
                data={"municipality": "Reynosa", "state": "28"},
                acts=[],
            )
        self.assertIn("acts", caught.exception.message_dict)
        incident.refresh_from_db()
        self.assertEqual(incident.municipality, "Tijuana")
        services.incident_update(
            by=self.cast.legal,
            incident=incident,
            data={"municipality": "Reynosa", "state": "28"},
            acts=[{"common": "robbery"}],
        )
        incident.refresh_from_db()
        self.assertEqual(incident.municipality_key, "reynosa")
        self.assertEqual(list(incident.acts.values_list("common", flat=True)), ["robbery"])
