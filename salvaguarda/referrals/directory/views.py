"""Pages of the service directory: search, a service, adding and changing entries, checking.

Every member reads the directory (`Policy.MEMBER`); the pages that change it answer 404 to an
account that may not change the entry (`queries.editor_required`, `service_get_for_edit`),
as case data answers for a record of another organization.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salvaguarda.core.access import Policy, policy
from salvaguarda.core.forms import saved
from salvaguarda.core.paging import page_number
from salvaguarda.referrals.directory import queries, services
from salvaguarda.referrals.directory.forms import (
    DirectorySearchForm,
    ProviderForm,
    ServiceForm,
    day_choices,
)
from salvaguarda.referrals.directory.models import Provider, Schedule, Service


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _to_service(service: Service) -> HttpResponse:
    return redirect("referrals:service_detail", service_uuid=service.uuid)


@policy(Policy.MEMBER)
def directory(request: HttpRequest) -> HttpResponse:
    """Search the directory by category, city, who it is for and language."""
    form = DirectorySearchForm(request.GET or None)
    invalid = form.is_bound and not form.is_valid()
    if invalid:
        # No list next to a wrong filter: the unfiltered first page would pass for its result.
        page = queries.DirectoryPage([], 1, False)
    else:
        page = queries.directory_search(form.filters(), page=page_number(request))
    context = {
        "invalid": invalid,
        "form": form,
        "page": page,
        "number": page.number,
        "has_next": page.has_next,
        "editor": queries.editor_of(request),
    }
    return render(request, "referrals/service_list.html", context)


@policy(Policy.MEMBER)
def service_detail(request: HttpRequest, service_uuid: uuid.UUID) -> HttpResponse:
    service = queries.service_get(service_uuid)
    editor = queries.editor_of(request)
    today = timezone.localdate()
    context = {
        "service": service,
        "editor": editor,
        "may_edit": editor is not None and editor.may_maintain(service.provider),
        "stale": queries.is_stale(service, today),
        "description": service.description(get_language() or "es"),
        "hours": [_hours(s) for s in service.schedules.all()],
    }
    return render(request, "referrals/service_detail.html", context)


def _hours(schedule: Schedule) -> str:
    """ "Monday, Tuesday · 09:00–14:00 · as written", in the page's language."""
    names = dict(day_choices())
    parts = [", ".join(str(names[d]) for d in schedule.days() if d in names)]
    if schedule.opens_at and schedule.closes_at:
        parts.append(f"{schedule.opens_at:%H:%M}–{schedule.closes_at:%H:%M}")
    parts.append(schedule.description)
    return " · ".join(p for p in parts if p)


def _provider_choices(editor: queries.Editor) -> list[tuple[str, str]]:
    choices = [(str(p.uuid), p.name) for p in queries.providers_for(editor)]
    if not editor.is_network_admin and queries.own_provider(editor.organization) is None:
        choices.insert(0, (ServiceForm.OWN, editor.organization.name))
    return choices


def _chosen_provider(editor: queries.Editor, value: str) -> Provider | None:
    """The provider chosen on the form; None: the editor's organization, not yet listed."""
    if value == ServiceForm.OWN:
        return None
    provider = queries.providers_for(editor).filter(uuid=value).first()
    if provider is None:
        raise Http404
    return provider


@policy(Policy.MEMBER)
def service_create(request: HttpRequest) -> HttpResponse:
    editor = queries.editor_required(request)
    choices = _provider_choices(editor)
    initial: dict[str, str] = {"status": Service.Status.ACTIVE, "cost": Service.Cost.FREE}
    chosen = request.GET.get("proveedor", "")
    if any(chosen == value for value, _label in choices):
        initial["provider"] = chosen
    form = ServiceForm(_post(request), providers=choices, initial=initial)
    created: list[Service] = []
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if saved(
            request,
            form,
            lambda: created.append(
                services.service_create(
                    editor=editor,
                    provider=_chosen_provider(editor, data["provider"]),
                    data=data,
                )
            ),
            _("The service was added to the directory."),
        ):
            return _to_service(created[0])
    context = {"form": form, "title": _("Add a service"), "service": None}
    return render(request, "referrals/service_form.html", context)


@policy(Policy.MEMBER)
def service_edit(request: HttpRequest, service_uuid: uuid.UUID) -> HttpResponse:
    editor = queries.editor_required(request)
    service = queries.service_get_for_edit(editor, service_uuid)
    # The provider of a service stays: another provider's service is a new entry.
    choices = [(str(service.provider.uuid), service.provider.name)]
    form = ServiceForm(_post(request), providers=choices, initial=ServiceForm.initial_of(service))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if saved(
            request,
            form,
            lambda: services.service_update(editor=editor, service=service, data=data),
            _("The service was saved."),
        ):
            return _to_service(service)
    context = {"form": form, "title": _("Edit a service"), "service": service}
    return render(request, "referrals/service_form.html", context)


@policy(Policy.MEMBER)
def provider_create(request: HttpRequest) -> HttpResponse:
    """An outside institution (a clinic, a school, an INM office) the organization keeps."""
    editor = queries.editor_required(request)
    form = ProviderForm(_post(request))
    created: list[Provider] = []
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: created.append(services.provider_create(editor=editor, data=form.cleaned_data)),
            _("The institution was added: now add its services."),
        ):
            return redirect(f"{reverse('referrals:service_create')}?proveedor={created[0].uuid}")
    return render(request, "referrals/provider_form.html", {"form": form})


@policy(Policy.MEMBER)
def needs_checking(request: HttpRequest) -> HttpResponse:
    """The entries this account keeps that nobody checked in six months."""
    editor = queries.editor_required(request)
    page = queries.needs_checking(editor, today=timezone.localdate(), page=page_number(request))
    context = {
        "page": page,
        "number": page.number,
        "has_next": page.has_next,
        "is_network_admin": editor.is_network_admin,
    }
    return render(request, "referrals/service_checking.html", context)


@require_POST
@policy(Policy.MEMBER)
def service_verify(request: HttpRequest, service_uuid: uuid.UUID) -> HttpResponse:
    """ "Verified today": the entry was checked with its provider."""
    editor = queries.editor_required(request)
    service = queries.service_get_for_edit(editor, service_uuid)
    services.service_verify(editor=editor, service=service, on=timezone.localdate())
    messages.success(request, _("The service is marked as verified today."))
    if request.POST.get("next") == "checking":
        return redirect("referrals:needs_checking")
    return _to_service(service)


urlpatterns = [
    path("", directory, name="directory"),
    path("revisar/", needs_checking, name="needs_checking"),
    path("servicios/nuevo/", service_create, name="service_create"),
    path("instituciones/nueva/", provider_create, name="provider_create"),
    path("servicios/<uuid:service_uuid>/", service_detail, name="service_detail"),
    path("servicios/<uuid:service_uuid>/editar/", service_edit, name="service_edit"),
    path("servicios/<uuid:service_uuid>/verificado/", service_verify, name="service_verify"),
]
