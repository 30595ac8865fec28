"""Reads of immigration cases and hearings: accessors, the calendars and the lists that warn.

Every function runs inside the request's organization scope. The accessors audit the read of
one case file; the lists audit one LIST entry with their filter names and counts.
"""

import datetime
import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.court import risk
from salvaguarda.court.models import (
    Hearing,
    HearingChange,
    HearingRisk,
    ImmigrationCase,
    NonRefoulementInterview,
    Reminder,
    Representation,
)
from salvaguarda.court.risk import Reason
from salvaguarda.people.models import Person

PAGE_SIZE = 50
AT_RISK_HORIZON_DAYS = 30
PLAN_NEEDED_DAYS = risk.PLAN_NEEDED_DAYS


def _org_id() -> int:
    org_id = current_organization_id()
    if org_id is None:
        raise Http404
    return org_id


def _audit_list(user: Any, object_type: str, **detail: Any) -> None:
    audit.record(
        action=audit.Action.LIST,
        actor=user,
        organization_id=_org_id(),
        object_type=object_type,
        detail=detail,
    )


# --- one case ----------------------------------------------------------------------------------


def case_get_for(user: Any, case_uuid: uuid.UUID) -> ImmigrationCase:
    """One case of the active organization, audited as a view; 404 otherwise."""
    case = (
        ImmigrationCase.objects.filter(uuid=case_uuid)
        .select_related("person", "lead_case__person")
        .first()
    )
    if case is None:
        raise Http404
    audit.record(
        action=audit.Action.VIEW, actor=user, organization_id=case.organization_id, obj=case
    )
    return case


def case_of_person(person: Person) -> ImmigrationCase | None:
    return ImmigrationCase.objects.filter(person=person).first()


def hearing_get_for(user: Any, case: ImmigrationCase, hearing_uuid: uuid.UUID) -> Hearing:
    """A hearing of the case's hearing case (the lead's, for a rider); 404 otherwise."""
    hearing = Hearing.objects.filter(case=case.hearing_case, uuid=hearing_uuid).first()
    if hearing is None:
        raise Http404
    return hearing


def representation_get_for(
    user: Any, case: ImmigrationCase, representation_uuid: uuid.UUID
) -> Representation:
    found = Representation.objects.filter(case=case, uuid=representation_uuid).first()
    if found is None:
        raise Http404
    return found


def is_represented(case: ImmigrationCase, today: datetime.date) -> bool:
    return Representation.objects.filter(case=case).filter(_active_on(today)).exists()


_active_on = risk.represented_on


@dataclass
class CaseFile:
    case: ImmigrationCase
    riders: list[ImmigrationCase]
    representations: list[Representation]
    interviews: list[NonRefoulementInterview]
    hearings: list[Hearing]
    history: dict[int, list[HearingChange]]
    reminders: dict[int, list[Reminder]]
    represented: bool


def case_file_for(user: Any, case_uuid: uuid.UUID) -> CaseFile:
    """The whole case: audited as one view of the case."""
    case = case_get_for(user, case_uuid)
    hearing_case = case.hearing_case
    hearings = list(Hearing.objects.filter(case=hearing_case).order_by("-starts_at"))
    history: dict[int, list[HearingChange]] = {}
    for change in HearingChange.objects.filter(hearing__case=hearing_case).select_related(
        "created_by"
    ):
        history.setdefault(change.hearing_id, []).append(change)
    reminders: dict[int, list[Reminder]] = {}
    for reminder in Reminder.objects.filter(hearing__case=hearing_case):
        reminders.setdefault(reminder.hearing_id, []).append(reminder)
    representations = list(Representation.objects.filter(case=case))
    today = timezone.localdate()
    return CaseFile(
        case=case,
        riders=list(ImmigrationCase.objects.filter(lead_case=case).select_related("person")),
        representations=representations,
        interviews=list(NonRefoulementInterview.objects.filter(case=case)),
        hearings=hearings,
        history=history,
        reminders=reminders,
        represented=any(r.until is None or r.until >= today for r in representations),
    )


# --- calendars ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HearingFilters:
    court: str = ""
    port: str = ""

    def used(self) -> list[str]:
        return [name for name, value in vars(self).items() if value]


def _filtered(filters: HearingFilters) -> QuerySet[Hearing]:
    hearings = Hearing.objects.filter(status=Hearing.Status.SCHEDULED)
    if filters.court:
        hearings = hearings.filter(court=filters.court)
    if filters.port:
        hearings = hearings.filter(port=filters.port)
    return hearings


