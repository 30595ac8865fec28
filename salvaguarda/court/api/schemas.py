"""The shapes of the court API: the rules on single values (a court, a port, a time on the
court's clock...), the request bodies and filters, which refuse unknown fields, and the
responses. Schemas check only the shape and format of each value; the services check the rules
again and answer 422 by field.
"""

import datetime
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from salvaguarda.core.paging import Page
from salvaguarda.court import validation as court_rules
from salvaguarda.court import vocab as court_vocab
from salvaguarda.court.models import (
    Hearing,
    ImmigrationCase,
    NonRefoulementInterview,
    ReminderText,
    Representation,
)
from salvaguarda.people import vocab as people_vocab
from salvaguarda.people.api import ANumber, ErrorsOut, Text, choices_schema, codes_schema
from salvaguarda.people.api import Input as PeopleInput

MAX_DAYS = 31


# --- Value rules -------------------------------------------------------------------------------


def _invalid(message: str) -> PydanticCustomError:
    return PydanticCustomError("salvaguarda", "{message}", {"message": message})


def _rule(check: Callable[[Any], list[str]]) -> Callable[[Any], Any]:
    """A pydantic validator from a check returning messages; empty values are left alone."""

    def validate(value: Any) -> Any:
        if value in (None, ""):
            return value
        messages = check(value)
        if messages:
            raise _invalid(" ".join(messages))
        return value

    return validate


def _court_messages(code: str) -> list[str]:
    errors = court_rules.court_errors(code)
    return [message for found in errors.values() for e in found for message in e.messages]


def _listed(vocabulary: Any, message: Promise) -> Callable[[Any], list[str]]:
    """A check that `code` is in `vocabulary` (its message translated when it is refused)."""
    return lambda code: [] if code in vocabulary else [str(message)]


def _days(value: int) -> int:
    if not 1 <= value <= MAX_DAYS:
        raise _invalid(_("Give a number of days from 1 to %(max)s.") % {"max": MAX_DAYS})
    return value


def _court_clock(value: datetime.time | None) -> datetime.time | None:
    if value is not None and value.tzinfo is not None:
        raise _invalid(_("Give the time as the court's clock shows it, without a time zone."))
    return value


def _attended(value: str) -> str:
    if not value:
        raise _invalid(_("Say whether the person attended the hearing."))
    return value


Court = Annotated[
    str,
    Field(max_length=16),
    AfterValidator(_rule(_court_messages)),
    codes_schema(court_vocab.COURTS.codes()),
]
Port = Annotated[
    str,
    Field(max_length=8),
    AfterValidator(
        _rule(_listed(people_vocab.RETURN_POINTS, gettext_lazy("Choose a port from the list.")))
    ),
    codes_schema(people_vocab.RETURN_POINTS.codes()),
]
Phase = Annotated[
    str,
    Field(max_length=24),
    AfterValidator(
        _rule(_listed(people_vocab.PROGRAM_PHASES, gettext_lazy("Choose a program from the list.")))
    ),
    codes_schema(people_vocab.PROGRAM_PHASES.codes()),
]
ClockTime = Annotated[datetime.time, AfterValidator(_court_clock)]
ShortText = Annotated[str, Field(max_length=160)]
ReasonText = Annotated[str, Field(max_length=500)]
LongText = Annotated[str, Field(max_length=4000)]


def _form_name(value: str) -> str:
    if value not in Representation.FORMS:
        raise _invalid(_("Choose the forms from the list (G-28, EOIR-28)."))
    return value


FormFiled = Annotated[str, AfterValidator(_form_name)]

# The models' choices named after their model in the OpenAPI document: each model's `Kind` is
# its own list of values (one shared `Kind` would document one list for all of them).
type HearingKind = Annotated[Hearing.Kind, choices_schema(Hearing.Kind)]
type RepresentationKind = Annotated[Representation.Kind, choices_schema(Representation.Kind)]
type ReminderKind = Annotated[ReminderText.Kind, choices_schema(ReminderText.Kind)]


