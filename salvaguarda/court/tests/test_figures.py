"""Court figures of an organization over a period, on a small data set whose answers are known,
and the page that shows them."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, OrganizationFactory, make_person, sign_in
from salvaguarda.court.figures import court_figures
from salvaguarda.court.models import (
    Hearing,
    ImmigrationCase,
    NonRefoulementInterview,
    Representation,
)

TIJUANA = ZoneInfo("America/Tijuana")  # organization A's time zone (UTC-8, UTC-7 in summer)
START, END = datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)
RECORDED = datetime.datetime(2025, 1, 2, 18, 0, tzinfo=datetime.UTC)
Outcome = ImmigrationCase.Outcome
Attendance = Hearing.Attendance
Result = NonRefoulementInterview.Result


def day(month: int, number: int, year: int = 2025) -> datetime.date:
    return datetime.date(year, month, number)


def at(month: int, number: int, hour: int = 9, year: int = 2025) -> datetime.datetime:
    return datetime.datetime(year, month, number, hour, 0, tzinfo=TIJUANA)


class Writer:
    """Rows written straight into one organization, as a past period left them."""

    def __init__(self, org: Organization, by: User) -> None:
        self.org, self.by = org, by

    def _row(self, model: type[Any], **fields: Any) -> Any:
        with organization_scope(self.org.pk):
            return model.objects.create(
                organization_id=self.org.pk, created_by=self.by, modified_by=self.by, **fields
            )

    def case(self, **fields: Any) -> ImmigrationCase:
        person = make_person(self.org, self.by)
        return self._row(ImmigrationCase, person=person, court="SDI", **fields)

    def represent(
        self, case: ImmigrationCase, since: datetime.date, until: datetime.date | None = None
    ) -> Representation:
        return self._row(
            Representation,
            case=case,
            kind=Representation.Kind.ATTORNEY,
            representative="Lic. Ruiz",
            since=since,
            until=until,
        )

    def hearing(
        self, case: ImmigrationCase, starts_at: datetime.datetime, **fields: Any
    ) -> Hearing:
        fields.setdefault("kind", Hearing.Kind.MASTER)
        return self._row(Hearing, case=case, court=case.court, starts_at=starts_at, **fields)

    def interview(self, case: ImmigrationCase, on: datetime.date, result: str) -> None:
        self._row(NonRefoulementInterview, case=case, interviewed_on=on, result=result)


class CourtFiguresTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        write = Writer(cls.cast.org, cls.cast.legal)
        with time_machine.travel(RECORDED, tick=False):
            represented = write.case(outcome=Outcome.PENDING)
            write.represent(represented, since=day(3, 1))
            lapsed = write.case(outcome=Outcome.PENDING)
            write.represent(lapsed, since=day(2, 1), until=day(5, 1))
            write.case(lead_case=represented)  # rides on a represented case
            write.case(outcome=Outcome.REMOVAL_ORDER, in_absentia=True, outcome_on=day(4, 10))
            write.case(outcome=Outcome.REMOVAL_ORDER, outcome_on=day(7, 15))  # after: still open
            write.case(
                outcome=Outcome.RELIEF_GRANTED,
                relief_granted=ImmigrationCase.Relief.ASYLUM,
                outcome_on=day(2, 1),
            )
            gone = write.case(outcome=Outcome.REMOVAL_ORDER, in_absentia=True, outcome_on=day(4, 1))
            ImmigrationCase.unscoped.filter(pk=gone.pk).update(deleted_at=RECORDED)
            write.hearing(gone, at(3, 3), attendance=Attendance.MISSED)
            write.interview(gone, day(3, 3), Result.POSITIVE)
        with time_machine.travel(datetime.datetime(2025, 8, 1, tzinfo=datetime.UTC)):
            write.case(outcome=Outcome.PENDING)  # recorded after the period

        case = represented
        write.hearing(case, at(3, 10), attendance=Attendance.ATTENDED)
        missed = {"attendance": Attendance.MISSED}
        write.hearing(case, at(4, 1), **missed, missed_reason=Hearing.MissedReason.NO_TRANSPORT)
        write.hearing(case, at(4, 10), **missed, missed_reason=Hearing.MissedReason.INSECURITY)
        write.hearing(case, at(5, 1), attendance=Attendance.RESCHEDULED)
        write.hearing(case, at(5, 2), attendance=Attendance.CONTINUED)
        write.hearing(case, at(5, 3))  # nothing recorded yet
        write.hearing(case, at(5, 4), status=Hearing.Status.CANCELLED)
        # The last and first hours in Tijuana: inside on its last day, outside the day after
        # (both are 1 July in UTC), and outside the evening before its first day (1 January in
        # UTC).
        write.hearing(case, at(6, 30, hour=23), attendance=Attendance.ATTENDED)
        write.hearing(case, at(7, 1, hour=0), attendance=Attendance.MISSED)
        write.hearing(case, at(12, 31, hour=23, year=2024), attendance=Attendance.MISSED)

        write.interview(case, day(2, 2), Result.POSITIVE)
        write.interview(case, day(3, 3), Result.NEGATIVE)
        write.interview(lapsed, day(5, 5), Result.NEGATIVE)
        write.interview(lapsed, day(6, 6), Result.PENDING)
        write.interview(lapsed, day(12, 1, year=2024), Result.ADMIN_CLOSED)

        theirs = Writer(cls.cast.other_org, cls.cast.outsider)
        with time_machine.travel(RECORDED, tick=False):
            other = theirs.case(
                outcome=Outcome.REMOVAL_ORDER, in_absentia=True, outcome_on=day(3, 1)
            )
        theirs.hearing(other, at(3, 1), attendance=Attendance.MISSED)
        theirs.interview(other, day(3, 1), Result.NEGATIVE)

    def figures(self, org: Organization | None = None) -> Any:
        with organization_scope((org or self.cast.org).pk):
            return court_figures(start=START, end=END)

    def test_representation_counts_cases_open_at_the_end_and_riders_on_a_represented_lead(
        self,
    ) -> None:
        figures = self.figures()
        # Open: the represented, the lapsed, the rider and the order after the period.
        self.assertEqual(figures.cases_open, 4)
        self.assertEqual(figures.cases_represented, 2)  # the represented case and its rider
        self.assertEqual(figures.representation_rate, 0.5)
        self.assertEqual(figures.cases_represented_in_period, 3)  # and the lapsed one

    def test_hearings_by_attendance_in_the_organizations_days(self) -> None:
        figures = self.figures()
        self.assertEqual(
            dict(figures.attendance),
            {"attended": 2, "missed": 2, "rescheduled": 1, "continued": 1, "": 1},
        )
        self.assertEqual(figures.hearings, 7)
        self.assertEqual(figures.hearings_missed, 2)
        self.assertEqual(figures.missed_rate, 0.5)  # 2 of the 4 attended or missed
        reasons = {code: n for code, n in figures.missed_by_reason.items() if n}
        self.assertEqual(reasons, {"no_transport": 1, "insecurity": 1})

    def test_outcomes_in_absentia_and_relief_of_the_period(self) -> None:
        figures = self.figures()
        outcomes = {code: n for code, n in figures.outcomes.items() if n}
        self.assertEqual(outcomes, {"removal_order": 1, "relief_granted": 1})
        self.assertEqual(set(figures.outcomes), set(Outcome.values))
        self.assertEqual((figures.removal_orders, figures.in_absentia_orders), (1, 1))
        self.assertEqual(figures.in_absentia_rate, 1.0)
        self.assertEqual({c: n for c, n in figures.relief_granted.items() if n}, {"asylum": 1})

    def test_interviews_by_result(self) -> None:
        self.assertEqual(
            dict(self.figures().interviews),
            {"": 1, "positive": 1, "negative": 2, "administratively_closed": 0},
        )

    def test_another_organization_counts_only_its_own(self) -> None:
        figures = self.figures(self.cast.other_org)
        self.assertEqual((figures.cases_open, figures.removal_orders), (0, 1))
        self.assertEqual(figures.in_absentia_rate, 1.0)
        self.assertEqual((figures.hearings, figures.hearings_missed), (1, 1))
        self.assertEqual(figures.interviews["negative"], 1)

    def test_an_organization_without_cases_has_no_rates(self) -> None:
        empty = OrganizationFactory()
        figures = self.figures(empty)
        self.assertEqual((figures.cases_open, figures.hearings), (0, 0))
        self.assertIsNone(figures.representation_rate)
        self.assertIsNone(figures.missed_rate)
        self.assertIsNone(figures.in_absentia_rate)

    def test_the_figures_take_four_queries_whatever_the_data(self) -> None:
        with organization_scope(self.cast.org.pk), self.assertNumQueries(4):
            court_figures(start=START, end=END)

    def test_the_figures_need_an_organization_scope(self) -> None:
        with pytest.raises(RuntimeError):
            court_figures(start=START, end=END)
        with organization_scope(self.cast.org.pk), pytest.raises(ValueError):
            court_figures(start=END, end=START)


@time_machine.travel(datetime.datetime(2025, 6, 30, 12, 0, tzinfo=datetime.UTC), tick=False)
class FiguresPageTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        ours = Writer(cls.cast.org, cls.cast.legal)
        with time_machine.travel(RECORDED, tick=False):
            ours.case(outcome=Outcome.PENDING)
            ours.case(outcome=Outcome.PENDING)
        theirs = Writer(cls.cast.other_org, cls.cast.outsider)
        with time_machine.travel(RECORDED, tick=False):
            theirs.case(outcome=Outcome.REMOVAL_ORDER, in_absentia=True, outcome_on=day(3, 1))

    def get(self, user: User, **query: str) -> Any:
        return sign_in(self.client_class(), user).get(reverse("court:figures"), query)

    def test_an_analyst_sees_this_year_so_far_without_an_audit_entry(self) -> None:
        before = AuditEvent.objects.count()
        response = self.get(self.cast.analyst)
        self.assertEqual(response.status_code, 200)
        figures = response.context["figures"]
        self.assertEqual((figures.start, figures.end), (START, END))
        self.assertEqual(figures.cases_open, 2)
        self.assertContains(response, 'data-testid="figures-representation"')
        self.assertEqual(len(response.context["attendance"]), len(Attendance.values))
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_the_outsider_sees_the_numbers_of_their_own_organization(self) -> None:
        response = self.get(self.cast.outsider, start="2025-01-01", end="2025-06-30")
        figures = response.context["figures"]
        self.assertEqual((figures.cases_open, figures.removal_orders), (0, 1))
        self.assertEqual(response.context["in_absentia_percent"], 100.0)

    def test_every_role_of_the_organization_sees_the_same_figures(self) -> None:
        for user in (self.cast.caseworker, self.cast.legal, self.cast.coordinator):
            response = self.get(user)
            self.assertEqual(response.context["figures"].cases_open, 2)

    def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(self) -> None:
        response = self.get(self.cast.analyst, start="2025-06-30", end="2025-01-01")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("figures", response.context)
        self.assertContains(response, "El periodo termina antes de empezar.")
        response = self.get(self.cast.analyst, start="0001-01-01", end="2025-01-01")
        self.assertNotIn("figures", response.context)
        self.assertContains(response, "Elija una fecha entre")
