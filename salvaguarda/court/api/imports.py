"""The import of hearing lists through the API: upload and preview a file, read an import
row by row (A-numbers masked), and apply it (all rows, or none). The work is `court.imports`'s.
"""

import json
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Status
from ninja.files import UploadedFile

from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.court import imports
from salvaguarda.court.api.base import IMPORT, REFUSALS, router, utc
from salvaguarda.court.api.schemas import ImportOut, ImportRefusedOut
from salvaguarda.court.models import HearingImport
from salvaguarda.people.api import DetailOut


def _import(run: HearingImport) -> dict[str, Any]:
    lines = imports.import_lines(run)
    rows = []
    for entry, line in zip(run.report, lines, strict=True):
        rows.append(
            {
                "row": entry["row"],
                "result": entry["result"],
                "result_label": line.result_label,
                "masked_a_number": line.masked_a_number,
                "court": line.court,
                "court_time": line.starts_at,
                "person": entry.get("person") or None,
                "errors": entry.get("errors", {}),
                "changes": entry.get("changes", []),
                "note": entry.get("note", ""),
            }
        )
    return {
        "uuid": run.uuid,
        "file_name": run.file_name,
        "status": run.status,
        "created_at": utc(run.created_at),
        "applied_at": utc(run.applied_at),
        "mapping": run.mapping,
        "counts": run.counts,
        "rows": rows,
    }


def _mapping(text: str) -> dict[str, str] | None:
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValidationError(
            {
                "mapping": [
                    _("Give the columns as a JSON object: the field's name, then the column's.")
                ]
            }
        )
    return value


# --- Import of hearing lists -------------------------------------------------------------------


@router.post(
    "/court/imports",
    response={201: ImportOut, 401: DetailOut, 404: DetailOut, 422: ImportRefusedOut},
)
@policy(Policy.CASE_DATA)
def court_import_preview(
    request: HttpRequest, file: File[UploadedFile], mapping: Form[str] = ""
) -> Any:
    """Upload a hearing list (CSV or Excel .xlsx, multipart field `file`) and preview it: every
    row is checked, nothing is written. Columns are guessed from the header row unless
    `mapping` (a JSON object: field → header of the file; fields: a_number, date, time, court,
    kind, mode, port, report_time, report_place) chooses them. A file that cannot be read as a
    hearing list is refused (422) with its headers and the columns recognized. Rows show the
    A-number masked. Apply it with POST /court/imports/{import_uuid}/apply."""
    chosen = _mapping(mapping)
    try:
        run = imports.import_preview(
            by=signed_in_user(request),
            file_name=file.name or "",
            content=file.read(imports.MAX_BYTES + 1),
            mapping=chosen,
        )
    except imports.MissingColumns as exc:
        refused = {"errors": {"mapping": exc.messages}, "headers": exc.headers}
        return Status(422, {**refused, "mapping": exc.mapping})
    return Status(201, _import(run))


@router.get(IMPORT, response={200: ImportOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def court_import_get(request: HttpRequest, import_uuid: UUID) -> Any:
    """An import, row by row (A-numbers masked). Audited."""
    return _import(imports.import_get_for(signed_in_user(request), import_uuid))


@router.post(IMPORT + "/apply", response={200: ImportOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def court_import_apply(request: HttpRequest, import_uuid: UUID) -> Any:
    """Apply a previewed import without errors: all its rows, or none. Every row is checked
    again; if one fails now, nothing is written and the import comes back with `status`
    "refused" and the new report. Applying it again is refused (upload the file again)."""
    run = imports.import_get_for(signed_in_user(request), import_uuid)
    return _import(imports.import_apply(by=signed_in_user(request), run=run))
