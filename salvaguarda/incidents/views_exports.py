"""The export page: the analysis and Uwazi CSVs for every role, the identifying CSV for
coordinators after their password (see `exports` for what each holds and who consented)."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salvaguarda.accounts.forms import ConfirmPasswordForm
from salvaguarda.accounts.models import Role
from salvaguarda.core.access import Policy, active_organization, policy, signed_in_user
from salvaguarda.incidents import exports
from salvaguarda.incidents.forms import IncidentFilterForm
from salvaguarda.incidents.models import IncidentConsent
from salvaguarda.incidents.queries import IncidentFilters
from salvaguarda.people.forms import CHOOSE, blank_first


class IdentifyingExportForm(ConfirmPasswordForm):
    purpose = forms.ChoiceField(
        label=_("Use the person consented to"),
        choices=blank_first(
            [
                (IncidentConsent.Purpose.LEGAL_ACTION, IncidentConsent.Purpose.LEGAL_ACTION.label),
                (IncidentConsent.Purpose.SHARING, IncidentConsent.Purpose.SHARING.label),
            ],
            CHOOSE,
        ),
    )
    recipient = forms.CharField(
        label=_("Organization it goes to (for sharing)"), max_length=160, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") == IncidentConsent.Purpose.SHARING and not data.get("recipient"):
            self.add_error(
                "recipient", _("Name the organization, as the sharing consent names it.")
            )
        return data


def _filters(form: IncidentFilterForm) -> IncidentFilters | None:
    return form.filters() if form.is_valid() else None


def csv_response(lines: Iterator[str], name: str) -> StreamingHttpResponse:
    """A streamed CSV download named after the export and the day (the API's too)."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines), content_type="text/csv; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{day}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _page(request: HttpRequest, form: IncidentFilterForm, identifying: Any) -> HttpResponse:
    return render(
        request,
        "incidents/export.html",
        {"form": form, "identifying": identifying},
    )


@policy(Policy.MEMBER)
def export_page(request: HttpRequest) -> HttpResponseBase:
    """The filters, and one button per export. The non-identifying CSVs are downloaded with a
    GET that carries the filters and `export=analysis|uwazi`."""
    form = IncidentFilterForm(request.GET)
    kind = request.GET.get("export")
    filters = _filters(form) if kind in (exports.ANALYSIS, exports.UWAZI) else None
    if filters is not None:
        user, org_id = signed_in_user(request), active_organization(request).pk
        if kind == exports.ANALYSIS:
            return csv_response(exports.analysis_csv(user, org_id, filters), "incidentes-analisis")
        return csv_response(exports.uwazi_csv(user, org_id, filters), "import")
    identifying = None
    membership = getattr(request, "membership", None)
    if membership is not None and membership.role == Role.COORDINATOR:
        identifying = IdentifyingExportForm(user=request.user, prefix="identifying")
    return _page(request, IncidentFilterForm(request.GET or None), identifying)


@policy(Policy.COORDINATOR)
def export_identifying(request: HttpRequest) -> HttpResponseBase:
    """Identifying export: a coordinator, the password again, the matching consent, audited."""
    form = IncidentFilterForm(request.POST if request.method == "POST" else None)
    identifying = IdentifyingExportForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        prefix="identifying",
    )
    if request.method == "POST" and identifying.is_valid():
        filters = _filters(form)
        if filters is not None:
            return csv_response(
                exports.identifying_csv(
                    signed_in_user(request),
                    active_organization(request).pk,
                    filters,
                    purpose=identifying.cleaned_data["purpose"],
                    recipient=identifying.cleaned_data["recipient"],
                ),
                "incidentes-identificables",
            )
    return _page(request, form, identifying)


urlpatterns = [
    path("exportar/", export_page, name="export"),
    path("exportar/identificable/", export_identifying, name="export_identifying"),
]
