"""The indicators of access to rights (issue 17 §4), per organization, for a period and a
return port: counted in the database (one aggregate per family of indicators, whatever the
size of the cohort), from plain indexed columns only, inside the organization's scope.

Each function takes the organization and the filters and returns plain dataclasses
(numerator, denominator, share), without a request: the evidence app can pool them across the
network under its disclosure control. The definitions are the page's methodology note
(`templates/referrals/indicators.html`); they are repeated on each function.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    TextField,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salvaguarda.people.models import IdentityDocument, ReturnEvent
from salvaguarda.people.safeguard_applies import SCHOOL_AGES
from salvaguarda.people.validation_records import (
    MIGRATION_DOCUMENT_TYPES,
    MIGRATION_RECEPTION_DOCUMENTS,
)
from salvaguarda.referrals.directory.models import Category
from salvaguarda.referrals.referring.models import Barrier as ReferralBarrier
from salvaguarda.referrals.referring.models import (
    Outcome,
    Referral,
    ReferralStep,
    ReferredPerson,
    Status,
)
from salvaguarda.referrals.rights.models import Barrier as RightBarrier
from salvaguarda.referrals.rights.models import Right, RightRecord, State

# The windows after the day of return (the day itself is day 0).
DOCUMENT_WINDOWS = (7, 30)
SCHOOL_WINDOW = 30
HEALTH_CATEGORIES = (Category.HEALTH, Category.MENTAL_HEALTH)
RECEIVED = (Outcome.RECEIVED, Outcome.PARTLY)
NOT_FULLY_RECEIVED = (Outcome.PARTLY, Outcome.NOT_RECEIVED)
ANSWERS = (
    ReferralStep.Kind.ACCEPTED,
    ReferralStep.Kind.DECLINED,
    ReferralStep.Kind.INFO_REQUESTED,
)

# The indicators, in the page's and the CSV's order: a stable code (the CSV's first column)
# and its name.
DOCUMENT_7 = "migration_document_7_days"
DOCUMENT_30 = "migration_document_30_days"
SCHOOL_30 = "school_30_days"
HEALTH_RECEIVED = "health_referrals_received"
ANSWERED_IN_TIME = "referrals_answered_in_time"
NAMES: dict[str, Promise] = {
    DOCUMENT_7: _("Returned people with a migration document within 7 days"),
    DOCUMENT_30: _("Returned people with a migration document within 30 days"),
    SCHOOL_30: _("Children 3–17 enrolled in school within 30 days"),
    HEALTH_RECEIVED: _("People referred for health who received the service"),
    ANSWERED_IN_TIME: _("Referrals received that we answered in time"),
}


@dataclass(frozen=True)
class Filters:
    """A period (both days included) and a U.S. port of return ("": every port)."""

    since: datetime.date
    until: datetime.date
    port: str = ""


@dataclass(frozen=True)
class Share:
    """One indicator: how many of how many."""

    code: str
    numerator: int
    denominator: int

    @property
    def name(self) -> Promise:
        return NAMES[self.code]

    @property
    def share(self) -> float | None:
        """The fraction (0 to 1), None when there is nobody to count."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> int | None:
        """The share in whole percent, for the page and its bar."""
        share = self.share
        return None if share is None else round(share * 100)


@dataclass(frozen=True)
class BarrierCount:
    """How many times a barrier stood in the way: of a right (`right` is its code) or of a
    referral's service (`right` is "")."""

    right: str
    barrier: str
    count: int

    @property
    def right_label(self) -> str:
        return str(Right(self.right).label) if self.right in Right.values else ""

    @property
    def barrier_label(self) -> str:
        choices = RightBarrier if self.right else ReferralBarrier
        return str(choices(self.barrier).label) if self.barrier in choices.values else ""


@dataclass(frozen=True)
class Cohort:
    """The returned people of the period: the documents within 7 and 30 days, and the children
    enrolled in school within 30 days (those of unknown year of birth left out)."""

    people: int
    documents_7: Share
    documents_30: Share
    school_30: Share
    children_without_birth_year: int


@dataclass(frozen=True)
class Answers:
    """The referrals the organization received in the period: answered in time, and how many
    are still waiting for a first answer."""

    in_time: Share
    unanswered: int


@dataclass(frozen=True)
class Indicators:
    filters: Filters
    cohort: Cohort
    health: Share
    answers: Answers
    right_barriers: list[BarrierCount] = field(default_factory=list)
    referral_barriers: list[BarrierCount] = field(default_factory=list)

    def shares(self) -> list[Share]:
        """The five shares, in order."""
        return [
            self.cohort.documents_7,
            self.cohort.documents_30,
            self.cohort.school_30,
            self.health,
            self.answers.in_time,
        ]


def _days_after(column: str, days: int) -> ExpressionWrapper[CombinedExpression]:
    """The date `days` after the outer row's date `column` (SQLite and PostgreSQL alike)."""
    return ExpressionWrapper(
        OuterRef(column) + datetime.timedelta(days=days), output_field=DateField()
    )


