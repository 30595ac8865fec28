"""The incident endpoints of the REST API (mounted by `salvaguarda.api`).

Documented violations: the list with its filters, documenting an incident in one request, its
file, its testimony (for the roles that read it), its parts (acts, victims and witnesses,
perpetrators, consents, complaints, evidence files) and the non-identifying exports. As in the
other APIs: reads go through `queries` (audited there), writes through the services only, and
the schemas check only the shape of each value; the services check the rules (422 by field).

Codes are those of the vocabulary page (`/incidentes/vocabularios/`): HURIDOCS codes
(12 digits) and our short lists. Evidence files are sent as multipart (`files`, one or more)
and come back only as downloads (`Content-Disposition: attachment`). The identifying export is
not offered here: it asks for the coordinator's password again, on its page.
"""

import datetime
from typing import Any, BinaryIO, cast
from uuid import UUID

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from salvaguarda.core.access import Policy, active_organization, policy, signed_in_user
from salvaguarda.core.paging import Page
from salvaguarda.incidents import exports, queries, services
from salvaguarda.incidents.models import (
    Act,
    Complaint,
    Incident,
    IncidentConsent,
    Victim,
)
from salvaguarda.incidents.views_exports import csv_response
from salvaguarda.incidents.views_records import attachment
from salvaguarda.people import queries as people_queries
from salvaguarda.people.api import REFUSALS, Input

router = Router()

INCIDENT = "/incidents/{uuid:incident_uuid}"
PERSON = "/people/{uuid:person_uuid}"


# --- Schemas -----------------------------------------------------------------------------------


class ActIn(Input):
    """A short-list code (`common`), or a HURIDOCS Types of Acts code (`huridocs`)."""

    common: str = ""
    huridocs: str = ""


class VictimIn(Input):
    """A registered person (`person`, their uuid), or an anonymous one by sex, age band and
    nationality."""

    person: UUID | None = None
    role: str = Victim.Role.VICTIM
    sex: str = "not_recorded"
    age_band: str = ""
    nationality: str = ""
    status: str = ""


class PerpetratorIn(Input):
    kind: str
    involvement: str = ""
    how_many: int | None = None
    identifying_details: str = ""


class PerpetratorPatchIn(Input):
    kind: str | None = None
    involvement: str | None = None
    how_many: int | None = None
    identifying_details: str | None = None


class IncidentConsentIn(Input):
    purpose: str
    recipient: str = ""
    given_on: datetime.date
    given_by: str = IncidentConsent.GivenBy.SELF


class ComplaintIn(Input):
    authority: str
    authority_detail: str = ""
    filed_on: datetime.date
    reference_number: str = ""
    status: str = Complaint.Status.FILED
    next_step: str = ""
    next_step_on: datetime.date | None = None


class ComplaintPatchIn(Input):
    authority: str | None = None
    authority_detail: str | None = None
    filed_on: datetime.date | None = None
    reference_number: str | None = None
    status: str | None = None
    next_step: str | None = None
    next_step_on: datetime.date | None = None


class Coordinates(Input):
    lat: float
    lon: float


class IncidentFields(Input):
    date_precision: str = Incident.DatePrecision.EXACT
    occurred_from: datetime.date
    occurred_to: datetime.date | None = None
    country: str = "MEX"
    state: str = ""
    municipality: str = ""
    locality: str = ""
    place_type: str = ""
    place_detail: str = ""
    coordinates: Coordinates | None = None
    summary: str
    testimony: str = ""
    source: str
    documented_on: datetime.date | None = None
    caused_missed_hearing: str = ""
    gbv_type: str = ""


class IncidentIn(IncidentFields):
    acts: list[ActIn]
    victims: list[VictimIn]
    perpetrators: list[PerpetratorIn] = []
    consents: list[IncidentConsentIn] = []


class IncidentPatchIn(Input):
    date_precision: str | None = None
    occurred_from: datetime.date | None = None
    occurred_to: datetime.date | None = None
    country: str | None = None
    state: str | None = None
    municipality: str | None = None
    locality: str | None = None
    place_type: str | None = None
    place_detail: str | None = None
    coordinates: Coordinates | None = None
    summary: str | None = None
    testimony: str | None = None
    source: str | None = None
    documented_on: datetime.date | None = None
    caused_missed_hearing: str | None = None
    gbv_type: str | None = None


