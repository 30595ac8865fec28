"""A specific need recorded by hand on a person's file, and a need marked resolved."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.people import queries
from salvaguarda.people.forms_needs import NeedForm, NeedResolveForm
from salvaguarda.people.services import needs
from salvaguarda.people.views_records import _form_kwargs, _refused, _to_file


@policy(Policy.CASE_DATA)
def need_add(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    form = NeedForm(**_form_kwargs(request, person))
    if request.method == "POST" and form.is_valid():
        try:
            needs.need_record(by=signed_in_user(request), person=person, data=form.cleaned_data)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The specific need was recorded."))
            return _to_file(person)
    return render(request, "people/need_form.html", {"form": form, "person": person})


@policy(Policy.CASE_DATA)
def need_resolve(
    request: HttpRequest, person_uuid: uuid.UUID, need_uuid: uuid.UUID
) -> HttpResponse:
    """GET asks for the day; POST marks the need resolved on it."""
    person = queries.person_get_for(request.user, person_uuid)
    need = needs.need_get_for(request.user, person, need_uuid)
    form = NeedResolveForm(**_form_kwargs(request, person))
    if request.method == "POST" and need.resolved_on is None and form.is_valid():
        try:
            needs.need_resolve(
                by=signed_in_user(request),
                need=need,
                resolved_on=form.cleaned_data["resolved_on"],
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The specific need was marked resolved."))
            return _to_file(person)
    return render(
        request,
        "people/need_resolve.html",
        {"form": form, "person": person, "need": need, "note": needs.note_of(need)},
    )


urlpatterns: list[URLPattern] = [
    path("<uuid:person_uuid>/necesidades/nueva/", need_add, name="need_add"),
    path(
        "<uuid:person_uuid>/necesidades/<uuid:need_uuid>/resolver/",
        need_resolve,
        name="need_resolve",
    ),
]
