"""The people list and its search: the form is posted, kept on the server, and its results
shown at an address of their own (post, redirect, get), so Back and reload work."""

import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

from salvaguarda.core.access import Policy, policy
from salvaguarda.core.paging import page_number
from salvaguarda.people import queries, saved_searches
from salvaguarda.people.forms_search import PersonSearchForm

TEMPLATE = "people/person_list.html"


@policy(Policy.CASE_DATA)
def person_list(request: HttpRequest) -> HttpResponse:
    # The search is sent by POST so that a name never appears in a URL, log or history.
    if request.method == "POST":
        form = PersonSearchForm(request.POST)
        if form.is_valid():
            saved = saved_searches.saved_search_create(by=request.user, data=form.typed())
            results = reverse("people:search_results", args=[saved.uuid])
            return HttpResponseRedirect(results, status=303)
    else:
        form = PersonSearchForm()
    page_number = _page_number(request) if request.method == "GET" else 1
    page = queries.persons_page_for(request.user, queries.PersonFilters(), page=page_number)
    return render(request, TEMPLATE, {"form": form, "page": page})


def _page_number(request: HttpRequest) -> int:
    return page_number(request, "pagina")


@policy(Policy.CASE_DATA)
def search_results(request: HttpRequest, search_uuid: uuid.UUID) -> HttpResponse:
    form = PersonSearchForm(saved_searches.saved_search_for(request.user, search_uuid))
    if not form.is_valid():  # saved from a valid form: only a changed form could refuse it
        return render(request, TEMPLATE, {"form": form, "page": None}, status=400)
    page = queries.persons_page_for(request.user, form.filters(), page=_page_number(request))
    context = {"form": form, "page": page, "search_uuid": search_uuid}
    return render(request, TEMPLATE, context)


urlpatterns = [
    path("", person_list, name="list"),
    path("busqueda/<uuid:search_uuid>/", search_results, name="search_results"),
]
