"""Access to rights (issue 17 §3), through the services and queries (not the pages nor the API):
each record an observation never edited, the latest the current state; the ages each right
applies to; the barrier and its cause; the right's own facts, typed and encrypted; audited with
field names only; the glance, a valid work document, and the schooling of a family's children.

A Honduran family at a shelter in Tijuana: Dania Marisol (35), her son Josué Efraín (9), her
daughter Ángela Sofía (4), her nephew Kevin Andrés (16) and her niece Dulce María (2).
"""

import datetime
from typing import Any

import time_machine
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.test import TestCase
from django.utils import translation

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, InOrganizationScope, audit_fails, make_person, raw
from salvaguarda.people.models import Person
from salvaguarda.people.services import records as people_records
from salvaguarda.people.services.persons import Arrival, MemberData, household_register
from salvaguarda.referrals.rights import queries, services
from salvaguarda.referrals.rights.models import RightRecord

# 09:30 in Tijuana, 11:30 in Mexico City: the same day everywhere.
NOW = datetime.datetime(2026, 11, 3, 17, 30, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 3)
SCHOOL = "Escuela Primaria Benito Juárez García"
TABLE = "referrals_rightrecord"


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@time_machine.travel(NOW, tick=False)
class RightsCase(InOrganizationScope, TestCase):
    """The family, registered at the shelter of cast.org."""

    mother: Person
    josue: Person
    angela: Person
    kevin: Person
    dulce: Person

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        members = [
            ("Dania Marisol", "head", "female", "1991-05-20"),
            ("Josué Efraín", "child", "male", "2017-06-08"),
            ("Ángela Sofía", "child", "female", "2022-01-15"),
            ("Kevin Andrés", "nibling", "male", "2010-03-02"),
            ("Dulce María", "nibling", "female", "2024-07-01"),
        ]
        with organization_scope(cls.cast.org.pk):
            household = household_register(
                by=cls.cast.caseworker,
                members=[
                    MemberData(
                        {
                            "given_names": given,
                            "first_surname": "Hernández",
                            "second_surname": "Ávila",
                            "relationship": relationship,
                            "sex": sex,
                            "date_of_birth": day(born),
                            "nationality": "HND",
                            "preferred_language": "spa",
                        }
                    )
                    for given, relationship, sex, born in members
                ],
                arrival=Arrival(city="tijuana", consent_given=True),
            )
            cls.mother, cls.josue, cls.angela, cls.kevin, cls.dulce = household.members.order_by(
                "id"
            )

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def record(self, person: Person | None = None, **data: Any) -> RightRecord:
        data.setdefault("right", "health")
        data.setdefault("state", "access")
        return services.right_record(
            by=self.cast.caseworker, person=person or self.mother, data=data
        )

    def refused(self, person: Person | None = None, **data: Any) -> dict[str, list[str]]:
        """The errors of a refused record, by field; and nothing was saved or audited."""
        records, events = RightRecord.unscoped.count(), AuditEvent.objects.count()
        with self.assertRaises(ValidationError) as caught:
            self.record(person, **data)
        self.assertEqual(RightRecord.unscoped.count(), records)
        self.assertEqual(AuditEvent.objects.count(), events)
        return caught.exception.message_dict

    def codes(self, person: Person | None = None, **data: Any) -> dict[str, list[str]]:
        with self.assertRaises(ValidationError) as caught:
            self.record(person, **data)
        return {
            field: [error.code or "" for error in errors]
            for field, errors in caught.exception.error_dict.items()
        }


