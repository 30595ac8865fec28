"""Each row of a hearing list: read with the chosen columns into the values the services take,
checked against the organization's people, cases and hearings and against the hearing form's
rules, and given a result (new case, new hearing, updated, unchanged, duplicate, errors); when an
import is applied, written through the services. The report it makes holds row numbers, results,
field names and messages, never an A-number or another value.
"""

import datetime
import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salvaguarda.accounts.models import User
from salvaguarda.core.fields import BlindIndexField
from salvaguarda.core.writes import same_value
from salvaguarda.court import services, times, vocab
from salvaguarda.court import validation as rules
from salvaguarda.court.imports.reading import Table, parse_date, parse_time
from salvaguarda.court.models import Hearing, ImmigrationCase
from salvaguarda.lib.normalize import fold_text
from salvaguarda.people import validation as people_validation
from salvaguarda.people import vocab as people_vocab
from salvaguarda.people.models import Person


class Result(StrEnum):
    NEW_CASE = "new_case"  # the case is opened with the row's court, and the hearing scheduled
    NEW_HEARING = "new_hearing"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    ERROR = "error"


RESULT_LABELS: dict[str, Promise] = {
    Result.NEW_CASE: gettext_lazy("New case and new hearing"),
    Result.NEW_HEARING: gettext_lazy("New hearing"),
    Result.UPDATED: gettext_lazy("Hearing updated"),
    Result.UNCHANGED: gettext_lazy("Unchanged"),
    Result.DUPLICATE: gettext_lazy("Repeated row: ignored"),
    Result.ERROR: gettext_lazy("Errors"),
}

_KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("master", Hearing.Kind.MASTER),
    ("maestr", Hearing.Kind.MASTER),
    ("inicial", Hearing.Kind.MASTER),
    ("calendario", Hearing.Kind.MASTER),
    ("mch", Hearing.Kind.MASTER),
    ("individual", Hearing.Kind.INDIVIDUAL),
    ("merit", Hearing.Kind.INDIVIDUAL),
    ("fondo", Hearing.Kind.INDIVIDUAL),
    ("final", Hearing.Kind.INDIVIDUAL),
)
_MODE_WORDS: tuple[tuple[str, str], ...] = (
    ("video", Hearing.Mode.VIDEO),
    ("virtual", Hearing.Mode.VIDEO),
    ("remot", Hearing.Mode.VIDEO),
    ("presencial", Hearing.Mode.IN_PERSON),
    ("persona", Hearing.Mode.IN_PERSON),
    ("person", Hearing.Mode.IN_PERSON),
)

# A hearing field of the model, and the column of the file its messages belong to.
_MODEL_TO_FIELD = {
    "court": "court",
    "starts_at": "date",
    "kind": "kind",
    "mode": "mode",
    "port": "port",
    "report_at": "report_time",
    "report_place": "report_place",
}

RowErrors = dict[str, list[str]]


# --- reading one row ---------------------------------------------------------------------------


@functools.cache
def _court_names() -> dict[str, str]:
    """Every way a court may be written (code, Spanish or English name, folded) → code.
    A name shared by two courts is left out."""
    names: dict[str, set[str]] = {}
    for term in vocab.COURTS.terms.values():
        for name in (term.code, term.label_es, term.label_en):
            folded = fold_text(name)
            names.setdefault(folded, set()).add(term.code)
            short = fold_text(name.split("(")[0].rsplit(",", 1)[0])
            names.setdefault(short, set()).add(term.code)
    return {name: codes.pop() for name, codes in names.items() if name and len(codes) == 1}


@functools.cache
def _port_names() -> dict[str, str]:
    names: dict[str, set[str]] = {}
    for term in people_vocab.RETURN_POINTS.terms.values():
        for name in (term.code, term.label_es, term.label_en, term.label_es.split("→")[0]):
            names.setdefault(fold_text(name), set()).add(term.code)
    return {name: codes.pop() for name, codes in names.items() if name and len(codes) == 1}


def _word_choice(text: str, words: Sequence[tuple[str, str]]) -> str | None:
    folded = fold_text(text)
    found = {code for word, code in words if word in folded}
    return found.pop() if len(found) == 1 else None


