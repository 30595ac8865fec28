"""Hearing reminders: scheduled with the hearing, sent at most once by the background worker.

The `Reminder` row is the queue. `reminders_schedule` keeps a hearing's rows in step with it
(the hearing services call it inside their transaction after every change); each new row is
handed to the task queue to run at its `due_at` (`tasks.send_reminder`), and
`reminders_dispatch_due` (the `send_due_reminders` command) sends whatever is due, after an
outage or from cron.

At most once: `reminder_send` first claims the row (pending → sending) in its own short
transaction, by a conditional UPDATE that only one worker can win; only the winner sends. A
row left in `sending` (the worker died between the claim and the outcome) is never sent again:
`reminders_dispatch_due` marks it failed, "outcome unknown", after `STALE_AFTER`. So a restart
or a duplicate task may lose a reminder, never repeat one; a lost one shows as failed.

Who receives them: the person of the hearing's (lead) case only. Family members riding on the
case get no message of their own in this version. They need an active consent to be contacted
for reminders and a phone (SMS) or WhatsApp channel; both are checked again when sending.

When: for each number of days of the organization's `ReminderPlan` (default 7, 2 and 1), at the
plan's hour on the person's clock (where they stay), counted back from the hearing's date on
that same clock. A reminder is sent only on its own day: one that finds the worker down all
that day fails ("not sent on its day") instead of arriving with the wrong "in N days".
"""

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id, organization_scope
from salvaguarda.court import channels, reminder_texts, risk, times
from salvaguarda.court.models import Hearing, Reminder, ReminderPlan
from salvaguarda.people.models import Consent, ContactChannel, Person
from salvaguarda.people.services.records import has_consent

logger = logging.getLogger("salvaguarda.reminders")

Status = Reminder.Status

# A reminder still `sending` this long after its claim belongs to a worker that stopped.
STALE_AFTER = datetime.timedelta(minutes=10)
# The plan: at most this many reminders, each 1 to 30 days before, sent between 7:00 and 21:00.
MAX_STEPS = 6
MAX_DAYS_BEFORE = 30
SEND_HOURS = range(7, 22)
# Hearings rescheduled per transaction when a plan changes.
RESCHEDULE_CHUNK = 200

CHANNEL_OF_KIND = {
    ContactChannel.Kind.PHONE: Reminder.Channel.SMS,
    ContactChannel.Kind.WHATSAPP: Reminder.Channel.WHATSAPP,
}

# Why a reminder was cancelled or failed: short, stored in `Reminder.error`, identifying nobody.
HEARING_MOVED = "hearing moved"
HEARING_CANCELLED = "hearing cancelled"
HEARING_HELD = "hearing already held"
HEARING_PAST = "hearing in the past"
NOT_IN_PLAN = "no longer in the reminder plan"
NO_PERSON = "person removed"
NO_CONSENT = "no consent to reminders"
NO_CHANNEL = "no phone or WhatsApp channel"
OTHER_PERSON = "case belongs to another person"
NOT_ON_ITS_DAY = "not sent on its day (the worker was not running)"
OUTCOME_UNKNOWN = "outcome unknown (the worker stopped while sending); not sent again"


# --- the plan ------------------------------------------------------------------------------------


def plan_current() -> tuple[tuple[int, ...], int]:
    """The current organization's (days before, hour), largest first; the default if none."""
    plan = ReminderPlan.objects.values_list("days_before", "send_hour").first()
    if plan is None or not plan[0]:
        return ReminderPlan.DEFAULT_DAYS, ReminderPlan.DEFAULT_HOUR
    return tuple(sorted({int(d) for d in plan[0]}, reverse=True)), int(plan[1])


def _plan_errors(days: Sequence[object], send_hour: object) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    if not days:
        errors["days_before"] = [
            ValidationError(_("Choose at least one day before the hearing."), code="required")
        ]
    elif any(
        not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= MAX_DAYS_BEFORE for d in days
    ):
        errors["days_before"] = [
            ValidationError(
                _("Each day must be a whole number from 1 to %(max)s.") % {"max": MAX_DAYS_BEFORE},
                code="range",
            )
        ]
    elif len(set(days)) > MAX_STEPS:
        errors["days_before"] = [
            ValidationError(
                _("At most %(max)s reminders per hearing.") % {"max": MAX_STEPS}, code="too_many"
            )
        ]
    if not isinstance(send_hour, int) or send_hour not in SEND_HOURS:
        errors["send_hour"] = [
            ValidationError(
                _("Choose an hour from %(first)s:00 to %(last)s:00.")
                % {"first": SEND_HOURS[0], "last": SEND_HOURS[-1]},
                code="range",
            )
        ]
    return errors


