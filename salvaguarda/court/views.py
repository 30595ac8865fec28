"""Pages of a person's U.S. case, its hearings, and the hearing calendars and warning lists."""

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.core.forms import saved
from salvaguarda.core.paging import page_number
from salvaguarda.court import queries, services
from salvaguarda.court.forms import (
    AttendanceForm,
    CancelForm,
    CaseForm,
    HearingFilterForm,
    HearingForm,
    InterviewForm,
    RepresentationForm,
)
from salvaguarda.court.models import ImmigrationCase
from salvaguarda.people import queries as people_queries
from salvaguarda.people.models import Person


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _to_case(case: ImmigrationCase) -> HttpResponse:
    return redirect("court:case", case_uuid=case.uuid)


def _leads(person: Person) -> list[tuple[str, str]]:
    """The cases of the person's family group that can lead (not riders themselves)."""
    if person.household_id is None:
        return []
    cases = ImmigrationCase.objects.filter(
        person__household_id=person.household_id, lead_case__isnull=True
    ).exclude(person=person)
    return [
        (str(c.uuid), c.person.full_name or c.person.reference)
        for c in cases.select_related("person")
    ]


def _lead(form: CaseForm) -> ImmigrationCase | None:
    chosen = form.cleaned_data.get("lead_case")
    return ImmigrationCase.objects.filter(uuid=chosen).first() if chosen else None


# --- the case ---------------------------------------------------------------------------------