class HistoryTest(RightsCase):
    def test_each_observation_is_kept_and_never_edited(self) -> None:
        first = self.record(
            self.josue,
            right="school",
            state="barrier",
            barrier="document_asked",
            as_of=day("2026-08-24"),
            note="Le pidieron el acta de nacimiento apostillada.",
        )
        second = self.record(
            self.josue,
            right="school",
            state="access",
            as_of=day("2026-09-14"),
            details={"school": SCHOOL, "grade": "4.º de primaria", "since": day("2026-09-14")},
        )
        self.assertNotEqual(first.pk, second.pk)
        first.refresh_from_db()
        self.assertEqual((first.state, first.barrier), ("barrier", "document_asked"))
        self.assertEqual(first.note, "Le pidieron el acta de nacimiento apostillada.")
        self.assertIsNone(first.details)
        self.assertEqual(first.modified_at, first.created_at)
        history = queries.right_history(self.josue, "school")
        self.assertEqual([r.pk for r in history], [second.pk, first.pk])
        self.assertEqual(history[0].recorded_by, self.cast.caseworker.full_name)

    def test_the_latest_is_the_latest_day_then_the_latest_recorded(self) -> None:
        later_day = self.record(right="health", state="pending", as_of=day("2026-10-20"))
        # Recorded afterwards, but of an earlier day: history, not the current state.
        self.record(right="health", state="barrier", barrier="fee", as_of=day("2026-10-01"))
        [health] = [
            line for line in queries.rights_glance(self.mother, TODAY) if line.right == "health"
        ]
        self.assertEqual(health.latest, later_day)
        same_day = self.record(right="health", state="access", as_of=day("2026-10-20"))
        [health] = [
            line for line in queries.rights_glance(self.mother, TODAY) if line.right == "health"
        ]
        self.assertEqual((health.latest, health.state), (same_day, "access"))
        self.assertEqual(
            [r.pk for r in queries.right_history(self.mother, "health")][:2],
            [same_day.pk, later_day.pk],
        )

    def test_the_history_of_one_right_holds_only_that_persons_records_of_it(self) -> None:
        own = self.record(right="mental_health", state="pending")
        self.record(right="health", state="access")
        self.record(self.kevin, right="mental_health", state="access")
        self.assertEqual(queries.right_history(self.mother, "mental_health"), [own])

    def test_an_empty_day_is_today_in_the_organizations_time_zone(self) -> None:
        self.assertEqual(self.record().as_of, TODAY)
        # 22:30 of 3 November in Tijuana is already 4 November in Mexico City and in UTC.
        with time_machine.travel(datetime.datetime(2026, 11, 4, 6, 30, tzinfo=datetime.UTC)):
            # (a note of its own: the same record twice on a day is refused as sent twice)
            self.assertEqual(self.record(note="más tarde").as_of, TODAY)
            self.assertEqual(self.codes(as_of=day("2026-11-04")), {"as_of": ["future"]})


class TwiceTest(RightsCase):
    def test_the_same_record_sent_twice_is_refused(self) -> None:
        self.record(right="health", state="access", details={"affiliated": True})
        errors = self.refused(right="health", state="access", details={"affiliated": True})
        self.assertEqual(list(errors), ["right"])
        # Something new about the same day is a record of its own.
        self.record(right="health", state="access", details={"affiliated": False})


class BarrierTest(RightsCase):
    def test_a_barrier_names_its_cause(self) -> None:
        for barrier in ("", "weather"):
            with self.subTest(barrier=barrier):
                errors = self.refused(right="health", state="barrier", barrier=barrier)
                self.assertEqual(list(errors), ["barrier"])
        for cause in (
            "document_asked",
            "fee",
            "discrimination",
            "no_place",
            "language",
            "distance",
        ):
            with self.subTest(cause=cause):
                record = self.record(right="health", state="barrier", barrier=cause)
                record.refresh_from_db()
                self.assertEqual(record.barrier, cause)

    def test_a_barrier_is_dropped_unless_the_state_is_a_barrier(self) -> None:
        for state in ("access", "pending", "not_needed"):
            with self.subTest(state=state):
                record = self.record(right="health", state=state, barrier="fee")
                record.refresh_from_db()
                self.assertEqual(record.barrier, "")

    def test_another_barrier_needs_a_note_saying_what_it_was(self) -> None:
        for note in ("", "   "):
            with self.subTest(note=note):
                errors = self.refused(state="barrier", barrier="other", note=note)
                self.assertEqual(list(errors), ["note"])
        record = self.record(
            state="barrier", barrier="other", note="La clínica estaba cerrada por obras."
        )
        self.assertEqual(record.barrier, "other")

    def test_an_unknown_right_or_state_is_refused(self) -> None:
        self.assertEqual(set(self.refused(right="housing")), {"right"})
        self.assertEqual(set(self.refused(state="maybe")), {"state"})
        self.assertEqual(set(self.refused(right="", state="")), {"right", "state"})