@dataclass
class Row:
    """One row of the file, read with the mapping: the values to give the services."""

    number: int
    cells: dict[str, str]
    a_number: str | None = None
    court: str | None = None
    starts_at: datetime.datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)
    errors: RowErrors = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        messages = self.errors.setdefault(name, [])
        if message not in messages:
            messages.append(message)

    @property
    def is_blank(self) -> bool:
        return not any(self.cells.values())


def _wall_clock(row: Row, court: str, day: datetime.date, at: datetime.time, name: str) -> Any:
    try:
        return times.court_wall_clock(court, datetime.datetime.combine(day, at))
    except ValueError:
        row.add(
            name,
            _(
                "This time does not exist at this court: the clocks went forward an hour that "
                "night. Check the time."
            ),
        )
        return None


def _read_row(
    number: int, cells: Sequence[str], headers: Sequence[str], mapping: Mapping[str, str]
) -> Row:
    by_header = dict(zip(headers, cells, strict=False))
    row = Row(number=number, cells={f: by_header.get(c, "").strip() for f, c in mapping.items()})
    text = row.cells

    if not text.get("a_number"):
        row.add("a_number", _("Give the A-number."))
    else:
        try:
            row.a_number = people_validation.a_number(text["a_number"])
        except ValidationError as exc:
            for message in exc.messages:
                row.add("a_number", message)

    court_text = text.get("court", "")
    court = _court_names().get(fold_text(court_text)) if court_text else None
    if court is None:
        for name, messages in rules.court_errors(court_text).items():
            for error in messages:
                for message in error.messages:
                    row.add(name, message)
    else:
        row.court = court
        row.data["court"] = court

    day: datetime.date | None = None
    parsed_day = parse_date(text.get("date", "")) if text.get("date") else None
    if not text.get("date"):
        row.add("date", _("Give the date of the hearing."))
    elif parsed_day is False:
        row.add("date", _("This date does not exist: check the day and the month."))
    elif parsed_day is None:
        row.add(
            "date",
            _("Write the date as day/month/year (31/01/2026) or year-month-day (2026-01-31)."),
        )
    elif isinstance(parsed_day, datetime.date):
        day = parsed_day

    at: datetime.time | None = None
    if not text.get("time"):
        row.add("time", _("Give the time of the hearing."))
    else:
        at = parse_time(text["time"])
        if at is None:
            row.add("time", _("Write the time as 08:30 or 14:00 (24-hour clock), or as 8:30 am."))

    if court and day and at:
        row.starts_at = _wall_clock(row, court, day, at, "time")
        if row.starts_at is not None:
            row.data["starts_at"] = row.starts_at

    if text.get("kind"):
        kind = _word_choice(text["kind"], _KIND_WORDS)
        if kind is None:
            row.add(
                "kind",
                _("Write the type of hearing as master calendar (initial) or individual (merits)."),
            )
        else:
            row.data["kind"] = kind
    if text.get("mode"):
        mode = _word_choice(text["mode"], _MODE_WORDS)
        if mode is None:
            row.add("mode", _("Write in person or video."))
        else:
            row.data["mode"] = mode
    if text.get("port"):
        port = _port_names().get(fold_text(text["port"]))
        if port is None:
            row.add("port", _("Choose a port from the list."))
        else:
            row.data["port"] = port
    if text.get("report_time"):
        written_day = parse_date(text["report_time"])
        report_day = written_day if isinstance(written_day, datetime.date) else day
        report_at = parse_time(text["report_time"])
        if report_at is None or written_day is False:
            row.add(
                "report_time",
                _("Write the time to report as 05:30 (24-hour clock), or as 5:30 am."),
            )
        elif court and isinstance(report_day, datetime.date):
            moment = _wall_clock(row, court, report_day, report_at, "report_time")
            if moment is not None:
                row.data["report_at"] = moment
    if text.get("report_place"):
        row.data["report_place"] = text["report_place"]
    return row


def read_rows(table: Table, mapping: Mapping[str, str]) -> list[Row]:
    rows = (_read_row(number, cells, table.headers, mapping) for number, cells in table.rows)
    return [row for row in rows if not row.is_blank]


# --- checking a row against the organization's data --------------------------------------------


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


