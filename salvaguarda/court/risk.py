"""Why a coming hearing may be missed: the reasons, their score, and the rows that keep them.

The at-risk list (`queries.at_risk_for`) used to score every hearing of the coming days on
each request, with a subquery per reason. Now each scheduled hearing not yet held keeps a
`HearingRisk` row: its reasons (a bit each) and their count, written by the services that
change them (`refresh` and the helpers below):

- hearings (scheduled, moved, cancelled, attendance: `services.py`), which also decide "missed
  a hearing before" for the other hearings of the case;
- representation (`services.py`), the person's contact channels, consents and locations
  (`people/services`, through `people.dependents`), a reminder that failed (`reminders.py`).

Two reasons depend on the day: a representation counts until its last day, and a move is
recent for 30 days. A row says for which days its reasons hold (`valid_from`, `valid_until`);
the periodic upkeep scores again the rows whose days are over (`refresh_stale`), and a list
read before that scores those rows the old way (`live_reasons`), so the list never shows a
stale reason. The plan's reason (no confirmed plan for a hearing within 7 days) depends on the
moment: the row keeps whether the plan is open, and the list counts it in its first two bands.

An organization whose hearings were written before these rows existed is marked
(`HearingRiskRebuild`, by the migration) and its list is scored the old way until `rebuild`
has run (`manage.py hearing_risk_rebuild`, or the periodic upkeep).
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salvaguarda.accounts.models import Organization
from salvaguarda.core.scoping import current_organization_id, organization_scope
from salvaguarda.court.models import (
    Hearing,
    HearingRisk,
    HearingRiskRebuild,
    Reminder,
    Representation,
)
from salvaguarda.people.models import Consent, ContactChannel, Person, PersonLocation

log = logging.getLogger(__name__)

PLAN_NEEDED_DAYS = 7
RECENT_MOVE_DAYS = 30
REACHABLE_KINDS = (ContactChannel.Kind.PHONE, ContactChannel.Kind.WHATSAPP)
CHUNK = 500  # hearings scored per statement (SQLite's limit on parameters stays far)


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


BITS = {reason: 1 << i for i, reason in enumerate(Reason.ALL)}
# The reasons a row keeps: all but the plan's, which depends on the moment of the read.
KEPT = tuple(r for r in Reason.ALL if r != Reason.NO_PLAN)


def represented_on(today: datetime.date, prefix: str = "") -> Q:
    """A representation still active on `today` (no last day, or not past it)."""
    return Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": today})


def reason_flags(now: datetime.datetime) -> dict[str, Any]:
    """Each reason as a boolean expression on a hearing (the cheapest first): the old way of
    scoring, used to fill the rows and to score a row read out of its days."""
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
            Representation.objects.filter(case=OuterRef("case")).filter(represented_on(today))
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


def open_hearings() -> QuerySet[Hearing]:
    """The hearings the list may show: scheduled and not held yet."""
    return Hearing.objects.filter(status=Hearing.Status.SCHEDULED, attendance="")


def live_reasons(hearing_ids: Iterable[int], now: datetime.datetime) -> dict[int, list[str]]:
    """The reasons of these hearings scored the old way (open hearings only), in list order."""
    flags = reason_flags(now)
    found: dict[int, list[str]] = {}
    ids = list(hearing_ids)
    for start in range(0, len(ids), CHUNK):
        rows = open_hearings().filter(pk__in=ids[start : start + CHUNK]).annotate(**flags)
        for pk, *values in rows.values_list("pk", *flags):
            on = {reason for reason, value in zip(flags, values, strict=True) if value}
            found[pk] = [r for r in Reason.ALL if r in on]
    return found


# --- the rows ----------------------------------------------------------------------------------


def _validity() -> dict[str, Any]:
    """What the two reasons that depend on the day hang on."""
    case_reps = Representation.objects.filter(case=OuterRef("case"))
    return {
        "rep_open": Exists(case_reps.filter(until__isnull=True)),
        "rep_until": Subquery(
            case_reps.filter(until__isnull=False).order_by("-until").values("until")[:1]
        ),
        "settled_since": Subquery(
            PersonLocation.objects.filter(person=OuterRef("case__person"), until__isnull=True)
            .order_by("since")
            .values("since")[:1]
        ),
    }


def _valid_until(row: dict[str, Any], today: datetime.date) -> datetime.date | None:
    """The first day after `today` on which the row's reasons may change by themselves."""
    days: list[datetime.date] = []
    if not row["rep_open"] and row["rep_until"] is not None and row["rep_until"] >= today:
        days.append(row["rep_until"] + datetime.timedelta(days=1))  # the lawyer's last day
    since = row["settled_since"]
    if since is not None:
        settled_on = since + datetime.timedelta(days=RECENT_MOVE_DAYS + 1)
        if settled_on > today:
            days.append(settled_on)  # the move stops being recent
    return min(days) if days else None


