"""Rules of immigration cases, hearings, representation and interviews.

The services call them on every write, whatever it comes from (a page, the API, an import).
Each `*_errors` function returns `{field: [ValidationError, ...]}`, empty when all is well.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from salvaguarda.court import vocab
from salvaguarda.court.models import Hearing, ImmigrationCase, Representation
from salvaguarda.people import vocab as people_vocab

Errors = dict[str, list[ValidationError]]

# No MPP hearing happened before the program began; none is scheduled years ahead.
EARLIEST_HEARING = datetime.date(2019, 1, 1)
LATEST_YEARS_AHEAD = 5

DECIDED = frozenset(ImmigrationCase.Outcome.values) - {
    ImmigrationCase.Outcome.PENDING_FIRST_HEARING,
    ImmigrationCase.Outcome.PENDING,
}


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message))


def court_errors(court: Any, field: str = "court") -> Errors:
    errors: Errors = {}
    if not court:
        _add(errors, field, _("Choose the immigration court."))
    elif court not in vocab.COURTS:
        _add(errors, field, _("This immigration court is not on the list: choose one from it."))
    return errors


def case_errors(values: Mapping[str, Any], *, today: datetime.date) -> Errors:
    errors = court_errors(values.get("court"))
    phase = values.get("program_phase")
    if phase and phase not in people_vocab.PROGRAM_PHASES:
        _add(errors, "program_phase", _("Choose a program from the list."))
    relief = values.get("relief_sought") or []
    if not isinstance(relief, list) or set(relief) - set(ImmigrationCase.Relief.values):
        _add(errors, "relief_sought", _("Choose the relief sought from the list."))
    outcome = values.get("outcome")
    granted = values.get("relief_granted")
    if outcome == ImmigrationCase.Outcome.RELIEF_GRANTED and not granted:
        _add(errors, "relief_granted", _("Say which relief was granted."))
    if granted and outcome != ImmigrationCase.Outcome.RELIEF_GRANTED:
        _add(
            errors,
            "relief_granted",
            _("Relief granted goes only with the outcome 'relief granted'."),
        )
    if values.get("in_absentia") and outcome != ImmigrationCase.Outcome.REMOVAL_ORDER:
        _add(errors, "in_absentia", _("Only a removal order can be ordered in absentia."))
    outcome_on = values.get("outcome_on")
    if outcome in DECIDED and outcome_on is None:
        _add(errors, "outcome_on", _("Give the date of the outcome."))
    if outcome_on is not None and outcome_on > today:
        _add(errors, "outcome_on", _("The date of the outcome cannot be in the future."))
    checked = values.get("status_checked_at")
    if isinstance(checked, datetime.datetime) and checked.date() > today:
        _add(errors, "status_checked_at", _("The status check cannot be in the future."))
    return errors


def lead_case_errors(case: ImmigrationCase | None, lead: ImmigrationCase | None) -> Errors:
    errors: Errors = {}
    if lead is None:
        return errors
    if case is not None and lead.pk == case.pk:
        _add(errors, "lead_case", _("A case cannot be its own lead case."))
    elif lead.lead_case_id is not None:
        _add(errors, "lead_case", _("That case rides on another lead case: choose the lead case."))
    elif case is not None and case.riders.exists():
        _add(errors, "lead_case", _("Other cases ride on this one: it cannot ride on another."))
    return errors


def hearing_errors(
    values: Mapping[str, Any], *, now: datetime.datetime, is_new: bool, moved: bool
) -> Errors:
    """A hearing's rules. A new or moved hearing in the past needs its attendance recorded:
    that is how a past date typed by mistake for a future one is caught."""
    errors = court_errors(values.get("court"))
    starts_at = values.get("starts_at")
    attendance = values.get("attendance") or ""
    if not isinstance(starts_at, datetime.datetime):
        _add(errors, "starts_at", _("Give the date and time of the hearing."))
    else:
        latest = now.date().replace(year=now.year + LATEST_YEARS_AHEAD)
        if starts_at.date() < EARLIEST_HEARING or starts_at.date() > latest:
            _add(
                errors,
                "starts_at",
                _("This date is not possible for an MPP hearing: check the year."),
            )
        elif (is_new or moved) and starts_at < now and not attendance:
            _add(
                errors,
                "starts_at",
                _(
                    "This date and time have already passed. If the hearing was held, record "
                    "whether the person attended; otherwise check the date."
                ),
            )
        elif starts_at > now and attendance in (
            Hearing.Attendance.ATTENDED,
            Hearing.Attendance.MISSED,
        ):
            _add(
                errors,
                "attendance",
                _("Attendance can be recorded only once the hearing has taken place."),
            )
        report_at = values.get("report_at")
        if isinstance(report_at, datetime.datetime) and not (
            starts_at - datetime.timedelta(days=2) <= report_at <= starts_at
        ):
            _add(
                errors,
                "report_at",
                _(
                    "The time to report at the port must be before the hearing, on the same or "
                    "the previous day."
                ),
            )
    port = values.get("port")
    if port and port not in people_vocab.RETURN_POINTS:
        _add(errors, "port", _("Choose a port from the list."))
    reason = values.get("missed_reason")
    if reason and attendance != Hearing.Attendance.MISSED:
        _add(errors, "missed_reason", _("A reason goes only with a missed hearing."))
    return errors


def representation_errors(values: Mapping[str, Any], *, today: datetime.date) -> Errors:
    errors: Errors = {}
    if not values.get("representative"):
        _add(errors, "representative", _("Give the name of the representative."))
    forms_filed = values.get("forms_filed") or []
    if not isinstance(forms_filed, list) or set(forms_filed) - set(Representation.FORMS):
        _add(errors, "forms_filed", _("Choose the forms from the list (G-28, EOIR-28)."))
    since, until = values.get("since"), values.get("until")
    if since is not None and since > today:
        _add(errors, "since", _("The start cannot be in the future."))
    if since is not None and until is not None and until < since:
        _add(errors, "until", _("The end cannot be before the start."))
    return errors


def interview_errors(values: Mapping[str, Any], *, today: datetime.date) -> Errors:
    errors: Errors = {}
    day = values.get("interviewed_on")
    if day is not None and day > today:
        _add(errors, "interviewed_on", _("The interview date cannot be in the future."))
    if day is not None and day < EARLIEST_HEARING:
        _add(errors, "interviewed_on", _("This date is before MPP began: check the year."))
    return errors
