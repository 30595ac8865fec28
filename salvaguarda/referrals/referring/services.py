"""Writes of referrals: refer, answer (accept, decline, ask for more), inform, close with the
outcome, cancel, and erase what crossed when the consent is revoked.

Every step is one transaction that changes the shared row and adds its step to the history,
audited in the trail of each organization that sees the row. Which side may take which step,
from which status, is the table `STEPS`; anything else is refused with a translated message
and nothing is written.
"""

import datetime
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core import audit
from salvaguarda.core.sharing import Side, parties, withdraw
from salvaguarda.people.models import Consent, Person
from salvaguarda.people.services import records as people_records
from salvaguarda.referrals.directory.models import Service
from salvaguarda.referrals.referring import crossing
from salvaguarda.referrals.referring.models import (
    ANSWER_WITHIN,
    OPEN,
    Barrier,
    DeclineReason,
    Outcome,
    Referral,
    ReferralStep,
    ReferredPerson,
    Status,
    Urgency,
)

MAX_NOTE = 2000
# Under this age a child's consent is given by a parent, caregiver or legal representative.
SELF_CONSENT_AGE = 12
Kind = ReferralStep.Kind


@dataclass(frozen=True)
class Step:
    sides: tuple[Side, ...]
    from_statuses: tuple[str, ...]
    to_status: str


STEPS: dict[str, Step] = {
    Kind.ACCEPTED: Step((Side.RECIPIENT,), (Status.SENT, Status.INFO_REQUESTED), Status.ACCEPTED),
    Kind.DECLINED: Step((Side.RECIPIENT,), (Status.SENT, Status.INFO_REQUESTED), Status.DECLINED),
    Kind.INFO_REQUESTED: Step((Side.RECIPIENT,), (Status.SENT,), Status.INFO_REQUESTED),
    Kind.INFO_GIVEN: Step((Side.SENDER,), (Status.INFO_REQUESTED,), Status.SENT),
    Kind.CANCELLED: Step((Side.SENDER,), OPEN, Status.CANCELLED),
}


def _error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _note(text: str | None, *, required: bool, field: str = "note") -> str:
    text = (text or "").replace("\x00", "").strip()
    if required and not text:
        raise _error(field, _("Write a few words: the other side reads them."), "required")
    if len(text) > MAX_NOTE:
        raise _error(
            field,
            _("Keep it under %(count)d characters.") % {"count": MAX_NOTE},
            "max_length",
        )
    return text


def _audit_each(by: User, referral: Referral, action: str, fields: list[str]) -> None:
    audit.record_each(
        {
            "action": action,
            "actor": by,
            "organization_id": organization_id,
            "obj": referral,
            "fields": fields,
        }
        for organization_id in parties(referral)
    )


def _add_step(by: User, referral: Referral, kind: str, note: str, side: Side) -> ReferralStep:
    step = ReferralStep(
        organization_id=referral.organization_id,
        recipient_id=referral.recipient_id,
        referral=referral,
        kind=kind,
        by_recipient=side == Side.RECIPIENT and referral.crosses,
        created_by=by,
        modified_by=by,
    )
    step.note = note  # empty: nothing stored
    step.save()
    return step


def _today(organization_id: int, now: datetime.datetime) -> datetime.date:
    """The day `now` is where the organization works (its time zone)."""
    zone = Organization.objects.filter(pk=organization_id).values_list("time_zone", flat=True)
    return timezone.localdate(now, ZoneInfo(next(iter(zone), settings.TIME_ZONE)))


def _free_reference(organization_id: int) -> str:
    """A reference no referral of the organization has (R- and 6 hexadecimal digits)."""
    for _attempt in range(5):
        reference = "R-" + secrets.token_hex(3).upper()
        if not Referral.unscoped.filter(
            organization_id=organization_id, reference=reference
        ).exists():
            return reference
    raise RuntimeError("No free referral reference.")  # pragma: no cover - 16 million of them


# --- referring ---------------------------------------------------------------------------------


def recipient_of(service: Service) -> int | None:
    """The member of the network that answers a referral to `service` (None: an outside
    provider, whom the sender contacts itself)."""
    return service.provider.network_organization_id