class Input(PeopleInput):
    """Request bodies: unknown fields are errors; choices arrive as their plain codes."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


# --- Output ------------------------------------------------------------------------------------


class PersonBriefOut(Schema):
    uuid: UUID
    reference: str
    given_names: Text
    first_surname: Text
    second_surname: Text


class RiderOut(Schema):
    uuid: UUID
    person: PersonBriefOut


class CaseOut(Schema):
    uuid: UUID
    person: PersonBriefOut
    a_number: Text
    lead_case: UUID | None
    program_phase: str
    court: str
    court_zone: str
    relief_sought: list[str]
    outcome: str
    relief_granted: str
    in_absentia: bool
    outcome_on: datetime.date | None
    status_checked_at: datetime.datetime | None
    status_check_result: Text
    notes: Text
    created_at: datetime.datetime


class RepresentationOut(Schema):
    uuid: UUID
    kind: str
    representative: str
    firm: str
    forms_filed: list[str]
    since: datetime.date
    until: datetime.date | None


class InterviewOut(Schema):
    uuid: UUID
    interviewed_on: datetime.date
    result: str


class HearingChangeOut(Schema):
    change: str
    at: datetime.datetime
    previous_starts_at: datetime.datetime | None
    starts_at: datetime.datetime | None
    fields: list[str]
    reason: Text


class ReminderOut(Schema):
    """Where a reminder stands. Never its words, nor the number it goes to."""

    uuid: UUID
    person: UUID
    hearing_version: int
    days_before: int
    channel: str
    status: str
    due_at: datetime.datetime
    sent_at: datetime.datetime | None
    delivery_status: str


class HearingLineOut(Schema):
    uuid: UUID
    case: UUID
    person: UUID
    person_reference: str
    court: str
    court_zone: str
    starts_at: datetime.datetime
    court_time: datetime.datetime
    kind: str
    mode: str
    port: str
    report_at: datetime.datetime | None
    report_court_time: datetime.datetime | None
    report_place: str
    status: str
    attendance: str
    plan_confirmed: bool
    version: int


class HearingOut(HearingLineOut):
    person_time: datetime.datetime
    person_zone: str
    missed_reason: str
    result_notes: Text
    history: list[HearingChangeOut]
    reminders: list[ReminderOut]


class CaseFileOut(CaseOut):
    riders: list[RiderOut]
    represented: bool
    representations: list[RepresentationOut]
    interviews: list[InterviewOut]
    hearings: list[HearingOut]


class HearingPageOut(Schema):
    page: int
    has_next: bool
    results: list[HearingLineOut]


class RiskLineOut(Schema):
    hearing: HearingLineOut
    reasons: list[str]
    labels: list[str]


class RiskPageOut(Schema):
    page: int
    has_next: bool
    results: list[RiskLineOut]


class UnrepresentedOut(Schema):
    case: UUID
    person: UUID
    person_reference: str
    court: str
    court_zone: str
    outcome: str
    next_hearing: datetime.datetime | None
    next_hearing_court_time: datetime.datetime | None


class UnrepresentedPageOut(Schema):
    page: int
    has_next: bool
    results: list[UnrepresentedOut]


class CourtFiguresOut(Schema):
    start: datetime.date
    end: datetime.date
    cases_open: int
    cases_represented: int
    cases_represented_in_period: int
    representation_rate: float | None
    hearings: int
    hearings_missed: int
    missed_rate: float | None
    attendance: dict[str, int]
    missed_by_reason: dict[str, int]
    outcomes: dict[str, int]
    removal_orders: int
    in_absentia_orders: int
    in_absentia_rate: float | None
    relief_granted: dict[str, int]
    interviews: dict[str, int]


class ImportRowOut(Schema):
    row: int
    result: str
    result_label: str
    masked_a_number: str
    court: str
    court_time: datetime.datetime | None
    person: UUID | None
    errors: dict[str, list[str]]
    changes: list[str]
    note: str


class ImportOut(Schema):
    uuid: UUID
    file_name: str
    status: str
    created_at: datetime.datetime
    applied_at: datetime.datetime | None
    mapping: dict[str, str]
    counts: dict[str, int]
    rows: list[ImportRowOut]


class ImportRefusedOut(ErrorsOut):
    """A file that cannot be read as a hearing list: its headers and the columns recognized."""

    headers: list[str] = []
    mapping: dict[str, str] = {}


class ReminderPlanOut(Schema):
    days_before: list[int]
    send_hour: int


class ReminderTextOut(Schema):
    language: str
    kind: str
    text: str
    own: bool
    default: str


class ReminderSettingsOut(Schema):
    plan: ReminderPlanOut
    texts: list[ReminderTextOut]
    placeholders: list[str]
    max_length: int


# --- Input -------------------------------------------------------------------------------------


class CaseIn(Input):
    """A case to open. `a_number` is the person's (stored encrypted, on their file)."""

    court: Court
    program_phase: Phase = ""
    relief_sought: list[ImmigrationCase.Relief] = []
    outcome: ImmigrationCase.Outcome = ImmigrationCase.Outcome.PENDING_FIRST_HEARING
    relief_granted: ImmigrationCase.Relief | None = None
    in_absentia: bool = False
    outcome_on: datetime.date | None = None
    status_checked_at: AwareDatetime | None = None
    status_check_result: LongText = ""
    notes: LongText = ""
    a_number: ANumber | None = None
    lead_case: UUID | None = None


