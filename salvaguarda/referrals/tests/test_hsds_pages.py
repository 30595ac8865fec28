import datetime
import io
import zipfile
from unittest import mock

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from salvaguarda.core import upkeep
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.people import vocab as people_vocab
from salvaguarda.referrals.directory import hsds, imports
from salvaguarda.referrals.directory.hsds_import import package_import
from salvaguarda.referrals.directory.models import DirectoryImport, Provider, Service
from salvaguarda.referrals.tests.factories import (
    edited,
    editor,
    empty_directory,
    make_service,
    without_column,
)


def upload(content: bytes, name: str = "directorio.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/zip")


class HsdsPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.service = make_service(editor(cls.cast.caseworker))

    def test_any_member_downloads_the_package_and_it_is_audited(self) -> None:
        client = sign_in(self.client_class(), self.cast.analyst)
        response = client.get(reverse("referrals:hsds_export"))
        self.assertEqual(response["Content-Type"], "application/zip")
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        self.assertIn("datapackage.json", names)
        self.assertIn("services.csv", names)
        self.assertTrue(
            AuditEvent.objects.filter(action="export", actor=self.cast.analyst).exists()
        )

    def test_an_import_runs_and_its_page_shows_the_result(self) -> None:
        content = hsds.package_zip(hsds.package_files())
        empty_directory()
        client = sign_in(self.client_class(), self.cast.network_admin)
        response = client.post(reverse("referrals:hsds_import"), {"package": upload(content)})
        row = DirectoryImport.objects.get()
        self.assertRedirects(response, reverse("referrals:import_detail", args=[row.uuid]))
        self.assertEqual((row.status, row.progress, row.content), ("done", 100, b""))
        page = client.get(reverse("referrals:import_detail", args=[row.uuid]))
        self.assertContains(page, "Importado")
        # Listed among the earlier imports, on the import page.
        listed = client.get(reverse("referrals:hsds_import"))
        self.assertContains(listed, reverse("referrals:import_detail", args=[row.uuid]))
        self.assertContains(listed, "directorio.zip")
        self.assertContains(page, 'value="100"')
        self.assertNotContains(page, 'http-equiv="refresh"')
        self.assertEqual(Service.objects.get().name, "Consulta general")
        self.assertEqual(Service.objects.get().provider.maintainer, self.cast.org)

    def test_a_refused_import_lists_each_problem_and_imports_nothing(self) -> None:
        files = edited(hsds.package_files(), "services.csv", without_column("status"))
        empty_directory()
        client = sign_in(self.client_class(), self.cast.network_admin)
        client.post(reverse("referrals:hsds_import"), {"package": upload(hsds.package_zip(files))})
        row = DirectoryImport.objects.get()
        self.assertEqual(row.status, "refused")
        page = client.get(reverse("referrals:import_detail", args=[row.uuid]))
        self.assertContains(page, "services.csv")
        self.assertContains(page, "Falta la columna.")
        self.assertFalse(Provider.objects.exists())

    def test_another_organization_does_not_see_an_import(self) -> None:
        client = sign_in(self.client_class(), self.cast.network_admin)
        client.post(reverse("referrals:hsds_import"), {"package": upload(b"not a zip")})
        row = DirectoryImport.objects.get()
        self.assertEqual(row.status, "refused")
        for user in (self.cast.outsider, self.cast.caseworker, self.cast.analyst):
            other = sign_in(self.client_class(), user)
            detail = reverse("referrals:import_detail", args=[row.uuid])
            self.assertEqual(other.get(detail).status_code, 404, user)

    def test_only_a_network_administrator_may_import(self) -> None:
        content = hsds.package_zip(hsds.package_files())
        for user in (self.cast.analyst, self.cast.caseworker, self.cast.coordinator):
            client = sign_in(self.client_class(), user)
            self.assertEqual(client.get(reverse("referrals:hsds_import")).status_code, 404)
            response = client.post(reverse("referrals:hsds_import"), {"package": upload(content)})
            self.assertEqual(response.status_code, 404)
            self.assertNotContains(
                client.get(reverse("referrals:directory")), reverse("referrals:hsds_import")
            )
        # The service refuses too, whatever calls it.
        for user in (self.cast.caseworker, self.cast.coordinator):
            with self.assertRaises(PermissionDenied):
                imports.directory_import_start(
                    editor=editor(user), file_name="directorio.zip", content=content
                )
        self.assertFalse(DirectoryImport.objects.exists())
        admin = sign_in(self.client_class(), self.cast.network_admin)
        self.assertContains(
            admin.get(reverse("referrals:directory")), reverse("referrals:hsds_import")
        )

    def test_an_import_that_lost_its_worker_ends_as_failed(self) -> None:
        admin = sign_in(self.client_class(), self.cast.network_admin)
        # Queued, but no worker ever takes it (the queue was emptied, the worker died).
        with mock.patch("salvaguarda.referrals.tasks.directory_import_task"):
            admin.post(
                reverse("referrals:hsds_import"),
                {"package": upload(hsds.package_zip(hsds.package_files()))},
            )
        row = DirectoryImport.objects.get()
        self.assertEqual(row.status, "pending")
        self.assertEqual(imports.directory_imports_abandoned(), 0)  # not yet: an hour
        DirectoryImport.objects.filter(pk=row.pk).update(
            created_at=timezone.now() - imports.ABANDONED_AFTER - datetime.timedelta(minutes=1)
        )
        self.assertIn(imports.directory_imports_abandoned, upkeep.PERIODIC)
        self.assertEqual(imports.directory_imports_abandoned(), 1)
        row.refresh_from_db()
        self.assertEqual((row.status, row.content), ("failed", b""))
        page = admin.get(reverse("referrals:import_detail", args=[row.uuid]))
        self.assertContains(page, "interrumpió")
        self.assertNotContains(page, 'http-equiv="refresh"')


