"""Returns, documents, consents and safeguards: the services, their rules and their reads."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.test import TestCase
from django.utils import timezone, translation

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, audit_fails, make_person, raw
from salvaguarda.people import queries_records, validation_records
from salvaguarda.people.models import Consent, IdentityDocument, ReturnEvent, SafeguardCheck
from salvaguarda.people.services import records

TIJUANA = ZoneInfo("America/Tijuana")
VALID_CURP = "HEGG560427MVZRRL04"  # RENAPO's own example


def a_return(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "program_phase": "MPP2",
        "returned_on": datetime.date(2022, 1, 20),
        "return_point": "BRO",
    }
    data.update(changes)
    return data


class RecordsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Ana Lucía",
            first_surname="Reyes",
            date_of_birth=datetime.date(1990, 5, 4),
        )
        cls.by = cls.cast.caseworker

    def setUp(self) -> None:
        self.scope = organization_scope(self.cast.org.pk)
        self.scope.__enter__()
        self.addCleanup(self.scope.__exit__, None, None, None)

    def refused(self, call: object, *args: object, **kwargs: object) -> dict[str, list[str]]:
        """The codes of the errors a call raises, by field."""
        with self.assertRaises(ValidationError) as caught:
            call(*args, **kwargs)  # type: ignore[operator]
        return {
            f: [e.code or "" for e in errors] for f, errors in caught.exception.error_dict.items()
        }

    def created_events(self, model: type) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action="create", object_type=model._meta.label_lower))


class ReturnTest(RecordsTestCase):
    def test_a_return_is_recorded_with_the_city_of_its_port_and_audited_by_field_name(
        self,
    ) -> None:
        record = records.return_record(
            by=self.by,
            person=self.person,
            data=a_return(
                report_back_at=datetime.datetime(2022, 2, 15, 8, 0, tzinfo=TIJUANA),
                report_back_place="Puerto de Brownsville",
                nta_date=datetime.date(2022, 1, 19),
                received_by="inm",
                reception_documents=["TVRH", "FMM"],
                informed_of_rights="no",
                fear_of_mexico="yes",
                exclusion_claimed=["pregnancy"],
                exclusion_outcome="refused",
                notes="Vino con su hija",
            ),
        )
        record.refresh_from_db()
        self.assertEqual(record.mexican_city, "matamoros")
        self.assertEqual(record.reception_documents, ["FMM", "TVRH"])
        self.assertEqual((record.organization_id, record.created_by), (self.cast.org.pk, self.by))
        self.assertEqual(record.notes, "Vino con su hija")
        self.assertNotIn("Vino", raw("people_returnevent", "notes", record.pk))
        [event] = self.created_events(ReturnEvent)
        self.assertEqual(event.object_uuid, record.uuid)
        self.assertIn("notes", event.fields)
        self.assertIn("nta_date", event.fields)
        self.assertNotIn("offered_screening", event.fields)  # not answered: not set
        self.assertNotIn("Vino", str(event.fields) + str(event.detail))

    def test_impossible_dates_are_refused_with_a_reason_and_nothing_is_saved(self) -> None:
        tomorrow = timezone.localdate(timezone=TIJUANA) + datetime.timedelta(days=2)
        cases = {
            "returned_on": (a_return(program_phase="OTHER", returned_on=tomorrow), "future"),
            "nta_date": (a_return(nta_date=datetime.date(2022, 1, 21)), "nta_after_return"),
            "report_back_at": (
                a_return(report_back_at=datetime.datetime(2022, 1, 20, 23, 0, tzinfo=TIJUANA)),
                "report_before_return",
            ),
        }
        for field, (data, code) in cases.items():
            with self.subTest(field):
                self.assertEqual(
                    self.refused(records.return_record, by=self.by, person=self.person, data=data),
                    {field: [code]},
                )
        before_birth = a_return(program_phase="DEPORTATION", returned_on=datetime.date(1989, 1, 1))
        self.assertEqual(
            self.refused(records.return_record, by=self.by, person=self.person, data=before_birth),
            {"returned_on": ["before_birth"]},
        )
        self.assertEqual(ReturnEvent.objects.count(), 0)
        self.assertEqual(self.created_events(ReturnEvent), [])

    def test_a_return_outside_the_dates_of_its_program_is_refused(self) -> None:
        early = a_return(program_phase="MPP1", returned_on=datetime.date(2018, 12, 1))
        late = a_return(program_phase="MPP2", returned_on=datetime.date(2023, 3, 1))
        self.assertEqual(
            self.refused(records.return_record, by=self.by, person=self.person, data=early),
            {"returned_on": ["before_program"]},
        )
        self.assertEqual(
            self.refused(records.return_record, by=self.by, person=self.person, data=late),
            {"returned_on": ["after_program"]},
        )

    def test_the_report_back_day_is_read_in_the_organizations_time_zone(self) -> None:
        # 01:00 UTC on the 21st is still the evening of the 20th in Tijuana: the return's day.
        same_day = datetime.datetime(2022, 1, 21, 1, 0, tzinfo=datetime.UTC)
        self.assertIn(
            "report_back_at",
            self.refused(
                records.return_record,
                by=self.by,
                person=self.person,
                data=a_return(report_back_at=same_day),
            ),
        )

    def test_values_outside_the_vocabularies_and_contradictions_are_refused(self) -> None:
        errors = self.refused(
            records.return_record,
            by=self.by,
            person=self.person,
            data=a_return(
                program_phase="MPP9",
                return_point="OTHER",
                received_by="police",
                reception_documents=["none", "FMM"],
                exclusion_claimed=["pregnancy"],
            ),
        )
        self.assertEqual(errors["program_phase"], ["choice"])
        self.assertEqual(errors["mexican_city"], ["required"])  # port OTHER has no usual city
        self.assertEqual(errors["received_by"], ["invalid_choice"])
        self.assertEqual(errors["reception_documents"], ["none_and_other"])
        self.assertEqual(errors["exclusion_outcome"], ["outcome_missing"])
        grounds_missing = self.refused(
            records.return_record,
            by=self.by,
            person=self.person,
            data=a_return(exclusion_outcome="accepted"),
        )
        self.assertEqual(grounds_missing, {"exclusion_claimed": ["grounds_missing"]})

    def test_an_update_audits_the_changed_names_and_a_refused_one_changes_nothing(self) -> None:
        record = records.return_record(by=self.by, person=self.person, data=a_return())
        records.return_update(
            by=self.cast.legal,
            record=record,
            data={"nta_date": datetime.date(2022, 1, 18), "notes": "Dato nuevo"},
        )
        event = AuditEvent.objects.filter(action="update").latest("sequence")
        self.assertEqual(event.fields, ["notes", "nta_date"])  # sorted
        self.assertEqual(event.actor, self.cast.legal)
        record.refresh_from_db()
        self.assertEqual(record.modified_by, self.cast.legal)
        # The NTA is checked against the stored date of return.
        self.assertEqual(
            self.refused(
                records.return_update,
                by=self.by,
                record=record,
                data={"nta_date": datetime.date(2022, 2, 1)},
            ),
            {"nta_date": ["nta_after_return"]},
        )
        self.assertEqual(record.nta_date, datetime.date(2022, 1, 18))
        record.refresh_from_db()
        self.assertEqual(record.nta_date, datetime.date(2022, 1, 18))
        updates = AuditEvent.objects.filter(action="update").count()
        records.return_update(by=self.by, record=record, data={"return_point": "BRO"})
        self.assertEqual(AuditEvent.objects.filter(action="update").count(), updates)


class DocumentTest(RecordsTestCase):
    def test_the_number_is_stored_encrypted_and_found_by_its_blind_index(self) -> None:
        document = records.document_record(
            by=self.by,
            person=self.person,
            data={"doc_type": "PASSPORT", "number": "G 1234-5678", "issuer": "Honduras"},
        )
        stored = raw("people_identitydocument", "number", document.pk)
        self.assertTrue(stored.startswith("sg1."))
        self.assertNotIn("5678", stored)
        field = IdentityDocument._meta.get_field("number_index")
        index = field.lookup_value(self.cast.org.pk, "g12345678")  # type: ignore[union-attr]
        self.assertEqual(list(IdentityDocument.objects.filter(number_index=index)), [document])
        [event] = self.created_events(IdentityDocument)
        self.assertEqual(event.fields, ["doc_type", "holds_original", "issuer", "number"])
        self.assertNotIn("5678", str(event.fields) + str(event.detail))

    def test_a_curp_must_have_the_official_structure(self) -> None:
        document = records.document_record(
            by=self.by,
            person=self.person,
            data={"doc_type": "CURP_TEMP", "number": " hegg 560427 mvzrrl04 "},
        )
        self.assertEqual(document.number, VALID_CURP)
        wrong = {
            "HEGG560427": "curp",  # too short
            "HEGG560427MZZRRL04": "curp",  # no such state
            "HEGG560230MVZRRL04": "curp_date",  # 30 February
            "HEGG560427MVZRRL05": "curp_check_digit",
            "": "required",
        }
        for number, code in wrong.items():
            with self.subTest(number):
                self.assertEqual(
                    self.refused(
                        records.document_record,
                        by=self.by,
                        person=self.person,
                        data={"doc_type": "CURP_PERM", "number": number},
                    ),
                    {"number": [code]},
                )
        # Known published CURPs pass the check digit; a passport number is not a CURP.
        self.assertEqual(validation_records.curp("LOOA531113HTCPBN07"), "LOOA531113HTCPBN07")
        self.assertEqual(validation_records.document_number("PASSPORT", " X1 "), "X1")

    def test_impossible_document_dates_are_refused(self) -> None:
        today = timezone.localdate(timezone=TIJUANA)
        future = self.refused(
            records.document_record,
            by=self.by,
            person=self.person,
            data={"doc_type": "FMM", "issued_on": today + datetime.timedelta(days=2)},
        )
        self.assertEqual(future, {"issued_on": ["future"]})
        backwards = self.refused(
            records.document_record,
            by=self.by,
            person=self.person,
            data={
                "doc_type": "TVRH",
                "issued_on": datetime.date(2024, 3, 1),
                "expires_on": datetime.date(2024, 2, 1),
            },
        )
        self.assertEqual(backwards, {"expires_on": ["expires_before_issue"]})
        unknown = self.refused(
            records.document_record, by=self.by, person=self.person, data={"doc_type": "VISA"}
        )
        self.assertEqual(unknown, {"doc_type": ["choice"]})
        self.assertEqual(IdentityDocument.objects.count(), 0)
        self.assertEqual(SafeguardCheck.objects.count(), 0)

    def test_a_migration_document_marks_the_safeguard_once(self) -> None:
        records.document_record(by=self.by, person=self.person, data={"doc_type": "PASSPORT"})
        self.assertFalse(SafeguardCheck.objects.exists())
        records.document_record(
            by=self.by,
            person=self.person,
            data={"doc_type": "FMM", "issued_on": datetime.date(2024, 1, 10)},
        )
        records.document_record(by=self.by, person=self.person, data={"doc_type": "TVRH"})
        [check] = SafeguardCheck.objects.all()
        self.assertEqual(check.item, SafeguardCheck.Item.MIGRATION_DOCUMENT)
        self.assertEqual(check.done_on, datetime.date(2024, 1, 10))
        self.assertEqual(check.created_by, self.by)

    def test_nothing_is_half_saved(self) -> None:
        with (
            mock.patch.object(SafeguardCheck, "save", side_effect=DatabaseError("disk full")),
            self.assertRaises(DatabaseError),
        ):
            records.document_record(by=self.by, person=self.person, data={"doc_type": "FMM"})
        self.assertEqual(IdentityDocument.objects.count(), 0)
        with (
            audit_fails(DatabaseError("x")),
            self.assertRaises(DatabaseError),
        ):
            records.return_record(by=self.by, person=self.person, data=a_return())
        self.assertEqual(ReturnEvent.objects.count(), 0)

    def test_documents_get_an_expiry_state(self) -> None:
        today = datetime.date(2025, 6, 1)

        def doc(expires: datetime.date | None) -> IdentityDocument:
            return IdentityDocument(doc_type="FMM", expires_on=expires)

        lines = queries_records.documents_expiring(
            [
                doc(None),
                doc(datetime.date(2025, 12, 1)),
                doc(datetime.date(2025, 7, 1)),
                doc(datetime.date(2025, 6, 1)),
                doc(datetime.date(2025, 5, 31)),
            ],
            today,
        )
        self.assertEqual(
            [(line.state, line.days_left) for line in lines],
            [
                ("expired", -1),
                ("expiring", 0),
                ("expiring", 30),
                ("valid", 183),
                ("no_expiry", None),
            ],
        )
        self.assertTrue(lines[0].is_expired)
        self.assertTrue(lines[2].is_expiring)


class ConsentTest(RecordsTestCase):
    def record(self, purpose: str, **kwargs: object) -> Consent:
        kwargs.setdefault("given_by", "self")
        kwargs.setdefault("language", "spa")
        return records.consent_record(
            by=self.by,
            person=self.person,
            purpose=purpose,
            **kwargs,  # type: ignore[arg-type]
        )

    def test_a_missing_consent_is_refused_with_a_sentence_that_names_the_purpose(self) -> None:
        with translation.override("en"), self.assertRaises(records.ConsentMissing) as caught:
            records.consent_require(self.person, "reminders")
        self.assertEqual(caught.exception.purpose, "reminders")
        with translation.override("en"):
            self.assertEqual(
                str(caught.exception),
                "There is no active consent from this person for contact for reminders; "
                "record it before going on.",
            )
        self.assertFalse(records.has_consent(self.person, "reminders"))

    def test_revocation_takes_effect_at_once(self) -> None:
        consent = self.record("reminders")
        self.assertEqual(records.consent_require(self.person, "reminders"), consent)
        revoked = records.consent_revoke(by=self.cast.legal, consent=consent)
        self.assertIsNotNone(revoked.revoked_at)
        self.assertEqual(revoked.revoked_by, self.cast.legal)
        self.assertFalse(revoked.is_active)
        self.assertFalse(records.has_consent(self.person, "reminders"))
        with self.assertRaises(records.ConsentMissing):
            records.consent_require(self.person, "reminders")
        event = AuditEvent.objects.filter(action="update").latest("sequence")
        self.assertEqual(event.fields, ["revoked_at", "revoked_by"])
        records.consent_revoke(by=self.by, consent=consent)  # again: nothing happens
        self.assertEqual(AuditEvent.objects.filter(action="update").count(), 1)
        # A new consent can be given after a revocation.
        self.assertNotEqual(self.record("reminders").pk, consent.pk)

    def test_sharing_needs_the_named_recipient(self) -> None:
        self.assertEqual(
            self.refused(self.record, "sharing", recipient="  "), {"recipient": ["required"]}
        )
        consent = self.record("sharing", recipient="Clínica Jurídica B")
        self.assertEqual(
            records.consent_require(self.person, "sharing", recipient="clinica juridica b"),
            consent,
        )
        self.assertFalse(records.has_consent(self.person, "sharing", recipient="Otra Red"))
        with translation.override("en"), self.assertRaises(records.ConsentMissing) as caught:
            records.consent_require(self.person, "sharing", recipient="Otra Red")
        with translation.override("en"):
            self.assertIn("sharing their data with Otra Red", str(caught.exception))
        with self.assertRaises(ValueError):
            records.consent_require(self.person, "sharing")
        # A recipient typed for another purpose is not kept.
        self.assertEqual(self.record("statistics", recipient="Nadie").recipient, "")

    def test_recording_an_active_purpose_again_returns_the_existing_consent(self) -> None:
        first = self.record("registration")
        again = self.record("registration", language="eng")
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(Consent.objects.count(), 1)
        self.assertEqual(len(self.created_events(Consent)), 1)
        [event] = self.created_events(Consent)
        self.assertEqual(event.fields, ["given_at", "given_by", "language", "purpose"])

    def test_impossible_consents_are_refused(self) -> None:
        future = timezone.now() + datetime.timedelta(hours=1)
        self.assertEqual(
            self.refused(self.record, "testimony", given_at=future), {"given_at": ["future"]}
        )
        self.assertEqual(
            self.refused(self.record, "testimony", given_by="caregiver"), {"given_by": ["adult"]}
        )
        self.assertIn("language", self.refused(self.record, "testimony", language="12"))
        self.assertIn("purpose", self.refused(self.record, "marketing"))
        self.assertEqual(Consent.objects.count(), 0)


class SafeguardTest(RecordsTestCase):
    def test_a_safeguard_is_recorded_once_then_updated(self) -> None:
        check = records.safeguard_record(
            by=self.by,
            person=self.person,
            item="informed_of_status",
            done_on=datetime.date(2024, 5, 2),
        )
        again = records.safeguard_record(
            by=self.cast.legal,
            person=self.person,
            item="informed_of_status",
            done_on=datetime.date(2024, 5, 3),
            note="Con intérprete",
        )
        self.assertEqual(again.pk, check.pk)
        again.refresh_from_db()
        self.assertEqual(
            (again.done_on, again.modified_by), (datetime.date(2024, 5, 3), self.cast.legal)
        )
        event = AuditEvent.objects.filter(action="update").latest("sequence")
        self.assertEqual(event.fields, ["done_on", "note"])
        tomorrow = timezone.localdate(timezone=TIJUANA) + datetime.timedelta(days=2)
        self.assertEqual(
            self.refused(
                records.safeguard_record,
                by=self.by,
                person=self.person,
                item="referrals_made",
                done_on=tomorrow,
            ),
            {"done_on": ["future"]},
        )
        self.assertIn(
            "item",
            self.refused(
                records.safeguard_record,
                by=self.by,
                person=self.person,
                item="bogus",
                done_on=datetime.date(2024, 5, 3),
            ),
        )

    def test_the_status_lists_the_five_items_for_everyone_with_omissions(self) -> None:
        records.safeguard_record(
            by=self.by, person=self.person, item="referrals_made", done_on=datetime.date(2024, 1, 1)
        )
        status = queries_records.safeguard_status(self.person)
        self.assertEqual(
            [line.item for line in status],
            [
                "informed_of_status",
                "migration_document",
                "screening_done",
                "us_case_information",
                "referrals_made",
            ],
        )
        self.assertEqual([line.is_omission for line in status], [True, True, True, True, False])
        self.assertEqual(status[4].check.created_by, self.by)  # type: ignore[union-attr]

    def test_omissions_are_counted_per_item_in_one_query(self) -> None:
        second = make_person(self.cast.org, self.by, given_names="Beto")
        make_person(self.cast.org, self.by, given_names="Carla")
        make_person(self.cast.other_org, self.cast.outsider, given_names="Fuera")
        day = datetime.date(2024, 1, 1)
        for person in (self.person, second):
            records.safeguard_record(
                by=self.by, person=person, item="informed_of_status", done_on=day
            )
        records.safeguard_record(by=self.by, person=second, item="referrals_made", done_on=day)
        with self.assertNumQueries(1):
            counts = queries_records.omission_counts()
        self.assertEqual(
            counts,
            {
                "informed_of_status": 1,
                "migration_document": 3,
                "screening_done": 3,
                "us_case_information": 3,
                "referrals_made": 2,
                # Only for children of school age and people with a disability: none here.
                "child_schooling": 0,
                "disability_accommodation": 0,
            },
        )