@transaction.atomic
def reminder_plan_set(*, by: User, days_before: Iterable[int], send_hour: int) -> ReminderPlan:
    """Set when the current organization's reminders go out, and apply it to coming hearings.

    `days_before`: 1 to `MAX_STEPS` whole numbers from 1 to `MAX_DAYS_BEFORE`; `send_hour`: on
    the person's clock, in `SEND_HOURS`. Pending reminders of hearings still to come are
    rescheduled by a background task once this commits.
    """
    days = list(days_before)
    errors = _plan_errors(days, send_hour)
    if errors:
        raise ValidationError(errors)
    org_id = current_organization_id()
    if org_id is None:
        raise PermissionError("No organization scope.")
    ordered = sorted(set(days), reverse=True)
    plan = ReminderPlan.objects.select_for_update().first()
    if plan is None:
        plan = ReminderPlan.objects.create(
            organization_id=org_id,
            days_before=ordered,
            send_hour=send_hour,
            created_by=by,
            modified_by=by,
        )
        changed = ["days_before", "send_hour"]
        action = audit.Action.CREATE
    else:
        changed = [
            field
            for field, value in (("days_before", ordered), ("send_hour", send_hour))
            if getattr(plan, field) != value
        ]
        if not changed:
            return plan
        plan.days_before, plan.send_hour, plan.modified_by = ordered, send_hour, by
        plan.save(update_fields=["days_before", "send_hour", "modified_by", "modified_at"])
        action = audit.Action.UPDATE
    audit.record(action=action, actor=by, organization_id=org_id, obj=plan, fields=changed)
    transaction.on_commit(partial(_enqueue_reschedule, org_id), robust=True)
    return plan


def _enqueue_reschedule(organization_id: int) -> None:
    from salvaguarda.court.tasks import reschedule_reminders

    reschedule_reminders.enqueue(organization_id)


def reminders_reschedule_upcoming(
    organization_id: int, *, now: datetime.datetime | None = None
) -> int:
    """Bring the reminders of every coming hearing of the organization in step with its plan.

    Returns how many hearings were looked at. Runs in chunks, one transaction each.
    """
    moment = now or timezone.now()
    with organization_scope(organization_id):
        ids = list(
            Hearing.objects.filter(
                status=Hearing.Status.SCHEDULED, attendance="", starts_at__gt=moment
            )
            .order_by("starts_at", "id")
            .values_list("pk", flat=True)
        )
    for start in range(0, len(ids), RESCHEDULE_CHUNK):
        with organization_scope(organization_id):
            chunk = Hearing.objects.filter(pk__in=ids[start : start + RESCHEDULE_CHUNK])
            for hearing in chunk.select_related("case__person").order_by("starts_at", "id"):
                reminders_schedule(hearing)
    return len(ids)


# --- scheduling ----------------------------------------------------------------------------------


def contact_for(person: Person) -> ContactChannel | None:
    """The channel reminders use: the preferred phone or WhatsApp, else the first one."""
    return (
        ContactChannel.objects.filter(person=person, kind__in=list(CHANNEL_OF_KIND))
        .order_by("-is_preferred", "created_at", "id")
        .first()
    )


def due_moments(
    hearing_starts_at: datetime.datetime,
    zone: datetime.tzinfo,
    days: Sequence[int],
    send_hour: int,
) -> dict[int, datetime.datetime]:
    """When each reminder is due: `send_hour` on the person's clock, N days before the hearing's
    date on that clock. Only moments before the hearing itself."""
    local_date = hearing_starts_at.astimezone(zone).date()
    moments = {}
    for day in days:
        due = datetime.datetime.combine(
            local_date - datetime.timedelta(days=day), datetime.time(send_hour), tzinfo=zone
        )
        if due < hearing_starts_at:
            moments[day] = due
    return moments