class FormToPackageTest(TestCase):
    """What a new user types with only the required answers goes out valid and comes back."""

    def test_a_service_with_only_the_required_fields_round_trips(self) -> None:
        from salvaguarda.referrals.tests.test_hsds import frictionless_report

        cast = Cast.build()
        client = sign_in(self.client_class(), cast.caseworker)
        minimal = {
            "provider": "own",
            "name": "Comedor comunitario",
            "category": "food",
            "status": "active",
            "cost": "free",
            "location_type": "physical",
            "location_address_1": "Calle Segunda 815",
            "location_city": "tijuana",
        }
        response = client.post(reverse("referrals:service_create"), minimal)
        self.assertEqual(response.status_code, 302)
        # The second service of the organization goes under its entry, made by the first.
        own = str(Provider.objects.get(network_organization=cast.org).uuid)
        other_city = {**minimal, "provider": own, "name": "Ropero", "location_city": "other"}
        response = client.post(reverse("referrals:service_create"), other_city)
        self.assertEqual(response.status_code, 302)
        place = Service.objects.get(name="Comedor comunitario").at_locations.get().location
        self.assertEqual((place.state_province, place.postal_code), ("", ""))

        files = hsds.package_files()
        report = frictionless_report(files)
        self.assertTrue(report.valid, report.flatten(["type", "rowNumber", "fieldName", "note"]))
        addresses = files["addresses.csv"].decode()
        self.assertIn("Baja California", addresses)
        self.assertIn(hsds.NO_POSTAL_CODE, addresses)
        self.assertIn(hsds.NO_STATE, addresses)

        empty_directory()
        outcome = package_import(editor=editor(cast.network_admin), content=hsds.package_zip(files))
        self.assertEqual(outcome.problems, [])
        place = Service.objects.get(name="Comedor comunitario").at_locations.get().location
        self.assertEqual(
            (place.address_1, place.city, place.state_province, place.postal_code),
            ("Calle Segunda 815", "tijuana", "Baja California", ""),
        )
        other = Service.objects.get(name="Ropero").at_locations.get().location
        self.assertEqual((other.city, other.state_province, other.postal_code), ("other", "", ""))

    def test_every_city_but_other_has_its_state(self) -> None:
        self.assertEqual(set(hsds.CITY_STATES), set(people_vocab.CITIES.terms) - {"other"})