class ActsIn(Input):
    acts: list[ActIn]


class FiltersIn(Schema):
    act: str = ""
    perpetrator: str = ""
    state: str = ""
    municipality: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    use: str = ""
    gbv_type: str = ""
    page: Page = 1


class ActOut(Schema):
    huridocs: str
    common: str


class VictimOut(Schema):
    uuid: UUID
    person: UUID | None
    role: str
    sex: str
    age_band: str
    nationality: str
    status: str


class PerpetratorOut(Schema):
    uuid: UUID
    kind: str
    involvement: str
    how_many: int | None
    identifying_details: str | None


class IncidentConsentOut(Schema):
    uuid: UUID
    purpose: str
    recipient: str
    given_on: datetime.date
    given_by: str
    revoked_on: datetime.date | None


class ComplaintOut(Schema):
    uuid: UUID
    authority: str
    authority_detail: str
    filed_on: datetime.date
    reference_number: str | None
    status: str
    next_step: str | None
    next_step_on: datetime.date | None


class FileOut(Schema):
    uuid: UUID
    category: str
    media_type: str
    size: int
    sha256_at_upload: str
    sha256: str
    description: str | None
    had_location: bool
    location_removed_at: datetime.datetime | None
    # What the file carries besides what it shows, found at upload: pdf_javascript,
    # pdf_launch, pdf_submit_form, pdf_embedded_file, pdf_rich_media, pdf_unreadable,
    # image_trailing_data. The copy to share leaves it out.
    hidden_content: list[str]


class IncidentBriefOut(Schema):
    uuid: UUID
    reference: str
    date_precision: str
    occurred_from: datetime.date
    occurred_to: datetime.date
    state: str
    municipality: str
    acts: list[ActOut]
    perpetrator_types: list[str]


class IncidentOut(Schema):
    uuid: UUID
    reference: str
    date_precision: str
    occurred_from: datetime.date
    occurred_to: datetime.date
    country: str
    state: str
    municipality: str
    locality: str
    place_type: str
    place_detail: str
    coordinates: dict[str, float] | None
    summary: str | None
    source: str
    documented_by: str
    documented_on: datetime.date
    return_point: str
    days_since_return: int | None
    caused_missed_hearing: str
    gbv_type: str


class IncidentFileOut(IncidentOut):
    acts: list[ActOut]
    victims: list[VictimOut]
    perpetrators: list[PerpetratorOut]
    consents: list[IncidentConsentOut]
    complaints: list[ComplaintOut]
    files: list[FileOut]


class IncidentPageOut(Schema):
    incidents: list[IncidentBriefOut]
    page: int
    has_next: bool


class TestimonyOut(Schema):
    testimony: str


# --- Responses ---------------------------------------------------------------------------------


def _incident_out(incident: Incident) -> dict[str, Any]:
    return {
        **{field: getattr(incident, field) for field in IncidentOut.model_fields},
        "coordinates": incident.coordinates or None,
        "documented_by": incident.documented_by.full_name,
    }


def _victim_out(victim: Victim) -> dict[str, Any]:
    values = {
        field: getattr(victim, field) for field in VictimOut.model_fields if field != "person"
    }
    return {**values, "person": victim.person.uuid if victim.person is not None else None}


def _file_out(incident_file: queries.IncidentFile) -> dict[str, Any]:
    return {
        **_incident_out(incident_file.incident),
        "acts": incident_file.acts,
        "victims": [_victim_out(v) for v in incident_file.victims],
        "perpetrators": incident_file.perpetrators,
        "consents": incident_file.consents,
        "complaints": incident_file.complaints,
        "files": incident_file.files,
    }


def _brief_out(incident: Incident) -> dict[str, Any]:
    return {
        **{
            field: getattr(incident, field)
            for field in IncidentBriefOut.model_fields
            if field not in ("acts", "perpetrator_types")
        },
        "acts": list(incident.acts.all()),
        "perpetrator_types": [p.kind for p in incident.perpetrators.all()],
    }


