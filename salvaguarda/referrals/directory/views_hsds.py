"""Pages of the directory's HSDS packages: the export, an import and its progress."""

import uuid

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salvaguarda.core import audit
from salvaguarda.core.access import Policy, active_organization, policy, signed_in_user
from salvaguarda.referrals.directory import hsds, imports, queries
from salvaguarda.referrals.directory.hsds_import import MAX_PACKAGE_BYTES, problem_message


class ImportForm(forms.Form):
    package = forms.FileField(
        label=gettext_lazy("HSDS package (ZIP file with the CSV files)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_package(self) -> object:
        package = self.cleaned_data["package"]
        if package.size > MAX_PACKAGE_BYTES:
            raise forms.ValidationError(_("The package is too large."))
        return package


@policy(Policy.MEMBER)
def hsds_export(request: HttpRequest) -> HttpResponse:
    """The whole directory as an HSDS 3.0 package (a ZIP file): it holds no case data."""
    content = hsds.package_zip(hsds.package_files())
    audit.record(
        action=audit.Action.EXPORT,
        actor=signed_in_user(request),
        organization_id=active_organization(request).pk,
        object_type="referrals.service",
        detail={"format": "hsds-3.0"},
    )
    day = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="directorio-hsds-{day}.zip"'
    return response


@policy(Policy.NETWORK_ADMIN)
def hsds_import(request: HttpRequest) -> HttpResponse:
    """A whole package into the directory: the network administrators' action only (the
    directory is the network's; an organization keeps its own entries through the forms)."""
    editor = queries.editor_required(request)
    if not editor.is_network_admin:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["package"]
        row = imports.directory_import_start(
            editor=editor, file_name=upload.name, content=upload.read()
        )
        return redirect("referrals:import_detail", directory_import_uuid=row.uuid)
    return render(
        request,
        "referrals/directoryimport_form.html",
        {"form": form, "recent": imports.directory_imports_recent(editor)},
    )


@policy(Policy.MEMBER)
def import_detail(request: HttpRequest, directory_import_uuid: uuid.UUID) -> HttpResponse:
    """An import's status and progress bar (the page reloads itself until it ends), then what
    was imported or every problem found."""
    editor = queries.editor_required(request)
    row = imports.directory_import_get_for(editor, directory_import_uuid)
    problems = [{**p, "message": problem_message(p)} for p in row.problems]
    return render(
        request, "referrals/directoryimport_detail.html", {"row": row, "problems": problems}
    )


urlpatterns = [
    path("hsds/exportar/", hsds_export, name="hsds_export"),
    path("hsds/importar/", hsds_import, name="hsds_import"),
    path("hsds/importar/<uuid:directory_import_uuid>/", import_detail, name="import_detail"),
]
