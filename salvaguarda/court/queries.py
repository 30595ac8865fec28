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
    BooleanField,
    Case,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.court.models import (
    Hearing,
    HearingChange,
    ImmigrationCase,
    NonRefoulementInterview,
    Reminder,
    Representation,
)
from salvaguarda.people.models import Consent, ContactChannel, Person, PersonLocation

PAGE_SIZE = 50
AT_RISK_HORIZON_DAYS = 30
PLAN_NEEDED_DAYS = 7
RECENT_MOVE_DAYS = 30
REACHABLE_KINDS = (ContactChannel.Kind.PHONE, ContactChannel.Kind.WHATSAPP)


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


def _active_on(today: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": today})


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


class Reason:
    """Why a person may miss their hearing, in the order the list shows them."""

    NO_CHANNEL = "no_channel"
    NO_CONSENT = "no_consent"
    NO_LAWYER = "no_lawyer"
    LOCATION = "location"
    MISSED_BEFORE = "missed_before"
    REMINDER_FAILED = "reminder_failed"
    NO_PLAN = "no_plan"

    LABELS = {
        NO_CHANNEL: _("No way to contact them"),
        NO_CONSENT: _("No consent to contact them"),
        NO_LAWYER: _("No lawyer"),
        LOCATION: _("Location unknown or changed recently"),
        MISSED_BEFORE: _("Missed a hearing before"),
        REMINDER_FAILED: _("A reminder failed"),
        NO_PLAN: _("Hearing within 7 days with no confirmed plan"),
    }
    ALL = tuple(LABELS)


@dataclass
class RiskLine:
    hearing: Hearing
    reasons: list[str]

    @property
    def labels(self) -> list[str]:
        return [str(Reason.LABELS[r]) for r in self.reasons]


def _reason_flags(now: datetime.datetime) -> dict[str, Any]:
    """Each reason as a boolean expression on a hearing (the cheapest first)."""
    today = timezone.localdate(now)
    person = OuterRef("case__person")
    return {
        Reason.NO_PLAN: Case(
            When(
                plan_confirmed=False,
                starts_at__lt=now + datetime.timedelta(days=PLAN_NEEDED_DAYS),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        Reason.NO_LAWYER: ~Exists(
            Representation.objects.filter(case=OuterRef("case")).filter(_active_on(today))
        ),
        Reason.NO_CONSENT: ~Exists(
            Consent.objects.filter(
                person=person, purpose=Consent.Purpose.REMINDERS, revoked_at__isnull=True
            )
        ),
        Reason.NO_CHANNEL: ~Exists(
            ContactChannel.objects.filter(person=person, kind__in=REACHABLE_KINDS)
        ),
        Reason.LOCATION: ~Exists(
            PersonLocation.objects.filter(
                person=person,
                until__isnull=True,
                since__lt=today - datetime.timedelta(days=RECENT_MOVE_DAYS),
            )
        ),
        Reason.MISSED_BEFORE: Exists(
            Hearing.objects.filter(case=OuterRef("case"), attendance=Hearing.Attendance.MISSED)
        ),
        Reason.REMINDER_FAILED: Exists(
            Reminder.objects.filter(hearing=OuterRef("pk"), status=Reminder.Status.FAILED)
        ),
    }


def _at_risk_pages(
    now: datetime.datetime, filters: HearingFilters, offset: int, count: int
) -> list[Hearing]:
    """`count` hearings with at least one reason from `offset`, most urgent first: those
    within 2 days, then within 7, then the rest of the 30 days; in each, the most reasons first.

    Each urgency band is read on its own, nearest first, and only as far as the page needs:
    the first page usually ends in the first band, so only its hearings are scored. A band
    before the page is only counted. The filter is an OR of the reasons, which the databases
    stop at the first true one (the cheap and frequent ones come first); which reasons apply
    is read for the page's rows only (`_reasons_of`).
    """
    flags = _reason_flags(now)
    score = sum((Cast(flag, IntegerField()) for flag in flags.values()), start=Value(0))
    any_reason = Q()
    for flag in flags.values():
        any_reason |= Q(flag)
    matching = _filtered(filters).filter(any_reason, attendance="")
    edges = [now + datetime.timedelta(days=d) for d in (0, 2, PLAN_NEEDED_DAYS)]
    edges.append(now + datetime.timedelta(days=AT_RISK_HORIZON_DAYS))
    found: list[Hearing] = []
    for low, high in itertools.pairwise(edges):
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
    return found


def _reasons_of(hearings: list[Hearing], now: datetime.datetime) -> dict[int, list[str]]:
    flags = _reason_flags(now)
    rows = Hearing.objects.filter(pk__in=[h.pk for h in hearings]).annotate(**flags)
    found = rows.values_list("pk", *flags)
    return {pk: [r for r, on in zip(flags, values, strict=True) if on] for pk, *values in found}


def at_risk_for(
    user: Any, filters: HearingFilters, *, page: int = 1, now: datetime.datetime | None = None
) -> tuple[list[RiskLine], bool]:
    """People whose hearing in the next 30 days may be missed, the most urgent first: the
    hearings within 2 days, then within 7, then the rest; in each, the most reasons first.
    Audited as one list."""
    now = now or timezone.now()
    page = max(page, 1)
    offset = (page - 1) * PAGE_SIZE
    rows = _at_risk_pages(now, filters, offset, PAGE_SIZE + 1)
    shown = rows[:PAGE_SIZE]
    reasons = _reasons_of(shown, now)
    lines = [RiskLine(h, [r for r in Reason.ALL if r in reasons.get(h.pk, [])]) for h in shown]
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