class _World:
    """The people, cases and hearings the rows name, read at once, and what earlier rows of
    the file did (or, in a preview, would do) to them."""

    def __init__(self, organization_id: int, rows: Sequence[Row]) -> None:
        index: BlindIndexField = Person._meta.get_field("a_number_index")
        numbers = {row.a_number for row in rows if row.a_number}
        lookups = {index.lookup_value(organization_id, n): n for n in numbers}
        self.people: dict[str, list[Person]] = {}
        for person in Person.objects.filter(a_number_index__in=list(lookups)).order_by("id"):
            self.people.setdefault(lookups[person.a_number_index], []).append(person)
        person_ids = [p.pk for people in self.people.values() for p in people]
        self.cases: dict[int, ImmigrationCase] = {
            case.person_id: case
            for case in ImmigrationCase.objects.filter(person_id__in=person_ids).select_related(
                "lead_case"
            )
        }
        self.planned_cases: set[int] = set()
        moments = {_utc(row.starts_at) for row in rows if row.starts_at}
        case_ids = {case.hearing_case.pk for case in self.cases.values()}
        self.hearings: dict[tuple[int, datetime.datetime], Hearing] = {}
        found = Hearing.objects.filter(
            case_id__in=case_ids, starts_at__in=moments, status=Hearing.Status.SCHEDULED
        ).order_by("-id")
        for hearing in found:
            self.hearings[(hearing.case_id, _utc(hearing.starts_at))] = hearing

    def hearing(self, case_key: Any, moment: datetime.datetime) -> Hearing | None:
        return self.hearings.get((case_key, _utc(moment)))


@dataclass
class _Plan:
    """What one row will do."""

    result: Result
    person: Person | None = None
    case: ImmigrationCase | None = None
    hearing: Hearing | None = None
    changes: list[str] = field(default_factory=list)  # fields of the hearing
    note: str = ""


def _messages(errors: Mapping[str, Sequence[ValidationError]]) -> RowErrors:
    found: RowErrors = {}
    for name, errs in errors.items():
        target = _MODEL_TO_FIELD.get(name, "row")
        for error in errs:
            for message in error.messages:
                if message not in found.setdefault(target, []):
                    found[target].append(message)
    return found


def _merge(row: Row, errors: RowErrors) -> None:
    for name, messages in errors.items():
        for message in messages:
            row.add(name, message)


def _hearing_values(data: Mapping[str, Any], current: Hearing | None) -> dict[str, Any]:
    """The hearing as the service will hold it (with the same defaults as `services`)."""
    values: dict[str, Any] = {}
    for name in _MODEL_TO_FIELD:
        if name in data:
            values[name] = data[name]
        elif current is not None:
            values[name] = getattr(current, name)
        else:
            values[name] = {"mode": Hearing.Mode.IN_PERSON, "report_at": None}.get(name, "")
    if not values["port"]:
        values["port"] = vocab.court_port(values["court"])
    if current is not None:
        values["attendance"] = current.attendance
    return values


def _rule_errors(values: dict[str, Any], organization_id: int, now: datetime.datetime) -> RowErrors:
    """The hearing form's rules and the model's own field checks on the values to write.

    Whether the moment has passed is left to the caller: an import says so in its own words.
    """
    found = dict(rules.hearing_errors(values, now=now, is_new=False, moved=False))
    candidate = Hearing(organization_id=organization_id)
    for name, value in values.items():
        setattr(candidate, name, value)
    checked = {name for name in values if name != "kind" or values["kind"]}
    try:
        candidate.clean_fields(
            exclude=[f.name for f in Hearing._meta.fields if f.name not in checked]
        )
    except ValidationError as exc:
        for name, errs in exc.error_dict.items():
            found.setdefault(name, list(errs))
    return _messages(found)


def _match(row: Row, world: _World) -> Person | None:
    if not row.a_number:
        return None
    people = world.people.get(row.a_number, [])
    if len(people) == 1:
        return people[0]
    if people:
        row.add(
            "a_number",
            _(
                "Several people of your organization have this A-number: correct their files "
                "before importing."
            ),
        )
    else:
        row.add(
            "a_number",
            _(
                "This A-number matches nobody in your organization. Register the person first, "
                "or check the number."
            ),
        )
    return None


Seen = dict[tuple[Any, datetime.datetime], tuple[int, dict[str, Any]]]


