"""Writes of immigration cases, hearings, representation and interviews.

Each function runs in one transaction, checks the rules again (`validation`), and is audited
with the names of the fields it set, never their values. A broken rule raises a
`ValidationError` naming the field, and nothing is saved. Every change to a hearing is kept in
its history (`HearingChange`) and reschedules its reminders (`reminders.reminders_schedule`).
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import User
from salvaguarda.core.writes import checked, create, prepared, same_value, update
from salvaguarda.court import reminders, risk, vocab
from salvaguarda.court import validation as rules
from salvaguarda.court.models import (
    Hearing,
    HearingChange,
    ImmigrationCase,
    NonRefoulementInterview,
    Representation,
)
from salvaguarda.people.models import Person
from salvaguarda.people.services import person_update

CASE_FIELDS = (
    "program_phase",
    "court",
    "relief_sought",
    "outcome",
    "relief_granted",
    "in_absentia",
    "outcome_on",
    "status_checked_at",
    "status_check_result",
    "notes",
)
HEARING_FIELDS = (
    "court",
    "starts_at",
    "kind",
    "mode",
    "port",
    "report_at",
    "report_place",
    "plan_confirmed",
    "attendance",
    "missed_reason",
    "result_notes",
)
ATTENDANCE_FIELDS = ("attendance", "missed_reason", "result_notes")
REPRESENTATION_FIELDS = ("kind", "representative", "firm", "forms_filed", "since", "until")
INTERVIEW_FIELDS = ("interviewed_on", "result")

_DEFAULTS: dict[str, Any] = {
    "relief_sought": [],
    "forms_filed": [],
    "in_absentia": False,
    "plan_confirmed": False,
    "outcome": ImmigrationCase.Outcome.PENDING_FIRST_HEARING,
    "mode": Hearing.Mode.IN_PERSON,
}
_NULLABLE = frozenset(
    {
        "outcome_on",
        "status_checked_at",
        "starts_at",
        "report_at",
        "since",
        "until",
        "interviewed_on",
    }
)


def _today(org_zone: str) -> datetime.date:
    return timezone.localdate(timezone=ZoneInfo(org_zone))


def _values(fields: Iterable[str], data: Mapping[str, Any], current: Any) -> dict[str, Any]:
    return prepared(fields, data, current, defaults=_DEFAULTS, nullable=_NULLABLE)


# --- cases -------------------------------------------------------------------------------------


def _case_values(
    person: Person, data: Mapping[str, Any], current: ImmigrationCase | None
) -> dict[str, Any]:
    values = _values(CASE_FIELDS, data, current)
    today = _today(person.organization.time_zone)
    return checked(
        ImmigrationCase, person.organization_id, values, rules.case_errors(values, today=today)
    )


def _set_a_number(by: User, person: Person, data: Mapping[str, Any]) -> None:
    """The A-number is the person's: a case form may give it; a wrong one names its field."""
    a_number = data.get("a_number")
    if a_number is None or same_value(a_number, person.a_number):
        return
    person_update(by=by, person=person, data={"a_number": a_number})


@transaction.atomic
def case_open(
    *,
    by: User,
    person: Person,
    data: Mapping[str, Any],
    lead_case: ImmigrationCase | None = None,
) -> ImmigrationCase:
    """Open the person's immigration case (keys of `data`: `CASE_FIELDS`, and `a_number`).

    A person has one case; family members may ride on the case of the one who leads it.
    """
    if ImmigrationCase.objects.filter(person=person).exists():
        raise ValidationError(
            {"person": [ValidationError(_("This person already has an immigration case."))]}
        )
    values = _case_values(person, data, None)
    errors = rules.lead_case_errors(None, lead_case)
    if errors:
        raise ValidationError(errors)
    _set_a_number(by, person, data)
    return create(
        ImmigrationCase,
        by=by,
        org_id=person.organization_id,
        person=person,
        lead_case=lead_case,
        **values,
    )


@transaction.atomic
def case_update(
    *,
    by: User,
    case: ImmigrationCase,
    data: Mapping[str, Any],
    lead_case: ImmigrationCase | None | bool = False,
) -> ImmigrationCase:
    """Change the fields `data` gives. `lead_case=None` detaches a rider; False leaves it."""
    values = _case_values(case.person, data, case)
    if lead_case is not False:
        lead = lead_case if isinstance(lead_case, ImmigrationCase) else None
        errors = rules.lead_case_errors(case, lead)
        if errors:
            raise ValidationError(errors)
        values["lead_case"] = lead
    _set_a_number(by, case.person, data)
    update(case, by=by, values=values)
    return case


# --- interviews and representation ------------------------------------------------------------


@transaction.atomic
def interview_record(
    *, by: User, case: ImmigrationCase, data: Mapping[str, Any]
) -> NonRefoulementInterview:
    values = _values(INTERVIEW_FIELDS, data, None)
    today = _today(case.person.organization.time_zone)
    values = checked(
        NonRefoulementInterview,
        case.organization_id,
        values,
        rules.interview_errors(values, today=today),
    )
    return create(NonRefoulementInterview, by=by, org_id=case.organization_id, case=case, **values)