class AgesTest(RightsCase):
    def test_school_is_for_children_from_3_to_17(self) -> None:
        for child in (self.josue, self.angela, self.kevin):
            with self.subTest(child=child.given_names):
                self.assertEqual(self.record(child, right="school").right, "school")
        for person in (self.mother, self.dulce):
            with self.subTest(person=person.given_names):
                self.assertEqual(self.codes(person, right="school"), {"right": ["not_applicable"]})
                self.refused(person, right="school")

    def test_the_age_is_the_one_on_the_day_observed(self) -> None:
        # Kevin turned 16 in March. Dulce turns 3 in July 2027: school counts her 3 all 2027
        # (SEP counts the age at 31 December), 2 in 2026.
        self.assertEqual(
            self.record(self.kevin, right="work", as_of=day("2026-03-02")).right, "work"
        )
        self.assertEqual(
            self.codes(self.kevin, right="work", as_of=day("2025-03-01")),
            {"right": ["not_applicable"]},
        )
        with time_machine.travel(datetime.datetime(2027, 7, 1, 18, tzinfo=datetime.UTC)):
            self.assertEqual(self.record(self.dulce, right="school").as_of, day("2027-07-01"))
            self.assertEqual(
                self.record(self.dulce, right="school", as_of=day("2027-01-02")).as_of,
                day("2027-01-02"),
            )
            self.assertEqual(
                self.codes(self.dulce, right="school", as_of=day("2026-12-31")),
                {"right": ["not_applicable"]},
            )

    def test_work_is_recorded_from_15(self) -> None:
        for child in (self.josue, self.angela):
            with self.subTest(child=child.given_names):
                self.assertEqual(self.codes(child, right="work"), {"right": ["not_applicable"]})
        self.assertEqual(self.record(self.kevin, right="work", state="not_needed").right, "work")
        self.assertEqual(
            self.record(right="work", details={"working": True}).details, {"working": True}
        )

    def test_health_mental_health_and_gbv_services_are_for_everyone(self) -> None:
        for person in (self.dulce, self.mother):
            for right in ("health", "mental_health", "gbv"):
                with self.subTest(person=person.given_names, right=right):
                    self.assertEqual(self.record(person, right=right).right, right)

    def test_a_person_of_unknown_age_is_asked_about_every_right(self) -> None:
        unknown = make_person(self.cast.org, self.cast.caseworker, given_names="Yésica")
        for right in ("school", "work"):
            with self.subTest(right=right):
                self.assertEqual(self.record(unknown, right=right).right, right)

    def test_the_day_is_neither_in_the_future_nor_before_birth(self) -> None:
        self.assertEqual(
            self.codes(self.josue, as_of=TODAY + datetime.timedelta(days=1)), {"as_of": ["future"]}
        )
        self.assertIn("before_birth", self.codes(self.josue, as_of=day("2017-06-07"))["as_of"])
        self.refused(self.josue, as_of=day("2017-06-07"))
        self.assertEqual(self.record(self.josue, as_of=day("2017-06-08")).as_of, day("2017-06-08"))

    def test_a_day_that_is_not_a_date_is_refused_as_invalid(self) -> None:
        # Defect: `services.right_record` refuses any `as_of` that is not a `date` with the
        # message "This date cannot be in the future." (code "future"), even "el lunes" or a
        # past day given as text ("2026-10-01", which the date facts accept).
        self.assertEqual(self.codes(as_of="el lunes"), {"as_of": ["invalid"]})