def _hearing_over(hearing: Hearing, now: datetime.datetime) -> str:
    """Why a hearing takes no reminders at all ('' if it still does)."""
    if hearing.status != Hearing.Status.SCHEDULED:
        return HEARING_CANCELLED
    if hearing.attendance:
        return HEARING_HELD
    if hearing.starts_at <= now:
        return HEARING_PAST
    return ""


def _recipient(hearing: Hearing) -> Person | None:
    person = hearing.case.person
    return person if person.deleted_at is None else None


def _cancel(rows: QuerySet[Reminder], reason: str, now: datetime.datetime, actor_id: int) -> int:
    return rows.filter(status=Status.PENDING).update(
        status=Status.CANCELLED, error=reason, modified_at=now, modified_by_id=actor_id
    )


def reminders_schedule(hearing: Hearing, *, by: User | None = None) -> list[Reminder]:
    """Bring `hearing`'s reminders in step with it; returns its pending reminders.

    Call it inside the transaction of every change of the hearing (scheduled, moved, cancelled,
    attendance) and of what it depends on (consent, contact channel, where the person stays).
    It cancels pending reminders of earlier versions of the hearing (`Hearing.version`), or all
    of them if the hearing is cancelled, held or past, or the person can no longer be
    contacted; and creates the missing ones of the current version whose time is still ahead.
    Calling it again changes nothing. New reminders are queued once the transaction commits.
    """
    now = timezone.now()
    actor_id = by.pk if by is not None else hearing.modified_by_id
    pending = Reminder.objects.filter(hearing=hearing, status=Status.PENDING)
    counts = {"created": 0, "cancelled": 0, "moved": 0}

    def finish(
        result: list[Reminder], queued: list[tuple[int, datetime.datetime]]
    ) -> list[Reminder]:
        if any(counts.values()):
            audit.record(
                action=audit.Action.UPDATE,
                actor=by,
                organization_id=hearing.organization_id,
                obj=hearing,
                fields=["reminders"],
                detail={f"reminders_{name}": count for name, count in counts.items()},
            )
        if queued:
            transaction.on_commit(
                partial(_enqueue_sends, hearing.organization_id, queued), robust=True
            )
        return result

    stop = _hearing_over(hearing, now)
    person = _recipient(hearing) if not stop else None
    if not stop and person is None:
        stop = NO_PERSON
    if not stop and person is not None and not has_consent(person, Consent.Purpose.REMINDERS):
        stop = NO_CONSENT
    contact = contact_for(person) if person is not None and not stop else None
    if not stop and contact is None:
        stop = NO_CHANNEL
    if stop or person is None or contact is None:
        counts["cancelled"] = _cancel(pending, stop, now, actor_id)
        return finish([], [])

    counts["cancelled"] += _cancel(
        pending.exclude(version=hearing.version), HEARING_MOVED, now, actor_id
    )
    counts["cancelled"] += _cancel(pending.exclude(person=person), OTHER_PERSON, now, actor_id)
    days, send_hour = plan_current()
    wanted = due_moments(hearing.starts_at, times.person_zone(person), days, send_hour)
    mine = Reminder.objects.filter(hearing=hearing, person=person, version=hearing.version)
    counts["cancelled"] += _cancel(
        mine.exclude(days_before__in=list(wanted)), NOT_IN_PLAN, now, actor_id
    )
    channel = CHANNEL_OF_KIND[ContactChannel.Kind(contact.kind)]
    language = reminder_texts.text_language(person.preferred_language)
    existing = {row.days_before: row for row in mine.filter(days_before__in=list(wanted))}
    queued: list[tuple[int, datetime.datetime]] = []
    for day, due in wanted.items():
        row = existing.get(day)
        if row is None or row.status != Status.PENDING or due <= now:
            continue
        if (row.due_at, row.channel, row.language) != (due, channel, language):
            Reminder.objects.filter(pk=row.pk, status=Status.PENDING).update(
                due_at=due, channel=channel, language=language, modified_at=now
            )
            if row.due_at != due:
                counts["moved"] += 1
                queued.append((row.pk, due))
    missing = [day for day, due in wanted.items() if day not in existing and due > now]
    if missing:
        Reminder.objects.bulk_create(
            [
                Reminder(
                    organization_id=hearing.organization_id,
                    hearing=hearing,
                    person=person,
                    version=hearing.version,
                    days_before=day,
                    channel=channel,
                    language=language,
                    due_at=wanted[day],
                    created_by_id=actor_id,
                    modified_by_id=actor_id,
                )
                for day in missing
            ],
            ignore_conflicts=True,  # a concurrent call made them: theirs stand
        )
        created = mine.filter(days_before__in=missing, status=Status.PENDING, created_at__gte=now)
        for pk, due in created.values_list("pk", "due_at"):
            counts["created"] += 1
            queued.append((pk, due))
    result = list(
        Reminder.objects.filter(
            hearing=hearing, person=person, version=hearing.version, status=Status.PENDING
        ).order_by("due_at", "id")
    )
    return finish(result, queued)


