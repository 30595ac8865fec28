import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from salvaguarda.core.access import Policy, policy
from salvaguarda.incidents import queries as incident_queries
from salvaguarda.people import panels, queries, services
from salvaguarda.people.forms import (
    ArrivalForm,
    ContactForm,
    MemberFormSet,
    MoveForm,
    PersonEditForm,
)
from salvaguarda.people.models import Person
from salvaguarda.people.services import Arrival, Contact

MEMBER_PREFIX = "member"


def _with_one_more_member(data: QueryDict) -> QueryDict:
    data = data.copy()
    key = f"{MEMBER_PREFIX}-TOTAL_FORMS"
    data[key] = str(int(data.get(key) or 1) + 1)
    return data


@policy(Policy.CASE_DATA)
def person_create(request: HttpRequest) -> HttpResponse:
    """Register one person or a whole family group in one form (one more member per click)."""
    if request.method == "POST" and "add_member" in request.POST:
        # Not saved yet: the same form again, with what was typed and a blank member more.
        formset = MemberFormSet(_with_one_more_member(request.POST), prefix=MEMBER_PREFIX)
        arrival = ArrivalForm(request.POST)
        context = {"formset": formset, "arrival": arrival, "adding": True}
        return render(request, "people/person_register.html", context)
    formset = MemberFormSet(request.POST or None, prefix=MEMBER_PREFIX)
    arrival = ArrivalForm(request.POST or None)
    if request.method == "POST" and formset.is_valid() and arrival.is_valid():
        try:
            household = services.household_register(
                by=request.user,
                members=formset.members(),  # type: ignore[attr-defined]
                arrival=Arrival(
                    city=arrival.cleaned_data["city"],
                    consent_given=arrival.cleaned_data["consent"],
                    shelter=arrival.cleaned_data["shelter"],
                    consent_language=arrival.cleaned_data["consent_language"],
                    share_nationality=arrival.cleaned_data["same_nationality"],
                    share_languages=arrival.cleaned_data["same_languages"],
                ),
            )
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)  # type: ignore[attr-defined]
        else:
            head = household.members.order_by("id").first()
            assert head is not None  # noqa: S101 - a household is registered with its members
            return redirect("people:detail", person_uuid=head.uuid)
    context = {"formset": formset, "arrival": arrival}
    return render(request, "people/person_register.html", context)


@policy(Policy.CASE_DATA)
def person_detail(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    file = queries.person_file_for(request.user, person_uuid)
    incidents = incident_queries.incidents_of_person(request.user, file.person)
    # Groups registered before one head was enforced may have two: the page asks to correct it.
    heads = [m for m in file.family if m.relationship == Person.Relationship.HEAD]
    return render(
        request,
        "people/person_detail.html",
        {
            "file": file,
            "person": file.person,
            "incidents": incidents,
            "several_heads": len(heads) > 1,
            "panels": panels.panels_for(request.user, file.person),
        },
    )


def _initial(person: Any) -> dict[str, Any]:
    initial = {f: getattr(person, f) for f in services.EDITABLE}
    initial["languages"] = list(person.languages)
    return initial


@policy(Policy.CASE_DATA)
def person_edit(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    form = PersonEditForm(
        request.POST or None,
        initial=_initial(person),
        in_household=person.household_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(by=request.user, person=person, data=form.member_data().fields)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            return redirect("people:detail", person_uuid=person.uuid)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@policy(Policy.CASE_DATA)
def contact_add(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = Contact(data["kind"], data["number"], data["is_preferred"])
        services.contact_add(by=request.user, person=person, contact=contact)
        return redirect("people:detail", person_uuid=person.uuid)
    title = "contact"
    return render(
        request, "people/person_small_form.html", {"form": form, "person": person, "title": title}
    )


@policy(Policy.CASE_DATA)
def location_move(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.person_move(by=request.user, person=person, **form.cleaned_data)
        return redirect("people:detail", person_uuid=person.uuid)
    title = "location"
    return render(
        request, "people/person_small_form.html", {"form": form, "person": person, "title": title}
    )