def _bounds(filters: Filters, zone: datetime.tzinfo) -> tuple[datetime.datetime, ...]:
    """The period as moments where the organization works: its first day's midnight, and the
    midnight after its last day."""
    start = datetime.datetime.combine(filters.since, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        filters.until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def first_returns(organization_id: int, filters: Filters) -> QuerySet[ReturnEvent]:
    """The cohort: each person with a return in the period (at the port, if one is chosen),
    once, at their first return in the period (the earliest day; the first recorded that
    day)."""
    returns = ReturnEvent.objects.filter(
        organization_id=organization_id,
        returned_on__gte=filters.since,
        returned_on__lte=filters.until,
    )
    if filters.port:
        returns = returns.filter(return_point=filters.port)
    earlier = returns.filter(person_id=OuterRef("person_id")).filter(
        Q(returned_on__lt=OuterRef("returned_on"))
        | Q(returned_on=OuterRef("returned_on"), pk__lt=OuterRef("pk"))
    )
    return returns.filter(~Exists(earlier))


def _port_people(organization_id: int, port: str) -> QuerySet[Any]:
    """Everyone of the organization with a return at `port`, whenever it was (the referrals and
    barriers of a period are of people who may have returned years before)."""
    return ReturnEvent.objects.filter(organization_id=organization_id, return_point=port).values(
        "person_id"
    )


def cohort_indicators(organization_id: int, filters: Filters) -> Cohort:
    """In one query:
    - a migration document within 7 (30) days: a document of a Mexican migration type issued
      from the day of return to 7 (30) days after it, or an FMM or a TVRH given at the return;
    - children 3–17 enrolled within 30 days: of the returned people aged 3 to 17 (the year of
      return minus the year of birth), those with a school record "has access" dated no later
      than 30 days after the return. Those of unknown year of birth are left out, and counted.
    """
    windows = {
        days: Exists(
            IdentityDocument.objects.filter(
                person_id=OuterRef("person_id"),
                doc_type__in=sorted(MIGRATION_DOCUMENT_TYPES),
                issued_on__gte=OuterRef("returned_on"),
                issued_on__lte=_days_after("returned_on", days),
            )
        )
        for days in DOCUMENT_WINDOWS
    }
    at_reception = Q()
    for code in MIGRATION_RECEPTION_DOCUMENTS:
        # A JSON list of codes: its text holds the quoted code (no index needed: it is read
        # on the cohort's own rows).
        at_reception |= Q(reception_text__contains=f'"{code}"')
    enrolled = Exists(
        RightRecord.objects.filter(
            person_id=OuterRef("person_id"),
            right=Right.SCHOOL,
            state=State.ACCESS,
            as_of__lte=_days_after("returned_on", SCHOOL_WINDOW),
        )
    )
    low, high = SCHOOL_AGES
    child = Q(age__gte=low, age__lte=high)
    found = (
        first_returns(organization_id, filters)
        .annotate(
            reception_text=Cast("reception_documents", TextField()),
            document_7=windows[7],
            document_30=windows[30],
            enrolled=enrolled,
            age=ExpressionWrapper(
                ExtractYear("returned_on") - F("person__birth_year"), output_field=IntegerField()
            ),
        )
        .aggregate(
            people=Count("pk"),
            documents_7=Count("pk", filter=Q(document_7=True) | at_reception),
            documents_30=Count("pk", filter=Q(document_30=True) | at_reception),
            children=Count("pk", filter=child),
            enrolled_children=Count("pk", filter=child & Q(enrolled=True)),
            without_birth_year=Count("pk", filter=Q(person__birth_year__isnull=True)),
        )
    )
    people = found["people"]
    return Cohort(
        people=people,
        documents_7=Share(DOCUMENT_7, found["documents_7"], people),
        documents_30=Share(DOCUMENT_30, found["documents_30"], people),
        school_30=Share(SCHOOL_30, found["enrolled_children"], found["children"]),
        children_without_birth_year=found["without_birth_year"],
    )


def _of_port(organization_id: int, filters: Filters) -> Q | Exists:
    """The organization's referrals of people who returned at the chosen port, whenever (no
    condition without a port)."""
    if not filters.port:
        return Q()
    return Exists(
        ReferredPerson.objects.filter(
            referral_id=OuterRef("pk"),
            person_id__in=_port_people(organization_id, filters.port),
        )
    )


def health_indicator(organization_id: int, filters: Filters, zone: datetime.tzinfo) -> Share:
    """Of the referrals the organization sent in the period to a health or mental health
    service (with a port: of people who returned there, whenever), those closed with the
    service received or partly received."""
    start, end = _bounds(filters, zone)
    found = Referral.objects.filter(
        _of_port(organization_id, filters),
        organization_id=organization_id,
        service__category__in=HEALTH_CATEGORIES,
        created_at__gte=start,
        created_at__lt=end,
    ).aggregate(
        sent=Count("pk"),
        received=Count("pk", filter=Q(status=Status.CLOSED, outcome__in=RECEIVED)),
    )
    return Share(HEALTH_RECEIVED, found["received"], found["sent"])


def answer_indicators(organization_id: int, filters: Filters, zone: datetime.tzinfo) -> Answers:
    """Of the referrals the organization received in the period (whatever the port: their
    people are the sender's), those answered in time: accepted, declined or asked for more
    information no later than the answer was due. Still unanswered: no answer yet, and still
    waiting for one."""
    start, end = _bounds(filters, zone)

    def steps(**within: Any) -> Exists:
        return Exists(
            ReferralStep.objects.filter(referral_id=OuterRef("pk"), kind__in=ANSWERS, **within)
        )

    # The Exists in the aggregates' filters, not as annotations: an aggregate named like the
    # annotation its filter reads (`in_time`) replaces it, and the filter then read a missing
    # column (on SQLite a string: nothing counted, no error).
    found = Referral.objects.filter(
        recipient_id=organization_id, created_at__gte=start, created_at__lt=end
    ).aggregate(
        received=Count("pk"),
        in_time=Count("pk", filter=steps(created_at__lte=OuterRef("answer_due_at"))),
        unanswered=Count("pk", filter=Q(~steps(), status=Status.SENT)),
    )
    return Answers(
        in_time=Share(ANSWERED_IN_TIME, found["in_time"], found["received"]),
        unanswered=found["unanswered"],
    )


def right_barriers(organization_id: int, filters: Filters) -> list[BarrierCount]:
    """Records "met a barrier" dated in the period (with a port: of people who returned there,
    whenever), by right and cause."""
    records = RightRecord.objects.filter(
        organization_id=organization_id,
        state=State.BARRIER,
        as_of__gte=filters.since,
        as_of__lte=filters.until,
    )
    if filters.port:
        records = records.filter(person_id__in=_port_people(organization_id, filters.port))
    rows = records.values("right", "barrier").annotate(count=Count("pk"))
    return [
        BarrierCount(row["right"], row["barrier"], row["count"])
        for row in rows.order_by("right", "barrier")
    ]


def referral_barriers(organization_id: int, filters: Filters) -> list[BarrierCount]:
    """Referrals the organization sent, closed in the period with the service not (fully)
    received (with a port: of people who returned there, whenever), by cause."""
    rows = (
        Referral.objects.filter(
            _of_port(organization_id, filters),
            organization_id=organization_id,
            status=Status.CLOSED,
            outcome__in=NOT_FULLY_RECEIVED,
            outcome_on__gte=filters.since,
            outcome_on__lte=filters.until,
        )
        .values("barrier")
        .annotate(count=Count("pk"))
        .order_by("barrier")
    )
    return [BarrierCount("", row["barrier"], row["count"]) for row in rows]


def latest_return(organization_id: int, port: str = "") -> datetime.date | None:
    """The day of the organization's latest return (at `port`), for a period with nobody in
    it (the index `return_org_date`)."""
    returns = ReturnEvent.objects.filter(organization_id=organization_id)
    if port:
        returns = returns.filter(return_point=port)
    return returns.aggregate(latest=Max("returned_on"))["latest"]


def indicators_for(
    organization_id: int, filters: Filters, zone: datetime.tzinfo | None = None
) -> Indicators:
    """Every indicator of the organization (in its scope) for `filters`. `zone`: where the
    organization works, for the referrals' moments (by default the active time zone)."""
    zone = zone or timezone.get_current_timezone()
    return Indicators(
        filters=filters,
        cohort=cohort_indicators(organization_id, filters),
        health=health_indicator(organization_id, filters, zone),
        answers=answer_indicators(organization_id, filters, zone),
        right_barriers=right_barriers(organization_id, filters),
        referral_barriers=referral_barriers(organization_id, filters),
    )


def csv_rows(found: Indicators) -> Iterator[list[Any]]:
    """The CSV's rows after its header: one per share, then the counts (the count as
    numerator, no denominator), each with its code (stable, for other tools), its label in the
    reader's language, and the filters."""
    filters = [found.filters.since.isoformat(), found.filters.until.isoformat(), found.filters.port]
    yield ["people_returned", str(_("People returned")), found.cohort.people, "", "", *filters]
    for share in found.shares():
        value = "" if share.share is None else f"{share.share:.4f}"
        yield [share.code, str(share.name), share.numerator, share.denominator, value, *filters]
    yield [
        "children_without_birth_year",
        str(_("Children left out: year of birth unknown")),
        found.cohort.children_without_birth_year,
        "",
        "",
        *filters,
    ]
    yield [
        "referrals_unanswered",
        str(_("Referrals received still without an answer")),
        found.answers.unanswered,
        "",
        "",
        *filters,
    ]
    for count in found.right_barriers:
        label = f"{count.right_label}: {count.barrier_label}"
        yield [f"barrier:{count.right}:{count.barrier}", label, count.count, "", "", *filters]
    for count in found.referral_barriers:
        yield [
            f"referral_barrier:{count.barrier}",
            str(_("Referral: %(barrier)s") % {"barrier": count.barrier_label}),
            count.count,
            "",
            "",
            *filters,
        ]


CSV_HEADER = ["indicator", "label", "numerator", "denominator", "share", "since", "until", "port"]
