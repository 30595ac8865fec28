"""Referrals in the REST API (mounted by `salvaguarda.api`): the lists, refer a person, one
referral as its side sees it, its steps and its outcome (issue 17 §2).

The same policies as the pages: case-data roles only; the two organizations of a referral see
it (what crossed only when one is opened, audited in both trails), a third one gets 404, and
each side takes only its own steps (the services refuse the others with 422 on `status`).
"""

import datetime
from typing import Annotated, Any, Literal, cast
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator, StrictBool

from salvaguarda.core.access import Policy, active_organization, policy, signed_in_user
from salvaguarda.core.paging import Page
from salvaguarda.people.api import (
    REFUSALS,
    Input,
    ListedLanguage,
    Text,
    choices_schema,
    codes_schema,
)
from salvaguarda.people.models import Consent
from salvaguarda.people.queries import person_get_for
from salvaguarda.referrals.directory.api import _one_of
from salvaguarda.referrals.directory.queries import service_get
from salvaguarda.referrals.referring import crossing, queries, services
from salvaguarda.referrals.referring.models import (
    Barrier,
    DeclineReason,
    Outcome,
    Referral,
    Urgency,
)
from salvaguarda.referrals.referring.models import Status as ReferralStatus

router = Router()

REFERRAL = "/referrals/{uuid:referral_uuid}"


type ReferralUrgency = Annotated[Urgency, choices_schema(Urgency)]
type ReferralOutcome = Annotated[Outcome, choices_schema(Outcome)]
# The steps of `services.STEPS`, and the codes of `crossing.SHAREABLE` (the tests hold them equal).
type ReferralStepKind = Literal["accepted", "declined", "info_requested", "info_given", "cancelled"]
type ReferralSharedField = Literal[
    "given_names",
    "age_band",
    "language",
    "surnames",
    "date_of_birth",
    "sex",
    "nationality",
    "city",
    "contact",
]
# A code of its list, or empty (any status; no reason or barrier, which the service judges).
ReferralStatusCode = Annotated[
    str, AfterValidator(_one_of(ReferralStatus.values)), codes_schema(ReferralStatus.values)
]
DeclineReasonCode = Annotated[
    str, AfterValidator(_one_of(DeclineReason.values)), codes_schema(DeclineReason.values)
]
BarrierCode = Annotated[str, AfterValidator(_one_of(Barrier.values)), codes_schema(Barrier.values)]
Note = Annotated[str, Field(max_length=services.MAX_NOTE)]


# --- Input ------------------------------------------------------------------------------------


class ReferralFiltersIn(Input):
    # `list` in the query string: received (for us to answer), sent, or overdue either way.
    which: Literal["received", "sent", "overdue"] = Field("received", alias="list")
    status: ReferralStatusCode = ""
    page: Page = 1


class ReferralIn(Input):
    service: UUID
    urgency: ReferralUrgency = Urgency.ROUTINE
    reason: Note
    # The codes of what the person agreed to share; omitted: the minimum (first name, age band,
    # language).
    fields: list[ReferralSharedField] = Field(
        default_factory=lambda: cast(list[ReferralSharedField], list(crossing.DEFAULT))
    )
    # True only if the person (or their parent or caregiver) agreed to the referral.
    consent: StrictBool = False
    consent_given_by: Consent.GivenBy = Consent.GivenBy.SELF
    consent_language: ListedLanguage = "spa"


class ReferralStepIn(Input):
    kind: ReferralStepKind
    note: Note = ""
    # With `declined` only.
    decline_reason: DeclineReasonCode = ""


class ReferralOutcomeIn(Input):
    outcome: ReferralOutcome
    # Why the service was not (fully) received: required unless `outcome` is `received`.
    barrier: BarrierCode = ""
    # Today when omitted.
    outcome_on: datetime.date | None = None
    note: Note = ""


# --- Output -----------------------------------------------------------------------------------


class ReferralServiceOut(Schema):
    uuid: UUID
    name: str
    category: str


class ReferralLineOut(Schema):
    uuid: UUID
    reference: str
    service: ReferralServiceOut
    from_organization: str
    # None: an outside provider, whom the referring organization contacts itself.
    to_organization: str | None
    urgency: str
    status: str
    answer_due_at: datetime.datetime
    created_at: datetime.datetime
    outcome: str


class ReferralPageOut(Schema):
    page: int
    has_next: bool
    results: list[ReferralLineOut]


class ReferralSharedOut(Schema):
    field: str
    label: str
    value: str


class ReferralStepOut(Schema):
    kind: str
    at: datetime.datetime
    by_recipient: bool
    note: Text


class ReferredPersonOut(Schema):
    uuid: UUID
    reference: str


class ReferralOut(ReferralLineOut):
    side: str
    shared: list[ReferralSharedOut]
    reason: Text
    steps: list[ReferralStepOut]
    decline_reason: str
    barrier: str
    outcome_on: datetime.date | None
    withdrawn_at: datetime.datetime | None
    # The referring organization's own record; None for the receiving one.
    person: ReferredPersonOut | None