def _enqueue_sends(organization_id: int, queued: list[tuple[int, datetime.datetime]]) -> None:
    """Hand new reminders to the task queue, each to run at its time, if the queue can wait.

    A backend that cannot defer (the immediate one of the tests) gets nothing: the
    `send_due_reminders` command sends them when they are due.
    """
    from django.tasks import default_task_backend

    from salvaguarda.court.tasks import send_reminder

    if not default_task_backend.supports_defer:
        return
    for reminder_id, due in queued:
        send_reminder.using(run_after=due).enqueue(organization_id, reminder_id)


# --- sending -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Message:
    channel: str
    language: str
    to: str
    body: str


@dataclass(frozen=True)
class _Stop:
    status: str
    reason: str


def _prepare(reminder: Reminder, now: datetime.datetime) -> _Message | _Stop:
    """Check again everything a reminder depends on, and write it."""
    hearing = reminder.hearing
    over = _hearing_over(hearing, now)
    if over:
        return _Stop(Status.CANCELLED, over)
    if hearing.version != reminder.version:
        return _Stop(Status.CANCELLED, HEARING_MOVED)
    person = reminder.person
    if person.deleted_at is not None:
        return _Stop(Status.CANCELLED, NO_PERSON)
    if hearing.case.person_id != person.pk:
        return _Stop(Status.CANCELLED, OTHER_PERSON)
    if not has_consent(person, Consent.Purpose.REMINDERS):
        return _Stop(Status.CANCELLED, NO_CONSENT)
    contact = contact_for(person)
    if contact is None:
        return _Stop(Status.CANCELLED, NO_CHANNEL)
    zone = times.person_zone(person)
    if reminder.due_at.astimezone(zone).date() != now.astimezone(zone).date():
        return _Stop(Status.FAILED, NOT_ON_ITS_DAY)
    language = reminder_texts.text_language(person.preferred_language)
    body = reminder_texts.compose(
        reminder_texts.HearingFacts.of(hearing, person_zone=zone),
        language=language,
        days_before=reminder.days_before,
    )
    channel = CHANNEL_OF_KIND[ContactChannel.Kind(contact.kind)]
    return _Message(channel=channel, language=language, to=str(contact.number), body=body)


def _finish(
    reminder_id: int,
    claimed_at: datetime.datetime,
    *,
    status: str,
    values: dict[str, object],
    detail: dict[str, str],
) -> None:
    """Record the outcome of our claim (even over a stale 'outcome unknown': we know better)."""
    now = timezone.now()
    ours = Reminder.objects.filter(pk=reminder_id, claimed_at=claimed_at)
    updated = ours.filter(status=Status.SENDING).update(status=status, modified_at=now, **values)
    was_failed = False
    if not updated:
        updated = ours.filter(status=Status.FAILED).update(status=status, modified_at=now, **values)
        was_failed = bool(updated)
    if not updated:
        return
    reminder = Reminder.objects.only("uuid", "organization_id", "hearing_id").get(pk=reminder_id)
    if status == Status.FAILED or was_failed:  # "a reminder failed" is a reason for concern
        risk.refresh([reminder.hearing_id])
    audit.record(
        action=audit.Action.UPDATE,
        organization_id=reminder.organization_id,
        obj=reminder,
        fields=["status", *values],
        detail={"status": status, **detail},
    )


