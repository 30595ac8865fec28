"""Writes of specific needs recorded by hand, and of a need marked resolved.

A screening finds most specific needs (services/screening.py); a caseworker also records one by
hand: a disability documented elsewhere, a baby too young for the Washington Group questions, a
need seen later. A need recorded by hand has no screening; a later screening replaces the needs
of the earlier one and keeps those recorded by hand. Any open need, found or recorded, may be
marked resolved on a day.

Each write checks every value (the form and the API are held to the same rules, `need_errors`),
saves all or nothing, is audited with the names of the fields it set, and updates the person's
overall priority as a screening does.
"""

import datetime
import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import User
from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.core.writes import create, update
from salvaguarda.people import validation, vocab
from salvaguarda.people import validation_records as rules
from salvaguarda.people.models import Person, SpecificNeed
from salvaguarda.people.services.records import person_today
from salvaguarda.people.services.screening import needs_priority

NEED_FIELDS = ("code", "priority", "identified_on", "note")
NOTE_MAX_LENGTH = 500
# A note is kept among the need's reasons (encrypted, as a screening's answers are), marked so
# that it is told apart from a screening's "question=answer".
NOTE_PREFIX = "note="
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

Errors = dict[str, list[ValidationError]]


def note_of(need: SpecificNeed) -> str:
    """The note recorded with a need by hand ("" when there is none)."""
    for reason in need.reasons or []:
        if isinstance(reason, str) and reason.startswith(NOTE_PREFIX):
            return reason.removeprefix(NOTE_PREFIX)
    return ""


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _add(errors: Errors, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _past_date(
    errors: Errors, field: str, value: Any, *, today: datetime.date, after: datetime.date | None
) -> None:
    if not isinstance(value, datetime.date):
        _add(errors, field, _("Enter a valid date."), "invalid")
        return
    try:
        validation.not_future(value, today)
    except ValidationError as exc:
        errors.setdefault(field, []).append(exc)
        return
    if after is not None and value < after:
        _add(
            errors,
            field,
            _("This date is before the person's date of birth (%(born)s).") % {"born": _day(after)},
            "before_birth",
        )


def need_errors(
    values: Mapping[str, Any], *, today: datetime.date, born: datetime.date | None
) -> Errors:
    """The rules of a need recorded by hand, by field (the form calls them too). A missing
    value is reported only by the service (a form says a field is required on its own)."""
    errors: Errors = {}
    code = values.get("code")
    if code not in (None, "") and code not in vocab.SPECIFIC_NEEDS:
        _add(
            errors,
            "code",
            _("“%(value)s” is not a specific need of the list.") % {"value": code},
            "choice",
        )
    priority = values.get("priority")
    if priority not in (None, "") and priority not in SpecificNeed.Priority.values:
        _add(
            errors,
            "priority",
            _("“%(value)s” is not one of the allowed values.") % {"value": priority},
            "choice",
        )
    if values.get("identified_on") is not None:
        _past_date(errors, "identified_on", values["identified_on"], today=today, after=born)
    note = values.get("note") or ""
    if isinstance(note, str) and "\x00" in note:
        _add(errors, "note", _("Null characters are not allowed."), "null_characters")
    elif not isinstance(note, str) or len(note) > NOTE_MAX_LENGTH:
        _add(
            errors,
            "note",
            _("Write the note in %(max)d characters or fewer.") % {"max": NOTE_MAX_LENGTH},
            "max_length",
        )
    return errors


def _required(errors: Errors, values: Mapping[str, Any]) -> None:
    if values.get("code") in (None, ""):
        _add(errors, "code", _("Choose the specific need."), "required")
    if values.get("priority") in (None, ""):
        _add(errors, "priority", _("Choose the priority of this need."), "required")


def open_need(person: Person, code: str, subcode: str) -> SpecificNeed | None:
    """The person's open need of this full code, found by a screening or recorded by hand."""
    return (
        SpecificNeed.objects.filter(
            person=person, resolved_on__isnull=True, code=code, subcode=subcode
        )
        .order_by("identified_on", "id")
        .first()
    )


def _priority_update(by: User, person: Person) -> None:
    """Set the person's overall priority from their open needs, as a screening does."""
    priority = needs_priority(person)
    if person.priority == priority:
        return
    person.priority = priority
    person.modified_by = by
    person.save(update_fields=["priority", "modified_by", "modified_at"])
    audit.record(
        action=audit.Action.UPDATE,
        actor=by,
        organization_id=person.organization_id,
        obj=person,
        fields=["priority"],
    )


def _in_scope(person: Person) -> None:
    if current_organization_id() != person.organization_id:
        raise PermissionError("The person is not in the current organization scope.")


@transaction.atomic
def need_record(*, by: User, person: Person, data: Mapping[str, Any]) -> SpecificNeed:
    """Record a specific need by hand (keys of `data`: `NEED_FIELDS`).

    `code` is a code of the specific-needs list, a detailed one ("DS-PM") or a main one alone
    ("DS"); `priority` one of `SpecificNeed.Priority`; `identified_on` (today where the
    organization works, when not given) is neither in the future nor before an exact date of
    birth; `note` is optional. A second open need of the same code (found or recorded) is refused
    (the first one stands until it is resolved). Raises ValidationError by field, nothing saved.
    """
    _in_scope(person)
    # One write at a time for the person, so that two clicks cannot record the same need twice.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    today = person_today(person)
    values: dict[str, Any] = {
        field: value.strip() if isinstance(value := data.get(field), str) else value
        for field in NEED_FIELDS
    }
    if values["identified_on"] in (None, ""):
        values["identified_on"] = today
    errors = need_errors(values, today=today, born=rules.born_on(person))
    _required(errors, values)
    code, _sep, subcode = str(values["code"] or "").partition("-")
    if "code" not in errors:
        existing = open_need(person, code, subcode)
        if existing is not None:
            message = (
                _(
                    "This need is already open on the person's file, recorded by hand on "
                    "%(day)s. Mark that one resolved before recording it again."
                )
                if existing.screening_id is None
                else _(
                    "This need is already open on the person's file, found by the screening of "
                    "%(day)s."
                )
            )
            _add(errors, "code", message % {"day": _day(existing.identified_on)}, "duplicate")
    if errors:
        raise ValidationError(errors)
    # Without the characters that reorder the text shown after them (bidirectional controls).
    note = BIDI_CONTROLS.sub("", str(values["note"] or "")).strip()
    need = create(
        SpecificNeed,
        by=by,
        org_id=person.organization_id,
        person=person,
        code=code,
        subcode=subcode,
        priority=values["priority"],
        identified_on=values["identified_on"],
        reasons=[NOTE_PREFIX + note] if note else [],
    )
    _priority_update(by, person)
    return need


@transaction.atomic
def need_resolve(
    *, by: User, need: SpecificNeed, resolved_on: datetime.date | None = None
) -> SpecificNeed:
    """Mark an open need resolved on `resolved_on` (today where the organization works, when
    not given): a need found by a screening or recorded by hand. The day is neither in the
    future nor before the need was identified; a need already resolved is refused."""
    person = need.person
    _in_scope(person)
    current = SpecificNeed.objects.select_for_update().filter(pk=need.pk).first()
    if current is None:
        raise Http404
    today = person_today(person)
    day = today if resolved_on in (None, "") else resolved_on
    errors: Errors = {}
    if current.resolved_on is not None:
        _add(
            errors,
            "resolved_on",
            _("This need was already marked resolved on %(day)s.")
            % {"day": _day(current.resolved_on)},
            "resolved",
        )
    else:
        _past_date(errors, "resolved_on", day, today=today, after=None)
        if "resolved_on" not in errors and day < current.identified_on:
            _add(
                errors,
                "resolved_on",
                _("A need cannot be resolved before the day it was identified (%(day)s).")
                % {"day": _day(current.identified_on)},
                "before_identified",
            )
    if errors:
        raise ValidationError(errors)
    update(current, by=by, values={"resolved_on": day})
    need.resolved_on = current.resolved_on
    _priority_update(by, person)
    return current


def need_get_for(user: Any, person: Person, need_uuid: uuid.UUID) -> SpecificNeed:
    """One need of `person` (open or resolved), audited as read; 404 if it is not theirs (or
    not of the organization)."""
    need = SpecificNeed.objects.filter(person=person, uuid=need_uuid).first()
    if need is None:
        raise Http404
    need.person = person
    audit.record(
        action=audit.Action.VIEW, actor=user, organization_id=need.organization_id, obj=need
    )
    return need
