import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import Cast, InOrganizationScope, make_person
from salvaguarda.court import services, times
from salvaguarda.court.models import Hearing, HearingChange, ImmigrationCase
from salvaguarda.court.tests.factories import make_case, make_hearing

CHICAGO = ZoneInfo("America/Chicago")
TIJUANA = ZoneInfo("America/Tijuana")
NOW = datetime.datetime(2026, 2, 2, 18, 0, tzinfo=datetime.UTC)


def wall(*parts: int) -> datetime.datetime:
    """A date and time as a clock on the wall shows it (no zone yet)."""
    return datetime.datetime.combine(datetime.date(*parts[:3]), datetime.time(*parts[3:]))


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


@time_machine.travel(NOW, tick=False)
class CaseTest(InOrganizationScope, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_it_opens_a_case_and_keeps_the_a_number_on_the_person(self) -> None:
        person = make_person(self.cast.org, self.cast.caseworker)
        case = services.case_open(
            by=self.cast.legal,
            person=person,
            data={"court": "BRO_IHF", "a_number": "12345678", "relief_sought": ["cat", "asylum"]},
        )
        person.refresh_from_db()
        self.assertEqual(person.a_number, "012345678")
        self.assertEqual(case.relief_sought, ["asylum", "cat"])
        self.assertEqual(case.outcome, ImmigrationCase.Outcome.PENDING_FIRST_HEARING)
        entry = AuditEvent.objects.filter(object_uuid=case.uuid).get()
        self.assertEqual(entry.action, "create")
        self.assertNotIn("012345678", str(entry.detail) + str(entry.fields))

    def test_it_refuses_an_unknown_court_and_a_second_case(self) -> None:
        person = make_person(self.cast.org, self.cast.caseworker)
        with pytest.raises(ValidationError) as refused:
            services.case_open(by=self.cast.legal, person=person, data={"court": "XYZ"})
        self.assertIn("court", errors_of(refused))
        self.assertFalse(ImmigrationCase.objects.exists())
        services.case_open(by=self.cast.legal, person=person, data={"court": "SDI"})
        with pytest.raises(ValidationError) as again:
            services.case_open(by=self.cast.legal, person=person, data={"court": "SDI"})
        self.assertIn("person", errors_of(again))

    def test_an_outcome_needs_its_date_and_only_a_removal_order_is_in_absentia(self) -> None:
        case = make_case(self.cast.org, self.cast.legal)
        with pytest.raises(ValidationError) as refused:
            services.case_update(
                by=self.cast.legal,
                case=case,
                data={"outcome": "terminated", "in_absentia": True},
            )
        self.assertEqual(set(errors_of(refused)), {"outcome_on", "in_absentia"})
        services.case_update(
            by=self.cast.legal,
            case=case,
            data={
                "outcome": "removal_order",
                "in_absentia": True,
                "outcome_on": datetime.date(2026, 1, 15),
            },
        )
        case.refresh_from_db()
        self.assertTrue(case.in_absentia)

    def test_a_wrong_a_number_saves_nothing(self) -> None:
        person = make_person(self.cast.org, self.cast.caseworker)
        with pytest.raises(ValidationError):
            services.case_open(
                by=self.cast.legal, person=person, data={"court": "SDI", "a_number": "12"}
            )
        self.assertFalse(ImmigrationCase.objects.exists())

    def test_a_rider_cannot_lead_and_its_hearings_go_on_the_lead_case(self) -> None:
        lead = make_case(self.cast.org, self.cast.legal)
        rider = make_case(self.cast.org, self.cast.legal, lead_case=lead)
        with pytest.raises(ValidationError) as refused:
            make_case(self.cast.org, self.cast.legal, lead_case=rider)
        self.assertIn("lead_case", errors_of(refused))
        hearing = make_hearing(rider, self.cast.legal, NOW + datetime.timedelta(days=20))
        self.assertEqual(hearing.case_id, lead.pk)


@time_machine.travel(NOW, tick=False)
class HearingTest(InOrganizationScope, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        super().setUp()
        self.person = make_person(self.cast.org, self.cast.caseworker, current_city="tijuana")
        self.case = make_case(self.cast.org, self.cast.legal, person=self.person, court="BRO_IHF")

    def schedule(self, local: datetime.datetime, **data: object) -> Hearing:
        starts_at = times.court_wall_clock("BRO_IHF", local)
        return make_hearing(self.case, self.cast.legal, starts_at, **data)

    def test_a_brownsville_hearing_is_central_time_and_tijuana_sees_pacific_time(self) -> None:
        hearing = self.schedule(wall(2026, 2, 10, 9, 0))
        self.assertEqual(
            hearing.starts_at, datetime.datetime(2026, 2, 10, 15, 0, tzinfo=datetime.UTC)
        )
        in_tijuana = hearing.starts_at.astimezone(times.person_zone(self.person))
        self.assertEqual((in_tijuana.hour, in_tijuana.tzname()), (7, "PST"))
        self.assertEqual(hearing.port, "BRO")  # the court's reporting port

    def test_daylight_saving_moves_the_utc_moment_not_the_court_clock(self) -> None:
        before = self.schedule(wall(2026, 3, 6, 9, 0))
        after = self.schedule(wall(2026, 3, 9, 9, 0))
        self.assertEqual(before.starts_at.astimezone(datetime.UTC).hour, 15)  # CST, UTC-6
        self.assertEqual(after.starts_at.astimezone(datetime.UTC).hour, 14)  # CDT, UTC-5
        # Tijuana changes the same night as the U.S.: two hours apart on both sides.
        for hearing in (before, after):
            self.assertEqual(hearing.starts_at.astimezone(TIJUANA).hour, 7)
        with pytest.raises(ValueError):
            times.court_wall_clock("BRO_IHF", wall(2026, 3, 8, 2, 30))

    def test_a_past_moment_without_attendance_is_refused_and_nothing_is_saved(self) -> None:
        with pytest.raises(ValidationError) as refused:
            self.schedule(wall(2026, 1, 20, 9, 0))
        self.assertIn("starts_at", errors_of(refused))
        with pytest.raises(ValidationError) as impossible:
            self.schedule(wall(2062, 1, 20, 9, 0))
        self.assertIn("starts_at", errors_of(impossible))
        self.assertFalse(Hearing.objects.exists())
        self.assertFalse(HearingChange.objects.exists())
        past = self.schedule(wall(2026, 1, 20, 9, 0), attendance="missed")
        self.assertEqual(past.attendance, "missed")

    def test_moving_a_hearing_keeps_the_former_date_in_its_history(self) -> None:
        hearing = self.schedule(wall(2026, 2, 10, 9, 0))
        first = hearing.starts_at
        services.hearing_update(
            by=self.cast.legal,
            hearing=hearing,
            data={"starts_at": first + datetime.timedelta(days=14)},
            reason="COVID",
        )
        hearing.refresh_from_db()
        self.assertEqual(hearing.version, 2)
        moved = HearingChange.objects.get(hearing=hearing, change="moved")
        self.assertEqual(moved.previous_starts_at, first)
        self.assertEqual(moved.reason, "COVID")
        services.hearing_cancel(by=self.cast.legal, hearing=hearing, reason="")
        hearing.refresh_from_db()
        self.assertEqual(hearing.status, Hearing.Status.CANCELLED)
        self.assertEqual(
            list(HearingChange.objects.filter(hearing=hearing).values_list("change", flat=True)),
            ["cancelled", "moved", "scheduled"],
        )
        with pytest.raises(ValidationError):
            services.hearing_update(by=self.cast.legal, hearing=hearing, data={"mode": "video"})

    def test_attendance_waits_for_the_hearing_and_a_reason_goes_with_missed(self) -> None:
        hearing = self.schedule(wall(2026, 2, 10, 9, 0))
        with pytest.raises(ValidationError) as early:
            services.hearing_attendance(by=self.cast.legal, hearing=hearing, attendance="attended")
        self.assertIn("attendance", errors_of(early))
        with time_machine.travel(datetime.datetime(2026, 2, 11, tzinfo=datetime.UTC)):
            services.hearing_attendance(
                by=self.cast.legal, hearing=hearing, attendance="missed", missed_reason="illness"
            )
        hearing.refresh_from_db()
        self.assertEqual((hearing.attendance, hearing.missed_reason), ("missed", "illness"))
        self.assertTrue(HearingChange.objects.filter(hearing=hearing, change="attendance").exists())

    def test_the_report_time_must_come_before_the_hearing(self) -> None:
        with pytest.raises(ValidationError) as refused:
            self.schedule(
                wall(2026, 2, 10, 9, 0),
                report_at=datetime.datetime(2026, 2, 10, 18, 0, tzinfo=CHICAGO),
            )
        self.assertIn("report_at", errors_of(refused))
