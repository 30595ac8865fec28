"""Pages of document procedures and of the refugee claim, from the person's file (case roles;
another organization's person is a 404, as everywhere)."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.core.access import Policy, policy
from salvaguarda.core.forms import RuleForm
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.people import queries as people_queries
from salvaguarda.people.queries_records import EXPIRY_WARNING_DAYS
from salvaguarda.referrals.documents import queries, services
from salvaguarda.referrals.documents.forms import ComarStepForm, DecisionForm, ProcedureForm


def _form_page(
    request: HttpRequest,
    person: Any,
    form: RuleForm,
    write: Callable[[dict[str, Any]], object],
    title: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            form.add_rule_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", person_uuid=person.uuid)
    return render(
        request,
        "referrals/document_form.html",
        {"person": person, "form": form, "title": title},
        status=422 if form.is_bound else 200,
    )


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@policy(Policy.CASE_DATA)
def procedure_start(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = people_queries.person_get_for(request.user, person_uuid)
    return _form_page(
        request,
        person,
        ProcedureForm(_post(request)),
        lambda data: services.procedure_start(by=request.user, person=person, data=data),  # type: ignore[arg-type]
        _("Record an application for a document"),
    )


@policy(Policy.CASE_DATA)
def procedure_decide(
    request: HttpRequest, person_uuid: uuid.UUID, procedure_uuid: uuid.UUID
) -> HttpResponse:
    person = people_queries.person_get_for(request.user, person_uuid)
    procedure = queries.procedure_get_for(person, procedure_uuid)
    if procedure.status != procedure.Status.APPLIED:
        messages.info(request, _("This application was already answered."))
        return redirect("people:detail", person_uuid=person.uuid)
    return _form_page(
        request,
        person,
        DecisionForm(_post(request)),
        lambda data: services.procedure_decide(by=request.user, procedure=procedure, data=data),  # type: ignore[arg-type]
        _("Record the answer to the application"),
    )


@policy(Policy.CASE_DATA)
def comar_step(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = people_queries.person_get_for(request.user, person_uuid)
    return _form_page(
        request,
        person,
        ComarStepForm(_post(request)),
        lambda data: services.comar_step_record(by=request.user, person=person, data=data),  # type: ignore[arg-type]
        _("Record a step of the refugee claim (COMAR)"),
    )


@policy(Policy.CASE_DATA)
def documents_expiring(request: HttpRequest) -> HttpResponse:
    """Migration documents about to expire, or expired recently, across the organization."""
    today = timezone.localdate()
    documents = queries.documents_expiring_for(request.user, _organization_id(), today)
    return render(
        request,
        "referrals/documents_expiring.html",
        {
            "documents": [(d, (d.expires_on - today).days) for d in documents if d.expires_on],
            "limit": queries.EXPIRING_LIMIT,
            "warning_days": EXPIRY_WARNING_DAYS,
            "expired_days": queries.EXPIRED_SHOWN_DAYS,
        },
    )


def _organization_id() -> int:
    organization_id = current_organization_id()
    assert organization_id is not None  # noqa: S101 - CASE_DATA pages run in a scope
    return organization_id


urlpatterns = [
    path("documentos/por-vencer/", documents_expiring, name="documents_expiring"),
    path("personas/<uuid:person_uuid>/tramites/nuevo/", procedure_start, name="procedure_start"),
    path(
        "personas/<uuid:person_uuid>/tramites/<uuid:procedure_uuid>/respuesta/",
        procedure_decide,
        name="procedure_decide",
    ),
    path("personas/<uuid:person_uuid>/comar/", comar_step, name="comar_step"),
]
