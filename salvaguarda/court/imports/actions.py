"""The actions on an import, each in one transaction and audited with field names only:
preview (read and check a file, keep its rows encrypted with the report), recheck (the same rows
with other columns, or after people's files were corrected) and apply (all rows, or none).
"""

import hashlib
from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import User
from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.court.imports.checking import Result, run_rows
from salvaguarda.court.imports.reading import Table, checked_mapping, read_table
from salvaguarda.court.models import HearingImport


def _organization_id() -> int:
    organization_id = current_organization_id()
    if organization_id is None:
        raise PermissionError("No organization scope.")
    return organization_id


def _status(counts: Mapping[str, int]) -> str:
    return (
        HearingImport.Status.REFUSED if counts.get(Result.ERROR) else HearingImport.Status.PREVIEWED
    )


# --- the actions -------------------------------------------------------------------------------


@transaction.atomic
def import_preview(
    *, by: User, file_name: str, content: bytes, mapping: dict[str, str] | None = None
) -> HearingImport:
    """Read the file, check every row without writing any hearing, and keep the preview.

    The columns are guessed from the header row unless `mapping` (field → header) is given.
    A file that cannot be imported at all (too large, empty, no header, a required column
    missing: `MissingColumns`) raises a ValidationError and nothing is stored. The import is
    PREVIEWED, or REFUSED when a row has errors.
    """
    organization_id = _organization_id()
    table = read_table(file_name, content)
    chosen = checked_mapping(table, mapping)
    report, counts = run_rows(table, chosen, organization_id=organization_id, by=None)
    run = HearingImport(
        organization_id=organization_id,
        file_name=(file_name.replace("\\", "/").rsplit("/", 1)[-1] or "-")[:160],
        file_hash=hashlib.sha256(content).hexdigest(),
        mapping=chosen,
        rows=cast(Any, table.stored()),
        report=report,
        counts=counts,
        status=_status(counts),
        created_by=by,
        modified_by=by,
    )
    run.save()
    audit.record(
        action=audit.Action.CREATE,
        actor=by,
        organization_id=organization_id,
        obj=run,
        fields=["file_name", "file_hash", "mapping", "rows", "report", "counts", "status"],
        detail={"rows": counts["rows"], "errors": counts[Result.ERROR]},
    )
    return run


def _refuse_applied(run: HearingImport) -> None:
    if run.status == HearingImport.Status.APPLIED:
        raise ValidationError(
            _("This list was already applied. To import it again, upload the file again."),
            code="applied",
        )


@transaction.atomic
def import_recheck(
    *, by: User, run: HearingImport, mapping: dict[str, str] | None = None
) -> HearingImport:
    """Check the same uploaded rows again, with other columns (`mapping`) or the same ones
    (after correcting people's files). Not for an applied import."""
    _refuse_applied(run)
    table = Table.from_stored(run.rows)
    chosen = checked_mapping(table, run.mapping if mapping is None else mapping)
    report, counts = run_rows(table, chosen, organization_id=run.organization_id, by=None)
    run.mapping, run.report, run.counts, run.status = chosen, report, counts, _status(counts)
    run.modified_by = by
    run.save(update_fields=["mapping", "report", "counts", "status", "modified_by", "modified_at"])
    audit.record(
        action=audit.Action.UPDATE,
        actor=by,
        organization_id=run.organization_id,
        obj=run,
        fields=["mapping", "report", "counts", "status"],
        detail={"rows": counts["rows"], "errors": counts[Result.ERROR]},
    )
    return run


class _Refused(Exception):
    def __init__(self, report: list[dict[str, Any]], counts: dict[str, int]) -> None:
        super().__init__("refused")
        self.report, self.counts = report, counts


@transaction.atomic
def import_apply(*, by: User, run: HearingImport) -> HearingImport:
    """Apply a previewed import without errors: all its rows, or none.

    Each row is checked again (people and hearings may have changed since the preview) and
    written through the services. If any row fails now, every write is rolled back and the
    import is REFUSED with the new report; otherwise it is APPLIED. Returns the import.
    """
    _refuse_applied(run)
    locked = HearingImport.objects.select_for_update().filter(pk=run.pk).first()
    if locked is None:
        raise Http404
    _refuse_applied(locked)
    if locked.status != HearingImport.Status.PREVIEWED or locked.counts.get(Result.ERROR):
        raise ValidationError(
            _("This list has errors: correct them and check it again before applying it."),
            code="errors",
        )
    table = Table.from_stored(locked.rows)
    try:
        with transaction.atomic():
            report, counts = run_rows(
                table, locked.mapping, organization_id=locked.organization_id, by=by
            )
            if counts[Result.ERROR]:
                raise _Refused(report, counts)
    except _Refused as refused:
        locked.report, locked.counts = refused.report, refused.counts
        locked.status = HearingImport.Status.REFUSED
        changed = ["report", "counts", "status"]
    else:
        locked.report, locked.counts = report, counts
        locked.status = HearingImport.Status.APPLIED
        locked.applied_at = timezone.now()
        changed = ["report", "counts", "status", "applied_at"]
    locked.modified_by = by
    locked.save(update_fields=[*changed, "modified_by", "modified_at"])
    audit.record(
        action=audit.Action.UPDATE,
        actor=by,
        organization_id=locked.organization_id,
        obj=locked,
        fields=changed,
        detail={"rows": locked.counts["rows"], "errors": locked.counts[Result.ERROR]},
    )
    return locked