def _rows(ids: list[int], org_id: int, now: datetime.datetime) -> list[HearingRisk]:
    today = timezone.localdate(now)
    flags = reason_flags(now)
    kept = {f"r_{reason}": flags[reason] for reason in KEPT}
    validity = _validity()
    found = (
        open_hearings()
        .filter(pk__in=ids, starts_at__gte=now)
        .annotate(**kept, **validity)
        .values("pk", "starts_at", "court", "port", "plan_confirmed", *kept, *validity)
    )
    rows = []
    for row in found:
        bits = sum(BITS[reason] for reason in KEPT if row[f"r_{reason}"])
        score = bin(bits).count("1")
        plan_open = not row["plan_confirmed"]
        rows.append(
            HearingRisk(
                hearing_id=row["pk"],
                organization_id=org_id,
                starts_at=row["starts_at"],
                court=row["court"],
                port=row["port"],
                reasons=bits,
                plan_open=plan_open,
                score=score,
                near_score=score + int(plan_open),
                valid_from=today,
                valid_until=_valid_until(row, today),
            )
        )
    return rows


def _org_id() -> int:
    org_id = current_organization_id()
    if org_id is None:
        raise Http404
    return org_id


def refresh(hearing_ids: Iterable[int], *, now: datetime.datetime | None = None) -> int:
    """Score these hearings again (inside the organization's scope and the caller's
    transaction): a row for each one scheduled, not held and still to come; none for the
    others. Returns how many rows were written."""
    org_id = _org_id()
    now = now or timezone.now()
    ids = sorted(set(hearing_ids))
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            HearingRisk.objects.filter(organization_id=org_id, hearing_id__in=chunk).delete()
            rows = _rows(chunk, org_id, now)
            HearingRisk.objects.bulk_create(rows)
            written += len(rows)
    return written


def _coming(hearings: QuerySet[Hearing], now: datetime.datetime) -> list[int]:
    return list(hearings.filter(starts_at__gte=now).values_list("pk", flat=True))


def refresh_case(case_id: int, *also: int, now: datetime.datetime | None = None) -> int:
    """The coming hearings of a case (and the hearings `also` names, wherever they are now):
    after a hearing or a representation of the case changed."""
    now = now or timezone.now()
    return refresh([*_coming(Hearing.objects.filter(case_id=case_id), now), *also], now=now)


def refresh_person(person: Person, *, now: datetime.datetime | None = None) -> int:
    """The coming hearings of the cases the person leads: after a change of their contact
    channels, consents or location."""
    now = now or timezone.now()
    return refresh(_coming(Hearing.objects.filter(case__person=person), now), now=now)


# --- rebuild and upkeep ------------------------------------------------------------------------


def needs_rebuild(org_id: int) -> bool:
    return HearingRiskRebuild.objects.filter(organization_id=org_id).exists()


