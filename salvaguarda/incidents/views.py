"""Pages of incidents: document one in one flow, its page, its testimony, its edit, the list."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import Role
from salvaguarda.core.access import Policy, active_organization, policy, signed_in_user
from salvaguarda.core.paging import page_number
from salvaguarda.incidents import queries, services
from salvaguarda.incidents.forms import (
    AnonymousVictimFormSet,
    ConsentsForm,
    FilesForm,
    IncidentFilterForm,
    IncidentForm,
    PerpetratorFormSet,
    PersonVictimForm,
)
from salvaguarda.incidents.models import IncidentConsent
from salvaguarda.incidents.widgets import WHOLE_LIST_PARAMETER
from salvaguarda.people import queries as people_queries
from salvaguarda.people.models import Person


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _role(request: HttpRequest) -> str | None:
    membership = getattr(request, "membership", None)
    return membership.role if membership else None


def _filled(forms: Any) -> list[dict[str, Any]]:
    """The rows of a formset that were filled in (an untouched extra row is no row)."""
    return [form.cleaned_data for form in forms if form.has_changed() and form.cleaned_data]


def _consent_initial(person: Person | None, today: Any) -> dict[str, str]:
    """Who gives the consent, when the person is known: a child's parent or caregiver, or
    the person. Without a registered person, nobody is assumed."""
    if person is None:
        return {}
    child = person.is_child_on(today)
    return {
        "given_by": IncidentConsent.GivenBy.CAREGIVER if child else IncidentConsent.GivenBy.SELF
    }


def _uploads(request: HttpRequest, form: FilesForm) -> list[services.Upload]:
    description = form.cleaned_data.get("description") or ""
    return [
        services.Upload(source=upload, name=upload.name or "", description=description)
        for upload in form.cleaned_data.get("evidence") or []
    ]


@policy(Policy.CASE_DATA)
def incident_new(request: HttpRequest, person_uuid: uuid.UUID | None = None) -> HttpResponse:
    """Document an incident in one flow: from a person's file (the person is its first victim),
    or on its own for anonymous victims and witnesses."""
    person: Person | None = None
    if person_uuid is not None:
        person = people_queries.person_get_for(request.user, person_uuid)
    data, files = _post(request), request.FILES if request.method == "POST" else None
    today = timezone.localdate()
    form = IncidentForm(
        data, initial={"documented_on": today}, whole_act_list=WHOLE_LIST_PARAMETER in request.GET
    )
    person_form = PersonVictimForm(data, prefix="person") if person else None
    victims = AnonymousVictimFormSet(data, prefix="victim")
    perpetrators = PerpetratorFormSet(data, prefix="perpetrator")
    consents = ConsentsForm(data, prefix="consent", initial=_consent_initial(person, today))
    files_form = FilesForm(data, files, prefix="files")
    parts: list[Any] = [form, victims, perpetrators, consents, files_form]
    if person_form is not None:
        parts.append(person_form)
    if request.method == "POST" and all([part.is_valid() for part in parts]):
        victim_rows = _filled(victims)
        if person_form is not None:
            victim_rows.insert(0, {"person": person, **person_form.cleaned_data})
        given_on = form.cleaned_data.get("documented_on") or today
        try:
            incident = services.incident_document(
                by=signed_in_user(request),
                organization=active_organization(request),
                data=form.service_data(),
                acts=form.service_acts(),
                victims=victim_rows,
                perpetrators=_filled(perpetrators),
                consents=consents.service_consents(given_on),
                uploads=_uploads(request, files_form),
            )
        except ValidationError as exc:
            refused_files = exc.error_dict.pop("files", None)
            if refused_files:
                files_form.add_error("evidence", refused_files)
            if exc.error_dict:
                form.add_rule_errors(exc)
        else:
            messages.success(
                request,
                _("Incident %(reference)s was documented.") % {"reference": incident.reference},
            )
            return redirect("incidents:detail", incident_uuid=incident.uuid)
    return render(
        request,
        "incidents/incident_form.html",
        {
            "form": form,
            "person": person,
            "person_form": person_form,
            "victims": victims,
            "perpetrators": perpetrators,
            "consents": consents,
            "files_form": files_form,
            "files_lost": request.method == "POST" and bool(request.FILES),
        },
    )


@policy(Policy.CASE_DATA)
def incident_detail(request: HttpRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    file = queries.incident_file_for(request.user, incident_uuid)
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "file": file,
            "incident": file.incident,
            "may_read_testimony": queries.may_read_testimony(
                _role(request), request.user, file.incident
            ),
        },
    )


@policy(Policy.CASE_DATA)
def incident_testimony(request: HttpRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    """The testimony alone, on its own page: opening it is its own audited read."""
    incident = queries.incident_get_for(request.user, incident_uuid)
    testimony = queries.testimony_for(request.user, _role(request), incident)
    return render(
        request,
        "incidents/incident_testimony.html",
        {"incident": incident, "testimony": testimony},
    )


@policy(Policy.CASE_DATA)
def incident_edit(request: HttpRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = queries.incident_get_for(request.user, incident_uuid)
    may_read = queries.may_read_testimony(_role(request), request.user, incident)
    initial = IncidentForm.initial_of(incident)
    if not may_read:
        initial.pop("testimony")
    form = IncidentForm(
        _post(request), initial=initial, whole_act_list=WHOLE_LIST_PARAMETER in request.GET
    )
    if not may_read:
        del form.fields["testimony"]
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not may_read:
            data.pop("testimony")
        acts = form.service_acts() if "acts" in form.changed_data else None
        try:
            services.incident_update(
                by=signed_in_user(request), incident=incident, data=data, acts=acts
            )
        except ValidationError as exc:
            form.add_rule_errors(exc)
        else:
            messages.success(request, _("The incident was saved."))
            return redirect("incidents:detail", incident_uuid=incident.uuid)
    return render(request, "incidents/incident_edit.html", {"form": form, "incident": incident})


@policy(Policy.CASE_DATA)
def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None)
    page_number = _page_number(request)
    if not form.is_bound:
        page = queries.incidents_page_for(request.user, queries.IncidentFilters(), page=page_number)
    elif form.is_valid():
        page = queries.incidents_page_for(request.user, form.filters(), page=page_number)
    else:
        page = queries.IncidentPage([], 1, False)
    to_review = 0
    if _role(request) == Role.COORDINATOR:
        to_review = queries.victims_to_review().count()
    return render(
        request,
        "incidents/incident_list.html",
        {"form": form, "page": page, "victims_to_review": to_review},
    )


@policy(Policy.COORDINATOR)
def victims_review(request: HttpRequest) -> HttpResponse:
    """The victims marked for review (saved from an untouched optional section): a
    coordinator removes each one (audited), or keeps it. Nothing is removed without them."""
    if request.method == "POST":
        victim = queries.victim_get_for(request.user, _uuid_or_404(request.POST.get("victim")))
        decision = request.POST.get("decision")
        try:
            if decision == "remove":
                services.victim_review_remove(by=signed_in_user(request), victim=victim)
                messages.success(
                    request,
                    _("The victim was removed from incident %(reference)s.")
                    % {"reference": victim.incident.reference},
                )
            elif decision == "keep":
                services.victim_review_keep(by=signed_in_user(request), victim=victim)
                messages.success(
                    request,
                    _("The victim of incident %(reference)s was kept.")
                    % {"reference": victim.incident.reference},
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("incidents:victims_review")
    victims = list(queries.victims_to_review())
    others = queries.victim_counts([v.incident_id for v in victims])
    rows = [(victim, others.get(victim.incident_id, 0) > 1) for victim in victims]
    return render(request, "incidents/victims_review.html", {"rows": rows})


def _uuid_or_404(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(value or "")
    except ValueError as exc:
        raise Http404 from exc


def _page_number(request: HttpRequest) -> int:
    return page_number(request)


urlpatterns = [
    path("", incident_list, name="list"),
    path("nuevo/", incident_new, name="new"),
    path("persona/<uuid:person_uuid>/nuevo/", incident_new, name="new_for_person"),
    path("<uuid:incident_uuid>/", incident_detail, name="detail"),
    path("<uuid:incident_uuid>/testimonio/", incident_testimony, name="testimony"),
    path("<uuid:incident_uuid>/editar/", incident_edit, name="edit"),
    path("victimas-por-revisar/", victims_review, name="victims_review"),
]
