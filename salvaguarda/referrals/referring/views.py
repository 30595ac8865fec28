"""Pages of referrals: refer a person from their file, the lists (received, sent, overdue),
one referral with its history and the steps each side may take, and the outcome.

Case roles only (`Policy.CASE_DATA`). A referral the organization is not a side of answers 404,
like any record of another organization.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.core.access import Policy, policy
from salvaguarda.core.forms import saved
from salvaguarda.core.paging import page_number
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.people import queries as people_queries
from salvaguarda.referrals.directory import queries as directory_queries
from salvaguarda.referrals.directory.forms import DirectorySearchForm
from salvaguarda.referrals.directory.models import Service
from salvaguarda.referrals.referring import queries, services
from salvaguarda.referrals.referring.forms import (
    AnswerForm,
    OutcomeForm,
    ReferralForm,
    referral_data,
)
from salvaguarda.referrals.referring.models import Referral, ReferralStep, Status

# The lists' names in the address (Spanish, as the other pages' parameters).
LIST_NAMES = {"recibidas": "received", "enviadas": "sent", "vencidas": "overdue"}


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _organization_id() -> int:
    organization_id = current_organization_id()
    assert organization_id is not None  # noqa: S101 - CASE_DATA pages run in a scope
    return organization_id


def _to_referral(referral: Referral) -> HttpResponse:
    return redirect("referrals:referral_detail", referral_uuid=referral.uuid)


@policy(Policy.CASE_DATA)
def referral_new(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """Choose a service of the directory, then say the need, the urgency and what the person
    agrees to share."""
    person = people_queries.person_get_for(request.user, person_uuid)
    service = _chosen_service(request)
    if service is None:
        search = DirectorySearchForm(request.GET or None)
        page = directory_queries.directory_search(search.filters(), page=page_number(request))
        return render(
            request,
            "referrals/referral_service_choice.html",
            {"person": person, "form": search, "page": page},
        )
    recipient = services.recipient_of(service)
    form = ReferralForm(
        _post(request),
        person=person,
        crosses=recipient is not None and recipient != person.organization_id,
    )
    if form.is_valid():
        try:
            referral = services.referral_send(
                by=request.user,  # type: ignore[arg-type]
                person=person,
                service=service,
                data=referral_data(form),
            )
        except ValidationError as exc:
            form.add_rule_errors(exc)
        else:
            messages.success(
                request,
                _("Referred. The receiving organization sees only what the person agreed to share.")
                if referral.crosses
                else _("Referral recorded. Contact the service, then record the outcome here.")
                if referral.recipient_id is None
                else _("Referred inside your organization."),
            )
            return _to_referral(referral)
    return render(
        request,
        "referrals/referral_form.html",
        {"person": person, "service": service, "form": form},
        status=422 if form.is_bound else 200,
    )


def _chosen_service(request: HttpRequest) -> Service | None:
    value = request.GET.get("servicio", "")
    try:
        chosen = uuid.UUID(value)
    except ValueError:
        return None
    return directory_queries.service_get(chosen)


@policy(Policy.CASE_DATA)
def referral_list(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("lista", "recibidas")
    which = LIST_NAMES.get(name, "received")
    status = request.GET.get("estado", "")
    page = queries.referrals_page_for(request.user, which, status=status, page=page_number(request))
    now = timezone.now()
    return render(
        request,
        "referrals/referral_list.html",
        {
            "page": page,
            "which": which,
            "list_name": name if name in LIST_NAMES else "recibidas",
            "status": status,
            "statuses": Status.choices,
            "counts": queries.counts_for(_organization_id(), now),
            "now": now,
        },
    )


@policy(Policy.CASE_DATA)
def referral_detail(request: HttpRequest, referral_uuid: uuid.UUID) -> HttpResponse:
    found = queries.referral_get_for(request.user, referral_uuid)
    return render(request, "referrals/referral_detail.html", _detail_context(found, AnswerForm()))


def _detail_context(found: queries.ReferralView, form: AnswerForm) -> dict[str, Any]:
    referral = found.referral
    if not referral.crosses:  # an outside provider, or inside the organization: no reader
        form.fields["note"].label = _("Note")
    return {
        "found": found,
        "referral": referral,
        "form": form,
        "kinds": ReferralStep.Kind,
        "overdue": referral.is_overdue(timezone.now()),
        "may_answer": found.answers and referral.status in (Status.SENT, Status.INFO_REQUESTED),
        "may_inform": found.sends and referral.status == Status.INFO_REQUESTED,
        "may_cancel": found.sends and referral.is_open,
        "may_close": (
            found.sends and referral.recipient_id is None and referral.status == Status.SENT
        )
        or (found.answers and referral.status == Status.ACCEPTED),
    }


@policy(Policy.CASE_DATA)
def referral_step(request: HttpRequest, referral_uuid: uuid.UUID) -> HttpResponse:
    referral = queries.referral_for_step(referral_uuid)
    if request.method != "POST":  # the address of a step, opened: the referral's page
        return _to_referral(referral)
    form = AnswerForm(request.POST)
    if form.is_valid() and form.cleaned_data["kind"] in services.STEPS:
        data = form.cleaned_data
        if saved(
            request,
            form,
            lambda: services.referral_step(
                by=request.user,  # type: ignore[arg-type]
                organization_id=_organization_id(),
                referral=referral,
                kind=data["kind"],
                note=data["note"],
                decline_reason=data["decline_reason"],
            ),
            _("Saved. The other organization sees it now."),
        ):
            return _to_referral(referral)
    elif form.is_valid():
        form.add_error(None, _("That step does not exist."))
    found = queries.referral_get_for(request.user, referral_uuid)
    return render(
        request, "referrals/referral_detail.html", _detail_context(found, form), status=422
    )


@policy(Policy.CASE_DATA)
def referral_outcome(request: HttpRequest, referral_uuid: uuid.UUID) -> HttpResponse:
    referral = queries.referral_for_step(referral_uuid)
    form = OutcomeForm(_post(request))
    if form.is_valid() and saved(
        request,
        form,
        lambda: services.referral_close(
            by=request.user,  # type: ignore[arg-type]
            organization_id=_organization_id(),
            referral=referral,
            data=form.cleaned_data,
        ),
        _("Outcome recorded."),
    ):
        return _to_referral(referral)
    return render(
        request,
        "referrals/referral_outcome.html",
        {"referral": referral, "form": form},
        status=422 if form.is_bound else 200,
    )


urlpatterns = [
    path("canalizaciones/", referral_list, name="referral_list"),
    path("canalizaciones/<uuid:referral_uuid>/", referral_detail, name="referral_detail"),
    path("canalizaciones/<uuid:referral_uuid>/paso/", referral_step, name="referral_step"),
    path(
        "canalizaciones/<uuid:referral_uuid>/resultado/", referral_outcome, name="referral_outcome"
    ),
    path("personas/<uuid:person_uuid>/canalizar/", referral_new, name="referral_new"),
]