def _filters(filters: FiltersIn) -> queries.IncidentFilters:
    return queries.IncidentFilters(**filters.model_dump(exclude={"page"}))


def _victims(request: HttpRequest, victims: list[VictimIn]) -> list[dict[str, Any]]:
    """Each victim as the services take it: a registered person fetched (and audited) through
    the organization's accessor, so another organization's uuid is a 404."""
    rows = []
    for victim in victims:
        data = victim.model_dump(exclude={"person"})
        data["person"] = (
            people_queries.person_get_for(signed_in_user(request), victim.person)
            if victim.person is not None
            else None
        )
        rows.append(data)
    return rows


def _incident_data(payload: Input, *, unset: bool = False) -> dict[str, Any]:
    data = payload.model_dump(
        exclude_unset=unset, exclude={"acts", "victims", "perpetrators", "consents"}
    )
    if "coordinates" in data and data["coordinates"] is not None:
        data["coordinates"] = dict(data["coordinates"])
    return data


# --- Incidents ---------------------------------------------------------------------------------


@router.get("/incidents", response={200: IncidentPageOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def incident_list(request: HttpRequest, filters: Query[FiltersIn]) -> Any:
    """The organization's incidents, newest first, 25 a page. `act` and `perpetrator` also match
    the codes under a HURIDOCS code. Audited as one list."""
    page = queries.incidents_page_for(
        signed_in_user(request), _filters(filters), page=max(1, filters.page)
    )
    return {
        "incidents": [_brief_out(i) for i in page.incidents],
        "page": page.number,
        "has_next": page.has_next,
    }


@router.post("/incidents", response={201: IncidentFileOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def incident_create(request: HttpRequest, payload: IncidentIn) -> Any:
    """Document an incident with its acts, victims and witnesses, perpetrators and consents,
    in one go: all of it is saved, or nothing (422 names every problem)."""
    incident = services.incident_document(
        by=signed_in_user(request),
        organization=active_organization(request),
        data=_incident_data(payload),
        acts=[a.model_dump() for a in payload.acts],
        victims=_victims(request, payload.victims),
        perpetrators=[p.model_dump() for p in payload.perpetrators],
        consents=[c.model_dump() for c in payload.consents],
    )
    return Status(201, _file_out(queries.incident_file_for(signed_in_user(request), incident.uuid)))


@router.get(INCIDENT, response={200: IncidentFileOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def incident_get(request: HttpRequest, incident_uuid: UUID) -> Any:
    """Everything documented with the incident but its testimony. Audited as one view."""
    return _file_out(queries.incident_file_for(signed_in_user(request), incident_uuid))


@router.get(INCIDENT + "/testimony", response={200: TestimonyOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def incident_testimony(request: HttpRequest, incident_uuid: UUID) -> Any:
    """The testimony, for legal staff, coordinators and whoever documented it (404 for the
    others). Audited as its own read."""
    incident = queries.incident_get_for(signed_in_user(request), incident_uuid)
    membership = getattr(request, "membership", None)
    role = membership.role if membership else None
    return {"testimony": queries.testimony_for(signed_in_user(request), role, incident)}


@router.patch(INCIDENT, response={200: IncidentFileOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def incident_patch(request: HttpRequest, incident_uuid: UUID, payload: IncidentPatchIn) -> Any:
    """Change the fields sent. Changing the testimony needs a role that may read it."""
    user = signed_in_user(request)
    incident = queries.incident_get_for(user, incident_uuid)
    data = _incident_data(payload, unset=True)
    if "testimony" in data:
        membership = getattr(request, "membership", None)
        queries.testimony_for(user, membership.role if membership else None, incident)
    services.incident_update(by=user, incident=incident, data=data)
    return _file_out(queries.incident_file_for(user, incident_uuid))


@router.put(INCIDENT + "/acts", response={200: list[ActOut], **REFUSALS})
@policy(Policy.CASE_DATA)
def incident_acts_put(request: HttpRequest, incident_uuid: UUID, payload: ActsIn) -> Any:
    """Make the incident's acts exactly these."""
    incident = queries.incident_get_for(signed_in_user(request), incident_uuid)
    services.acts_set(
        by=signed_in_user(request), incident=incident, acts=[a.model_dump() for a in payload.acts]
    )
    return list(Act.objects.filter(incident=incident))


@router.get(PERSON + "/incidents", response={200: list[IncidentBriefOut], **REFUSALS})
@policy(Policy.CASE_DATA)
def person_incidents(request: HttpRequest, person_uuid: UUID) -> Any:
    """The incidents a registered person suffered or witnessed."""
    person = people_queries.person_get_for(signed_in_user(request), person_uuid)
    return [_brief_out(i) for i in queries.incidents_of_person(signed_in_user(request), person)]


# --- Victims, perpetrators, consents, complaints -----------------------------------------------


@router.post(INCIDENT + "/victims", response={201: VictimOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def victim_create(request: HttpRequest, incident_uuid: UUID, payload: VictimIn) -> Any:
    incident = queries.incident_get_for(signed_in_user(request), incident_uuid)
    data = _victims(request, [payload])[0]
    victim = services.victim_add(by=signed_in_user(request), incident=incident, data=data)
    return Status(201, _victim_out(victim))


@router.delete("/victims/{uuid:victim_uuid}", response={204: None, **REFUSALS})
@policy(Policy.CASE_DATA)
def victim_delete(request: HttpRequest, victim_uuid: UUID) -> Any:
    """Remove a victim or witness from the incident (an incident keeps at least one)."""
    victim = queries.victim_get_for(signed_in_user(request), victim_uuid)
    services.victim_remove(by=signed_in_user(request), victim=victim)
    return Status(204, None)


@router.post(INCIDENT + "/perpetrators", response={201: PerpetratorOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def perpetrator_create(request: HttpRequest, incident_uuid: UUID, payload: PerpetratorIn) -> Any:
    incident = queries.incident_get_for(signed_in_user(request), incident_uuid)
    return Status(
        201,
        services.perpetrator_add(
            by=signed_in_user(request), incident=incident, data=payload.model_dump()
        ),
    )


@router.patch("/perpetrators/{uuid:perpetrator_uuid}", response={200: PerpetratorOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def perpetrator_patch(
    request: HttpRequest, perpetrator_uuid: UUID, payload: PerpetratorPatchIn
) -> Any:
    perpetrator = queries.perpetrator_get_for(signed_in_user(request), perpetrator_uuid)
    return services.perpetrator_update(
        by=signed_in_user(request),
        perpetrator=perpetrator,
        data=payload.model_dump(exclude_unset=True),
    )


@router.delete("/perpetrators/{uuid:perpetrator_uuid}", response={204: None, **REFUSALS})
@policy(Policy.CASE_DATA)
def perpetrator_delete(request: HttpRequest, perpetrator_uuid: UUID) -> Any:
    perpetrator = queries.perpetrator_get_for(signed_in_user(request), perpetrator_uuid)
    services.perpetrator_remove(by=signed_in_user(request), perpetrator=perpetrator)
    return Status(204, None)


@router.post(INCIDENT + "/consents", response={201: IncidentConsentOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def consent_create(request: HttpRequest, incident_uuid: UUID, payload: IncidentConsentIn) -> Any:
    incident = queries.incident_get_for(signed_in_user(request), incident_uuid)
    return Status(
        201,
        services.consent_record(
            by=signed_in_user(request), incident=incident, data=payload.model_dump()
        ),
    )


@router.post(
    "/incident-consents/{uuid:incident_consent_uuid}/revoke",
    response={200: IncidentConsentOut, **REFUSALS},
)
@policy(Policy.CASE_DATA)
def consent_revoke(request: HttpRequest, incident_consent_uuid: UUID) -> Any:
    """Revoke a consent as of today: from now on nothing leaves for that use."""
    consent = queries.consent_get_for(signed_in_user(request), incident_consent_uuid)
    return services.consent_revoke(by=signed_in_user(request), consent=consent)


@router.post(INCIDENT + "/complaints", response={201: ComplaintOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def complaint_create(request: HttpRequest, incident_uuid: UUID, payload: ComplaintIn) -> Any:
    incident = queries.incident_get_for(signed_in_user(request), incident_uuid)
    return Status(
        201,
        services.complaint_record(
            by=signed_in_user(request), incident=incident, data=payload.model_dump()
        ),
    )


@router.patch("/complaints/{uuid:complaint_uuid}", response={200: ComplaintOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def complaint_patch(request: HttpRequest, complaint_uuid: UUID, payload: ComplaintPatchIn) -> Any:
    complaint = queries.complaint_get_for(signed_in_user(request), complaint_uuid)
    return services.complaint_update(
        by=signed_in_user(request), complaint=complaint, data=payload.model_dump(exclude_unset=True)
    )


# --- Evidence files ----------------------------------------------------------------------------


@router.post(INCIDENT + "/files", response={201: list[FileOut], **REFUSALS})
@policy(Policy.CASE_DATA)
def files_create(
    request: HttpRequest,
    incident_uuid: UUID,
    files: File[list[UploadedFile]],
    description: Form[str] = "",
) -> Any:
    """Add evidence files (multipart `files`, one or more; `description` for all of them). Each
    is checked from its bytes and stored encrypted; all are added, or none (422)."""
    incident = queries.incident_get_for(signed_in_user(request), incident_uuid)
    uploads = [
        services.Upload(source=cast(BinaryIO, f), name=f.name or "", description=description)
        for f in files
    ]
    return Status(
        201, services.evidence_add(by=signed_in_user(request), incident=incident, uploads=uploads)
    )


@router.get("/evidence-files/{uuid:evidence_uuid}/content", response={200: None, **REFUSALS})
@policy(Policy.CASE_DATA)
def file_content(request: HttpRequest, evidence_uuid: UUID, shared_copy: bool = False) -> Any:
    """The file's bytes, as an attachment. `shared_copy=true` gives the copy to share: a photo
    without any metadata (location included) nor what follows its end, the same pixels; a PDF
    without its active content (`hidden_content`); a recording or video as kept. A copy that
    cannot be made is refused (422). Audited as a read of the content."""
    copy = "to_share" if shared_copy else "kept"
    evidence = queries.evidence_download_for(signed_in_user(request), evidence_uuid, copy=copy)
    if shared_copy:
        return attachment(services.evidence_shared_copy(evidence), evidence)
    return attachment(services.evidence_chunks(evidence), evidence)


@router.post(
    "/evidence-files/{uuid:evidence_uuid}/remove-location", response={200: FileOut, **REFUSALS}
)
@policy(Policy.CASE_DATA)
def file_remove_location(request: HttpRequest, evidence_uuid: UUID) -> Any:
    """Replace a photo by the same photo without metadata; the SHA-256 at upload stays."""
    evidence = queries.evidence_get_for(signed_in_user(request), evidence_uuid)
    return services.evidence_remove_location(by=signed_in_user(request), evidence=evidence)


# --- Exports -----------------------------------------------------------------------------------


@router.get("/incidents-export/analysis", response={200: None, **REFUSALS})
@policy(Policy.MEMBER)
def export_analysis(request: HttpRequest, filters: Query[FiltersIn]) -> Any:
    """CSV, one row per act, of the incidents with a consent to anonymous statistics; no
    identifying field. Audited as an export."""
    lines = exports.analysis_csv(
        signed_in_user(request), active_organization(request).pk, _filters(filters)
    )
    return csv_response(lines, "incidentes-analisis")


@router.get("/incidents-export/uwazi", response={200: None, **REFUSALS})
@policy(Policy.MEMBER)
def export_uwazi(request: HttpRequest, filters: Query[FiltersIn]) -> Any:
    """Uwazi's `import.csv` of the incidents with a consent to public advocacy."""
    lines = exports.uwazi_csv(
        signed_in_user(request), active_organization(request).pk, _filters(filters)
    )
    return csv_response(lines, "import")
