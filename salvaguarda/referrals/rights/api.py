"""Access to rights in the REST API (mounted by `salvaguarda.api`): a person's rights at a
glance, one right's history, and a new observation of a right (issue 17 §3).

The same policies as the pages: case-data roles only; the person is read through
`person_get_for` (audited; 404 for another organization's), and written through
`services.right_record`, which judges every rule (the ages a right applies to, the barrier, the
right's own facts) and answers 422 on the field at fault (`details.<fact>` for a fact).
"""

import datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import AfterValidator, BeforeValidator, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.people.api import REFUSALS, Input, Text, choices_schema, codes_schema
from salvaguarda.people.models import Person
from salvaguarda.people.queries import person_get_for
from salvaguarda.people.safeguard_applies import age_of
from salvaguarda.referrals import checks
from salvaguarda.referrals.directory.api import _one_of
from salvaguarda.referrals.rights import queries, services
from salvaguarda.referrals.rights.details import WORK_FROM
from salvaguarda.referrals.rights.models import Barrier, Right, State

router = Router()

RIGHTS = "/people/{uuid:person_uuid}/rights"

type RightKind = Annotated[Right, choices_schema(Right)]
type RightState = Annotated[State, choices_schema(State)]
# A cause of a barrier, or empty (the service requires one with the state `barrier` only).
RightBarrierCode = Annotated[
    str, AfterValidator(_one_of(Barrier.values)), codes_schema(Barrier.values)
]
RightNote = Annotated[str, Field(max_length=checks.MAX_NOTE)]


def _fact(value: Any) -> Any:
    """A fact's value as sent (the service judges it against the fact's kind), one error if it
    is neither text, nor true or false, nor null."""
    if value is None or isinstance(value, str | bool):
        return value
    raise PydanticCustomError(
        "salvaguarda",
        "{message}",
        {"message": _("Enter a text, a date (YYYY-MM-DD), or true or false.")},
    )


# A fact's value: text, a date (YYYY-MM-DD) or, for a yes/no fact, true or false.
type RightFact = Annotated[
    Any,
    PlainValidator(_fact),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "boolean"}, {"type": "null"}]}),
]


# The facts of a record, by code (none recorded: empty).
RightFacts = Annotated[dict[str, str | bool], BeforeValidator(lambda value: value or {})]


# --- Input ------------------------------------------------------------------------------------


class RightIn(Input):
    right: RightKind
    state: RightState
    # Why the person met a barrier: required with the state `barrier`, dropped otherwise;
    # `other` needs a note.
    barrier: RightBarrierCode = ""
    # The day of the observation; today (in the organization's time zone) when omitted.
    as_of: datetime.date | None = None
    # The right's own facts, by code: health `affiliated` (yes/no), `place`, `last_attention`
    # (a date); school `school`, `grade`, `since` (a date); work `working` (yes/no); mental
    # health and gender-based violence `place`. Any other code is refused.
    details: dict[str, RightFact] = Field(default_factory=dict)
    note: RightNote = ""


# --- Output -----------------------------------------------------------------------------------


class RightRecordOut(Schema):
    uuid: UUID
    right: str
    state: str
    barrier: str
    as_of: datetime.date
    details: RightFacts
    note: Text
    created_at: datetime.datetime


class RightHistoryRecordOut(RightRecordOut):
    # The full name of the account that recorded it.
    recorded_by: str | None


class RightFactOut(Schema):
    label: str
    value: str


class RightLineOut(Schema):
    right: str
    label: str
    # "" when nothing is recorded yet.
    state: str
    latest: RightRecordOut | None
    # The facts of the latest record, labelled and shown as on the page.
    facts: list[RightFactOut]


class RightWorkDocumentOut(Schema):
    doc_type: str
    # None: it does not expire.
    expires_on: datetime.date | None


class RightsOut(Schema):
    rights: list[RightLineOut]
    # A valid TVRH or residence card, and of the age of work (or of an unknown age).
    can_work_legally: bool
    work_document: RightWorkDocumentOut | None


class RightHistoryOut(Schema):
    right: str
    label: str
    records: list[RightHistoryRecordOut]


# --- Helpers ----------------------------------------------------------------------------------


def _today(person: Person) -> datetime.date:
    """Today in the person's organization's time zone (the day the services judge by)."""
    return timezone.localdate(timezone=ZoneInfo(person.organization.time_zone))


def _in_details(errors: ValidationError, details: dict[str, Any]) -> ValidationError:
    """The service's errors, those of a fact under `details.<code>`."""
    if not hasattr(errors, "error_dict"):
        return errors
    return ValidationError(
        {
            (f"details.{field}" if field in details else field): messages
            for field, messages in errors.error_dict.items()
        }
    )


# --- Operations -------------------------------------------------------------------------------


@router.get(RIGHTS, response={200: RightsOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def right_glance(request: HttpRequest, person_uuid: UUID) -> Any:
    """The person's rights at a glance: one line per right that applies (school for a child
    3–17, work from 15; services for gender-based violence once something is recorded), each
    with its latest record; and whether the person holds a valid document that allows working.
    Audited as a view of the person."""
    person = person_get_for(signed_in_user(request), person_uuid)
    today = _today(person)
    document = queries.work_document(person, today)
    age = age_of(person, today)
    return {
        "rights": [
            {
                "right": line.right,
                "label": line.label,
                "state": line.state,
                "latest": line.latest,
                "facts": [{"label": label, "value": value} for label, value in line.facts],
            }
            for line in queries.rights_glance(person, today)
        ],
        "can_work_legally": document is not None and (age is None or age >= WORK_FROM),
        "work_document": (
            {"doc_type": document.doc_type, "expires_on": document.expires_on}
            if document is not None
            else None
        ),
    }


@router.get(RIGHTS + "/{right}/history", response={200: RightHistoryOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def right_history(request: HttpRequest, person_uuid: UUID, right: RightKind) -> Any:
    """Every record of one right, newest first (by day, then by when it was recorded), with
    who recorded it. Audited as a view of the person."""
    person = person_get_for(signed_in_user(request), person_uuid)
    return {
        "right": right.value,
        "label": str(right.label),
        "records": queries.right_history(person, right.value),
    }


@router.post(RIGHTS, response={201: RightRecordOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def right_create(request: HttpRequest, person_uuid: UUID, payload: RightIn) -> Any:
    """Record where the person stands with one right on a day. Earlier records are kept as its
    history, never changed. Audited with the names of the fields set."""
    user = signed_in_user(request)
    person = person_get_for(user, person_uuid)
    data = payload.model_dump()
    try:
        record = services.right_record(by=user, person=person, data=data)
    except ValidationError as exc:
        raise _in_details(exc, payload.details) from None
    return Status(201, record)