def rebuild(
    *,
    now: datetime.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Score every coming hearing of the organization in scope again, in one transaction, and
    clear its mark. Returns how many rows it holds."""
    org_id = _org_id()
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            open_hearings().filter(starts_at__gte=now).order_by("pk").values_list("pk", flat=True)
        )
        HearingRisk.objects.filter(organization_id=org_id).delete()
        written = 0
        for start in range(0, len(ids), CHUNK):
            rows = _rows(ids[start : start + CHUNK], org_id, now)
            HearingRisk.objects.bulk_create(rows)
            written += len(rows)
            if progress is not None:
                progress(min(start + CHUNK, len(ids)), len(ids))
        HearingRiskRebuild.objects.filter(organization_id=org_id).delete()
    with connection.cursor() as cursor:  # statistics for the new rows, so plans use the index
        cursor.execute(f"ANALYZE {HearingRisk._meta.db_table}")
    return written


def stale_rows(today: datetime.date) -> Q:
    """Rows whose reasons were scored for other days than `today`."""
    return Q(valid_until__lte=today) | Q(valid_from__gt=today)


def refresh_stale(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic upkeep's part, in every active organization: rebuild a marked one; else
    score again the rows out of their days and drop those of hearings past for a day."""
    now = now or timezone.now()
    done = {"rebuilt": 0, "refreshed": 0, "dropped": 0}
    organizations = Organization.objects.filter(is_active=True).order_by("pk")
    for org_id, zone in organizations.values_list("pk", "time_zone"):
        with organization_scope(org_id), timezone.override(ZoneInfo(zone)):
            if needs_rebuild(org_id):
                done["rebuilt"] += rebuild(now=now)
                continue
            mine = HearingRisk.objects.filter(organization_id=org_id)
            past = mine.filter(starts_at__lt=now - datetime.timedelta(days=1))
            done["dropped"] += past.delete()[0]
            today = timezone.localdate(now)
            ids = mine.filter(stale_rows(today)).values_list("hearing_id", flat=True)
            done["refreshed"] += refresh(list(ids), now=now)
    return done


def differences(*, now: datetime.datetime, days: int = 30) -> list[dict[str, Any]]:
    """The rows of the next `days` days (organization in scope) that do not say what the old
    way computes: a missing row, a row too many, other reasons or another date, court or port.
    Rows out of their days are left out (the list scores them the old way). Empty when the
    rows are consistent."""
    org_id = _org_id()
    end = now + datetime.timedelta(days=days)
    near = now + datetime.timedelta(days=PLAN_NEEDED_DAYS)
    today = timezone.localdate(now)
    rows = HearingRisk.objects.filter(organization_id=org_id, starts_at__gte=now, starts_at__lt=end)
    stale = set(rows.filter(stale_rows(today)).values_list("hearing_id", flat=True))
    kept = {row.hearing_id: row for row in rows.exclude(stale_rows(today))}
    coming = {
        pk: (starts_at, court, port)
        for pk, starts_at, court, port in open_hearings()
        .filter(starts_at__gte=now, starts_at__lt=end)
        .values_list("pk", "starts_at", "court", "port")
    }
    computed = live_reasons(coming, now)
    found: list[dict[str, Any]] = []
    for pk in sorted((set(coming) | set(kept)) - stale):
        row = kept.get(pk)
        stored = None
        if row is not None:
            stored = (
                row_reasons(row, plan_counts=row.starts_at < near),
                row.starts_at,
                row.court,
                row.port,
            )
        live = (computed[pk], *coming[pk]) if pk in coming else None
        if stored != live:
            found.append({"hearing": pk, "kept": stored, "computed": live})
    return found


def row_reasons(row: HearingRisk, *, plan_counts: bool) -> list[str]:
    """A row's reasons in list order; the plan's only where it counts (within 7 days)."""
    reasons = [r for r in KEPT if row.reasons & BITS[r]]
    if plan_counts and row.plan_open:
        reasons.append(Reason.NO_PLAN)
    return [r for r in Reason.ALL if r in reasons]
