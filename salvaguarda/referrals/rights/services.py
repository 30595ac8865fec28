"""Writes of access to rights: one observation of a right (`right_record`), audited, checked
again whatever calls it (page or API), all or nothing."""

import datetime
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import User
from salvaguarda.core.writes import create
from salvaguarda.people.models import Person
from salvaguarda.referrals.rights.details import DETAILS, SCHOOL_AGES, WORK_FROM, age_of, applies
from salvaguarda.referrals.rights.models import Barrier, Right, RightRecord, State

MAX_TEXT = 200
MAX_NOTE = 1000
Errors = dict[str, list[ValidationError]]


def _add(errors: Errors, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _today(person: Person) -> datetime.date:
    return timezone.localdate(timezone=ZoneInfo(person.organization.time_zone))


def _details(
    right: str,
    given: Mapping[str, Any],
    today: datetime.date,
    errors: Errors,
    born: datetime.date | None = None,
) -> dict[str, Any]:
    """The right's own facts, typed; anything else given is refused."""
    kept: dict[str, Any] = {}
    known = {detail.code: detail for detail in DETAILS.get(right, [])}
    for code, value in given.items():
        detail = known.get(code)
        if detail is None:
            _add(errors, code, _("This fact is not recorded for this right."), "unknown")
            continue
        if value in (None, ""):
            continue
        if detail.kind == "yes_no":
            if not isinstance(value, bool):
                _add(errors, code, _("Answer yes or no."), "invalid")
                continue
            kept[code] = value
        elif detail.kind == "date":
            if isinstance(value, str):
                try:
                    value = datetime.date.fromisoformat(value)
                except ValueError:
                    _add(errors, code, _("Enter a valid date."), "invalid")
                    continue
            if not isinstance(value, datetime.date):
                _add(errors, code, _("Enter a valid date."), "invalid")
            elif value > today:
                _add(errors, code, _("This date cannot be in the future."), "future")
            elif born is not None and value < born:
                _add(errors, code, _("This date is before the person was born."), "before_birth")
            else:
                kept[code] = value.isoformat()
        else:
            if not isinstance(value, str):
                _add(errors, code, _("Enter a text."), "invalid")
                continue
            text = value.replace("\x00", "").strip()
            if len(text) > MAX_TEXT:
                _add(
                    errors,
                    code,
                    _("Keep it under %(count)d characters.") % {"count": MAX_TEXT},
                    "max_length",
                )
            elif text:
                kept[code] = text
    return kept


def _same_as_latest(
    person: Person,
    right: str,
    state: str,
    barrier: str,
    as_of: datetime.date,
    details: dict[str, Any],
    note: str,
) -> bool:
    """Whether the right's latest record says exactly this (Back and save again)."""
    latest = (
        RightRecord.objects.filter(person=person, right=right).order_by("-as_of", "-id").first()
    )
    return latest is not None and (
        (latest.state, latest.barrier, latest.as_of) == (state, barrier, as_of)
        and (latest.details or {}) == details
        and (latest.note or "") == note
    )


@transaction.atomic
def right_record(*, by: User, person: Person, data: Mapping[str, Any]) -> RightRecord:
    """Record where a person stands with one right on a day: `right`, `state`, `barrier` (when
    the state is a barrier), `as_of` (empty: today), `details` (the right's facts) and `note`."""
    errors: Errors = {}
    today = _today(person)
    right = data.get("right") or ""
    state = data.get("state") or ""
    barrier = data.get("barrier") or ""
    as_of = data.get("as_of") or today
    if isinstance(as_of, str):
        try:
            as_of = datetime.date.fromisoformat(as_of)
        except ValueError:
            as_of = None
    if right not in Right.values:
        _add(errors, "right", _("Choose the right."), "required")
    if state not in State.values:
        _add(errors, "state", _("Choose where the person stands."), "required")
    if state == State.BARRIER:
        if barrier not in Barrier.values:
            _add(errors, "barrier", _("Say what stood in the way."), "required")
    else:
        barrier = ""
    if not isinstance(as_of, datetime.date):
        _add(errors, "as_of", _("Enter a valid date."), "invalid")
    elif as_of > today:
        _add(errors, "as_of", _("This date cannot be in the future."), "future")
    else:
        born = person.date_of_birth
        if isinstance(born, datetime.date) and as_of < born:
            _add(errors, "as_of", _("This date is before the person was born."), "before_birth")
        age = age_of(person, as_of)
        if right in Right.values and not applies(right, age):
            message = (
                _("School is recorded for children from %(low)d to %(high)d years old.")
                % {"low": SCHOOL_AGES[0], "high": SCHOOL_AGES[1]}
                if right == Right.SCHOOL
                else _("Work is recorded from %(age)d years old.") % {"age": WORK_FROM}
            )
            _add(errors, "right", message, "not_applicable")
    born = person.date_of_birth if isinstance(person.date_of_birth, datetime.date) else None
    details = _details(right, data.get("details") or {}, today, errors, born)
    note = str(data.get("note") or "").replace("\x00", "").strip()
    if len(note) > MAX_NOTE:
        _add(errors, "note", _("Keep it under %(count)d characters.") % {"count": MAX_NOTE}, "max")
    if state == State.BARRIER and barrier == Barrier.OTHER and not note:
        _add(errors, "note", _("Say what the barrier was."), "required")
    if (
        not errors
        and isinstance(as_of, datetime.date)
        and _same_as_latest(person, right, state, barrier, as_of, details, note)
    ):
        _add(
            errors,
            "right",
            _("This was already recorded, the same, on that day (sent twice?): nothing saved."),
            "duplicate",
        )
    if errors:
        raise ValidationError(errors)
    return create(
        RightRecord,
        by=by,
        org_id=person.organization_id,
        person=person,
        right=right,
        state=state,
        barrier=barrier,
        as_of=as_of,
        details=details or None,
        note=note or None,
    )
