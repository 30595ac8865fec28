"""Pages where a letter's editors change its own fields, a version's heading and addressees,
and its signatories by hand (added from the network's directory or from outside, changed,
moved up or down, removed)."""

import uuid
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from salvaguarda.core.access import Policy, active_role, policy, signed_in_user
from salvaguarda.core.forms import saved
from salvaguarda.letters import queries, services
from salvaguarda.letters.forms import LetterForm, NewVersionForm, SignatoryForm, VersionForm
from salvaguarda.letters.models import Letter
from salvaguarda.letters.views import REORDER


def _editable(request: HttpRequest, letter_uuid: uuid.UUID) -> Letter:
    return queries.letter_to_edit(request.user, active_role(request), letter_uuid)


def _page(
    request: HttpRequest, letter: Letter, heading: str, form: Any, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "letters/edit_form.html",
        {"letter": letter, "heading": heading, "form": form, **extra},
    )


@policy(Policy.MEMBER)
def letter_edit(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    form = LetterForm(
        request.POST if request.method == "POST" else None,
        initial=LetterForm.initial_of(letter),
        organization_id=letter.organization_id,
        languages=list(letter.versions.values_list("language", flat=True)),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        leads, editors = data.pop("lead_organizations"), data.pop("editors")
        write = partial(
            services.letter_update,
            by=signed_in_user(request),
            letter=letter,
            data=data,
            lead_organizations=leads,
            editors=editors,
        )
        if saved(request, form, write):
            return redirect("letters:detail", letter_uuid=letter.uuid)
    return _page(request, letter, _("The letter"), form)


@policy(Policy.MEMBER)
def version_edit(request: HttpRequest, letter_uuid: uuid.UUID, language: str) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    version = queries.version_of(letter, language)
    form = VersionForm(
        request.POST if request.method == "POST" else None,
        initial=VersionForm.initial_of(version),
    )
    if request.method == "POST" and form.is_valid():
        write = partial(
            services.version_update,
            by=signed_in_user(request),
            version=version,
            data=form.cleaned_data,
        )
        if saved(request, form, write):
            return redirect("letters:detail", letter_uuid=letter.uuid)
    heading = _("The %(language)s version: heading and addressees") % {"language": language.upper()}
    return _page(request, letter, heading, form)


@policy(Policy.MEMBER)
def version_add(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    form = NewVersionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        write = partial(
            services.version_add,
            by=signed_in_user(request),
            letter=letter,
            language=form.cleaned_data["language"],
            text=form.cleaned_data["text"],
        )
        if saved(request, form, write):
            return redirect("letters:detail", letter_uuid=letter.uuid)
    return _page(request, letter, _("Add a version in another language"), form)


def _signatory_data(form: SignatoryForm) -> dict[str, Any]:
    return {field: form.cleaned_data[field] for field in services.SIGNATORY_FIELDS}


@policy(Policy.MEMBER)
def signatory_add(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    form = SignatoryForm(
        request.POST if request.method == "POST" else None,
        letter=letter,
        initial={"kind": request.GET.get("kind", "organization")},
    )
    if request.method == "POST" and form.is_valid():
        write = partial(
            services.signatory_add,
            by=signed_in_user(request),
            letter=letter,
            data=_signatory_data(form),
            coalition=form.cleaned_data["coalition"],
            directory=form.cleaned_data["directory_organization"],
            verified=form.cleaned_data["verified"],
        )
        if saved(request, form, write, _("The signatory was added.")):
            return redirect("letters:detail", letter_uuid=letter.uuid)
    return _page(request, letter, _("Add a signatory"), form)


@policy(Policy.MEMBER)
def signatory_edit(
    request: HttpRequest, letter_uuid: uuid.UUID, signatory_uuid: uuid.UUID
) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    signatory = queries.signatory_of(letter, signatory_uuid)
    form = SignatoryForm(
        request.POST if request.method == "POST" else None,
        letter=letter,
        initial=SignatoryForm.initial_of(signatory),
    )
    if request.method == "POST" and form.is_valid():
        write = partial(
            services.signatory_update,
            by=signed_in_user(request),
            signatory=signatory,
            data=_signatory_data(form),
            directory=form.cleaned_data["directory_organization"],
            verified=form.cleaned_data["verified"],
        )
        if saved(request, form, write):
            return redirect("letters:detail", letter_uuid=letter.uuid)
    return _page(request, letter, signatory.name, form, signatory=signatory)


@policy(Policy.MEMBER)
def signatory_move(
    request: HttpRequest, letter_uuid: uuid.UUID, signatory_uuid: uuid.UUID
) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    if request.method == "POST":
        signatory = queries.signatory_of(letter, signatory_uuid)
        offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
        if offset is None:
            raise Http404
        services.signatory_move(by=signed_in_user(request), signatory=signatory, offset=offset)
    # Back to the reorder mode, at the list of signatories (the next move is one tap away).
    detail = reverse("letters:detail", kwargs={"letter_uuid": letter.uuid})
    return redirect(f"{detail}?{REORDER}=1#h-signatories")


@policy(Policy.MEMBER)
def signatory_remove(
    request: HttpRequest, letter_uuid: uuid.UUID, signatory_uuid: uuid.UUID
) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    if request.method == "POST":
        signatory = queries.signatory_of(letter, signatory_uuid)
        services.signatory_remove(by=signed_in_user(request), signatory=signatory)
        messages.success(
            request, _("%(name)s no longer signs the letter.") % {"name": signatory.name}
        )
    return redirect("letters:detail", letter_uuid=letter.uuid)


@policy(Policy.MEMBER)
def follow_order(request: HttpRequest, letter_uuid: uuid.UUID, language: str) -> HttpResponse:
    """One version's signatories put in the reference version's order."""
    letter = queries.letter_to_edit(request.user, active_role(request), letter_uuid)
    version = queries.version_of(letter, language)
    if request.method == "POST":
        services.version_order_follow(by=signed_in_user(request), version=version)
        messages.success(request, _("The version lists its signatories in the reference order."))
    return redirect("letters:detail", letter_uuid=letter.uuid)


urlpatterns = [
    path("<uuid:letter_uuid>/editar/", letter_edit, name="edit"),
    path("<uuid:letter_uuid>/orden/<str:language>/", follow_order, name="follow_order"),
    path("<uuid:letter_uuid>/version/<str:language>/", version_edit, name="version_edit"),
    path("<uuid:letter_uuid>/idioma-nuevo/", version_add, name="version_add"),
    path("<uuid:letter_uuid>/firmantes/nuevo/", signatory_add, name="signatory_add"),
    path(
        "<uuid:letter_uuid>/firmantes/<uuid:signatory_uuid>/",
        signatory_edit,
        name="signatory_edit",
    ),
    path(
        "<uuid:letter_uuid>/firmantes/<uuid:signatory_uuid>/mover/",
        signatory_move,
        name="signatory_move",
    ),
    path(
        "<uuid:letter_uuid>/firmantes/<uuid:signatory_uuid>/quitar/",
        signatory_remove,
        name="signatory_remove",
    ),
]
