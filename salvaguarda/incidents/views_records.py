"""Pages that add to or change what is documented with an incident: victims and witnesses,
perpetrators, consents, complaints and evidence files (and the file downloads)."""

import uuid
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.core.forms import RuleForm, saved
from salvaguarda.incidents import queries, services
from salvaguarda.incidents.forms import (
    ComplaintForm,
    ConsentForm,
    FilesForm,
    PerpetratorEditForm,
    VictimForm,
)
from salvaguarda.incidents.models import EvidenceFile, Incident
from salvaguarda.people.models import Person


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _to_incident(incident: Incident) -> HttpResponse:
    return redirect("incidents:detail", incident_uuid=incident.uuid)


def _form_page(
    request: HttpRequest, incident: Incident, form: Any, title: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "incidents/record_form.html",
        {"form": form, "incident": incident, "title": title, **extra},
    )


# --- victims and witnesses ---------------------------------------------------------------------


def _victim_data(form: VictimForm) -> dict[str, Any] | None:
    """The service's data, with the registered person the reference names (None if it names
    nobody in the organization: the form says so)."""
    data = dict(form.cleaned_data)
    reference = data.pop("person_reference").strip().upper()
    data["person"] = None
    if reference:
        data["person"] = Person.objects.filter(reference=reference).first()
        if data["person"] is None:
            form.add_error(
                "person_reference", _("No person of the organization has this reference.")
            )
            return None
    return data


@policy(Policy.CASE_DATA)
def victim_add(request: HttpRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = queries.incident_get_for(request.user, incident_uuid)
    form = VictimForm(_post(request))
    if request.method == "POST" and form.is_valid():
        data = _victim_data(form)
        if data is not None and saved(
            request,
            form,
            lambda: services.victim_add(by=signed_in_user(request), incident=incident, data=data),
            _("The victim or witness was added."),
        ):
            return _to_incident(incident)
    return _form_page(request, incident, form, _("Add a victim or witness"))


@policy(Policy.CASE_DATA)
def victim_remove(request: HttpRequest, victim_uuid: uuid.UUID) -> HttpResponse:
    victim = queries.victim_get_for(request.user, victim_uuid)
    if request.method == "POST":
        try:
            services.victim_remove(by=signed_in_user(request), victim=victim)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The victim or witness was removed from the incident."))
    return _to_incident(victim.incident)


# --- perpetrators ------------------------------------------------------------------------------


@policy(Policy.CASE_DATA)
def perpetrator_add(request: HttpRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = queries.incident_get_for(request.user, incident_uuid)
    form = PerpetratorEditForm(_post(request))
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.perpetrator_add(
                by=signed_in_user(request), incident=incident, data=form.cleaned_data
            ),
            _("The perpetrator was added."),
        ):
            return _to_incident(incident)
    return _form_page(request, incident, form, _("Add a perpetrator"))


@policy(Policy.CASE_DATA)
def perpetrator_edit(request: HttpRequest, perpetrator_uuid: uuid.UUID) -> HttpResponse:
    perpetrator = queries.perpetrator_get_for(request.user, perpetrator_uuid)
    initial = {f: getattr(perpetrator, f) for f in services.PERPETRATOR_FIELDS}
    form = PerpetratorEditForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.perpetrator_update(
                by=signed_in_user(request), perpetrator=perpetrator, data=form.cleaned_data
            ),
            _("The perpetrator was saved."),
        ):
            return _to_incident(perpetrator.incident)
    return _form_page(request, perpetrator.incident, form, _("Perpetrator"))


@policy(Policy.CASE_DATA)
def perpetrator_remove(request: HttpRequest, perpetrator_uuid: uuid.UUID) -> HttpResponse:
    perpetrator = queries.perpetrator_get_for(request.user, perpetrator_uuid)
    if request.method == "POST":
        services.perpetrator_remove(by=signed_in_user(request), perpetrator=perpetrator)
        messages.success(request, _("The perpetrator was removed from the incident."))
    return _to_incident(perpetrator.incident)


# --- consents and complaints -------------------------------------------------------------------


@policy(Policy.CASE_DATA)
def consent_add(request: HttpRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = queries.incident_get_for(request.user, incident_uuid)
    form = ConsentForm(_post(request))
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.consent_record(
                by=signed_in_user(request), incident=incident, data=form.cleaned_data
            ),
            _("The consent was recorded."),
        ):
            return _to_incident(incident)
    return _form_page(request, incident, form, _("Record a consent to a use"))


@policy(Policy.CASE_DATA)
def consent_revoke(request: HttpRequest, incident_consent_uuid: uuid.UUID) -> HttpResponse:
    consent = queries.consent_get_for(request.user, incident_consent_uuid)
    if request.method == "POST":
        services.consent_revoke(by=signed_in_user(request), consent=consent)
        messages.success(request, _("The consent was revoked as of today."))
    return _to_incident(consent.incident)


@policy(Policy.CASE_DATA)
def complaint_add(request: HttpRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = queries.incident_get_for(request.user, incident_uuid)
    form = ComplaintForm(_post(request))
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.complaint_record(
                by=signed_in_user(request), incident=incident, data=form.cleaned_data
            ),
            _("The complaint was recorded."),
        ):
            return _to_incident(incident)
    return _form_page(request, incident, form, _("Record a complaint"))