def _plan(
    row: Row, world: _World, seen: Seen, organization_id: int, now: datetime.datetime
) -> _Plan:
    """What the row will do; its errors are added to `row.errors`."""
    person = _match(row, world)
    if row.court is None or row.starts_at is None:
        return _Plan(Result.ERROR)
    case = world.cases.get(person.pk) if person else None
    case_key: Any = case.hearing_case.pk if case else ("new", person.pk if person else None)
    current = world.hearing(case_key, row.starts_at)
    values = _hearing_values(row.data, current)
    changes = sorted(
        name
        for name in row.data
        if current is not None and not same_value(values[name], getattr(current, name))
    )
    if current is None or changes:
        if current is None and not values["kind"]:
            row.add(
                "kind",
                _("Give the type of hearing (master calendar or individual) of a new hearing."),
            )
        _merge(row, _rule_errors(values, organization_id, now))
        if row.starts_at < now and "date" not in row.errors:
            row.add(
                "date",
                _(
                    "This hearing has already taken place. An import takes a list of upcoming "
                    "hearings: record a past hearing on the person's page."
                ),
            )
    if row.errors or person is None:
        return _Plan(Result.ERROR)
    key = (case_key, _utc(row.starts_at))
    if key in seen:
        earlier, earlier_data = seen[key]
        if earlier_data == row.data:
            note = _("The same hearing as row %(row)s: this row is ignored.") % {"row": earlier}
            return _Plan(Result.DUPLICATE, person=person, note=note)
        row.add(
            "row",
            _(
                "Row %(row)s gives the same hearing (same person or family, same date and time) "
                "with other details: keep only one of the two rows."
            )
            % {"row": earlier},
        )
        return _Plan(Result.ERROR)
    seen[key] = (row.number, dict(row.data))
    if current is not None:
        result = Result.UPDATED if changes else Result.UNCHANGED
        return _Plan(result, person=person, case=case, hearing=current, changes=changes)
    if case is None and person.pk not in world.planned_cases:
        return _Plan(Result.NEW_CASE, person=person)
    return _Plan(Result.NEW_HEARING, person=person, case=case)


def _write(by: User, row: Row, plan: _Plan, world: _World, seen: Seen) -> None:
    """Carry out the plan through the services; a refusal becomes the row's errors."""
    person, starts_at = plan.person, row.starts_at
    if person is None or starts_at is None:
        return
    try:
        if plan.result is Result.NEW_CASE:
            plan.case = services.case_open(by=by, person=person, data={"court": row.court})
            world.cases[person.pk] = plan.case
        if plan.result in (Result.NEW_CASE, Result.NEW_HEARING) and plan.case is not None:
            plan.hearing = services.hearing_schedule(by=by, case=plan.case, data=row.data)
            key = (plan.hearing.case_id, _utc(starts_at))
            world.hearings[key] = plan.hearing
            seen.setdefault(key, (row.number, dict(row.data)))
        elif plan.result is Result.UPDATED and plan.hearing is not None:
            services.hearing_update(
                by=by,
                hearing=plan.hearing,
                data={name: row.data[name] for name in plan.changes},
                reason=_("Changed by the import of a hearing list."),
            )
    except ValidationError as exc:
        errors = exc.error_dict if hasattr(exc, "error_dict") else {"row": [exc]}
        _merge(row, _messages(errors))
        plan.result = Result.ERROR


_WRITES = (Result.NEW_CASE, Result.NEW_HEARING, Result.UPDATED)


def run_rows(
    table: Table, mapping: Mapping[str, str], *, organization_id: int, by: User | None
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Check every row and, when `by` is given, write it (until a row fails: the caller then
    rolls everything back). Returns the report (nothing identifying) and counts by result."""
    now = timezone.now()
    rows = read_rows(table, mapping)
    world = _World(organization_id, rows)
    seen: Seen = {}
    report: list[dict[str, Any]] = []
    failed = False
    for row in rows:
        plan = _plan(row, world, seen, organization_id, now)
        if by is not None and not failed and plan.result in _WRITES:
            _write(by, row, plan, world, seen)
        elif plan.result is Result.NEW_CASE and plan.person is not None:
            world.planned_cases.add(plan.person.pk)
        failed = failed or plan.result is Result.ERROR
        report.append(
            {
                "row": row.number,
                "result": str(plan.result),
                "errors": {name: row.errors[name] for name in sorted(row.errors)},
                "changes": sorted({_MODEL_TO_FIELD[name] for name in plan.changes}),
                "note": plan.note,
                "person": str(plan.person.uuid) if plan.person else "",
            }
        )
    counts = Counter(entry["result"] for entry in report)
    return report, {"rows": len(report), **{str(r): counts.get(str(r), 0) for r in Result}}
