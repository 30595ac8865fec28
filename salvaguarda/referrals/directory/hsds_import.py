"""Reading an HSDS 3.0 package into the directory: all of it, or nothing.

1. The ZIP file is opened with limits (a file per resource of the published descriptor; others
   ignored, the package's own `datapackage.json` included: the package is checked against the
   published schema kept in the repository, never against a descriptor it brings).
2. `frictionless` validates the CSV files against that schema (missing columns, bad URLs,
   types, enums, required values, keys). A resource without its file counts as empty.
3. What the standard leaves open is checked against the directory's vocabularies: each
   service's category, the codes of our taxonomies, cities, languages; and no identifier may
   already be in the directory.
4. Only when nothing was found is anything written, in one transaction.
Every problem names its file, its row (1 is the header, as frictionless counts) and column.
"""

import csv
import datetime
import io
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import Organization
from salvaguarda.core import audit
from salvaguarda.lib.normalize import fold_text
from salvaguarda.people import vocab as people_vocab
from salvaguarda.referrals.directory import hsds
from salvaguarda.referrals.directory.models import (
    Location,
    Phone,
    Provider,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceEligibility,
    ServiceLanguage,
)
from salvaguarda.referrals.directory.queries import Editor

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PACKAGE_BYTES = 100 * 1024 * 1024
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a package. `code` names the kind; `detail` is the standard's own
    words (frictionless's note) or the value at fault."""

    file: str
    row: int | None
    column: str
    code: str
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "detail": self.detail,
        }


def problem_message(problem: dict[str, Any]) -> str:
    """A problem in words, in the language of the page showing it."""
    detail = problem.get("detail", "")
    messages = {
        "bad_package": _("The file is not a ZIP archive of CSV files."),
        "too_big": _("The package is too large."),
        "missing_column": _("The column is missing."),
        "extra_column": _("This column is not part of HSDS 3.0."),
        "bad_url": _("“%(value)s” is not a valid web address.") % {"value": detail},
        "bad_value": _("The value is not valid here (%(rule)s).") % {"rule": detail},
        "required": _("A value is required."),
        "not_allowed": _("The value is not one the standard allows (%(rule)s).") % {"rule": detail},
        "unknown_reference": _("It refers to a row that is not in the package (%(rule)s).")
        % {"rule": detail},
        "repeated_id": _("The identifier is repeated."),
        "unknown_category": _("Unknown category: “%(value)s”.") % {"value": detail},
        "unknown_code": _("Unknown code: “%(value)s”.") % {"value": detail},
        "no_category": _("The service has no category of the directory."),
        "unknown_city": _("Unknown city: “%(value)s”.") % {"value": detail},
        "unknown_language": _("Unknown language: “%(value)s”.") % {"value": detail},
        "already_present": _("This identifier is already in the directory."),
        "bad_ages": _("The maximum age is below the minimum age."),
        "too_long": _("The text is longer than the directory keeps (%(rule)s).") % {"rule": detail},
        "no_hsds_file": _("No HSDS file found in the package."),
        "network_admin_only": _("Only a network administrator imports into the directory."),
        "interrupted": _(
            "The import was interrupted (the task worker stopped): nothing was imported. Send "
            "the package again."
        ),
        "duplicate_entry": _(
            "The directory already has “%(value)s” in this city: change that entry instead."
        )
        % {"value": detail},
        "twice_in_package": _(
            "“%(value)s” is already in this file, in the same city, at row %(row)s: keep one."
        )
        % {"value": detail.rpartition("|")[0], "row": detail.rpartition("|")[2]},
    }
    return messages.get(problem.get("code", ""), detail or _("The package is not valid."))


# --- 1. reading the ZIP -----------------------------------------------------------------------