def _local_day_bounds(
    first: datetime.date, days: int
) -> tuple[datetime.datetime, datetime.datetime]:
    """The moments from midnight of `first` to midnight `days` later, in the active zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(first + datetime.timedelta(days=days), datetime.time(), zone)
    return start, end


@dataclass
class HearingPage:
    hearings: list[Hearing]
    number: int
    has_next: bool


def hearings_between(
    user: Any,
    filters: HearingFilters,
    *,
    first: datetime.date,
    days: int,
    page: int = 1,
    purpose: str = "calendar",
) -> HearingPage:
    """The scheduled hearings of `days` days from `first` (the organization's days), in time
    order, a page at a time. Audited as one list."""
    start, end = _local_day_bounds(first, days)
    page = max(page, 1)
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        _filtered(filters)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("case__person")
        .order_by("starts_at", "id")[offset : offset + PAGE_SIZE + 1]
    )
    _audit_list(
        user,
        Hearing._meta.label_lower,
        view=purpose,
        days=days,
        filters=filters.used(),
        count=min(len(rows), PAGE_SIZE),
        page=page,
    )
    return HearingPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def riders_count(hearings: list[Hearing]) -> dict[int, int]:
    """How many family members ride on each hearing's case (they go to the hearing too)."""
    case_ids = {h.case_id for h in hearings}
    counts: dict[int, int] = {}
    for lead_id in ImmigrationCase.objects.filter(lead_case_id__in=case_ids).values_list(
        "lead_case_id", flat=True
    ):
        counts[lead_id] = counts.get(lead_id, 0) + 1
    return counts


# --- people at risk of missing a hearing ------------------------------------------------------


@dataclass
class RiskLine:
    hearing: Hearing
    reasons: list[str]

    @property
    def labels(self) -> list[str]:
        return [str(Reason.LABELS[r]) for r in self.reasons]


def _band_edges(now: datetime.datetime) -> list[datetime.datetime]:
    """The urgency bands: within 2 days, within 7 (the plan's reason counts in both), the
    rest of the 30 days."""
    edges = [now + datetime.timedelta(days=d) for d in (0, 2, PLAN_NEEDED_DAYS)]
    edges.append(now + datetime.timedelta(days=AT_RISK_HORIZON_DAYS))
    return edges


def _live_pages(
    now: datetime.datetime, filters: HearingFilters, offset: int, count: int
) -> list[RiskLine]:
    """The page scored the old way, every reason a subquery on every hearing of the bands it
    reads: for an organization whose rows are not built yet (`risk.needs_rebuild`)."""
    flags = risk.reason_flags(now)
    score = sum((Cast(flag, IntegerField()) for flag in flags.values()), start=Value(0))
    any_reason = Q()
    for flag in flags.values():
        any_reason |= Q(flag)
    matching = _filtered(filters).filter(any_reason, attendance="")
    found: list[Hearing] = []
    for low, high in itertools.pairwise(_band_edges(now)):
        band = matching.filter(starts_at__gte=low, starts_at__lt=high)
        if offset:
            in_band = band.count()
            if in_band <= offset:
                offset -= in_band
                continue
        wanted = count - len(found)
        ordered = band.annotate(risk=score).select_related("case__person")
        found += ordered.order_by("-risk", "starts_at", "id")[offset : offset + wanted]
        offset = 0
        if len(found) >= count:
            break
    reasons = risk.live_reasons([h.pk for h in found], now)
    return [RiskLine(h, reasons.get(h.pk, [])) for h in found]


def _stored_pages(
    now: datetime.datetime, filters: HearingFilters, offset: int, count: int
) -> list[RiskLine]:
    """`count` lines from `offset`, read from the kept scores (`risk.py`): each band is one
    indexed read, ordered by its score, joined to the hearing and person shown. Rows scored
    for other days than today (the upkeep has not caught up) are scored the old way and
    merged in."""
    rows = HearingRisk.objects.filter(organization_id=_org_id())
    if filters.court:
        rows = rows.filter(court=filters.court)
    if filters.port:
        rows = rows.filter(port=filters.port)
    edges = _band_edges(now)
    stale = rows.filter(starts_at__gte=edges[0], starts_at__lt=edges[-1]).filter(
        risk.stale_rows(timezone.localdate(now))
    )
    stale_reasons = risk.live_reasons(stale.values_list("hearing_id", flat=True), now)
    fresh = rows.exclude(risk.stale_rows(timezone.localdate(now)))
    found: list[RiskLine] = []
    for band_number, (low, high) in enumerate(itertools.pairwise(edges)):
        plan_counts = band_number < 2
        key = "near_score" if plan_counts else "score"
        band = fresh.filter(starts_at__gte=low, starts_at__lt=high, **{f"{key}__gt": 0})
        extra = (
            [
                RiskLine(h, stale_reasons[h.pk])
                for h in Hearing.objects.filter(
                    pk__in=stale_reasons, starts_at__gte=low, starts_at__lt=high
                ).select_related("case__person")
                if stale_reasons[h.pk]
            ]
            if stale_reasons
            else []
        )
        if offset:
            in_band = band.count() + len(extra)
            if in_band <= offset:
                offset -= in_band
                continue
        wanted = count - len(found)
        order = (f"-{key}", "starts_at", "hearing_id")
        first = 0 if extra else offset
        # The page's rows are chosen from the kept scores alone (an index scan and a short
        # sort), then joined to their hearing and person: only those rows are.
        page_ids = band.order_by(*order).values("hearing_id")[first : offset + wanted]
        ordered = (
            HearingRisk.objects.filter(hearing_id__in=Subquery(page_ids))
            .select_related("hearing__case__person")
            .order_by(*order)
        )
        if extra:
            lines = [
                RiskLine(row.hearing, risk.row_reasons(row, plan_counts=plan_counts))
                for row in ordered
            ] + extra
            lines.sort(key=lambda x: (-len(x.reasons), x.hearing.starts_at, x.hearing.pk))
            found += lines[offset : offset + wanted]
        else:
            found += [
                RiskLine(row.hearing, risk.row_reasons(row, plan_counts=plan_counts))
                for row in ordered
            ]
        offset = 0
        if len(found) >= count:
            break
    return found


def at_risk_for(
    user: Any, filters: HearingFilters, *, page: int = 1, now: datetime.datetime | None = None
) -> tuple[list[RiskLine], bool]:
    """People whose hearing in the next 30 days may be missed, the most urgent first: the
    hearings within 2 days, then within 7, then the rest; in each, the most reasons first.
    Audited as one list."""
    now = now or timezone.now()
    page = max(page, 1)
    offset = (page - 1) * PAGE_SIZE
    pages = _live_pages if risk.needs_rebuild(_org_id()) else _stored_pages
    rows = pages(now, filters, offset, PAGE_SIZE + 1)
    lines = rows[:PAGE_SIZE]
    _audit_list(
        user,
        Hearing._meta.label_lower,
        view="at_risk",
        filters=filters.used(),
        count=len(lines),
        page=page,
    )
    return lines, len(rows) > PAGE_SIZE


# --- cases without a lawyer --------------------------------------------------------------------


def unrepresented_for(
    user: Any, *, page: int = 1, now: datetime.datetime | None = None
) -> tuple[list[ImmigrationCase], bool]:
    """Cases still open with no active representation, the soonest next hearing first (cases
    with no hearing scheduled last). Riders share their lead case's hearings and are listed
    with it, not on their own. Audited as one list."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    page = max(page, 1)
    offset = (page - 1) * PAGE_SIZE
    open_outcomes = (
        ImmigrationCase.Outcome.PENDING_FIRST_HEARING,
        ImmigrationCase.Outcome.PENDING,
        ImmigrationCase.Outcome.REOPENED,
        ImmigrationCase.Outcome.APPEALED,
    )
    cases = (
        ImmigrationCase.objects.filter(outcome__in=open_outcomes, lead_case__isnull=True)
        .exclude(
            Exists(Representation.objects.filter(case=OuterRef("pk")).filter(_active_on(today)))
        )
        .annotate(
            next_hearing=Min(
                "hearings__starts_at",
                filter=Q(
                    hearings__starts_at__gte=now,
                    hearings__status=Hearing.Status.SCHEDULED,
                    hearings__deleted_at__isnull=True,
                ),
            )
        )
        .select_related("person")
        .order_by(Case(When(next_hearing__isnull=True, then=1), default=0), "next_hearing", "id")
    )
    rows = list(cases[offset : offset + PAGE_SIZE + 1])
    _audit_list(
        user,
        ImmigrationCase._meta.label_lower,
        view="unrepresented",
        count=min(len(rows), PAGE_SIZE),
        page=page,
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