class DetailsTest(RightsCase):
    def test_the_facts_of_each_right_are_kept_typed(self) -> None:
        health = self.record(
            right="health",
            details={
                "affiliated": True,
                "place": "Centro de Salud Sánchez Taboada",
                "last_attention": "2026-10-28",
            },
        )
        health.refresh_from_db()
        self.assertEqual(
            health.details,
            {
                "affiliated": True,
                "place": "Centro de Salud Sánchez Taboada",
                "last_attention": "2026-10-28",
            },
        )
        school = self.record(
            self.josue, right="school", details={"school": f"  {SCHOOL} ", "since": TODAY}
        )
        school.refresh_from_db()
        self.assertEqual(school.details, {"school": SCHOOL, "since": "2026-11-03"})
        not_working = self.record(self.kevin, right="work", details={"working": False})
        not_working.refresh_from_db()
        self.assertEqual(not_working.details, {"working": False})

    def test_a_fact_another_right_has_is_refused(self) -> None:
        self.assertEqual(
            self.codes(right="health", details={"school": SCHOOL}), {"school": ["unknown"]}
        )
        self.assertEqual(
            self.codes(right="work", details={"affiliated": True}), {"affiliated": ["unknown"]}
        )
        self.assertEqual(self.codes(right="gbv", details={"nombre": "x"}), {"nombre": ["unknown"]})
        self.refused(right="health", details={"place": "Clínica", "school": SCHOOL})

    def test_a_yes_no_fact_takes_true_or_false_only(self) -> None:
        for value in ("yes", "true", 1, "sí"):
            with self.subTest(value=value):
                self.assertEqual(
                    self.codes(right="health", details={"affiliated": value}),
                    {"affiliated": ["invalid"]},
                )

    def test_a_date_fact_is_a_real_day_not_in_the_future(self) -> None:
        for value, code in (
            ("2026-02-30", "invalid"),
            ("28/10/2026", "invalid"),
            (20261028, "invalid"),
            ("2026-11-04", "future"),
            (TODAY + datetime.timedelta(days=30), "future"),
        ):
            with self.subTest(value=value):
                self.assertEqual(
                    self.codes(right="health", details={"last_attention": value}),
                    {"last_attention": [code]},
                )
                self.refused(right="health", details={"last_attention": value})

    def test_a_text_fact_has_a_limit(self) -> None:
        errors = self.refused(self.josue, right="school", details={"school": "E" * 201})
        self.assertEqual(list(errors), ["school"])
        self.assertEqual(
            self.record(self.josue, right="school", details={"school": "E" * 200}).details,
            {"school": "E" * 200},
        )

    def test_a_text_fact_given_true_or_a_number_is_refused(self) -> None:
        # Defect: `services._details` keeps `str(value)` for a text fact whatever its type, so
        # a school given as true is stored as the school "True" (and 4 as "4").
        self.assertEqual(
            set(self.codes(self.josue, right="school", details={"school": True})), {"school"}
        )

    def test_empty_facts_are_left_out(self) -> None:
        record = self.record(
            right="health", details={"place": "  ", "last_attention": "", "affiliated": None}
        )
        record.refresh_from_db()
        self.assertIsNone(record.details)

    def test_a_note_has_a_limit_and_loses_its_nul_characters(self) -> None:
        self.assertEqual(list(self.refused(note="n" * 1001)), ["note"])
        self.assertEqual(self.record(note="Sin\x00 seguro ").note, "Sin seguro")

    def test_every_error_is_given_at_once(self) -> None:
        errors = self.codes(
            self.mother,
            right="school",
            state="barrier",
            barrier="",
            details={"grade": "3.º", "affiliated": "sí"},
            note="n" * 1001,
        )
        self.assertEqual(
            errors,
            {
                "right": ["not_applicable"],
                "barrier": ["required"],
                "affiliated": ["unknown"],
                "note": ["max"],
            },
        )


