"""Writes of access to rights: one observation of a right (`right_record`), audited, checked
again whatever calls it (page or API), all or nothing."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import User
from salvaguarda.core.writes import Errors, create
from salvaguarda.people.models import Person
from salvaguarda.people.safeguard_applies import SCHOOL_AGES
from salvaguarda.people.services.records import person_today
from salvaguarda.referrals import checks
from salvaguarda.referrals.rights.details import DETAILS, WORK_FROM, applies
from salvaguarda.referrals.rights.models import Barrier, Right, RightRecord, State

MAX_TEXT = 200


def _details(
    right: str, given: Mapping[str, Any], person: Person, today: datetime.date, errors: Errors
) -> dict[str, Any]:
    """The right's own facts, typed; anything else given is refused."""
    kept: dict[str, Any] = {}
    known = {detail.code: detail for detail in DETAILS.get(right, [])}
    for code, value in given.items():
        detail = known.get(code)
        if detail is None:
            checks.add(errors, code, _("This fact is not recorded for this right."), "unknown")
        elif value in (None, ""):
            continue
        elif detail.kind == "yes_no":
            if isinstance(value, bool):
                kept[code] = value
            else:
                checks.add(errors, code, _("Answer yes or no."), "invalid")
        elif detail.kind == "date":
            found = checks.day(errors, code, value, person, required=False, today=today)
            if found is not None:
                kept[code] = found.isoformat()
        elif isinstance(value, str):
            text = checks.text(errors, code, value, MAX_TEXT)
            if text:
                kept[code] = text
        else:
            checks.add(errors, code, _("Enter a text."), "invalid")
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
    today = person_today(person)
    right = data.get("right") or ""
    state = data.get("state") or ""
    barrier = data.get("barrier") or ""
    if right not in Right.values:
        checks.add(errors, "right", _("Choose the right."), "required")
    if state not in State.values:
        checks.add(errors, "state", _("Choose where the person stands."), "required")
    if state == State.BARRIER:
        if barrier not in Barrier.values:
            checks.add(errors, "barrier", _("Say what stood in the way."), "required")
    else:
        barrier = ""
    as_of = checks.day(
        errors, "as_of", data.get("as_of") or today, person, required=True, today=today
    )
    if as_of is not None and right in Right.values and not applies(right, person, as_of):
        message = (
            _(
                "School is recorded for children who turn %(low)d to %(high)d years old in the "
                "year (as schools count it)."
            )
            % {"low": SCHOOL_AGES[0], "high": SCHOOL_AGES[1]}
            if right == Right.SCHOOL
            else _("Work is recorded from %(age)d years old.") % {"age": WORK_FROM}
        )
        checks.add(errors, "right", message, "not_applicable")
    details = _details(right, data.get("details") or {}, person, today, errors)
    note = checks.text(errors, "note", data.get("note"), checks.MAX_NOTE)
    if state == State.BARRIER and barrier == Barrier.OTHER and not note:
        checks.add(errors, "note", _("Say what the barrier was."), "required")
    if (
        not errors
        and as_of is not None
        and _same_as_latest(person, right, state, barrier, as_of, details, note)
    ):
        checks.add(
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