# --- Helpers ----------------------------------------------------------------------------------


def _line(referral: Referral) -> dict[str, Any]:
    recipient = referral.recipient
    return {
        "uuid": referral.uuid,
        "reference": referral.reference,
        "service": {
            "uuid": referral.service.uuid,
            "name": referral.service.name,
            "category": referral.service.category,
        },
        "from_organization": referral.organization.short_name,
        "to_organization": recipient.short_name if recipient is not None else None,
        "urgency": referral.urgency,
        "status": referral.status,
        "answer_due_at": referral.answer_due_at,
        "created_at": referral.created_at,
        "outcome": referral.outcome,
    }


def _opened(request: HttpRequest, referral_uuid: UUID) -> dict[str, Any]:
    """The referral as the active organization's side sees it (the read audited)."""
    view = queries.referral_get_for(signed_in_user(request), referral_uuid)
    referral = view.referral
    # `view.shared` is in the catalog's order, as are the codes of what crossed.
    codes = [field.code for field in crossing.SHAREABLE if field.code in (referral.shared or {})]
    referred = view.referred
    return {
        **_line(referral),
        "side": str(view.side),
        "shared": [
            {"field": code, "label": label, "value": value}
            for code, (label, value) in zip(codes, view.shared, strict=True)
        ],
        "reason": referral.reason,
        "steps": [
            {
                "kind": step.kind,
                "at": step.created_at,
                "by_recipient": step.by_recipient,
                "note": step.note,
            }
            for step in view.steps
        ],
        "decline_reason": referral.decline_reason,
        "barrier": referral.barrier,
        "outcome_on": referral.outcome_on,
        "withdrawn_at": referral.withdrawn_at,
        "person": (
            {"uuid": referred.person.uuid, "reference": referred.person.reference}
            if referred is not None
            else None
        ),
    }


# --- Operations -------------------------------------------------------------------------------


@router.get("/referrals", response={200: ReferralPageOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def referral_list(request: HttpRequest, filters: Query[ReferralFiltersIn]) -> Any:
    """One page (25) of the organization's referrals: `received` and `sent`, newest first, or
    `overdue` (waiting for an answer past their deadline, either way), oldest deadline first;
    optionally of one status. No data of the person: open one referral for that. Audited."""
    page = queries.referrals_page_for(
        signed_in_user(request), filters.which, status=filters.status, page=filters.page
    )
    return {
        "page": page.number,
        "has_next": page.has_next,
        "results": [_line(referral) for referral in page.referrals],
    }


@router.post("/people/{uuid:person_uuid}/referrals", response={201: ReferralOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def referral_create(request: HttpRequest, person_uuid: UUID, payload: ReferralIn) -> Any:
    """Refer the person to a service of the directory, with their consent (recorded as a
    referral consent). What crosses is the chosen fields' values now and the reason, read by
    the receiving member only; a referral to an outside provider crosses nothing."""
    user = signed_in_user(request)
    person = person_get_for(user, person_uuid)
    service = service_get(payload.service)
    data = payload.model_dump(exclude={"service"})
    referral = services.referral_send(by=user, person=person, service=service, data=data)
    return Status(201, _opened(request, referral.uuid))


@router.get(REFERRAL, response={200: ReferralOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def referral_get(request: HttpRequest, referral_uuid: UUID) -> Any:
    """One referral as this side sees it: what crossed, the reason and the history; the
    person of the file for the referring organization only. Audited in both trails."""
    return _opened(request, referral_uuid)


@router.post(REFERRAL + "/steps", response={200: ReferralOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def referral_step(request: HttpRequest, referral_uuid: UUID, payload: ReferralStepIn) -> Any:
    """The receiving organization accepts, declines (with `decline_reason`; `other` needs a
    note) or asks for more information (a note); the referring one gives it (a note) or
    cancels. Another side's step, or one its status does not allow, is a 422 on `status`."""
    referral = queries.referral_for_step(referral_uuid)
    services.referral_step(
        by=signed_in_user(request),
        organization_id=active_organization(request).pk,
        referral=referral,
        kind=payload.kind,
        note=payload.note,
        decline_reason=payload.decline_reason,
    )
    return _opened(request, referral_uuid)


@router.post(REFERRAL + "/outcome", response={200: ReferralOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def referral_outcome(request: HttpRequest, referral_uuid: UUID, payload: ReferralOutcomeIn) -> Any:
    """Close it with its outcome: the receiving member once it has accepted; the referring
    organization for an outside provider."""
    referral = queries.referral_for_step(referral_uuid)
    services.referral_close(
        by=signed_in_user(request),
        organization_id=active_organization(request).pk,
        referral=referral,
        data=payload.model_dump(exclude_none=True),
    )
    return _opened(request, referral_uuid)