def _refusals(service: Service) -> None:
    if service.status != Service.Status.ACTIVE:
        raise _error(
            "service",
            _(
                "“%(service)s” is not offered now (%(status)s in the directory): choose "
                "another service."
            )
            % {"service": service.name, "status": service.get_status_display().lower()},
        )
    member = service.provider.network_organization
    if member is not None and not member.is_active:
        raise _error(
            "service",
            _(
                "%(organization)s has left the network: it can no longer receive referrals. "
                "Choose another service."
            )
            % {"organization": member.name},
        )


def no_consent_message() -> str:
    return _(
        "Without the person's consent nothing is referred: ask them, and tick the box only if "
        "they agree."
    )


@transaction.atomic
def referral_send(
    *,
    by: User,
    person: Person,
    service: Service,
    data: Mapping[str, Any],
    now: datetime.datetime | None = None,
) -> Referral:
    """Refer `person` (of the active organization) to `service`, with their consent.

    `data`: `urgency`, `reason` (the need, read by the receiver), `fields` (codes of
    `crossing.SHAREABLE` the person agreed to share), `consent` (True only if the person
    agreed), `consent_given_by` and `consent_language` (recorded as the referral's consent).
    """
    now = now or timezone.now()
    today = _today(person.organization_id, now)
    errors: dict[str, list[ValidationError]] = {}
    if data.get("consent") is not True:
        errors["consent"] = [ValidationError(no_consent_message(), code="required")]
    urgency = data.get("urgency") or Urgency.ROUTINE
    if urgency not in Urgency.values:
        errors["urgency"] = [ValidationError(_("Choose the urgency."), code="invalid_choice")]
    fields = list(dict.fromkeys(data.get("fields") or []))
    unknown = [code for code in fields if code not in crossing.BY_CODE]
    shared = {} if unknown else crossing.copied(person, fields, today)
    if unknown:
        errors["fields"] = [
            ValidationError(
                _("These fields cannot be shared: %(fields)s.") % {"fields": ", ".join(unknown)},
                code="invalid_choice",
            )
        ]
    elif not fields:
        errors["fields"] = [
            ValidationError(
                _(
                    "Choose at least one thing to share (the first name, for instance): with "
                    "nothing, the service cannot know whom to attend."
                ),
                code="required",
            )
        ]
    elif "contact" in fields and "contact" not in shared:
        errors["fields"] = [
            ValidationError(
                _(
                    "The file holds no contact channel: untick it, or add the channel to the "
                    "file first."
                ),
                code="missing",
            )
        ]
    given_by = data.get("consent_given_by") or Consent.GivenBy.SELF
    age = person.age_on(today)
    if given_by == Consent.GivenBy.SELF and age is not None and age < SELF_CONSENT_AGE:
        errors["consent_given_by"] = [
            ValidationError(
                _(
                    "A child of %(age)d cannot consent alone: the consent is given by their "
                    "parent or caregiver, or by their legal representative."
                )
                % {"age": age},
                code="child",
            )
        ]
    try:
        reason = _note(data.get("reason"), required=True, field="reason")
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    _refusals(service)
    # One open referral of a person to a service: a second (Back and send again, a double
    # click) is refused. The person's row is locked so that two at once wait for each other.
    Person.objects.select_for_update().filter(pk=person.pk).exists()
    already = (
        ReferredPerson.objects.filter(
            person=person, referral__service=service, referral__status__in=OPEN
        )
        .select_related("referral")
        .first()
    )
    if already is not None:
        raise _error(
            "service",
            _("%(name)s is already referred to this service (%(reference)s), still open.")
            % {
                "name": person.given_names or person.reference,
                "reference": already.referral.reference,
            },
        )
    reference = _free_reference(person.organization_id)
    consent = people_records.consent_record(
        by=by,
        person=person,
        purpose=Consent.Purpose.REFERRAL,
        # Named with the referral, so that each referral's consent is told apart on the file.
        recipient=f"{service.provider.name[:140]} · {reference}",
        given_by=given_by,
        language=data.get("consent_language") or "spa",
        given_at=now,
    )
    referral = Referral(
        organization_id=person.organization_id,
        recipient_id=recipient_of(service),
        service=service,
        urgency=urgency,
        answer_due_at=now + ANSWER_WITHIN[Urgency(urgency)],
        status=Status.SENT,
        status_changed_at=now,
        shared_fields=fields,
        reason=reason,
        sender_caseworker=by,
        created_by=by,
        modified_by=by,
    )
    referral.shared = shared
    referral.reference = reference
    referral.save()
    ReferredPerson.objects.create(
        organization_id=person.organization_id,
        referral=referral,
        person=person,
        consent=consent,
        created_by=by,
        modified_by=by,
    )
    _add_step(by, referral, Kind.SENT, "", Side.SENDER)
    _audit_each(by, referral, audit.Action.CREATE, ["service", "urgency", "reason", *fields])
    if referral.recipient_id is not None:
        transaction.on_commit(lambda: _remind_later(referral))
    return referral