class SecrecyTest(RightsCase):
    def test_the_school_clinic_and_note_are_encrypted_and_the_state_is_plain(self) -> None:
        record = self.record(
            self.josue,
            right="school",
            state="barrier",
            barrier="discrimination",
            details={"school": SCHOOL, "grade": "4.º de primaria"},
            note="La directora dijo que no aceptan niños hondureños.",
        )
        details = raw(TABLE, "details", record.pk)
        note = raw(TABLE, "note", record.pk)
        for plain in ("Benito", "Juárez", "Ju\\u00e1rez", "primaria", "school"):
            self.assertNotIn(plain, details)
        self.assertNotIn("hondureños", note)
        self.assertNotIn("directora", note)
        self.assertEqual(raw(TABLE, "state", record.pk), "barrier")
        self.assertEqual(raw(TABLE, "barrier", record.pk), "discrimination")

    def test_the_audit_names_the_fields_set_never_their_values(self) -> None:
        record = self.record(
            self.josue,
            right="school",
            state="barrier",
            barrier="language",
            details={"school": SCHOOL},
            note="Solo hablan inglés en la oficina.",
        )
        event = AuditEvent.objects.get(object_uuid=record.uuid)
        self.assertEqual(event.action, "create")
        self.assertEqual(event.actor, self.cast.caseworker)
        self.assertEqual(event.organization_id, self.cast.org.pk)
        self.assertEqual(
            sorted(event.fields), ["as_of", "barrier", "details", "note", "right", "state"]
        )
        written = f"{event.fields} {event.detail}"
        for value in ("Benito", "inglés", "language", str(self.josue.uuid)):
            self.assertNotIn(value, written)

    def test_nothing_is_saved_when_the_audit_fails(self) -> None:
        with audit_fails(DatabaseError("audit down")), self.assertRaises(DatabaseError):
            self.record(self.josue, right="school", details={"school": SCHOOL})
        self.assertFalse(RightRecord.unscoped.exists())

    def test_another_organization_sees_none_of_them(self) -> None:
        self.record(right="gbv", state="pending")
        with organization_scope(self.cast.other_org.pk):
            self.assertEqual(queries.right_history(self.mother, "gbv"), [])
            self.assertEqual(
                [line.latest for line in queries.rights_glance(self.mother, TODAY)],
                [None, None, None],
            )


class GlanceTest(RightsCase):
    def rights(self, person: Person) -> list[str]:
        return [line.right for line in queries.rights_glance(person, TODAY)]

    def test_each_person_sees_the_rights_that_apply_to_them(self) -> None:
        self.assertEqual(self.rights(self.mother), ["health", "work", "mental_health"])
        self.assertEqual(self.rights(self.kevin), ["health", "school", "work", "mental_health"])
        self.assertEqual(self.rights(self.josue), ["health", "school", "mental_health"])
        self.assertEqual(self.rights(self.dulce), ["health", "mental_health"])

    def test_gbv_services_appear_once_something_is_recorded(self) -> None:
        record = self.record(
            right="gbv", state="access", details={"place": "Centro de Justicia para las Mujeres"}
        )
        [gbv] = [line for line in queries.rights_glance(self.mother, TODAY) if line.right == "gbv"]
        self.assertEqual((gbv.latest, gbv.state), (record, "access"))
        self.assertEqual(
            gbv.facts, [("Where they receive care", "Centro de Justicia para las Mujeres")]
        )
        self.assertNotIn("gbv", self.rights(self.angela))

    def test_a_right_recorded_when_it_applied_stays_in_view(self) -> None:
        self.record(self.kevin, right="school", as_of=day("2026-09-01"))
        with time_machine.travel(datetime.datetime(2028, 5, 1, 18, tzinfo=datetime.UTC)):
            self.assertIn("school", self.rights(self.kevin))

    def test_nothing_recorded_shows_an_empty_line(self) -> None:
        [health, *_rest] = queries.rights_glance(self.mother, TODAY)
        self.assertEqual(
            (health.right, health.state, health.latest, health.facts), ("health", "", None, [])
        )
        self.assertEqual(health.label, "Health care")

    def test_the_facts_are_labelled_and_shown_in_order(self) -> None:
        self.record(
            right="health",
            details={
                "last_attention": "2026-10-28",
                "affiliated": False,
                "place": "Hospital General",
            },
        )
        [health] = [
            line for line in queries.rights_glance(self.mother, TODAY) if line.right == "health"
        ]
        self.assertEqual(
            health.facts,
            [
                ("Affiliated to IMSS-Bienestar", "No"),
                ("Where they receive care", "Hospital General"),
                # In the language's short date format (English here: month first).
                ("Last health visit", "10/28/2026"),
            ],
        )

    def test_the_glance_reads_in_a_bounded_number_of_queries(self) -> None:
        for right in ("health", "work", "mental_health", "gbv"):
            self.record(right=right)
            self.record(right=right, as_of=day("2026-01-05"))
        with self.assertNumQueries(1):
            lines = queries.rights_glance(self.mother, TODAY)
        self.assertEqual(len(lines), 4)


