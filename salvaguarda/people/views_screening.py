"""The screening of a person."""

import datetime
import uuid

from django import forms
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
from salvaguarda.people.forms_screening import AgeBandForm, ScreeningForm
from salvaguarda.people.models import Person
from salvaguarda.people.services.screening import screening_record


def _screening_day(request: HttpRequest) -> datetime.date:
    """The day the screening is for: the date posted, if it is one, else today."""
    try:
        day = forms.DateField().clean(request.POST.get("screened_on"))
    except ValidationError:
        return timezone.localdate()
    return day if isinstance(day, datetime.date) else timezone.localdate()


def _chosen_band(request: HttpRequest) -> questionnaire.AgeBand | None:
    raw = request.POST.get("age_band") or request.GET.get("banda") or ""
    return questionnaire.AgeBand(raw) if raw in set(questionnaire.AgeBand) else None


@policy(Policy.CASE_DATA)
def screening_add(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    from_file = queries_screening.age_band_on(person, _screening_day(request))
    band = from_file or _chosen_band(request)
    if band is None:  # no birth date on file: the age band first
        return render(
            request,
            "people/screening_form.html",
            {"band_form": AgeBandForm(), "person": person},
        )
    return _questionnaire(request, person, band, chosen=from_file is None)


def _questionnaire(
    request: HttpRequest, person: Person, band: questionnaire.AgeBand, *, chosen: bool
) -> HttpResponse:
    respondent = questionnaire.Respondent(band=band, sex=person.sex)
    initial = {
        "screened_on": timezone.localdate(),
        "language": person.preferred_language,
        "age_band": band if chosen else "",
    }
    form = ScreeningForm(request.POST or None, initial=initial, respondent=respondent)
    if request.method == "POST" and form.is_valid():
        try:
            screening_record(
                by=request.user,
                person=person,
                answers=form.answers(),
                screened_on=form.cleaned_data["screened_on"],
                language=form.cleaned_data["language"],
                age_band=form.cleaned_data["age_band"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The screening was saved."))
            return redirect("people:detail", person_uuid=person.uuid)
    return render(
        request,
        "people/screening_form.html",
        {
            "form": form,
            "person": person,
            "version": questionnaire.QUESTIONNAIRE_VERSION,
            "band": band,
            "band_label": questionnaire.AGE_BAND_LABELS[band],
            "band_chosen": chosen,
            "functioning": questionnaire.functioning_section(band),
        },
    )


@policy(Policy.CASE_DATA)
def screening_detail(
    request: HttpRequest, person_uuid: uuid.UUID, screening_uuid: uuid.UUID
) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    screening = queries_screening.screening_get_for(request.user, person, screening_uuid)
    answers = screening.answers
    needs = queries_screening.needs_of(person, screening=screening)
    band = screening.age_band or questionnaire.AgeBand.ADULT  # before 2026-2: the adult set
    functioning = questionnaire.functioning(questionnaire.AgeBand(band), answers)
    return render(
        request,
        "people/screening_detail.html",
        {
            "person": person,
            "screening": screening,
            "band_label": questionnaire.AGE_BAND_LABELS.get(screening.age_band, ""),
            "sections": questionnaire.describe_answers(answers),
            "functioning": functioning,
            "functioning_title": (
                questionnaire.SECTIONS[functioning.instrument].title if functioning else ""
            ),
            "wg_domains": [
                questionnaire.QUESTIONS[key].label
                for key in questionnaire.wg_domains_with_difficulty(answers)
            ],
            "flags": [
                (questionnaire.FLAG_LABELS[flag], questionnaire.FLAG_GUIDANCE[flag])
                for flag in screening.protection_flags or []
                if flag in questionnaire.FLAG_LABELS
            ],
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
