"""Pages of the import of hearing lists: upload, preview (columns and row by row), apply, summary.

All the work is `imports`'s; these pages only read the upload and the choices, and show results.
"""

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.court import imports
from salvaguarda.court.models import HearingImport

MAPPING_PREFIX = "column_"

# Column names the import recognizes, as a list would write them (any case, with or without
# accents); more are in `imports.ALIASES`.
HEADER_EXAMPLES = {
    "a_number": "A-number, Número A, No. de extranjero",
    "date": "Fecha, Date, Fecha de audiencia",
    "time": "Hora, Time, Hora de audiencia",
    "court": "Corte, Court, Tribunal",
    "kind": "Tipo, Type, Tipo de audiencia",
    "mode": "Modalidad, Mode, Video",
    "port": "Puerto, Port, Garita",
    "report_time": "Hora de presentación, Report time",
    "report_place": "Lugar de presentación, Report place",
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Hearing list (CSV or Excel .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.")
                % {"size": imports.MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _mapping_fields(headers: Sequence[str], mapping: Mapping[str, str]) -> list[dict[str, Any]]:
    """One select per field of a hearing: which column of the file holds it."""
    return [
        {
            "name": f"{MAPPING_PREFIX}{name}",
            "field": name,
            "label": imports.FIELD_LABELS[name],
            "required": name in imports.REQUIRED,
            "chosen": mapping.get(name, ""),
            "headers": headers,
        }
        for name in imports.FIELDS
    ]


def _posted_mapping(request: HttpRequest) -> dict[str, str] | None:
    """The columns chosen on the page, or None when the page offered no choice."""
    if not any(f"{MAPPING_PREFIX}{name}" in request.POST for name in imports.FIELDS):
        return None
    return {name: request.POST.get(f"{MAPPING_PREFIX}{name}", "") for name in imports.FIELDS}


def _field_guide() -> list[dict[str, Any]]:
    """What the upload page says about each column."""
    examples = {
        "a_number": gettext_lazy("A012345678, 012-345-678 or 12345678"),
        "date": gettext_lazy("31/03/2026 (day/month/year) or 2026-03-31"),
        "time": gettext_lazy("08:30 or 14:00 (24-hour clock), or 8:30 am"),
        "court": gettext_lazy(
            "BRO_IHF, or the court's name: Brownsville Immigration Hearing Facility"
        ),
        "kind": gettext_lazy("master calendar (initial, maestra) or individual (merits, méritos)"),
        "mode": gettext_lazy("in person (presencial) or video"),
        "port": gettext_lazy("BRO, or the port's name: Brownsville"),
        "report_time": gettext_lazy("05:30 the same day, as the court's clock shows it"),
        "report_place": gettext_lazy("Gateway International Bridge"),
    }
    return [
        {
            "label": imports.FIELD_LABELS[name],
            "required": name in imports.REQUIRED,
            "example": examples[name],
            "headers": HEADER_EXAMPLES[name],
        }
        for name in imports.FIELDS
    ]


def _upload_page(
    request: HttpRequest, form: UploadForm, missing: imports.MissingColumns | None = None
) -> HttpResponse:
    return render(
        request,
        "court/import_upload.html",
        {
            "form": form,
            "guide": _field_guide(),
            "max_rows": imports.MAX_ROWS,
            "max_megabytes": imports.MAX_BYTES // (1024 * 1024),
            "mapping_fields": _mapping_fields(missing.headers, missing.mapping) if missing else [],
            "recent": imports.imports_recent(request.user),
            "statuses": HearingImport.Status,
        },
    )


@policy(Policy.CASE_DATA)
def upload(request: HttpRequest) -> HttpResponse:
    """GET: the form and how the file should look. POST: read the file and preview it."""
    form = UploadForm(request.POST or None, request.FILES or None)
    missing: imports.MissingColumns | None = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            run = imports.import_preview(
                by=signed_in_user(request),
                file_name=upload_file.name or "",
                content=upload_file.read(imports.MAX_BYTES + 1),
                mapping=_posted_mapping(request),
            )
        except imports.MissingColumns as exc:
            missing = exc
            form.add_error(None, exc)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("court:import_preview", import_uuid=run.uuid)
    return _upload_page(request, form, missing)


def _lines(request: HttpRequest, run: HearingImport) -> tuple[list[imports.ImportLine], bool]:
    lines = imports.import_lines(run)
    only_errors = request.GET.get("errors") == "1"
    if only_errors:
        lines = [line for line in lines if line.has_errors]
    return lines, only_errors


def _totals(run: HearingImport) -> list[tuple[str, int, str]]:
    return [
        (str(label), run.counts.get(str(result), 0), str(result))
        for result, label in imports.RESULT_LABELS.items()
    ]


@policy(Policy.CASE_DATA)
def preview(request: HttpRequest, import_uuid: uuid.UUID) -> HttpResponse:
    """GET: the columns and the rows as they would be imported. POST: check them again, with
    the columns chosen (the file is not uploaded again)."""
    run = imports.import_get_for(request.user, import_uuid)
    if run.status == HearingImport.Status.APPLIED:
        return redirect("court:import_summary", import_uuid=run.uuid)
    problem: ValidationError | None = None
    headers = imports.Table.from_stored(run.rows).headers
    chosen: Mapping[str, str] = run.mapping
    if request.method == "POST":
        posted = _posted_mapping(request)
        try:
            imports.import_recheck(by=signed_in_user(request), run=run, mapping=posted)
        except ValidationError as exc:
            problem = exc
            chosen = posted or run.mapping
        else:
            messages.info(request, _("The list was checked again."))
            return redirect("court:import_preview", import_uuid=run.uuid)
    lines, only_errors = _lines(request, run)
    return render(
        request,
        "court/import_preview.html",
        {
            "run": run,
            "lines": lines,
            "only_errors": only_errors,
            "totals": _totals(run),
            "has_errors": bool(run.counts.get(imports.Result.ERROR)),
            "mapping_fields": _mapping_fields(headers, chosen),
            "problem": problem,
            "earlier": imports.previous_applications(run)[:3],
            "statuses": HearingImport.Status,
        },
    )


@require_POST
@policy(Policy.CASE_DATA)
def apply(request: HttpRequest, import_uuid: uuid.UUID) -> HttpResponse:
    run = imports.import_get_for(request.user, import_uuid)
    try:
        run = imports.import_apply(by=signed_in_user(request), run=run)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("court:import_preview", import_uuid=run.uuid)
    if run.status == HearingImport.Status.APPLIED:
        messages.success(request, _("The hearing list was imported."))
        return redirect("court:import_summary", import_uuid=run.uuid)
    messages.error(
        request,
        _(
            "Nothing was imported: some rows are no longer valid (the data changed since the "
            "preview). See the errors below."
        ),
    )
    return redirect("court:import_preview", import_uuid=run.uuid)


@policy(Policy.CASE_DATA)
def summary(request: HttpRequest, import_uuid: uuid.UUID) -> HttpResponse:
    run = imports.import_get_for(request.user, import_uuid)
    if run.status != HearingImport.Status.APPLIED:
        return redirect("court:import_preview", import_uuid=run.uuid)
    return render(
        request,
        "court/import_summary.html",
        {"run": run, "lines": imports.import_lines(run), "totals": _totals(run)},
    )


urlpatterns: list[URLPattern] = [
    path("importar/", upload, name="import_upload"),
    path("importar/<uuid:import_uuid>/", preview, name="import_preview"),
    path("importar/<uuid:import_uuid>/aplicar/", apply, name="import_apply"),
    path("importar/<uuid:import_uuid>/resumen/", summary, name="import_summary"),
]