class WorkDocumentTest(RightsCase):
    def document(self, doc_type: str, number: str, expires_on: str | None) -> Any:
        return people_records.document_record(
            by=self.cast.caseworker,
            person=self.mother,
            data={
                "doc_type": doc_type,
                "number": number,
                "issued_on": day("2025-01-10"),
                "expires_on": day(expires_on) if expires_on else None,
            },
        )

    def test_an_expired_tvrh_does_not_allow_working(self) -> None:
        self.document("TVRH", "TVRH1234567", "2026-11-02")
        self.assertIsNone(queries.work_document(self.mother, TODAY))

    def test_a_tvrh_is_valid_until_its_last_day(self) -> None:
        tvrh = self.document("TVRH", "TVRH1234567", "2026-11-03")
        self.assertEqual(queries.work_document(self.mother, TODAY), tvrh)
        self.assertIsNone(queries.work_document(self.mother, day("2026-11-04")))

    def test_other_documents_do_not_allow_working(self) -> None:
        self.document("FMM", "FMM998877", "2027-01-01")
        self.assertIsNone(queries.work_document(self.mother, TODAY))

    def test_a_permanent_residence_card_is_preferred_to_one_that_expires(self) -> None:
        self.document("TVRH", "TVRH1234567", "2027-03-01")
        permanent = self.document("RES_PERM", "RP55443322", None)
        self.assertEqual(queries.work_document(self.mother, TODAY), permanent)

    def test_another_persons_document_does_not_count(self) -> None:
        people_records.document_record(
            by=self.cast.caseworker,
            person=self.kevin,
            data={"doc_type": "TVRH", "number": "TVRH7654321", "expires_on": day("2027-05-01")},
        )
        self.assertIsNone(queries.work_document(self.mother, TODAY))


class FamilySchoolingTest(RightsCase):
    def test_each_child_from_3_to_17_with_their_latest_school_record(self) -> None:
        self.record(
            self.josue, right="school", state="barrier", barrier="fee", as_of=day("2026-08-20")
        )
        enrolled = self.record(
            self.josue, right="school", details={"school": SCHOOL}, as_of=day("2026-09-01")
        )
        self.record(self.josue, right="health")
        rows = queries.family_schooling(self.mother, TODAY)
        self.assertEqual(
            [(row.child, row.age, row.latest) for row in rows],
            [(self.josue, 9, enrolled), (self.angela, 4, None), (self.kevin, 16, None)],
        )
        self.assertEqual(
            [row.child for row in queries.family_schooling(self.angela, TODAY)],
            [self.josue, self.angela, self.kevin],
        )

    def test_a_person_without_a_family_group_has_no_children_listed(self) -> None:
        alone = make_person(
            self.cast.org,
            self.cast.caseworker,
            given_names="Brayan",
            date_of_birth=day("2015-02-03"),
        )
        self.assertEqual(queries.family_schooling(alone, TODAY), [])
