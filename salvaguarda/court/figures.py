"""Figures of an organization's court follow-up over a period: representation, attendance,
in-absentia orders, outcomes and non-refoulement interviews (DOMAIN.md 1.2, 1.5 and 1.6).

Reads of the current organization scope only, as aggregates (counts, no rows), in a fixed
number of queries whatever the size of the organization. A period is two dates, both included,
in the organization's time zone. The evidence work reuses these functions.

Definitions:
- Every person's case counts, family members riding on a lead case included.
- A case is *open at the end* of the period when it was recorded by then and its outcome is
  not a decision (`CLOSED_OUTCOMES`) reached by then. Only a case's current outcome is kept,
  so a case decided, then reopened, counts as open; a decision without a date counts as
  reached.
- A case is *represented* on a day when a representation of its own case, or of the lead case
  it rides on, began on or before that day and had not ended before it.
- Hearings *in the period* start on one of its days and were not cancelled (a hearing moved
  counts on its new date). The missed rate is among hearings recorded as attended or missed:
  a hearing rescheduled or continued by the court, or not recorded yet, says nothing of it.
- Outcomes, removal orders and relief count the cases whose outcome date is in the period.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q

from salvaguarda.accounts.models import Organization
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.court.models import (
    Hearing,
    ImmigrationCase,
    NonRefoulementInterview,
    Representation,
)

Outcome = ImmigrationCase.Outcome
Relief = ImmigrationCase.Relief

CLOSED_OUTCOMES = frozenset(
    {
        Outcome.RELIEF_GRANTED,
        Outcome.REMOVAL_ORDER,
        Outcome.VOLUNTARY_DEPARTURE,
        Outcome.TERMINATED,
        Outcome.ADMIN_CLOSED,
    }
)
NOT_RECORDED = ""  # the key of hearings whose attendance, or of relief whose kind, is unknown


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class CourtFigures:
    """Counts of one organization over [start, end]. Mappings are keyed by the models' codes
    (every code present, zero included); `NOT_RECORDED` ("") is the key of what is unknown."""

    start: datetime.date
    end: datetime.date
    cases_open: int
    cases_represented: int  # open at the end, represented at the end
    cases_represented_in_period: int  # recorded by the end, represented some day of the period
    hearings: int
    attendance: Mapping[str, int]  # Hearing.Attendance
    missed_by_reason: Mapping[str, int]  # Hearing.MissedReason
    outcomes: Mapping[str, int]  # ImmigrationCase.Outcome
    in_absentia_orders: int
    relief_granted: Mapping[str, int]  # ImmigrationCase.Relief
    interviews: Mapping[str, int]  # NonRefoulementInterview.Result

    @property
    def representation_rate(self) -> float | None:
        """Of the cases open at the end, the share represented then (None without cases)."""
        return _rate(self.cases_represented, self.cases_open)

    @property
    def hearings_missed(self) -> int:
        return self.attendance[Hearing.Attendance.MISSED]

    @property
    def missed_rate(self) -> float | None:
        """Of the hearings recorded as attended or missed, the share missed."""
        known = self.attendance[Hearing.Attendance.ATTENDED] + self.hearings_missed
        return _rate(self.hearings_missed, known)

    @property
    def removal_orders(self) -> int:
        return self.outcomes[Outcome.REMOVAL_ORDER]

    @property
    def in_absentia_rate(self) -> float | None:
        """Of the removal orders of the period, the share ordered in absentia."""
        return _rate(self.in_absentia_orders, self.removal_orders)


def organization_zone() -> ZoneInfo:
    """The time zone of the organization in scope."""
    org_id = current_organization_id()
    if org_id is None:
        raise RuntimeError("Court figures are read inside an organization scope.")
    name = Organization.objects.filter(pk=org_id).values_list("time_zone", flat=True).get()
    return ZoneInfo(name)


def period_bounds(
    start: datetime.date, end: datetime.date, zone: ZoneInfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of `start` and the first moment after `end`, in `zone`."""
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone),
    )


def _counts(prefix: str, aggregated: dict[str, Any], codes: list[str]) -> dict[str, int]:
    return {code: aggregated[f"{prefix}{index}"] for index, code in enumerate(codes)}


