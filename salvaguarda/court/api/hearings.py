"""The operations on the hearings of a case: schedule, change, cancel, and record
attendance. A hearing's moment arrives as the court's clock shows it and is made an aware
moment here, on the (new) court's clock; the service's errors on a moment are given on the
request's fields (`date`, `report_date`).
"""

import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from salvaguarda.accounts.models import User
from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.court import queries, services, times
from salvaguarda.court import vocab as court_vocab
from salvaguarda.court.api.base import CASE, HEARING, REFUSALS, court_time, renamed_errors, router
from salvaguarda.court.api.responses import written_hearing_out
from salvaguarda.court.api.schemas import (
    AttendanceIn,
    CancelIn,
    HearingIn,
    HearingOut,
    HearingPatchIn,
)
from salvaguarda.court.models import (
    Hearing,
    ImmigrationCase,
)


def _wall_clock(
    court: str, day: datetime.date, at: datetime.time, field: str, errors: dict[str, list[str]]
) -> datetime.datetime | None:
    """`day` and `at` on the court's clock, made aware; an error on `field` if impossible."""
    try:
        return times.court_wall_clock(court, datetime.datetime.combine(day, at))
    except ValueError:
        if court_vocab.court_zone(court) is not None:
            errors.setdefault(field, []).append(
                _("This time does not exist at the court: the clocks change that night.")
            )
        return None


HEARING_FIELD_NAMES = {"starts_at": "date", "report_at": "report_date"}


def _scheduled(
    by: User, case: ImmigrationCase, payload: HearingIn
) -> Hearing:  # raises ValidationError
    court = payload.court or case.hearing_case.court
    errors: dict[str, list[str]] = {}
    starts_at = _wall_clock(court, payload.date, payload.time, "time", errors)
    report_at = None
    if payload.report_time is not None:
        day = payload.report_date or payload.date
        report_at = _wall_clock(court, day, payload.report_time, "report_time", errors)
    elif payload.report_date is not None:
        errors["report_time"] = [_("Give the time to report at the port.")]
    if errors:
        raise ValidationError(errors)
    data = payload.model_dump(exclude={"date", "time", "report_date", "report_time"})
    data.update(court=court, starts_at=starts_at, report_at=report_at)
    try:
        return services.hearing_schedule(by=by, case=case, data=data)
    except ValidationError as exc:
        raise renamed_errors(exc, HEARING_FIELD_NAMES) from None


def _hearing_changes(hearing: Hearing, payload: HearingPatchIn) -> dict[str, Any]:
    """The service data of a PATCH: the moments recomposed on the (new) court's clock."""
    sent = payload.model_fields_set
    data: dict[str, Any] = {
        name: getattr(payload, name)
        for name in ("court", "kind", "mode", "port", "report_place", "plan_confirmed")
        if name in sent and not (getattr(payload, name) is None and name != "port")
    }
    court = data.get("court") or hearing.court
    errors: dict[str, list[str]] = {}
    if {"court", "date", "time"} & sent:
        current = times.in_court_time(hearing.starts_at, hearing.court)
        day = payload.date if payload.date is not None else current.date()
        at = payload.time if payload.time is not None else current.time()
        data["starts_at"] = _wall_clock(court, day, at, "time", errors)
    if "report_time" in sent and payload.report_time is None:
        data["report_at"] = None
    elif {"report_date", "report_time"} & sent or ("court" in data and hearing.report_at):
        current_report = court_time(hearing.report_at, hearing.court)
        starts_day = payload.date or times.in_court_time(hearing.starts_at, hearing.court).date()
        report_day = payload.report_date or (
            current_report.date() if current_report else starts_day
        )
        report_clock = payload.report_time or (current_report.time() if current_report else None)
        if report_clock is None:
            errors["report_time"] = [_("Give the time to report at the port.")]
        else:
            data["report_at"] = _wall_clock(court, report_day, report_clock, "report_time", errors)
    if errors:
        raise ValidationError(errors)
    return data


# --- Hearings ----------------------------------------------------------------------------------


@router.post(CASE + "/hearings", response={201: HearingOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def case_hearing_create(request: HttpRequest, case_uuid: UUID, payload: HearingIn) -> Any:
    """Schedule a hearing (a rider's goes on its lead case). Its reminders are scheduled too.

    `date` and `time` are the court's clock (as on the notice), without an offset: 09:00 at the
    Brownsville facility is 15:00Z in winter and 14:00Z in summer. A time that does not exist
    on that clock (clocks go forward) is refused on `time`; one that happens twice is the
    first. `report_date` (default: `date`) and `report_time` are when to report at the port, on
    the same clock. `court` defaults to the case's; `port` to the court's.

    A hearing in the past is accepted only with its `attendance`: a past date typed by mistake
    is refused (on `date`). Errors of the moments are given on `date` and `report_date`.
    """
    case = queries.case_get_for(signed_in_user(request), case_uuid)
    hearing = _scheduled(signed_in_user(request), case, payload)
    return Status(201, written_hearing_out(hearing, case))


@router.patch(HEARING, response={200: HearingOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def case_hearing_patch(
    request: HttpRequest, case_uuid: UUID, hearing_uuid: UUID, payload: HearingPatchIn
) -> Any:
    """Change a hearing: the fields sent; `reason` is kept in its history.

    `date` and `time` are the court's clock, as on creation; one sent alone keeps the other.
    A new moment moves the hearing: its `version` goes up, its history keeps the former
    moment, and its reminders are scheduled again. Changing `court` keeps the date and time
    shown on the clock (read again on the new court's). `report_time: null` removes the time
    to report. A cancelled hearing cannot be changed.
    """
    case = queries.case_get_for(signed_in_user(request), case_uuid)
    hearing = queries.hearing_get_for(signed_in_user(request), case, hearing_uuid)
    data = _hearing_changes(hearing, payload)
    try:
        services.hearing_update(
            by=signed_in_user(request), hearing=hearing, data=data, reason=payload.reason
        )
    except ValidationError as exc:
        raise renamed_errors(exc, HEARING_FIELD_NAMES) from None
    return written_hearing_out(hearing, case)


@router.post(HEARING + "/cancel", response={200: HearingOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def case_hearing_cancel(
    request: HttpRequest, case_uuid: UUID, hearing_uuid: UUID, payload: CancelIn
) -> Any:
    """Cancel a hearing: it is kept, with its history; its pending reminders are cancelled."""
    case = queries.case_get_for(signed_in_user(request), case_uuid)
    hearing = queries.hearing_get_for(signed_in_user(request), case, hearing_uuid)
    services.hearing_cancel(by=signed_in_user(request), hearing=hearing, reason=payload.reason)
    return written_hearing_out(hearing, case)


@router.post(HEARING + "/attendance", response={200: HearingOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def case_hearing_attendance(
    request: HttpRequest, case_uuid: UUID, hearing_uuid: UUID, payload: AttendanceIn
) -> Any:
    """Record whether the person attended (only once the hearing has taken place), why it was
    missed, and the result notes."""
    case = queries.case_get_for(signed_in_user(request), case_uuid)
    hearing = queries.hearing_get_for(signed_in_user(request), case, hearing_uuid)
    try:
        services.hearing_attendance(
            by=signed_in_user(request),
            hearing=hearing,
            attendance=payload.attendance,
            missed_reason=payload.missed_reason,
            notes=payload.result_notes,
        )
    except ValidationError as exc:
        raise renamed_errors(exc, HEARING_FIELD_NAMES) from None
    return written_hearing_out(hearing, case)