def _remind_later(referral: Referral) -> None:
    """Queue the check of the answer at its deadline, if the queue can wait (the periodic
    upkeep catches any referral whose queued check was lost)."""
    from django.tasks import default_task_backend

    from salvaguarda.referrals.tasks import referral_remind_task

    if default_task_backend.supports_defer:
        referral_remind_task.using(run_after=referral.answer_due_at).enqueue(
            referral.organization_id, referral.pk
        )


# --- the steps that follow -----------------------------------------------------------------------


def _locked(referral: Referral) -> Referral:
    """The row again, locked for the transaction (PostgreSQL), as the scope sees it now."""
    fresh = Referral.objects.select_for_update().filter(pk=referral.pk).first()
    if fresh is None:
        raise _error("status", _("This referral is no longer available."))
    return fresh


def _side(referral: Referral, organization_id: int, wanted: tuple[Side, ...]) -> Side:
    """The side the organization acts on. Inside one organization it is both sides; a
    referral to an outside provider has only the sender's (nobody answers it here)."""
    internal = referral.recipient_id == referral.organization_id
    if internal and referral.organization_id == organization_id:
        return wanted[0]
    if referral.recipient_id is None and Side.SENDER not in wanted:
        raise _error(
            "status",
            _(
                "An outside provider does not answer here: contact them, then record the "
                "outcome or cancel the referral."
            ),
        )
    side = referral.side_of(organization_id)
    if side is None or side not in wanted:
        raise _error(
            "status",
            _("Only the receiving organization can do this.")
            if Side.RECIPIENT in wanted
            else _("Only the organization that referred can do this."),
        )
    return side


def _check_status(referral: Referral, allowed: tuple[str, ...]) -> None:
    if referral.status not in allowed:
        raise _error(
            "status",
            _("This referral is “%(status)s”: that step is not possible now.")
            % {"status": referral.get_status_display()},
        )


@transaction.atomic
def referral_step(
    *,
    by: User,
    organization_id: int,
    referral: Referral,
    kind: str,
    note: str = "",
    decline_reason: str = "",
    now: datetime.datetime | None = None,
) -> Referral:
    """Accept, decline (with a reason), ask for more information, give it, or cancel."""
    if kind not in STEPS:
        raise ValueError(f"Not a step of referral_step: {kind!r}")
    step = STEPS[kind]
    now = now or timezone.now()
    referral = _locked(referral)
    side = _side(referral, organization_id, step.sides)
    _check_status(referral, step.from_statuses)
    required = kind in (Kind.INFO_REQUESTED, Kind.INFO_GIVEN) or (
        kind == Kind.DECLINED and decline_reason == DeclineReason.OTHER
    )
    note = _note(note, required=required)
    changed = ["status"]
    if kind == Kind.DECLINED:
        if decline_reason not in DeclineReason.values:
            raise _error("decline_reason", _("Say why it is declined."), "required")
        referral.decline_reason = decline_reason
        changed.append("decline_reason")
    if kind == Kind.ACCEPTED and referral.receiver_caseworker_id is None:
        referral.receiver_caseworker = by
        changed.append("receiver_caseworker")
    if kind in (Kind.DECLINED, Kind.CANCELLED):
        # Ended unserved: what crossed is of no more use to the receiver, and is erased.
        withdraw(referral, ["shared", "reason"])
        referral.erased_at = now
        changed.extend(["shared", "reason", "erased_at"])
    if kind == Kind.INFO_GIVEN:
        # The receiver's clock starts again from the answer to its question.
        referral.answer_due_at = now + ANSWER_WITHIN[Urgency(referral.urgency)]
        referral.reminded_at = None
        changed.extend(["answer_due_at", "reminded_at"])
    referral.status = step.to_status
    referral.status_changed_at = now
    referral.modified_by = by
    # Only what changed: saving every column would re-seal what crossed, which fails once the
    # recipient's keys are destroyed (and costs a decryption per field).
    referral.save(update_fields=[*changed, "status_changed_at", "modified_by", "modified_at"])
    _add_step(by, referral, kind, note, side)
    _audit_each(by, referral, audit.Action.UPDATE, changed)
    return referral