def _representation_values(
    case: ImmigrationCase, data: Mapping[str, Any], current: Representation | None
) -> dict[str, Any]:
    values = _values(REPRESENTATION_FIELDS, data, current)
    today = _today(case.person.organization.time_zone)
    return checked(
        Representation,
        case.organization_id,
        values,
        rules.representation_errors(values, today=today),
    )


@transaction.atomic
def representation_record(
    *, by: User, case: ImmigrationCase, data: Mapping[str, Any]
) -> Representation:
    """An attorney or accredited representative on the case (keys: `REPRESENTATION_FIELDS`)."""
    values = _representation_values(case, data, None)
    representation = create(Representation, by=by, org_id=case.organization_id, case=case, **values)
    risk.refresh_case(case.pk)
    return representation


@transaction.atomic
def representation_update(
    *, by: User, representation: Representation, data: Mapping[str, Any]
) -> Representation:
    """Change a representation; giving `until` ends it."""
    values = _representation_values(representation.case, data, representation)
    update(representation, by=by, values=values)
    risk.refresh_case(representation.case_id)
    return representation


# --- hearings ----------------------------------------------------------------------------------


def _hearing_values(
    case: ImmigrationCase, data: Mapping[str, Any], current: Hearing | None
) -> dict[str, Any]:
    values = _values(HEARING_FIELDS, data, current)
    if not values["port"] and isinstance(values["court"], str):
        values["port"] = vocab.court_port(values["court"])
    if values["attendance"] != Hearing.Attendance.MISSED:
        values["missed_reason"] = ""
    moved = current is not None and values["starts_at"] != current.starts_at
    errors = rules.hearing_errors(values, now=timezone.now(), is_new=current is None, moved=moved)
    return checked(Hearing, case.organization_id, values, errors)


def _history(
    by: User,
    hearing: Hearing,
    change: str,
    *,
    fields: Iterable[str] = (),
    previous: datetime.datetime | None = None,
    reason: str = "",
) -> HearingChange:
    return HearingChange.objects.create(
        organization_id=hearing.organization_id,
        hearing=hearing,
        change=change,
        previous_starts_at=previous,
        starts_at=hearing.starts_at,
        fields=sorted(fields),
        reason=reason.strip(),
        created_by=by,
        modified_by=by,
    )


@transaction.atomic
def hearing_schedule(*, by: User, case: ImmigrationCase, data: Mapping[str, Any]) -> Hearing:
    """A hearing of the case (keys: `HEARING_FIELDS`; `starts_at` an aware datetime).

    A rider's hearing goes on its lead case, which the whole family attends. The port defaults
    to the court's (the MPP courts' reporting port); reminders are scheduled at once.
    """
    case = case.hearing_case
    values = _hearing_values(case, data, None)
    hearing = create(Hearing, by=by, org_id=case.organization_id, case=case, **values)
    _history(by, hearing, HearingChange.Change.SCHEDULED)
    reminders.reminders_schedule(hearing, by=by)
    risk.refresh_case(case.pk, hearing.pk)
    return hearing


@transaction.atomic
def hearing_update(
    *, by: User, hearing: Hearing, data: Mapping[str, Any], reason: str = ""
) -> Hearing:
    """Change a hearing. A new date or time moves it: its history keeps the former one and
    its reminders are cancelled and scheduled again for the new one."""
    if hearing.status == Hearing.Status.CANCELLED:
        raise ValidationError(_("This hearing was cancelled: schedule a new one instead."))
    previous = hearing.starts_at
    values = _hearing_values(hearing.case, data, hearing)
    moved = values["starts_at"] != previous
    if moved:
        hearing.version += 1
    changed = update(hearing, by=by, values=values)
    if not changed:
        return hearing
    if moved:
        _history(
            by,
            hearing,
            HearingChange.Change.MOVED,
            fields=changed,
            previous=previous,
            reason=reason,
        )
    elif set(changed) <= set(ATTENDANCE_FIELDS):
        _history(by, hearing, HearingChange.Change.ATTENDANCE, fields=changed, reason=reason)
    else:
        _history(by, hearing, HearingChange.Change.EDITED, fields=changed, reason=reason)
    reminders.reminders_schedule(hearing, by=by)
    risk.refresh_case(hearing.case_id, hearing.pk)
    return hearing


@transaction.atomic
def hearing_cancel(*, by: User, hearing: Hearing, reason: str = "") -> Hearing:
    """Cancel a hearing (kept, with its history); its pending reminders are cancelled."""
    if hearing.status == Hearing.Status.CANCELLED:
        return hearing
    update(hearing, by=by, values={"status": Hearing.Status.CANCELLED})
    _history(by, hearing, HearingChange.Change.CANCELLED, fields=["status"], reason=reason)
    reminders.reminders_schedule(hearing, by=by)
    risk.refresh_case(hearing.case_id, hearing.pk)
    return hearing


def hearing_attendance(
    *, by: User, hearing: Hearing, attendance: str, missed_reason: str = "", notes: str = ""
) -> Hearing:
    """Record whether the person attended (and why not), with the result notes."""
    return hearing_update(
        by=by,
        hearing=hearing,
        data={"attendance": attendance, "missed_reason": missed_reason, "result_notes": notes},
    )
