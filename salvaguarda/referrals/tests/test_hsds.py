"""The directory as an HSDS 3.0 package: frictionless validates what we write, and a package
that frictionless (or our vocabularies) finds wrong is refused whole, each problem located."""

import datetime
import io
import re
import tempfile
import uuid
import zipfile
from pathlib import Path
from typing import Any

from django.test import TestCase
from django.utils import translation
from frictionless import Package

from salvaguarda.core.tests.helpers import Cast
from salvaguarda.referrals.directory import hsds, services
from salvaguarda.referrals.directory.hsds_import import package_import, problem_message
from salvaguarda.referrals.directory.models import (
    Location,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
)
from salvaguarda.referrals.tests.factories import (
    edited,
    editor,
    empty_directory,
    make_provider,
    make_service,
    without_column,
)


def frictionless_report(files: dict[str, bytes]) -> Any:
    """The package validated by frictionless itself, from its own descriptor on disk."""
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        return Package(str(Path(folder) / "datapackage.json")).validate()


def snapshot() -> list[tuple[Any, ...]]:
    """What the directory says, without its database ids or attribution."""
    entries = []
    for service in Service.objects.order_by("uuid"):
        place = service.at_locations.get().location
        schedule = service.schedules.get()
        entries.append(
            (
                str(service.uuid),
                service.name,
                service.category,
                service.status,
                service.description_es,
                service.description_en,
                service.minimum_age,
                service.maximum_age,
                service.nationalities,
                service.cost,
                service.referral_channels,
                service.last_verified,
                sorted(e.group for e in service.eligibility.all()),
                sorted(lang.code for lang in service.languages.all()),
                [d.document for d in service.required_documents.order_by("document")],
                (schedule.byday, schedule.opens_at, schedule.closes_at, schedule.description),
                [p.number for p in service.phones.all()],
                (
                    str(place.uuid),
                    place.location_type,
                    place.city,
                    place.address_1,
                    place.postal_code,
                    place.latitude,
                    place.longitude,
                ),
                (
                    str(service.provider.uuid),
                    service.provider.name,
                    service.provider.kind,
                    service.provider.description,
                    service.provider.maintainer_id,
                ),
            )
        )
    return entries


class HsdsTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = editor(cls.cast.caseworker)
        clinic = make_provider(
            by, description="Clínica de primer nivel.", website="https://example.org/clinica"
        )
        make_service(
            by,
            clinic,
            nationalities=["HND", "GTM"],
            description_en="General care.",
            opens_at=datetime.time(8),
            closes_at=datetime.time(14),
            location_latitude="32.514900",
            location_longitude="-117.038200",
        )
        helpline = make_provider(by, name="Línea de orientación", kind="ngo")
        service = make_service(
            by,
            helpline,
            name="Orientación telefónica",
            category="legal_mexican_status",
            groups=[],
            languages=["spa", "hat"],
            minimum_age=18,
            location_type="virtual",
            location_address_1="",
            location_city="cdmx",
        )
        services.service_verify(editor=by, service=service, on=datetime.date(2026, 6, 1))
        services.member_provider(editor=by, organization=cls.cast.org)

    def test_the_export_is_valid_for_frictionless(self) -> None:
        files = hsds.package_files()
        report = frictionless_report(files)
        self.assertTrue(report.valid, report.flatten(["type", "rowNumber", "fieldName", "note"]))
        services_csv = files["services.csv"].decode()
        self.assertIn("Orientación telefónica", services_csv)
        self.assertIn("2026-06-01", services_csv)

    def test_the_round_trip_gives_the_same_entries(self) -> None:
        before = snapshot()
        content = hsds.package_zip(hsds.package_files())
        for model in (ServiceLanguage, Schedule, ServiceAtLocation):
            model.objects.all().delete()
        Service.objects.all().delete()  # cascades to the other parts
        Location.objects.all().delete()
        Provider.objects.all().delete()
        outcome = package_import(editor=editor(self.cast.network_admin), content=content)
        self.assertEqual(outcome.problems, [])
        self.assertEqual(outcome.counts, {"organizations": 3, "services": 2, "locations": 2})
        self.assertEqual(snapshot(), before)
        member = Provider.objects.get(kind="network_member")
        self.assertEqual(member.network_organization, self.cast.org)

    def test_an_entry_already_in_the_directory_is_refused(self) -> None:
        content = hsds.package_zip(hsds.package_files())
        outcome = package_import(editor=editor(self.cast.network_admin), content=content)
        self.assertIn(
            ("services.csv", 2, "id", "already_present"),
            [(p.file, p.row, p.column, p.code) for p in outcome.problems],
        )
        self.assertEqual(Service.objects.count(), 2)

    def refused(self, files: dict[str, bytes]) -> list[tuple[str, int | None, str, str]]:
        """Import `files` into an empty directory: the problems found; nothing may be written."""
        empty_directory()
        outcome = package_import(
            editor=editor(self.cast.network_admin), content=hsds.package_zip(files)
        )
        self.assertFalse(Provider.objects.exists())
        self.assertFalse(Service.objects.exists())
        self.assertTrue(outcome.problems)
        for problem in outcome.problems:
            self.assertTrue(problem_message(problem.as_dict()))
        return [(p.file, p.row, p.column, p.code) for p in outcome.problems]

    def test_a_missing_column_refuses_the_whole_package(self) -> None:
        files = edited(hsds.package_files(), "services.csv", without_column("name"))
        self.assertFalse(frictionless_report(files).valid)
        self.assertIn(("services.csv", 1, "name", "missing_column"), self.refused(files))

    def test_a_bad_url_is_refused_with_its_row(self) -> None:
        def bad_url(rows: list[list[str]]) -> None:
            rows[1][rows[0].index("website")] = "not a web address"

        files = edited(hsds.package_files(), "organizations.csv", bad_url)
        self.assertFalse(frictionless_report(files).valid)
        self.assertEqual(self.refused(files), [("organizations.csv", 2, "website", "bad_url")])

    def test_an_unknown_category_is_refused(self) -> None:
        def haircuts(rows: list[list[str]]) -> None:
            code = rows[0].index("code")
            for row in rows[1:]:
                if row[code] == "service_category/health":
                    row[code] = "service_category/haircuts"

        files = edited(hsds.package_files(), "taxonomy_terms.csv", haircuts)
        found = self.refused(files)
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0][0::2], ("taxonomy_terms.csv", "code"))
        self.assertEqual(found[0][3], "unknown_category")

    def test_an_unknown_status_and_a_dangling_reference_are_both_reported(self) -> None:
        def broken(rows: list[list[str]]) -> None:
            rows[1][rows[0].index("status")] = "open-ish"
            rows[2][rows[0].index("organization_id")] = "00000000-0000-4000-8000-000000000000"

        files = edited(hsds.package_files(), "services.csv", broken)
        self.assertFalse(frictionless_report(files).valid)
        found = self.refused(files)
        self.assertIn(("services.csv", 2, "status", "not_allowed"), found)
        self.assertIn("unknown_reference", [code for *_where, code in found])

    def test_a_file_that_is_not_a_package_is_refused(self) -> None:
        outcome = package_import(editor=editor(self.cast.network_admin), content=b"id,name\n1,a\n")
        self.assertEqual([p.code for p in outcome.problems], ["bad_package"])

    def test_a_text_longer_than_its_column_is_refused_before_writing(self) -> None:
        # A valid web address of 260 characters (a search page's link); the column keeps 200.
        address = "https://www.gob.mx/tramites/busqueda?" + "&".join(
            f"filtro{n}=documentos-migratorios" for n in range(8)
        )
        self.assertGreater(len(address), 200)

        def long_url(rows: list[list[str]]) -> None:
            rows[1][rows[0].index("url")] = address

        files = edited(hsds.package_files(), "services.csv", long_url)
        self.assertIn(("services.csv", None, "url", "too_long"), self.refused(files))

    def test_only_a_network_administrator_imports(self) -> None:
        content = hsds.package_zip(with_fresh_ids(hsds.package_files()))
        for user in (self.cast.caseworker, self.cast.coordinator):
            outcome = package_import(editor=editor(user), content=content)
            self.assertEqual([p.code for p in outcome.problems], ["network_admin_only"])
        self.assertEqual(Service.objects.count(), 2)

    def test_an_export_imported_again_with_fresh_ids_is_refused_entry_by_entry(self) -> None:
        # What the new user did: the directory's own export, every identifier made new.
        def shouted(rows: list[list[str]]) -> None:
            rows[1][rows[0].index("name")] = rows[1][rows[0].index("name")].upper()

        files = edited(with_fresh_ids(hsds.package_files()), "services.csv", shouted)
        outcome = package_import(
            editor=editor(self.cast.network_admin), content=hsds.package_zip(files)
        )
        found = [(p.file, p.row, p.column, p.code) for p in outcome.problems]
        self.assertIn(("services.csv", 2, "name", "duplicate_entry"), found)
        self.assertIn(("services.csv", 3, "name", "duplicate_entry"), found)
        self.assertIn(("organizations.csv", 2, "name", "duplicate_entry"), found)
        self.assertNotIn("already_present", [code for *_where, code in found])
        self.assertEqual(Service.objects.count(), 2)
        self.assertEqual(Provider.objects.count(), 3)

    def test_the_same_service_twice_in_one_package_is_refused_with_both_rows(self) -> None:
        # A spreadsheet where a clinic's service was pasted twice, the copy given its own
        # identifier and placed at the same location.
        copy_id = str(uuid.uuid4())
        original: dict[str, str] = {}

        def pasted_twice(rows: list[list[str]]) -> None:
            header = rows[0]
            original["id"] = rows[1][header.index("id")]
            copy = list(rows[1])
            copy[header.index("id")] = copy_id
            rows.append(copy)

        def placed_too(rows: list[list[str]]) -> None:
            header = rows[0]
            for row in list(rows[1:]):
                if row[header.index("service_id")] == original["id"]:
                    copy = list(row)
                    copy[header.index("id")] = str(uuid.uuid4())
                    copy[header.index("service_id")] = copy_id
                    rows.append(copy)

        def same_terms(rows: list[list[str]]) -> None:
            header = rows[0]
            for row in list(rows[1:]):
                if row[header.index("link_id")] == original["id"]:
                    copy = list(row)
                    copy[header.index("id")] = str(uuid.uuid4())
                    copy[header.index("link_id")] = copy_id
                    rows.append(copy)

        files = edited(hsds.package_files(), "services.csv", pasted_twice)
        files = edited(files, "service_at_location.csv", placed_too)
        files = edited(files, "attributes.csv", same_terms)
        found = self.refused(files)
        self.assertIn(("services.csv", 4, "name", "twice_in_package"), found)
        empty_directory()
        outcome = package_import(
            editor=editor(self.cast.network_admin), content=hsds.package_zip(files)
        )
        twice = [p for p in outcome.problems if p.code == "twice_in_package"]
        with translation.override("en"):
            self.assertIn("at row 2", problem_message(twice[0].as_dict()))

    def test_the_same_name_in_another_city_is_a_new_entry(self) -> None:
        def moved(rows: list[list[str]]) -> None:
            column = rows[0].index("external_identifier")
            for row in rows[1:]:
                row[column] = "mexicali"

        def elsewhere(rows: list[list[str]]) -> None:
            rows[1][rows[0].index("city")] = "Mexicali"

        files = with_fresh_ids(hsds.package_files())
        files = edited(edited(files, "locations.csv", moved), "addresses.csv", elsewhere)
        outcome = package_import(
            editor=editor(self.cast.network_admin), content=hsds.package_zip(files)
        )
        found = [(p.file, p.column, p.code) for p in outcome.problems]
        services_refused = [f for f in found if f[0] == "services.csv"]
        self.assertEqual(services_refused, [], found)


def with_fresh_ids(files: dict[str, bytes]) -> dict[str, bytes]:
    """Every identifier in the package replaced by a new one, the same throughout."""
    fresh: dict[str, str] = {}

    def new(match: re.Match[bytes]) -> bytes:
        old = match.group(0).decode()
        return fresh.setdefault(old, str(uuid.uuid4())).encode()

    pattern = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    return {
        name: content if name == "datapackage.json" else pattern.sub(new, content)
        for name, content in files.items()
    }


class NoHsdsFileTest(TestCase):
    def test_a_zip_without_any_hsds_file_is_refused(self) -> None:
        cast = Cast.build()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("directorio/servicios.xlsx", b"PK not really a workbook")
            archive.writestr("directorio/LEEME.txt", "Directorio de la red, versión de marzo.")
        outcome = package_import(editor=editor(cast.network_admin), content=buffer.getvalue())
        self.assertEqual([p.code for p in outcome.problems], ["no_hsds_file"])
        self.assertEqual(outcome.counts, {})
        self.assertEqual(
            problem_message(outcome.problems[0].as_dict()),
            "No se encontró ningún archivo HSDS en el paquete.",
        )