@transaction.atomic
def referral_close(
    *,
    by: User,
    organization_id: int,
    referral: Referral,
    data: Mapping[str, Any],
    now: datetime.datetime | None = None,
) -> Referral:
    """Record the outcome. The receiving member records it once it has accepted; a referral
    to an outside provider (nothing crossed) is closed by the organization that referred."""
    now = now or timezone.now()
    referral = _locked(referral)
    if referral.recipient_id is None:
        side = _side(referral, organization_id, (Side.SENDER,))
        _check_status(referral, (Status.SENT,))
    else:
        side = _side(referral, organization_id, (Side.RECIPIENT,))
        _check_status(referral, (Status.ACCEPTED,))
    outcome = data.get("outcome") or ""
    barrier = data.get("barrier") or ""
    today = _today(organization_id, now)
    outcome_on = data.get("outcome_on") or today
    errors: dict[str, list[ValidationError]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [ValidationError(_("Choose the outcome."), code="required")]
    elif outcome == Outcome.RECEIVED:
        barrier = ""
    elif barrier not in Barrier.values:
        errors["barrier"] = [
            ValidationError(_("Say why the service was not (fully) received."), code="required")
        ]
    if not isinstance(outcome_on, datetime.date) or outcome_on > today:
        errors["outcome_on"] = [
            ValidationError(_("The date of the outcome cannot be in the future."), code="future")
        ]
    elif outcome_on < _today(organization_id, referral.created_at):
        errors["outcome_on"] = [
            ValidationError(
                _("The outcome cannot come before the referral."), code="before_referral"
            )
        ]
    try:
        note = _note(data.get("note"), required=barrier == Barrier.OTHER)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    referral.outcome = outcome
    referral.barrier = barrier
    referral.outcome_on = outcome_on
    referral.status = Status.CLOSED
    referral.status_changed_at = now
    referral.modified_by = by
    referral.save(
        update_fields=[
            "outcome",
            "barrier",
            "outcome_on",
            "status",
            "status_changed_at",
            "modified_by",
            "modified_at",
        ]
    )
    _add_step(by, referral, Kind.CLOSED, note, side)
    _audit_each(by, referral, audit.Action.UPDATE, ["status", "outcome", "barrier", "outcome_on"])
    return referral


# --- consent revoked ---------------------------------------------------------------------------


def consent_revoked(by: User, consent: Consent) -> None:
    """A referral consent was revoked: erase what crossed under it, and end the referral if
    it was still open (people's `dependents.consent_revoked`, inside its transaction)."""
    if consent.purpose != Consent.Purpose.REFERRAL:
        return
    now = timezone.now()
    for link in ReferredPerson.objects.filter(consent=consent):
        # Locked: a step the receiver takes meanwhile waits, and is then refused or seen.
        referral = _locked(link.referral)
        if referral.withdrawn_at is not None:
            continue
        emptied = withdraw(referral, ["shared", "reason"])
        for step in ReferralStep.objects.filter(referral=referral).exclude(note=None):
            step.note = None
            step.save(update_fields=["note"])
        referral.withdrawn_at = now
        referral.modified_by = by
        changed = [*emptied, "withdrawn_at"]
        if referral.status in OPEN:
            referral.status = Status.CANCELLED
            referral.status_changed_at = now
            changed.extend(["status", "status_changed_at"])
        referral.save(update_fields=[*{*changed, "shared", "reason"}, "modified_by", "modified_at"])
        _add_step(by, referral, Kind.WITHDRAWN, "", Side.SENDER)
        _audit_each(by, referral, audit.Action.UPDATE, changed)
