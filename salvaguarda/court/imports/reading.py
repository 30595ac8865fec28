"""Reading an uploaded hearing list: the limits on the file, a CSV file (its encoding and
delimiter found) or an Excel workbook's first sheet read as a table of text, the columns guessed
from the header row (or checked when chosen), and dates and times as people write them. Nothing
here reads or writes the database.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salvaguarda.lib.normalize import fold_text
from salvaguarda.people import validation as people_validation

MAX_BYTES = 5 * 1024 * 1024
# Applying writes row by row through the services (history, reminders, audit: some 20-30 ms a
# row) in the request: 1,000 rows take about half a minute. A longer list is split.
MAX_ROWS = 1000
MAX_COLUMNS = 100
MAX_CELL = 500
# An .xlsx is a zip: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# So many blank rows in a row end the sheet (Excel keeps formatted empty rows).
MAX_BLANK_RUN = 1000

FIELDS = (
    "a_number",
    "date",
    "time",
    "court",
    "kind",
    "mode",
    "port",
    "report_time",
    "report_place",
)
REQUIRED = ("a_number", "date", "time", "court")

FIELD_LABELS: dict[str, Promise] = {
    "a_number": gettext_lazy("A-number"),
    "date": gettext_lazy("Date of the hearing"),
    "time": gettext_lazy("Time of the hearing (court's clock)"),
    "court": gettext_lazy("Immigration court"),
    "kind": gettext_lazy("Type of hearing"),
    "mode": gettext_lazy("In person or by video"),
    "port": gettext_lazy("Port where to report"),
    "report_time": gettext_lazy("Time to report at the port"),
    "report_place": gettext_lazy("Where to report"),
    "row": gettext_lazy("Row"),
}


# What each field of a hearing is called in the file (folded: lower case, no accents).
ALIASES: dict[str, tuple[str, ...]] = {
    name: tuple(words.split("|"))
    for name, words in {
        "a_number": "a number|anumber|a|a no|no a|num a|numero a|numero de a|a numero|"
        "alien number|alien registration number|no de extranjero|num de extranjero|"
        "numero de extranjero|numero de registro de extranjero|registro de extranjero",
        "date": "fecha|date|fecha de audiencia|fecha de la audiencia|hearing date|dia|day",
        "time": "hora|time|hora de audiencia|hora de la audiencia|hearing time",
        "court": "corte|court|corte de inmigracion|immigration court|tribunal|juzgado",
        "kind": "tipo|type|kind|tipo de audiencia|hearing type|type of hearing",
        "mode": "modalidad|mode|video|presencial o video|in person or video|formato",
        "port": "puerto|port|puerto de entrada|port of entry|garita|punto de retorno",
        "report_time": "hora de presentacion|hora de reporte|hora para presentarse|"
        "hora en el puerto|report time|reporting time|time to report",
        "report_place": "lugar de presentacion|lugar de reporte|lugar para presentarse|"
        "donde presentarse|lugar|report place|reporting place|where to report|place",
    }.items()
}
# Aliases this short match only a whole header (a lone "a" must not match "hora de la ...").
_SHORT_ALIAS = 4


class MissingColumns(ValidationError):
    """The file lacks a required column (or the columns chosen are not the file's).

    Carries the file's headers and the columns recognized, so a page can offer to choose them.
    """

    def __init__(self, message: str, *, headers: Sequence[str], mapping: Mapping[str, str]):
        super().__init__(message, code="missing_columns")
        self.headers = list(headers)
        self.mapping = dict(mapping)


# --- reading the file --------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """The file as read: its header row and its data rows as text, each with its number in
    the file (so a message points to the row the user sees in Excel)."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]

    def stored(self) -> dict[str, Any]:
        return {"headers": self.headers, "rows": [[number, cells] for number, cells in self.rows]}

    @classmethod
    def from_stored(cls, value: Any) -> "Table":
        value = value or {}
        rows = [(int(number), [str(c) for c in cells]) for number, cells in value.get("rows", [])]
        return cls(headers=[str(h) for h in value.get("headers", [])], rows=rows)


_EXCEL_EPOCHS = (
    datetime.date(1899, 12, 30),
    datetime.date(1899, 12, 31),
    datetime.date(1900, 1, 1),
)


def _time_text(value: datetime.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _cell_text(value: Any) -> str:
    """A cell as text: Excel dates as YYYY-MM-DD, times as HH:MM (24 h), whole numbers
    without a decimal point (an A-number typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.date() in _EXCEL_EPOCHS:  # a time alone, stored by Excel on its first day
            return _time_text(value.time())
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return f"{value.date().isoformat()} {_time_text(value.time())}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return _time_text(value)
    if isinstance(value, datetime.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())[:MAX_CELL]


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _(
            "The file has more than %(max)s rows. Split it into smaller files and import them "
            "one after the other."
        )
        % {"max": MAX_ROWS},
        code="too_many_rows",
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _(
            "This file cannot be read. Upload a CSV file or an Excel workbook (.xlsx); an old "
            "Excel file (.xls) must first be saved as .xlsx or CSV."
        ),
        code="unreadable",
    )


def _decode(content: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else Windows-1252 / Latin-1."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = next((line for line in text.splitlines() if line.strip()), "")
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _csv_rows(content: bytes) -> Iterable[list[Any]]:
    text = _decode(content)
    if "\x00" in text:
        raise _unreadable()
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    except csv.Error as exc:
        raise _unreadable() from exc


def _xlsx_rows(content: bytes) -> Iterable[list[Any]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable() from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise _unreadable()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # a broken or foreign workbook: zip, XML and openpyxl's errors
        raise _unreadable() from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        rows: Iterator[Any] = iter(
            sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1) if sheet else ()
        )
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a sheet that breaks halfway through
                raise _unreadable() from exc
            yield list(values)
    finally:
        workbook.close()


def _is_xlsx(file_name: str, content: bytes) -> bool:
    return file_name.lower().endswith((".xlsx", ".xlsm")) or content[:4] == b"PK\x03\x04"


def _is_old_excel(file_name: str, content: bytes) -> bool:
    return file_name.lower().endswith(".xls") or content[:4] == b"\xd0\xcf\x11\xe0"


def _named_headers(cells: list[str]) -> list[str]:
    """The header row with every column named once (an empty or repeated name is numbered)."""
    headers: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = cell or _("Column %(number)s") % {"number": position}
        candidate, repeat = name, 2
        while candidate in headers:
            candidate = f"{name} ({repeat})"
            repeat += 1
        headers.append(candidate)
    return headers


def read_table(file_name: str, content: bytes) -> Table:
    """The header row and the data rows of a CSV file or of an Excel workbook's first sheet.

    Raises a ValidationError (nothing is stored) for a file too large, unreadable, empty, with
    too many rows or columns.
    """
    if len(content) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if not content.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    if _is_old_excel(file_name, content) and not _is_xlsx(file_name, content):
        raise _unreadable()
    source = _xlsx_rows(content) if _is_xlsx(file_name, content) else _csv_rows(content)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    blank_run = 0
    for number, values in enumerate(source, start=1):
        cells = [_cell_text(v) for v in values[: MAX_COLUMNS + 1]]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if header is None:
            if len(cells) > MAX_COLUMNS:
                raise ValidationError(
                    _("The file has more than %(max)s columns: keep only the hearing list.")
                    % {"max": MAX_COLUMNS},
                    code="too_many_columns",
                )
            header = cells
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows()
        rows.append((number, cells[: len(header)] + [""] * (len(header) - len(cells))))
    if header is None:
        raise ValidationError(_("The file is empty."), code="empty")
    if not rows and _looks_like_data(header):
        raise _no_header()
    if not rows:
        raise ValidationError(
            _("The file has a header row but no hearings under it."), code="no_rows"
        )
    return Table(headers=_named_headers(header), rows=rows)


# --- columns -----------------------------------------------------------------------------------


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Which column holds each field, from the header names (Spanish or English).

    A header equal to a known name wins over one that only contains it ("Hora de presentación"
    is the time to report, not the time of the hearing); each column serves one field.
    """
    scored: list[tuple[int, int, str, str]] = []
    for position, header in enumerate(headers):
        folded = fold_text(header)
        if not folded:
            continue
        padded = f" {folded} "
        for name, aliases in ALIASES.items():
            best = 0
            for alias in aliases:
                if folded == alias:
                    best = max(best, 1000 + len(alias))
                elif len(alias) >= _SHORT_ALIAS and f" {alias} " in padded:
                    best = max(best, len(alias))
            if best:
                scored.append((best, -position, name, header))
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for _score, _position, name, header in sorted(scored, reverse=True):
        if name in mapping or header in used:
            continue
        mapping[name] = header
        used.add(header)
    return {name: mapping[name] for name in FIELDS if name in mapping}


def _looks_like_data(cells: Sequence[str]) -> bool:
    for cell in cells:
        try:
            people_validation.a_number(cell)
            return True
        except ValidationError:
            pass
        if parse_date(cell) is not None:
            return True
    return False


def _no_header() -> ValidationError:
    return ValidationError(
        _(
            "The file has no header row. Its first row must name the columns, for example: "
            "A-number, date, time, court."
        ),
        code="no_header",
    )


def checked_mapping(table: Table, mapping: Mapping[str, str] | None) -> dict[str, str]:
    """The mapping to use (guessed unless given), every required field in a column of the file."""
    guessed = guess_mapping(table.headers)
    if mapping is None:
        chosen = guessed
    else:
        unknown = [f for f in mapping if f not in FIELDS]
        wrong = [c for f, c in mapping.items() if c and c not in table.headers]
        if unknown or wrong:
            raise MissingColumns(
                _("The columns chosen are not columns of this file: choose them again."),
                headers=table.headers,
                mapping=guessed,
            )
        chosen = {f: c for f, c in mapping.items() if c}
    missing = [f for f in REQUIRED if f not in chosen]
    if not missing:
        return {f: chosen[f] for f in FIELDS if f in chosen}
    if mapping is None and not guessed and _looks_like_data(table.headers):
        raise _no_header()
    raise MissingColumns(
        _(
            "These columns are needed and were not found: %(columns)s. Name them in the first "
            "row of the file, or choose which column holds each one."
        )
        % {"columns": ", ".join(str(FIELD_LABELS[f]) for f in missing)},
        headers=table.headers,
        mapping=chosen,
    )


# --- dates and times as written ----------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T].*)?$")
_TIME = re.compile(
    r"^(?:.*[ T])?(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?"
    r"\s*(?:(a\.?\s*m\.?|p\.?\s*m\.?)|(?:h|hr|hrs|horas)\.?)?$",
    re.IGNORECASE,
)


def parse_date(text: str) -> datetime.date | Literal[False] | None:
    """A date written YYYY-MM-DD or DD/MM/YYYY (Mexican order). None: not a date at all;
    False: written as a date that does not exist (31/02/2026)."""
    text = text.strip()
    found = _ISO_DATE.match(text)
    if found:
        year, month, day = (int(g) for g in found.groups())
    else:
        found = _DMY_DATE.match(text)
        if not found:
            return None
        day, month, year = (int(g) for g in found.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return False


def parse_time(text: str) -> datetime.time | None:
    """HH:MM on a 24-hour clock, or h:mm am/pm ('8:30 a. m.'); a date before it is ignored."""
    found = _TIME.match(text.strip())
    if not found:
        return None
    hour, minute, second, meridiem = found.groups()
    hour_number, minute_number = int(hour), int(minute or 0)
    if meridiem:
        if not 1 <= hour_number <= 12:
            return None
        evening = meridiem.lower().startswith("p")
        hour_number = hour_number % 12 + (12 if evening else 0)
    elif minute is None:
        return None  # "8" alone could be 8 am or 8 pm
    if hour_number > 23 or minute_number > 59:
        return None
    return datetime.time(hour_number, minute_number)
