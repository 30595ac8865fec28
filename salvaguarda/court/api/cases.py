"""The operations on a person's immigration case: read the case file, open it, change it,
and record its non-refoulement interviews and its representation.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.court import queries, services
from salvaguarda.court.api.base import CASE, PERSON, REFUSALS, REPRESENTATION, router
from salvaguarda.court.api.responses import case_file_out, case_out
from salvaguarda.court.api.schemas import (
    CaseFileOut,
    CaseIn,
    CaseOut,
    CasePatchIn,
    InterviewIn,
    InterviewOut,
    RepresentationIn,
    RepresentationOut,
    RepresentationPatchIn,
)
from salvaguarda.court.models import ImmigrationCase
from salvaguarda.people import queries as people_queries
from salvaguarda.people.models import Person


def _lead_case(person: Person, lead_uuid: UUID | None) -> ImmigrationCase | None:
    """The lead case chosen: a case of someone of the person's family group."""
    if lead_uuid is None:
        return None
    lead = (
        ImmigrationCase.objects.filter(uuid=lead_uuid)
        .exclude(person=person)
        .select_related("person")
        .first()
    )
    if (
        lead is None
        or person.household_id is None
        or lead.person.household_id != person.household_id
    ):
        raise ValidationError(
            {"lead_case": [_("Choose the case of a member of the person's family group.")]}
        )
    return lead


# --- The case ----------------------------------------------------------------------------------


@router.get(PERSON + "/case", response={200: CaseFileOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def person_case_get(request: HttpRequest, person_uuid: UUID) -> Any:
    """The person's immigration case (404 if they have none). Audited as a view of the case."""
    person = people_queries.person_get_for(signed_in_user(request), person_uuid)
    case = queries.case_of_person(person)
    if case is None:
        raise Http404
    return case_file_out(queries.case_file_for(signed_in_user(request), case.uuid))


@router.post(PERSON + "/case", response={201: CaseOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def person_case_open(request: HttpRequest, person_uuid: UUID, payload: CaseIn) -> Any:
    """Open the person's immigration case (a person has one).

    `lead_case` is the uuid of the case of a member of the person's family group that this
    one rides on: the family's hearings are the lead case's. `a_number` sets the person's.
    """
    person = people_queries.person_get_for(signed_in_user(request), person_uuid)
    lead = _lead_case(person, payload.lead_case)
    data = payload.model_dump(exclude={"lead_case"})
    case = services.case_open(by=signed_in_user(request), person=person, data=data, lead_case=lead)
    return Status(201, case_out(case))


@router.get(CASE, response={200: CaseFileOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def case_get(request: HttpRequest, case_uuid: UUID) -> Any:
    """The whole case: representation, interviews, hearings with their history and where their
    reminders stand (never their words nor the number they go to). Audited as one view."""
    return case_file_out(queries.case_file_for(signed_in_user(request), case_uuid))


@router.patch(CASE, response={200: CaseOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def case_patch(request: HttpRequest, case_uuid: UUID, payload: CasePatchIn) -> Any:
    """Change the fields sent; the others keep their value. Audited with the field names."""
    case = queries.case_get_for(signed_in_user(request), case_uuid)
    data = payload.model_dump(exclude_unset=True, exclude={"lead_case"})
    lead: ImmigrationCase | None | bool = False
    if "lead_case" in payload.model_fields_set:
        lead = _lead_case(case.person, payload.lead_case)
    case = services.case_update(by=signed_in_user(request), case=case, data=data, lead_case=lead)
    return case_out(case)


@router.post(CASE + "/interviews", response={201: InterviewOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def case_interview_create(request: HttpRequest, case_uuid: UUID, payload: InterviewIn) -> Any:
    """A non-refoulement interview (fear of return to Mexico) and its result."""
    case = queries.case_get_for(signed_in_user(request), case_uuid)
    data = payload.model_dump()
    return Status(201, services.interview_record(by=signed_in_user(request), case=case, data=data))


@router.post(CASE + "/representations", response={201: RepresentationOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def case_representation_create(
    request: HttpRequest, case_uuid: UUID, payload: RepresentationIn
) -> Any:
    """An attorney or accredited representative on the case, since a date (until one, if
    given)."""
    case = queries.case_get_for(signed_in_user(request), case_uuid)
    data = payload.model_dump()
    return Status(
        201, services.representation_record(by=signed_in_user(request), case=case, data=data)
    )


@router.patch(REPRESENTATION, response={200: RepresentationOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def case_representation_patch(
    request: HttpRequest,
    case_uuid: UUID,
    representation_uuid: UUID,
    payload: RepresentationPatchIn,
) -> Any:
    """Change the fields sent; `until` ends the representation."""
    case = queries.case_get_for(signed_in_user(request), case_uuid)
    found = queries.representation_get_for(signed_in_user(request), case, representation_uuid)
    data = payload.model_dump(exclude_unset=True)
    return services.representation_update(
        by=signed_in_user(request), representation=found, data=data
    )
