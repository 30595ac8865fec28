"""Pages of access to rights, from a person's file: record where the person stands with a right,
and a right's history (the file's panel, `_person_rights.html`, shows them at a glance).

Case roles only (`Policy.CASE_DATA`); a person of another organization answers 404.
"""

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from salvaguarda.core.access import Policy, policy
from salvaguarda.core.forms import saved
from salvaguarda.people import queries as people_queries
from salvaguarda.people.models import Person
from salvaguarda.referrals.rights import queries, services
from salvaguarda.referrals.rights.details import applies
from salvaguarda.referrals.rights.forms import RightForm
from salvaguarda.referrals.rights.models import Right, RightRecord, State


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@policy(Policy.CASE_DATA)
def right_new(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """Where the person stands with a right on a day (`?derecho=` chooses it beforehand)."""
    person = people_queries.person_get_for(request.user, person_uuid)
    form = RightForm(
        _post(request),
        person=person,
        today=timezone.localdate(),
        right=request.GET.get("derecho", ""),
    )
    if form.is_valid() and saved(
        request,
        form,
        lambda: services.right_record(
            by=request.user,  # type: ignore[arg-type]
            person=person,
            data=form.data_for_service(),
        ),
        _("Recorded."),
    ):
        return redirect("people:detail", person_uuid=person.uuid)
    return render(
        request,
        "referrals/right_form.html",
        {"person": person, "form": form},
        status=422 if form.is_bound else 200,
    )


@policy(Policy.CASE_DATA)
def right_history(request: HttpRequest, person_uuid: uuid.UUID, right: str) -> HttpResponse:
    """Every record of one right of the person, newest first."""
    person = people_queries.person_get_for(request.user, person_uuid)
    if right not in Right.values:
        raise Http404
    records = queries.right_history(person, right)
    if not records and not applies(right, person, timezone.localdate()):  # school for an adult
        raise Http404
    return render(
        request,
        "referrals/right_history.html",
        {
            "person": person,
            "right": right,
            "label": Right(right).label,
            "records": [(record, queries.facts_of(record)) for record in records],
        },
    )


def standing(record: RightRecord | None) -> str:
    """Where a person stands with a right, in a few words: ✔, in process, the barrier."""
    if record is None:
        return _("not recorded")
    if record.state == State.ACCESS:
        return "✔ " + _("has access")
    if record.state == State.PENDING:
        return pgettext("a right", "in process")
    if record.state == State.BARRIER:
        return _("barrier: %(cause)s") % {"cause": record.get_barrier_display()}
    return _("does not need it")


def person_rights(user: Any, person: Person) -> dict[str, Any]:
    """The context of the file's panel: the rights at a glance, whether the person may work
    legally, and the school of each child of the family group."""
    today = timezone.localdate()
    # The records the school proof read for the same page (else read now).
    glance = queries.rights_glance(person, today, records=queries.records_for_panel(person))
    return {
        "person": person,
        "lines": [(line, standing(line.latest)) for line in glance],
        "work_document": queries.work_document(person, today),
        "has_family": person.household_id is not None,
        "children": [
            (child, standing(child.latest)) for child in queries.family_schooling(person, today)
        ],
    }


urlpatterns = [
    path("personas/<uuid:person_uuid>/derechos/registrar/", right_new, name="right_new"),
    path("personas/<uuid:person_uuid>/derechos/<str:right>/", right_history, name="right_history"),
]
