"""Import of hearing lists kept in CSV or Excel: columns guessed or chosen, a row-by-row preview
that writes nothing, then all rows applied in one transaction, or none.

A row names a person by A-number (matched through the blind index, only in the active
organization), a date and time as the court's clock shows them, and the court; optionally the
type of hearing, in person or by video, the port, and when and where to report. Each row is
checked with the same rules as the hearing form (`validation`) and written only through the
services (`case_open`, `hearing_schedule`, `hearing_update`), which audit it, keep its history
and schedule its reminders.

Results of a row: a new hearing (and a new case when the person has none), an update of the
hearing the person already has at that moment, unchanged (the same hearing is already there:
re-importing a file changes nothing), a duplicate (the same hearing given by an earlier row of
the file, with the same details: ignored), or errors. The same hearing given twice with other
details is an error of the later row. A list of hearings is a list of upcoming ones: a row whose
moment has passed is an error unless it is already recorded exactly as the row says.

The uploaded table is kept encrypted in the import (`rows`: it holds A-numbers), so the columns
can be chosen again without uploading the file again. The report (`report`, stored in clear)
holds row numbers, results, field names and messages: never an A-number or another value.

The package: `reading` (the file, its columns, the limits), `checking` (each row: read,
checked, given a result, written), `actions` (preview, recheck, apply) and `queries` (reads).
Callers use the names below, as `imports.import_preview(...)`.
"""

from salvaguarda.court.imports.actions import import_apply, import_preview, import_recheck
from salvaguarda.court.imports.checking import RESULT_LABELS, Result
from salvaguarda.court.imports.queries import (
    ImportLine,
    import_get_for,
    import_lines,
    imports_recent,
    mask_a_number,
    previous_applications,
)
from salvaguarda.court.imports.reading import (
    ALIASES,
    FIELD_LABELS,
    FIELDS,
    MAX_BLANK_RUN,
    MAX_BYTES,
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    REQUIRED,
    MissingColumns,
    Table,
    guess_mapping,
    read_table,
)

__all__ = [
    "ALIASES",
    "FIELDS",
    "FIELD_LABELS",
    "MAX_BLANK_RUN",
    "MAX_BYTES",
    "MAX_CELL",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "REQUIRED",
    "RESULT_LABELS",
    "ImportLine",
    "MissingColumns",
    "Result",
    "Table",
    "guess_mapping",
    "import_apply",
    "import_get_for",
    "import_lines",
    "import_preview",
    "import_recheck",
    "imports_recent",
    "mask_a_number",
    "previous_applications",
    "read_table",
]