def reminder_send(
    organization_id: int, reminder_id: int, *, now: datetime.datetime | None = None
) -> str:
    """Send one reminder if it is due and nobody has taken it yet; returns its status after.

    At most once: the row is claimed (pending → sending) in its own transaction before
    anything is sent; a second call, a duplicate task or another worker finds it taken and
    sends nothing. Everything is checked again before sending (hearing, version, consent,
    channel); what no longer holds cancels it. Do not call it inside a transaction: the claim
    must be committed before the message leaves. Returns "" if there is no such reminder in the
    organization.
    """
    outgoing = channels.sender()  # an incomplete configuration stops here, before the claim
    claimed_at = now or timezone.now()
    with organization_scope(organization_id):
        claimed = Reminder.objects.filter(
            pk=reminder_id, status=Status.PENDING, due_at__lte=claimed_at
        ).update(status=Status.SENDING, claimed_at=claimed_at, modified_at=claimed_at)
        if not claimed:
            found = Reminder.objects.filter(pk=reminder_id).values_list("status", flat=True)
            return found.first() or ""
    with organization_scope(organization_id):
        reminder = Reminder.objects.select_related("hearing__case", "person").get(pk=reminder_id)
        try:
            with transaction.atomic():  # a database error here must not spoil the outcome's write
                prepared = _prepare(reminder, claimed_at)
        except Exception as exc:  # a bug or unreadable data: fail it now, not "outcome unknown"
            logger.exception("Reminder could not be prepared (reminder id %s).", reminder_id)
            prepared = _Stop(Status.FAILED, f"could not write the message ({type(exc).__name__})")
        if isinstance(prepared, _Stop):
            _finish(
                reminder_id,
                claimed_at,
                status=prepared.status,
                values={"error": prepared.reason},
                detail={"reason": prepared.reason},
            )
            return prepared.status
    try:
        delivery = outgoing.send(channel=prepared.channel, to=prepared.to, body=prepared.body)
    except Exception as exc:  # a sender's bug: the message may or may not have left
        logger.exception("Reminder sender failed (reminder id %s).", reminder_id)
        delivery = channels.Delivery(ok=False, error=f"sender error ({type(exc).__name__})")
    common = {"channel": prepared.channel, "language": prepared.language}
    with organization_scope(organization_id):
        if delivery.ok:
            status = Status.SENT
            values: dict[str, object] = {
                **common,
                "sent_at": timezone.now(),
                "provider_reference": delivery.reference[:64],
                "delivery_status": delivery.status[:32],
                "error": "",
            }
        else:
            status = Status.FAILED
            values = {**common, "error": delivery.error[:200]}
        _finish(
            reminder_id,
            claimed_at,
            status=status,
            values=values,
            detail={"channel": prepared.channel},
        )
    return status


def _fail_stale(organization_id: int, now: datetime.datetime) -> int:
    """Reminders a stopped worker left in `sending`: failed, never sent again."""
    stale = Reminder.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_AFTER)
    hearing_ids = list(stale.values_list("hearing_id", flat=True))
    count = stale.update(status=Status.FAILED, error=OUTCOME_UNKNOWN, modified_at=now)
    if count:
        risk.refresh(hearing_ids)  # "a reminder failed" is a reason for concern
        audit.record(
            action=audit.Action.UPDATE,
            organization_id=organization_id,
            object_type=Reminder._meta.label_lower,
            fields=["status", "error"],
            detail={"status": Status.FAILED, "reason": OUTCOME_UNKNOWN, "count": count},
        )
    return count


def reminders_dispatch_due(
    *, now: datetime.datetime | None = None, limit: int | None = None
) -> int:
    """Send every due reminder of every active organization; returns how many were sent.

    Per organization, in its scope: first the reminders stuck in `sending` for longer than
    `STALE_AFTER` are marked failed ("outcome unknown") and never sent again; then each pending
    reminder due by `now` is sent through `reminder_send` (so running this next to the
    worker, or twice, sends nothing twice). `limit` caps how many reminders are tried in all.
    """
    organizations = Organization.objects.filter(is_active=True).order_by("pk")
    tried = sent = 0
    for org_id in organizations.values_list("pk", flat=True):
        if limit is not None and tried >= limit:
            break
        moment = now or timezone.now()
        with organization_scope(org_id):
            _fail_stale(org_id, moment)
            due = (
                Reminder.objects.filter(status=Status.PENDING, due_at__lte=moment)
                .order_by("due_at", "id")
                .values_list("pk", flat=True)
            )
            ids = list(due if limit is None else due[: limit - tried])
        for reminder_id in ids:
            tried += 1
            if reminder_send(org_id, reminder_id, now=now) == Status.SENT:
                sent += 1
    return sent
