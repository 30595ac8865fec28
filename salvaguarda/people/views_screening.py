"""The screening of a person."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.core.access import Policy, policy
from salvaguarda.people import queries, queries_screening
from salvaguarda.people import screening as questionnaire
from salvaguarda.people.forms_screening import ScreeningForm
from salvaguarda.people.services.screening import screening_record


@policy(Policy.CASE_DATA)
def screening_add(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    initial = {"screened_on": timezone.localdate(), "language": person.preferred_language}
    form = ScreeningForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            screening_record(
                by=request.user,
                person=person,
                answers=form.answers(),
                screened_on=form.cleaned_data["screened_on"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The screening was saved."))
            return redirect("people:detail", person_uuid=person.uuid)
    return render(
        request,
        "people/screening_form.html",
        {"form": form, "person": person, "version": questionnaire.QUESTIONNAIRE_VERSION},
    )


@policy(Policy.CASE_DATA)
def screening_detail(
    request: HttpRequest, person_uuid: uuid.UUID, screening_uuid: uuid.UUID
) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    screening = queries_screening.screening_get_for(request.user, person, screening_uuid)
    answers = screening.answers
    needs = queries_screening.needs_of(person, screening=screening)
    return render(
        request,
        "people/screening_detail.html",
        {
            "person": person,
            "screening": screening,
            "sections": questionnaire.describe_answers(answers),
            "wg_disability": questionnaire.wg_disability(answers),
            "wg_domains": [
                questionnaire.QUESTIONS[key].label
                for key in questionnaire.wg_domains_with_difficulty(answers)
            ],
            "wg_answered": sum(1 for key in questionnaire.WG_DOMAINS if key in answers),
            "needs": needs,
            "referrals": questionnaire.suggest_referrals(needs),
            "superseded": not queries_screening.screening_is_latest(screening),
        },
    )


urlpatterns: list[URLPattern] = [
    path("<uuid:person_uuid>/evaluacion/", screening_add, name="screening_add"),
    path(
        "<uuid:person_uuid>/evaluacion/<uuid:screening_uuid>/",
        screening_detail,
        name="screening_detail",
    ),
]