def read_package(content: bytes) -> tuple[dict[str, bytes], list[Problem]]:
    """The CSV files of the package that the published descriptor names, by file name."""
    wanted = {path for path, _columns in hsds.columns().values()}
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return {}, [Problem("", None, "", "bad_package")]
    if sum(m.file_size for m in members) > MAX_PACKAGE_BYTES:
        return {}, [Problem("", None, "", "too_big")]
    files: dict[str, bytes] = {}
    for member in members:
        name = Path(member.filename).name  # a package may keep its files in a folder
        if name not in wanted or member.is_dir():
            continue
        if member.file_size > MAX_FILE_BYTES:
            return {}, [Problem(name, None, "", "too_big")]
        files[name] = archive.read(member)
    if not files:
        # A ZIP of other files would otherwise pass as an empty package: "imported", 0/0/0.
        return {}, [Problem("", None, "", "no_hsds_file")]
    return files, []


# --- 2. frictionless --------------------------------------------------------------------------


def _problem_of(file: str, error: Any) -> Problem:
    kind = error.type
    column = getattr(error, "field_name", "") or getattr(error, "label", "") or ""
    row = getattr(error, "row_number", None)
    note = getattr(error, "note", "")
    if kind == "missing-label":
        return Problem(file, 1, column, "missing_column")
    if kind in ("extra-label", "incorrect-label"):
        return Problem(file, 1, column, "extra_column", getattr(error, "label", ""))
    if kind == "type-error" and "uri" in note:
        return Problem(file, row, column, "bad_url", getattr(error, "cell", ""))
    if kind == "type-error":
        return Problem(file, row, column, "bad_value", note)
    if kind == "constraint-error" and '"required"' in note:
        return Problem(file, row, column, "required")
    if kind == "constraint-error" and '"enum"' in note:
        return Problem(file, row, column, "not_allowed", note)
    if kind == "foreign-key":
        return Problem(file, row, column, "unknown_reference", note)
    if kind in ("primary-key", "unique-error"):
        return Problem(file, row, column, "repeated_id")
    return Problem(file, row, column, "other", error.message)


def validate(files: dict[str, bytes]) -> list[Problem]:
    """frictionless's report of the files against the published HSDS 3.0 schema."""
    from frictionless import Package, system

    problems: list[Problem] = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for path, header in hsds.columns().values():
            content = files.get(path) or (",".join(header) + "\n").encode("utf-8")
            (base / path).write_bytes(content)
        published = hsds.descriptor()
        for resource in published["resources"]:
            # Columns are matched by name, in any order (Table Schema's fieldsMatch): a missing
            # one is reported as missing, not as every column after it being wrong.
            resource["schema"]["fieldsMatch"] = "equal"
        # Local files only: the descriptor is ours and names no remote resource.
        with system.use_context(trusted=False):
            report = Package(published, basepath=str(base)).validate()
        names = {name: path for name, (path, _header) in hsds.columns().items()}
        for task in report.tasks:
            for error in task.errors:
                problems.append(_problem_of(names.get(task.name, task.name), error))
        for error in report.errors:
            problems.append(Problem("datapackage.json", None, "", "other", error.message))
    return problems


# --- 3 and 4. our vocabularies, then the writes -----------------------------------------------


def _rows(files: dict[str, bytes], resource: str) -> list[tuple[int, dict[str, str]]]:
    path = hsds.columns()[resource][0]
    content = files.get(path)
    if not content:
        return []
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return [
        (index + 2, {k: (v or "").strip() for k, v in row.items() if k})
        for index, row in enumerate(reader)
    ]