class CasePatchIn(Input):
    """Only the fields sent are changed; `lead_case: null` detaches the case from its lead."""

    court: Court | None = None
    program_phase: Phase | None = None
    relief_sought: list[ImmigrationCase.Relief] | None = None
    outcome: ImmigrationCase.Outcome | None = None
    relief_granted: ImmigrationCase.Relief | None = None
    in_absentia: bool | None = None
    outcome_on: datetime.date | None = None
    status_checked_at: AwareDatetime | None = None
    status_check_result: LongText | None = None
    notes: LongText | None = None
    a_number: ANumber | None = None
    lead_case: UUID | None = None


class InterviewIn(Input):
    interviewed_on: datetime.date
    result: NonRefoulementInterview.Result = NonRefoulementInterview.Result.PENDING


class RepresentationIn(Input):
    kind: RepresentationKind
    representative: ShortText
    firm: ShortText = ""
    forms_filed: list[FormFiled] = []
    since: datetime.date
    until: datetime.date | None = None


class RepresentationPatchIn(Input):
    """Only the fields sent are changed; giving `until` ends the representation."""

    kind: RepresentationKind | None = None
    representative: ShortText | None = None
    firm: ShortText | None = None
    forms_filed: list[FormFiled] | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


class HearingIn(Input):
    """A hearing, its date and time as the court's clock shows them (no offset)."""

    court: Court = ""
    date: datetime.date
    time: ClockTime
    kind: HearingKind
    mode: Hearing.Mode = Hearing.Mode.IN_PERSON
    port: Port = ""
    report_date: datetime.date | None = None
    report_time: ClockTime | None = None
    report_place: ShortText = ""
    plan_confirmed: bool = False
    attendance: Hearing.Attendance = Hearing.Attendance.PENDING
    missed_reason: Hearing.MissedReason = Hearing.MissedReason.NONE
    result_notes: LongText = ""


class HearingPatchIn(Input):
    """Only the fields sent are changed. `report_time: null` removes the time to report."""

    court: Court | None = None
    date: datetime.date | None = None
    time: ClockTime | None = None
    kind: HearingKind | None = None
    mode: Hearing.Mode | None = None
    port: Port | None = None
    report_date: datetime.date | None = None
    report_time: ClockTime | None = None
    report_place: ShortText | None = None
    plan_confirmed: bool | None = None
    reason: ReasonText = ""


class CancelIn(Input):
    reason: ReasonText = ""


class AttendanceIn(Input):
    attendance: Annotated[Hearing.Attendance, AfterValidator(_attended)]
    missed_reason: Hearing.MissedReason = Hearing.MissedReason.NONE
    result_notes: LongText = ""


class HearingFiltersIn(Input):
    court: Court = ""
    port: Port = ""
    page: Page = 1


class CalendarFiltersIn(HearingFiltersIn):
    first: datetime.date | None = None
    days: Annotated[
        int,
        AfterValidator(_days),
        WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_DAYS, "default": 7}),
    ] = 7


class PageIn(Input):
    page: Page = 1


class PeriodIn(Input):
    start: datetime.date | None = None
    end: datetime.date | None = None


class ReminderPlanIn(Input):
    days_before: list[int]
    send_hour: int


class ReminderTextIn(Input):
    """`text` empty or null goes back to the default text of the language."""

    language: Annotated[str, Field(max_length=8)]
    kind: ReminderKind
    text: Annotated[str, Field(max_length=2000)] | None = None


class ReminderSettingsIn(Input):
    plan: ReminderPlanIn | None = None
    texts: list[ReminderTextIn] = []