@policy(Policy.CASE_DATA)
def complaint_edit(request: HttpRequest, complaint_uuid: uuid.UUID) -> HttpResponse:
    complaint = queries.complaint_get_for(request.user, complaint_uuid)
    initial = {f: getattr(complaint, f) for f in services.COMPLAINT_FIELDS}
    form = ComplaintForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.complaint_update(
                by=signed_in_user(request), complaint=complaint, data=form.cleaned_data
            ),
            _("The complaint was saved."),
        ):
            return _to_incident(complaint.incident)
    return _form_page(request, complaint.incident, form, _("Complaint"))


# --- evidence files ----------------------------------------------------------------------------


class EvidenceUploadForm(RuleForm, FilesForm):
    rule_fields: ClassVar[dict[str, str]] = {"files": "evidence"}


@policy(Policy.CASE_DATA)
def files_add(request: HttpRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = queries.incident_get_for(request.user, incident_uuid)
    form = EvidenceUploadForm(_post(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        description = form.cleaned_data.get("description") or ""
        uploads = [
            services.Upload(source=f, name=f.name or "", description=description)
            for f in form.cleaned_data.get("evidence") or []
        ]
        if not uploads:
            form.add_error("evidence", _("Choose at least one file."))
        elif saved(
            request,
            form,
            lambda: services.evidence_add(
                by=signed_in_user(request), incident=incident, uploads=uploads
            ),
            _("The files were added, encrypted."),
        ):
            return _to_incident(incident)
    return _form_page(request, incident, form, _("Add evidence files"), multipart=True)


def _download_name(evidence: EvidenceFile, extension: str) -> str:
    """A name that says nothing of the person: the incident's reference and the file's place."""
    return f"{evidence.incident.reference}-{str(evidence.uuid)[:8]}.{extension}"


_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def attachment(body: Any, evidence: EvidenceFile) -> HttpResponse | StreamingHttpResponse:
    """A file as a download, never shown inline (the pages' and the API's)."""
    extension = _EXTENSIONS.get(evidence.media_type, evidence.media_type.split("/")[-1][:8])
    response: HttpResponse | StreamingHttpResponse
    if isinstance(body, bytes):
        response = HttpResponse(body, content_type=evidence.media_type)
    else:
        response = StreamingHttpResponse(body, content_type=evidence.media_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(evidence, extension)}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@policy(Policy.CASE_DATA)
def file_download(request: HttpRequest, evidence_uuid: uuid.UUID) -> HttpResponse:
    """The file as kept, never shown inline: always a download, audited."""
    evidence = queries.evidence_download_for(request.user, evidence_uuid, copy="kept")
    return attachment(services.evidence_chunks(evidence), evidence)  # type: ignore[return-value]


@policy(Policy.CASE_DATA)
def file_share_copy(request: HttpRequest, evidence_uuid: uuid.UUID) -> HttpResponse:
    """The copy to share: a photo without any metadata (the same pixels), a PDF without its
    active content; a recording or video as kept."""
    evidence = queries.evidence_download_for(request.user, evidence_uuid, copy="to_share")
    try:
        copy = services.evidence_shared_copy(evidence)
    except ValidationError as exc:  # a photo or PDF that cannot be read: say so, keep it
        messages.error(request, " ".join(exc.messages))
        return _to_incident(evidence.incident)
    return attachment(copy, evidence)  # type: ignore[return-value]


@policy(Policy.CASE_DATA)
def file_remove_location(request: HttpRequest, evidence_uuid: uuid.UUID) -> HttpResponse:
    evidence = queries.evidence_get_for(request.user, evidence_uuid)
    if request.method == "POST":
        try:
            services.evidence_remove_location(by=signed_in_user(request), evidence=evidence)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The photo's location data was removed."))
    return _to_incident(evidence.incident)


urlpatterns = [
    path("<uuid:incident_uuid>/victimas/", victim_add, name="victim_add"),
    path("victimas/<uuid:victim_uuid>/quitar/", victim_remove, name="victim_remove"),
    path("<uuid:incident_uuid>/perpetradores/", perpetrator_add, name="perpetrator_add"),
    path("perpetradores/<uuid:perpetrator_uuid>/", perpetrator_edit, name="perpetrator_edit"),
    path(
        "perpetradores/<uuid:perpetrator_uuid>/quitar/",
        perpetrator_remove,
        name="perpetrator_remove",
    ),
    path("<uuid:incident_uuid>/consentimientos/", consent_add, name="consent_add"),
    path(
        "consentimientos/<uuid:incident_consent_uuid>/revocar/",
        consent_revoke,
        name="consent_revoke",
    ),
    path("<uuid:incident_uuid>/denuncias/", complaint_add, name="complaint_add"),
    path("denuncias/<uuid:complaint_uuid>/", complaint_edit, name="complaint_edit"),
    path("<uuid:incident_uuid>/archivos/", files_add, name="files_add"),
    path("archivos/<uuid:evidence_uuid>/", file_download, name="file_download"),
    path("archivos/<uuid:evidence_uuid>/para-compartir/", file_share_copy, name="file_share"),
    path(
        "archivos/<uuid:evidence_uuid>/quitar-ubicacion/",
        file_remove_location,
        name="file_remove_location",
    ),
]