def _number(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _city(value: str) -> str | None:
    """A city code from a code or a label (either language), whatever its case."""
    if value in people_vocab.CITIES:
        return value
    wanted = value.casefold()
    for term in people_vocab.CITIES.terms.values():
        if wanted in (term.label_es.casefold(), term.label_en.casefold()):
            return term.code
    return None


@dataclass
class Loaded:
    """What a valid package holds, ready to write."""

    providers: list[Provider]
    services: list[Service]
    parts: list[Any]


class _Reader:
    def __init__(self, files: dict[str, bytes], editor: Editor) -> None:
        self.files = files
        self.editor = editor
        self.problems: list[Problem] = []
        self.taxonomy_names = {row["id"]: row["name"] for _n, row in _rows(files, "taxonomy")}
        self.terms: dict[str, tuple[str, str]] = {}
        known = hsds.taxonomies()
        for number, row in _rows(files, "taxonomy_term"):
            taxonomy = row.get("taxonomy") or self.taxonomy_names.get(
                row.get("taxonomy_id", ""), ""
            )
            code = row.get("code", "").removeprefix(f"{taxonomy}/")
            self.terms[row["id"]] = (taxonomy, code)
            if taxonomy in known and code not in known[taxonomy]:
                kind = "unknown_category" if taxonomy == "service_category" else "unknown_code"
                self.problems.append(Problem("taxonomy_terms.csv", number, "code", kind, code))
        self.attributes: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for _n, row in _rows(files, "attribute"):
            taxonomy, code = self.terms.get(row.get("taxonomy_term_id", ""), ("", ""))
            self.attributes[row.get("link_id", "")].append((taxonomy, code, row.get("value", "")))
        self.members = {o.short_name: o for o in Organization.objects.all()}

    def codes(self, link_id: str, taxonomy: str) -> list[str]:
        return [c for t, c, _v in self.attributes.get(link_id, []) if t == taxonomy]

    def value(self, link_id: str, taxonomy: str, code: str) -> str:
        for t, c, v in self.attributes.get(link_id, []):
            if (t, c) == (taxonomy, code):
                return v
        return ""

    def stamp(self, row: Any) -> Any:
        row.created_by = row.modified_by = self.editor.user
        return row


def _providers(reader: _Reader) -> dict[str, Provider]:
    identifiers: dict[str, dict[str, str]] = defaultdict(dict)
    for _n, row in _rows(reader.files, "organization_identifier"):
        if row.get("identifier_scheme") == hsds.SCHEME:
            identifiers[row["organization_id"]][row["identifier_type"]] = row["identifier"]
    providers: dict[str, Provider] = {}
    taken = set(
        Provider.objects.exclude(network_organization=None).values_list(
            "network_organization", flat=True
        )
    )
    for _n, row in _rows(reader.files, "organization"):
        kinds = reader.codes(row["id"], "provider_kind")
        kind = kinds[0] if kinds and kinds[0] in Provider.Kind.values else Provider.Kind.OTHER
        own = identifiers.get(row["id"], {})
        member = reader.members.get(own.get("network_member", ""))
        if member is not None and member.pk in taken:
            member = None
        if reader.editor.is_network_admin:
            keeper = reader.members.get(own.get("maintained_by", ""))
        else:
            keeper = reader.editor.organization
        if member is None and kind == Provider.Kind.NETWORK_MEMBER:
            kind = Provider.Kind.OTHER
        description = row.get("description", "")
        providers[row["id"]] = reader.stamp(
            Provider(
                uuid=row["id"],
                name=row["name"][:200],
                name_folded=fold_text(row["name"][:200]),
                alternate_name=row.get("alternate_name", "")[:100],
                kind=kind,
                description="" if description == row["name"] else description,
                email=row.get("email", ""),
                website=row.get("website", ""),
                network_organization=member,
                maintainer=keeper,
            )
        )
    return providers


def _int(value: str) -> int | None:
    number = _number(value)
    return (
        int(number)
        if number is not None and number == number.to_integral_value() and number >= 0
        else None
    )


def _services(reader: _Reader, providers: dict[str, Provider]) -> dict[str, Service]:
    services: dict[str, Service] = {}
    for number, row in _rows(reader.files, "service"):
        categories = reader.codes(row["id"], "service_category")
        if not categories:
            reader.problems.append(Problem("services.csv", number, "id", "no_category"))
            continue
        costs = reader.codes(row["id"], "cost")
        low, high = _int(row.get("minimum_age", "")), _int(row.get("maximum_age", ""))
        if low is not None and high is not None and low > high:
            reader.problems.append(Problem("services.csv", number, "maximum_age", "bad_ages"))
        services[row["id"]] = reader.stamp(
            Service(
                uuid=row["id"],
                provider=providers[row["organization_id"]],
                name=row["name"][:200],
                name_folded=fold_text(row["name"][:200]),
                category=categories[0],
                status=row["status"],
                description_es=row.get("description", ""),
                description_en=reader.value(row["id"], hsds.TEXT_TAXONOMY, "description_en"),
                eligibility_description=row.get("eligibility_description", ""),
                minimum_age=low,
                maximum_age=high,
                nationalities=sorted(reader.codes(row["id"], "nationality")),
                cost=costs[0] if costs else Service.Cost.UNKNOWN,
                fees_description=row.get("fees_description", "")[:300],
                referral_channels=sorted(reader.codes(row["id"], "referral_channel")),
                application_process=row.get("application_process", ""),
                url=row.get("url", ""),
                email=row.get("email", ""),
                last_verified=datetime.date.fromisoformat(row["assured_date"])
                if row.get("assured_date")
                else None,
            )
        )
    return services


def _written(value: str, marker: str) -> str:
    """A value as typed: the export's marker of a blank (see hsds.NO_STATE) is blank."""
    return "" if value == marker else value


def _locations(reader: _Reader, providers: dict[str, Provider]) -> dict[str, Location]:
    addresses = {
        row["location_id"]: (n, row)
        for n, row in _rows(reader.files, "address")
        if row.get("location_id")
    }
    locations: dict[str, Location] = {}
    for number, row in _rows(reader.files, "location"):
        found = addresses.get(row["id"])
        address = found[1] if found else {}
        if row.get("external_identifier_type") == hsds.CITY_TYPE:
            written, where = (
                row.get("external_identifier", ""),
                ("locations.csv", number, "external_identifier"),
            )
        else:
            written = address.get("city", "")
            where = (
                ("addresses.csv", found[0], "city") if found else ("locations.csv", number, "id")
            )
        city = _city(written)
        if city is None:
            reader.problems.append(Problem(*where, "unknown_city", written))
            continue
        provider = providers.get(row.get("organization_id", ""))
        if provider is None:
            reader.problems.append(Problem("locations.csv", number, "organization_id", "required"))
            continue
        locations[row["id"]] = reader.stamp(
            Location(
                uuid=row["id"],
                provider=provider,
                location_type=Location.Type.VIRTUAL
                if row["location_type"] == "virtual"
                else Location.Type.PHYSICAL,
                name=row.get("name", "")[:200],
                address_1=address.get("address_1", "")[:200],
                address_2=address.get("address_2", "")[:200],
                city=city,
                state_province=_written(address.get("state_province", ""), hsds.NO_STATE)[:100],
                postal_code=_written(address.get("postal_code", ""), hsds.NO_POSTAL_CODE)[:10],
                country=(address.get("country") or "MX")[:2],
                latitude=_number(row.get("latitude", "")),
                longitude=_number(row.get("longitude", "")),
                transportation=row.get("transportation", "")[:300],
            )
        )
    return locations


def _parts(
    reader: _Reader,
    services: dict[str, Service],
    locations: dict[str, Location],
    providers: dict[str, Provider],
) -> list[Any]:
    parts: list[Any] = []
    files = reader.files
    for code in ("eligibility",):
        for link_id, entries in reader.attributes.items():
            if link_id in services:
                parts += [
                    ServiceEligibility(service=services[link_id], group=c)
                    for t, c, _v in entries
                    if t == code
                ]
    for number, row in _rows(files, "language"):
        service = services.get(row.get("service_id", ""))
        if service is None:
            continue
        if row.get("code", "") not in people_vocab.LANGUAGES:
            reader.problems.append(
                Problem("languages.csv", number, "code", "unknown_language", row.get("code", ""))
            )
            continue
        parts.append(
            reader.stamp(
                ServiceLanguage(
                    uuid=row["id"],
                    service=service,
                    code=row["code"],
                    note=row.get("note", "")[:200],
                )
            )
        )
    for _n, row in _rows(files, "service_at_location"):
        if row["service_id"] in services and row["location_id"] in locations:
            parts.append(
                reader.stamp(
                    ServiceAtLocation(
                        uuid=row["id"],
                        service=services[row["service_id"]],
                        location=locations[row["location_id"]],
                        description=row.get("description", "")[:300],
                    )
                )
            )
    for _n, row in _rows(files, "phone"):
        kind = row.get("type", "")
        parts.append(
            reader.stamp(
                Phone(
                    uuid=row["id"],
                    service=services.get(row.get("service_id", "")),
                    location=locations.get(row.get("location_id", "")),
                    provider=providers.get(row.get("organization_id", "")),
                    number=row["number"][:40],
                    extension=_int(row.get("extension", "")),
                    type=kind if kind in Phone.Type.values else Phone.Type.VOICE,
                    description=row.get("description", "")[:200],
                )
            )
        )
    for _n, row in _rows(files, "schedule"):
        service = services.get(row.get("service_id", ""))
        if service is None:
            continue
        parts.append(
            reader.stamp(
                Schedule(
                    uuid=row["id"],
                    service=service,
                    byday=row.get("byday", "")[:40],
                    opens_at=datetime.time.fromisoformat(row["opens_at"])
                    if row.get("opens_at")
                    else None,
                    closes_at=datetime.time.fromisoformat(row["closes_at"])
                    if row.get("closes_at")
                    else None,
                    description=row.get("description", "")[:300],
                )
            )
        )
    for _n, row in _rows(files, "required_document"):
        service = services.get(row.get("service_id", ""))
        if service is not None and row.get("document"):
            parts.append(
                reader.stamp(
                    RequiredDocument(
                        uuid=row["id"], service=service, document=row["document"][:200]
                    )
                )
            )
    return parts


def _already_present(
    reader: _Reader,
    providers: dict[str, Provider],
    services: dict[str, Service],
    locations: dict[str, Location],
) -> None:
    for model, rows, file in (
        (Provider, providers, "organizations.csv"),
        (Service, services, "services.csv"),
        (Location, locations, "locations.csv"),
    ):
        existing = {
            str(u) for u in model.objects.filter(uuid__in=list(rows)).values_list("uuid", flat=True)
        }
        for number, row in _rows(
            reader.files,
            {
                "organizations.csv": "organization",
                "services.csv": "service",
                "locations.csv": "location",
            }[file],
        ):
            if row["id"] in existing:
                reader.problems.append(Problem(file, number, "id", "already_present"))


def _too_long(reader: _Reader, rows: list[Any]) -> None:
    """bulk_create skips the model's checks: a text longer than its column would stop the
    write on PostgreSQL (DataError), so every text is measured before anything is written."""
    files = {
        Provider: "organizations.csv",
        Service: "services.csv",
        Location: "locations.csv",
        ServiceLanguage: "languages.csv",
        ServiceAtLocation: "service_at_location.csv",
        Phone: "phones.csv",
        Schedule: "schedules.csv",
        RequiredDocument: "required_documents.csv",
    }
    for row in rows:
        for field in type(row)._meta.fields:
            limit = field.max_length if isinstance(field, models.CharField) else None
            value = getattr(row, field.attname, None)
            if limit and isinstance(value, str) and len(value) > limit:
                reader.problems.append(
                    Problem(
                        files.get(type(row), ""),
                        None,
                        field.name,
                        "too_long",
                        f"{getattr(row, 'uuid', '')}: {len(value)} > {limit}",
                    )
                )


def _duplicates(
    reader: _Reader,
    providers: dict[str, Provider],
    services: dict[str, Service],
    locations: dict[str, Location],
) -> None:
    """A provider or service whose folded name is already in the directory in one of the same
    cities: importing it would make a second entry of one place (an export imported again
    with fresh identifiers doubled the whole directory)."""
    known_providers: set[tuple[str, str]] = set()
    for name, city in Provider.objects.values_list("name", "locations__city"):
        known_providers.add((fold_text(name), city or ""))
    known_services: set[tuple[str, str]] = set()
    for name, city in Service.objects.values_list("name", "at_locations__location__city"):
        known_services.add((fold_text(name), city or ""))
    provider_cities: dict[str, set[str]] = defaultdict(set)
    row_of = {id(provider): key for key, provider in providers.items()}
    for place in locations.values():
        provider_cities[row_of.get(id(place.provider), "")].add(place.city)
    service_cities: dict[str, set[str]] = defaultdict(set)
    for _n, row in _rows(reader.files, "service_at_location"):
        location = locations.get(row.get("location_id", ""))
        if location is not None:
            service_cities[row.get("service_id", "")].add(location.city)
    for file, resource, entries, entry_cities, known in (
        ("organizations.csv", "organization", providers, provider_cities, known_providers),
        ("services.csv", "service", services, service_cities, known_services),
    ):
        # Also twice in the package itself (the same place under two identifiers).
        first_row: dict[tuple[str, str], int] = {}
        for number, row in _rows(reader.files, resource):
            entry = entries.get(row["id"])
            if entry is None:
                continue
            keys = {(fold_text(entry.name), c) for c in entry_cities.get(row["id"]) or {""}}
            if keys & known:
                reader.problems.append(Problem(file, number, "name", "duplicate_entry", entry.name))
            earlier = sorted(first_row[key] for key in keys if key in first_row)
            if earlier:
                reader.problems.append(
                    Problem(file, number, "name", "twice_in_package", f"{entry.name}|{earlier[0]}")
                )
            for key in keys:
                first_row.setdefault(key, number)


@dataclass
class Outcome:
    problems: list[Problem]
    counts: dict[str, int]


def package_import(*, editor: Editor, content: bytes, progress: Progress | None = None) -> Outcome:
    """Check the package whole; write all of it only if nothing is wrong."""
    step = progress or (lambda _percent: None)
    if not editor.is_network_admin:
        # The directory is the network's: organizations keep their entries through the forms.
        return Outcome([Problem("", None, "", "network_admin_only")], {})
    files, problems = read_package(content)
    step(10)
    if problems:
        return Outcome(problems, {})
    problems = validate(files)
    step(50)
    if problems:
        return Outcome(problems, {})
    reader = _Reader(files, editor)
    providers = _providers(reader)
    services = _services(reader, providers)
    locations = _locations(reader, providers)
    parts = _parts(reader, services, locations, providers)
    _already_present(reader, providers, services, locations)
    _duplicates(reader, providers, services, locations)
    _too_long(reader, [*providers.values(), *services.values(), *locations.values(), *parts])
    step(70)
    if reader.problems:
        return Outcome(reader.problems, {})
    with transaction.atomic():
        Provider.objects.bulk_create(providers.values())
        Service.objects.bulk_create(services.values())
        Location.objects.bulk_create(locations.values())
        step(85)
        by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
        for part in parts:
            by_model[type(part)].append(part)
        for model, rows in by_model.items():
            model._default_manager.bulk_create(rows)
        audit.record_each(
            {
                "action": audit.Action.CREATE,
                "actor": editor.user,
                "organization_id": editor.organization.pk,
                "obj": row,
                "detail": {"hsds_import": True},
            }
            for row in [*providers.values(), *services.values()]
        )
    step(100)
    return Outcome(
        [],
        {"organizations": len(providers), "services": len(services), "locations": len(locations)},
    )
