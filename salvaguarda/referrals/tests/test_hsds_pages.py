import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.referrals.directory import hsds
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
        client = sign_in(self.client_class(), self.cast.coordinator)
        response = client.post(reverse("referrals:hsds_import"), {"package": upload(content)})
        row = DirectoryImport.objects.get()
        self.assertRedirects(response, reverse("referrals:import_detail", args=[row.uuid]))
        self.assertEqual((row.status, row.progress, row.content), ("done", 100, b""))
        page = client.get(reverse("referrals:import_detail", args=[row.uuid]))
        self.assertContains(page, "Importado")
        self.assertContains(page, 'value="100"')
        self.assertNotContains(page, 'http-equiv="refresh"')
        self.assertEqual(Service.objects.get().name, "Consulta general")
        self.assertEqual(Service.objects.get().provider.maintainer, self.cast.org)

    def test_a_refused_import_lists_each_problem_and_imports_nothing(self) -> None:
        files = edited(hsds.package_files(), "services.csv", without_column("status"))
        empty_directory()
        client = sign_in(self.client_class(), self.cast.caseworker)
        client.post(reverse("referrals:hsds_import"), {"package": upload(hsds.package_zip(files))})
        row = DirectoryImport.objects.get()
        self.assertEqual(row.status, "refused")
        page = client.get(reverse("referrals:import_detail", args=[row.uuid]))
        self.assertContains(page, "services.csv")
        self.assertContains(page, "Falta la columna.")
        self.assertFalse(Provider.objects.exists())

    def test_another_organization_does_not_see_an_import(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        client.post(reverse("referrals:hsds_import"), {"package": upload(b"not a zip")})
        row = DirectoryImport.objects.get()
        self.assertEqual(row.status, "refused")
        for user in (self.cast.outsider, self.cast.network_admin, self.cast.analyst):
            other = sign_in(self.client_class(), user)
            detail = reverse("referrals:import_detail", args=[row.uuid])
            self.assertEqual(other.get(detail).status_code, 404, user)

    def test_an_analyst_may_not_import(self) -> None:
        client = sign_in(self.client_class(), self.cast.analyst)
        self.assertEqual(client.get(reverse("referrals:hsds_import")).status_code, 404)
        response = client.post(reverse("referrals:hsds_import"), {"package": upload(b"x")})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(DirectoryImport.objects.exists())
