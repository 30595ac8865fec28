import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from salvaguarda.core.access import Policy, policy
from salvaguarda.people import queries, services
from salvaguarda.people.forms import PersonForm, PersonSearchForm


@policy(Policy.CASE_DATA)
def person_list(request: HttpRequest) -> HttpResponse:
    # Names are searched by POST so that they never appear in a URL, a log or the history.
    form = PersonSearchForm(request.POST or None)
    name = form.cleaned_data["name"] if request.method == "POST" and form.is_valid() else ""
    people = queries.persons_page_for(request.user, name=name)
    return render(
        request, "people/person_list.html", {"form": form, "people": people, "name": name}
    )


@policy(Policy.CASE_DATA)
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.person_register(by=request.user, data=form.cleaned_data)
        return redirect("people:detail", person_uuid=person.uuid)
    return render(request, "people/person_form.html", {"form": form})


@policy(Policy.CASE_DATA)
def person_detail(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    return render(request, "people/person_detail.html", {"person": person})


@policy(Policy.CASE_DATA)
def person_edit(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    initial = {f: getattr(person, f) for f in services.EDITABLE}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.person_update(by=request.user, person=person, data=form.cleaned_data)
        return redirect("people:detail", person_uuid=person.uuid)
    return render(request, "people/person_form.html", {"form": form, "person": person})
