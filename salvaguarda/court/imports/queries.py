"""Reads of imports: one import of the active organization (audited: its rows hold
A-numbers), the latest ones, the earlier applications of the same file, and the report joined
with the rows it speaks of, as the pages and the API show it (the A-number masked, the moment on
the court's clock).
"""

import datetime
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import formats

from salvaguarda.core import audit
from salvaguarda.court import times, vocab
from salvaguarda.court.imports.checking import RESULT_LABELS, Result, Row, read_rows
from salvaguarda.court.imports.reading import FIELD_LABELS, Table
from salvaguarda.court.models import HearingImport


def import_get_for(user: Any, import_uuid: uuid.UUID) -> HearingImport:
    """One import of the active organization, audited (its rows hold A-numbers); 404 otherwise."""
    run = HearingImport.objects.filter(uuid=import_uuid).first()
    if run is None:
        raise Http404
    audit.record(action=audit.Action.VIEW, actor=user, organization_id=run.organization_id, obj=run)
    return run


def imports_recent(user: Any, *, limit: int = 10) -> QuerySet[HearingImport]:
    """The organization's latest imports (without their rows)."""
    return HearingImport.objects.defer("rows").order_by("-created_at", "-id")[:limit]


def mask_a_number(value: str) -> str:
    """'012345678' → 'A•••••5678': enough to find the row in the file, not the number."""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 6:
        return "•••"
    return "A" + "•" * (len(digits) - 4) + digits[-4:]


@dataclass(frozen=True)
class ImportLine:
    """One row of the preview or summary page."""

    row: int
    masked_a_number: str
    starts_at: datetime.datetime | None  # in the court's time zone
    date_text: str
    time_text: str
    court: str
    result: str
    errors: list[tuple[str, str]]
    changes: list[str]
    note: str
    person: str

    @property
    def result_label(self) -> str:
        return str(RESULT_LABELS.get(self.result, self.result))

    @property
    def has_errors(self) -> bool:
        return self.result == Result.ERROR

    @property
    def court_label(self) -> str:
        return vocab.COURTS.label(self.court) if self.court in vocab.COURTS else self.court

    @property
    def when(self) -> str:
        """The date and time as the court's clock shows them, with the zone's abbreviation."""
        if self.starts_at is None:
            return f"{self.date_text} {self.time_text}".strip()
        shown = formats.date_format(self.starts_at, "SHORT_DATETIME_FORMAT")
        return f"{shown} {self.starts_at.tzname()}"


def import_lines(run: HearingImport) -> list[ImportLine]:
    """The report joined with the rows it speaks of (decrypted): a masked A-number, and the
    date and time as the court's clock shows them."""
    table = Table.from_stored(run.rows)
    rows = {row.number: row for row in read_rows(table, run.mapping)}
    lines: list[ImportLine] = []
    for entry in run.report:
        row = rows.get(entry["row"]) or Row(number=entry["row"], cells={})
        court = row.court or row.cells.get("court", "")
        lines.append(
            ImportLine(
                row=entry["row"],
                masked_a_number=mask_a_number(row.a_number or row.cells.get("a_number", "")),
                starts_at=times.in_court_time(row.starts_at, court) if row.starts_at else None,
                date_text=row.cells.get("date", ""),
                time_text=row.cells.get("time", ""),
                court=court,
                result=entry["result"],
                errors=[
                    (str(FIELD_LABELS.get(name, name)), message)
                    for name, messages in entry.get("errors", {}).items()
                    for message in messages
                ],
                changes=[str(FIELD_LABELS.get(n, n)) for n in entry.get("changes", [])],
                note=entry.get("note", ""),
                person=entry.get("person", ""),
            )
        )
    return lines


def previous_applications(run: HearingImport) -> QuerySet[HearingImport]:
    """Earlier imports of the very same file that were applied."""
    return (
        HearingImport.objects.filter(file_hash=run.file_hash, status=HearingImport.Status.APPLIED)
        .exclude(pk=run.pk)
        .defer("rows")
        .order_by("-applied_at")
    )