def _represented(first_day: datetime.date, last_day: datetime.date) -> Exists:
    """The case (or its lead case) has a representation on some day of [first_day, last_day]."""
    return Exists(
        Representation.objects.filter(Q(case=OuterRef("pk")) | Q(case=OuterRef("lead_case")))
        .filter(since__lte=last_day)
        .filter(Q(until__isnull=True) | Q(until__gte=first_day))
    )


def _case_figures(
    start: datetime.date, end: datetime.date, end_at: datetime.datetime
) -> dict[str, Any]:
    """One query: open and represented cases, outcomes and relief of the period."""
    recorded = Q(created_at__lt=end_at)
    decided = Q(outcome__in=CLOSED_OUTCOMES) & (Q(outcome_on__isnull=True) | Q(outcome_on__lte=end))
    is_open = recorded & ~decided
    in_period = Q(outcome_on__gte=start, outcome_on__lte=end)
    granted = in_period & Q(outcome=Outcome.RELIEF_GRANTED)
    aggregates = {
        "open": Count("pk", filter=is_open),
        "represented": Count("pk", filter=is_open & Q(_represented(end, end))),
        "represented_in_period": Count("pk", filter=recorded & Q(_represented(start, end))),
        "in_absentia": Count(
            "pk", filter=in_period & Q(outcome=Outcome.REMOVAL_ORDER, in_absentia=True)
        ),
        **{
            f"outcome{i}": Count("pk", filter=in_period & Q(outcome=code))
            for i, code in enumerate(Outcome.values)
        },
        **{
            f"relief{i}": Count("pk", filter=granted & Q(relief_granted=code))
            for i, code in enumerate(_relief_codes())
        },
    }
    return ImmigrationCase.objects.aggregate(**aggregates)


def _relief_codes() -> list[str]:
    return [*Relief.values, NOT_RECORDED]


def _hearing_figures(start_at: datetime.datetime, end_at: datetime.datetime) -> dict[str, Any]:
    """One query: hearings of the period by attendance, and the missed ones by reason."""
    missed = Q(attendance=Hearing.Attendance.MISSED)
    return Hearing.objects.filter(
        status=Hearing.Status.SCHEDULED,
        starts_at__gte=start_at,
        starts_at__lt=end_at,
        case__deleted_at__isnull=True,
    ).aggregate(
        total=Count("pk"),
        **{
            f"attendance{i}": Count("pk", filter=Q(attendance=code))
            for i, code in enumerate(Hearing.Attendance.values)
        },
        **{
            f"reason{i}": Count("pk", filter=missed & Q(missed_reason=code))
            for i, code in enumerate(Hearing.MissedReason.values)
        },
    )


def _interview_figures(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """One query: non-refoulement interviews of the period by result."""
    return NonRefoulementInterview.objects.filter(
        interviewed_on__gte=start, interviewed_on__lte=end, case__deleted_at__isnull=True
    ).aggregate(
        **{
            f"result{i}": Count("pk", filter=Q(result=code))
            for i, code in enumerate(NonRefoulementInterview.Result.values)
        }
    )


def court_figures(*, start: datetime.date, end: datetime.date) -> CourtFigures:
    """The organization's figures over [start, end] (dates included, its time zone).

    Four queries: the organization's time zone, then cases, hearings and interviews.
    """
    if end < start:
        raise ValueError("The period ends before it starts.")
    start_at, end_at = period_bounds(start, end, organization_zone())
    cases = _case_figures(start, end, end_at)
    hearings = _hearing_figures(start_at, end_at)
    interviews = _interview_figures(start, end)
    return CourtFigures(
        start=start,
        end=end,
        cases_open=cases["open"],
        cases_represented=cases["represented"],
        cases_represented_in_period=cases["represented_in_period"],
        hearings=hearings["total"],
        attendance=_counts("attendance", hearings, Hearing.Attendance.values),
        missed_by_reason=_counts("reason", hearings, Hearing.MissedReason.values),
        outcomes=_counts("outcome", cases, Outcome.values),
        in_absentia_orders=cases["in_absentia"],
        relief_granted=_counts("relief", cases, _relief_codes()),
        interviews=_counts("result", interviews, NonRefoulementInterview.Result.values),
    )