@policy(Policy.CASE_DATA)
def person_case(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """The person's case, or the form that opens it."""
    person = people_queries.person_get_for(request.user, person_uuid)
    case = queries.case_of_person(person)
    if case is not None:
        return _to_case(case)
    form = CaseForm(_post(request), leads=_leads(person), initial={"a_number": person.a_number})
    if request.method == "POST" and form.is_valid():
        data = form.service_data(timezone.get_current_timezone())
        opened: list[ImmigrationCase] = []
        if saved(
            request,
            form,
            lambda: opened.append(
                services.case_open(
                    by=signed_in_user(request), person=person, data=data, lead_case=_lead(form)
                )
            ),
            _("The immigration case was opened."),
        ):
            return _to_case(opened[0])
    return render(request, "court/case_form.html", {"form": form, "person": person})


@policy(Policy.CASE_DATA)
def case_detail(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    file = queries.case_file_for(request.user, case_uuid)
    return render(request, "court/case_detail.html", {"file": file, "case": file.case})


@policy(Policy.CASE_DATA)
def case_edit(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = queries.case_get_for(request.user, case_uuid)
    person = case.person
    initial = {f: getattr(case, f) for f in services.CASE_FIELDS if f != "status_checked_at"}
    initial["a_number"] = person.a_number
    initial["lead_case"] = str(case.lead_case.uuid) if case.lead_case else ""
    if case.status_checked_at:
        initial["status_checked_on"] = timezone.localdate(case.status_checked_at)
    form = CaseForm(_post(request), initial=initial, leads=_leads(person))
    if request.method == "POST" and form.is_valid():
        data = form.service_data(timezone.get_current_timezone())
        if saved(
            request,
            form,
            lambda: services.case_update(
                by=signed_in_user(request), case=case, data=data, lead_case=_lead(form)
            ),
            _("The immigration case was saved."),
        ):
            return _to_case(case)
    return render(request, "court/case_form.html", {"form": form, "person": person, "case": case})


@policy(Policy.CASE_DATA)
def interview_add(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = queries.case_get_for(request.user, case_uuid)
    form = InterviewForm(_post(request))
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.interview_record(
                by=signed_in_user(request), case=case, data=form.cleaned_data
            ),
            _("The interview was recorded."),
        ):
            return _to_case(case)
    context = {"form": form, "case": case, "title": _("Record a non-refoulement interview")}
    return render(request, "court/record_form.html", context)


@policy(Policy.CASE_DATA)
def representation_add(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = queries.case_get_for(request.user, case_uuid)
    form = RepresentationForm(_post(request))
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.representation_record(
                by=signed_in_user(request), case=case, data=form.cleaned_data
            ),
            _("The representation was recorded."),
        ):
            return _to_case(case)
    context = {"form": form, "case": case, "title": _("Record a representation")}
    return render(request, "court/record_form.html", context)


@policy(Policy.CASE_DATA)
def representation_edit(
    request: HttpRequest, case_uuid: uuid.UUID, representation_uuid: uuid.UUID
) -> HttpResponse:
    case = queries.case_get_for(request.user, case_uuid)
    found = queries.representation_get_for(request.user, case, representation_uuid)
    initial = {f: getattr(found, f) for f in services.REPRESENTATION_FIELDS}
    form = RepresentationForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.representation_update(
                by=signed_in_user(request), representation=found, data=form.cleaned_data
            ),
            _("The representation was saved."),
        ):
            return _to_case(case)
    context = {"form": form, "case": case, "title": _("Edit a representation")}
    return render(request, "court/record_form.html", context)


# --- hearings ----------------------------------------------------------------------------------


@policy(Policy.CASE_DATA)
def hearing_add(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = queries.case_get_for(request.user, case_uuid)
    form = HearingForm(_post(request), initial={"court": case.court})
    del form.fields["reason"]
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.hearing_schedule(
                by=signed_in_user(request), case=case, data=form.service_data()
            ),
            _("The hearing was scheduled."),
        ):
            return _to_case(case)
    context = {"form": form, "case": case, "title": _("Schedule a hearing")}
    return render(request, "court/hearing_form.html", context)


@policy(Policy.CASE_DATA)
def hearing_edit(
    request: HttpRequest, case_uuid: uuid.UUID, hearing_uuid: uuid.UUID
) -> HttpResponse:
    case = queries.case_get_for(request.user, case_uuid)
    hearing = queries.hearing_get_for(request.user, case, hearing_uuid)
    form = HearingForm(_post(request), initial=HearingForm.initial_for(hearing))
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.hearing_update(
                by=signed_in_user(request),
                hearing=hearing,
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
            ),
            _("The hearing was saved."),
        ):
            return _to_case(case)
    context = {"form": form, "case": case, "hearing": hearing, "title": _("Change a hearing")}
    return render(request, "court/hearing_form.html", context)


@policy(Policy.CASE_DATA)
def hearing_attendance(
    request: HttpRequest, case_uuid: uuid.UUID, hearing_uuid: uuid.UUID
) -> HttpResponse:
    case = queries.case_get_for(request.user, case_uuid)
    hearing = queries.hearing_get_for(request.user, case, hearing_uuid)
    initial = {f: getattr(hearing, f) for f in services.ATTENDANCE_FIELDS}
    form = AttendanceForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        if saved(
            request,
            form,
            lambda: services.hearing_attendance(
                by=signed_in_user(request),
                hearing=hearing,
                attendance=form.cleaned_data["attendance"],
                missed_reason=form.cleaned_data["missed_reason"],
                notes=form.cleaned_data["result_notes"],
            ),
            _("The attendance was recorded."),
        ):
            return _to_case(case)
    context = {"form": form, "case": case, "hearing": hearing, "title": _("Record attendance")}
    return render(request, "court/record_form.html", context)


@policy(Policy.CASE_DATA)
def hearing_cancel(
    request: HttpRequest, case_uuid: uuid.UUID, hearing_uuid: uuid.UUID
) -> HttpResponse:
    case = queries.case_get_for(request.user, case_uuid)
    hearing = queries.hearing_get_for(request.user, case, hearing_uuid)
    form = CancelForm(_post(request))
    if request.method == "POST" and form.is_valid():
        services.hearing_cancel(
            by=signed_in_user(request), hearing=hearing, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The hearing was cancelled; its reminders will not be sent."))
        return _to_case(case)
    context = {"form": form, "case": case, "hearing": hearing, "title": _("Cancel a hearing")}
    return render(request, "court/record_form.html", context)


# --- calendars and lists -----------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[HearingFilterForm, queries.HearingFilters, Any]:
    form = HearingFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, queries.HearingFilters(court=data["court"], port=data["port"]), data["day"]
    return form, queries.HearingFilters(), None


def _page(request: HttpRequest) -> int:
    return page_number(request)


@policy(Policy.CASE_DATA)
def week(request: HttpRequest) -> HttpResponse:
    """The week's hearings (Monday to Sunday, the organization's days), by court and port."""
    form, filters, day = _filters(request)
    day = day or timezone.localdate()
    monday = day - datetime.timedelta(days=day.weekday())
    page = queries.hearings_between(
        request.user, filters, first=monday, days=7, page=_page(request)
    )
    context = {
        "form": form,
        "page": page,
        "monday": monday,
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "riders": queries.riders_count(page.hearings),
        "query": request.GET.urlencode(),
    }
    return render(request, "court/hearing_week.html", context)


@policy(Policy.CASE_DATA)
def day_sheet(request: HttpRequest) -> HttpResponse:
    """The printable list of one day for the team that goes to the port with people: times,
    places and references, the given name and first surname only."""
    form, filters, day = _filters(request)
    day = day or timezone.localdate()
    page = queries.hearings_between(
        request.user, filters, first=day, days=1, page=_page(request), purpose="day_sheet"
    )
    context = {
        "form": form,
        "page": page,
        "day": day,
        "riders": queries.riders_count(page.hearings),
    }
    return render(request, "court/day_sheet.html", context)


@policy(Policy.CASE_DATA)
def at_risk(request: HttpRequest) -> HttpResponse:
    form, filters, _day = _filters(request)
    lines, has_next = queries.at_risk_for(request.user, filters, page=_page(request))
    context = {"form": form, "lines": lines, "has_next": has_next, "number": _page(request)}
    return render(request, "court/at_risk.html", context)


@policy(Policy.CASE_DATA)
def unrepresented(request: HttpRequest) -> HttpResponse:
    cases, has_next = queries.unrepresented_for(request.user, page=_page(request))
    context = {"cases": cases, "has_next": has_next, "number": _page(request)}
    return render(request, "court/unrepresented.html", context)


urlpatterns = [
    path("", week, name="week"),
    path("dia/", day_sheet, name="day_sheet"),
    path("en-riesgo/", at_risk, name="at_risk"),
    path("sin-representacion/", unrepresented, name="unrepresented"),
    path("persona/<uuid:person_uuid>/", person_case, name="person_case"),
    path("casos/<uuid:case_uuid>/", case_detail, name="case"),
    path("casos/<uuid:case_uuid>/editar/", case_edit, name="case_edit"),
    path("casos/<uuid:case_uuid>/entrevista/", interview_add, name="interview_add"),
    path("casos/<uuid:case_uuid>/representacion/", representation_add, name="representation_add"),
    path(
        "casos/<uuid:case_uuid>/representacion/<uuid:representation_uuid>/",
        representation_edit,
        name="representation_edit",
    ),
    path("casos/<uuid:case_uuid>/audiencias/", hearing_add, name="hearing_add"),
    path(
        "casos/<uuid:case_uuid>/audiencias/<uuid:hearing_uuid>/",
        hearing_edit,
        name="hearing_edit",
    ),
    path(
        "casos/<uuid:case_uuid>/audiencias/<uuid:hearing_uuid>/asistencia/",
        hearing_attendance,
        name="hearing_attendance",
    ),
    path(
        "casos/<uuid:case_uuid>/audiencias/<uuid:hearing_uuid>/cancelar/",
        hearing_cancel,
        name="hearing_cancel",
    ),
]
