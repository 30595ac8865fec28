"""Evidence that carries more than it shows: stored as it came, flagged for the caseworker with
an explanation in words, and shared without it, on the pages and in the API."""

import io
from typing import Any

import pikepdf
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, Cast, sign_in
from salvaguarda.incidents import services
from salvaguarda.incidents.files import hidden, pdfs
from salvaguarda.incidents.models import EvidenceFile
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.incidents.tests.test_files_pdfs import JS, javascript_open_action
from salvaguarda.incidents.tests.test_files_sniff import bilevel_png
from salvaguarda.incidents.tests.test_files_trailing import PAGE, photo

UNREADABLE_PDF = b"%PDF-1.7\n" + b"\x00garbage" * 50
PAGE_PNG = photo("PNG") + PAGE


def upload(data: bytes, name: str) -> services.Upload:
    return services.Upload(source=io.BytesIO(data), name=name)


def named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


class FlaggedEvidenceTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.pdf = javascript_open_action()
        cls.png = photo("PNG") + PAGE
        cls.incident = make_incident(
            cls.cast.org,
            cls.cast.caseworker,
            uploads=[
                upload(cls.pdf, "denuncia.pdf"),
                upload(cls.png, "foto.png"),
                upload(UNREADABLE_PDF, "rota.pdf"),
                upload(photo("JPEG"), "limpia.jpg"),
            ],
        )
        cls.files = list(EvidenceFile.unscoped.order_by("id"))

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.caseworker)

    def kept(self, evidence: EvidenceFile) -> bytes:
        with organization_scope(self.cast.org.pk):
            return b"".join(services.evidence_chunks(evidence))

    def shared(self, evidence: EvidenceFile) -> Any:
        with organization_scope(self.cast.org.pk):
            return services.evidence_shared_copy(evidence)

    def test_each_finding_is_saved_on_the_file_and_the_file_is_kept_as_it_came(self) -> None:
        pdf, png, broken, clean = self.files
        self.assertEqual(pdf.hidden_content, [pdfs.JAVASCRIPT])
        self.assertEqual(png.hidden_content, [hidden.IMAGE_TRAILING_DATA])
        self.assertEqual(broken.hidden_content, [pdfs.UNREADABLE])
        self.assertEqual(clean.hidden_content, [])
        self.assertEqual(self.kept(pdf), self.pdf)
        self.assertEqual(self.kept(png), self.png)
        self.assertEqual(pdf.sha256, pdf.sha256_at_upload)

    def test_the_copies_to_share_leave_it_out(self) -> None:
        pdf, png, broken, _clean = self.files
        copy = self.shared(pdf)
        self.assertNotIn(JS.encode(), copy)
        self.assertEqual(pdfs.active_content(io.BytesIO(copy)), [])
        with pikepdf.open(io.BytesIO(copy)) as reopened:
            self.assertNotIn("/OpenAction", reopened.Root)
        self.assertNotIn(b"<html", self.shared(png))
        with translation.override("en"), self.assertRaises(ValidationError) as refused:
            self.shared(broken)
        self.assertIn("password", str(refused.exception.message_dict["file"]))

    def test_the_caseworker_sees_each_finding_explained_in_spanish_and_english(self) -> None:
        client = sign_in(Client(), self.cast.caseworker)
        url = reverse("incidents:detail", args=[self.incident.uuid])
        for language in ("es", "en"):
            with translation.override(language):
                page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                explained = [
                    hidden.explanation(code)
                    for code in (pdfs.JAVASCRIPT, hidden.IMAGE_TRAILING_DATA, pdfs.UNREADABLE)
                ]
            for sentence in explained:
                self.assertContains(page, sentence, msg_prefix=language)
            self.assertContains(page, 'data-testid="hidden-content"', count=3)
        self.assertNotEqual(explained[0], "pdf_javascript")
        self.assertContains(page, reverse("incidents:file_share", args=[self.files[0].uuid]))

    def test_the_share_page_gives_the_clean_copy_audited_or_says_why_not(self) -> None:
        pdf, _png, broken, _clean = self.files
        client = sign_in(Client(), self.cast.caseworker)
        response = client.get(reverse("incidents:file_share", args=[pdf.uuid]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(pdfs.active_content(io.BytesIO(response.content)), [])
        audit = AuditEvent.objects.filter(object_uuid=pdf.uuid, actor=self.cast.caseworker)
        self.assertTrue(audit.exists())
        refused = client.get(
            reverse("incidents:file_share", args=[broken.uuid]),
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertContains(refused, "password")
        self.assertEqual(self.kept(broken), UNREADABLE_PDF)

    def test_the_api_shows_the_findings_and_shares_without_them(self) -> None:
        listed = self.call("get", f"/incidents/{self.incident.uuid}").json()["files"]
        self.assertEqual(
            [f["hidden_content"] for f in listed],
            [[pdfs.JAVASCRIPT], [hidden.IMAGE_TRAILING_DATA], [pdfs.UNREADABLE], []],
        )
        pdf, png, broken, _clean = self.files
        path = "/evidence-files/{}/content?shared_copy=true"
        copy = self.call("get", path.format(pdf.uuid))
        self.assertEqual(pdfs.active_content(io.BytesIO(copy.content)), [])
        self.assertNotIn(b"<html", self.call("get", path.format(png.uuid)).content)
        self.assertEqual(self.call("get", path.format(broken.uuid)).status_code, 422)
        kept = self.call("get", f"/evidence-files/{pdf.uuid}/content")
        self.assertEqual(b"".join(kept.streaming_content), self.pdf)


class PixelLimitTests(ApiCalls, TestCase):
    """A 900-megapixel PNG (a 50 KB file; its pixels are never allocated) is refused as too
    large in pixels, not as a type that is not accepted."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.bomb = bilevel_png(30000, 30000, rows=2048)

    def test_the_service_says_too_large_in_pixels(self) -> None:
        with translation.override("en"), self.assertRaises(ValidationError) as refused:
            make_incident(self.cast.org, self.cast.caseworker, uploads=[upload(self.bomb, "a.png")])
        (message,) = refused.exception.message_dict["files"]
        self.assertIn("too large in pixels", message)
        self.assertNotIn("not accepted", message)
        self.assertFalse(EvidenceFile.unscoped.exists())

    def test_the_api_and_the_page_say_it_too(self) -> None:
        incident = make_incident(self.cast.org, self.cast.caseworker)
        self.secret = self.token_for(self.cast.caseworker)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {self.secret}", HTTP_ACCEPT_LANGUAGE="en")
        response = client.post(
            f"/api/v1/incidents/{incident.uuid}/files", {"files": [named(self.bomb, "a.png")]}
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("too large in pixels", response.content.decode())
        page = sign_in(Client(), self.cast.caseworker).post(
            reverse("incidents:files_add", args=[incident.uuid]),
            {"evidence": [named(self.bomb, "a.png")]},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertContains(page, "too large in pixels")
        self.assertNotContains(page, "not accepted")


class CheckAgainTests(TestCase):
    """Files uploaded before the check existed are flagged by `evidence_check_hidden`."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        make_incident(
            cls.cast.org,
            cls.cast.caseworker,
            uploads=[upload(javascript_open_action(), "a.pdf"), upload(photo("JPEG"), "b.jpg")],
        )
        make_incident(cls.cast.other_org, cls.cast.outsider, uploads=[upload(PAGE_PNG, "c.png")])
        EvidenceFile.unscoped.update(hidden_content=[])  # as uploaded before the check

    def test_it_flags_them_again_and_audits_the_reading(self) -> None:
        out = io.StringIO()
        call_command("evidence_check_hidden", stdout=out)
        found = dict(EvidenceFile.unscoped.values_list("media_type", "hidden_content"))
        self.assertEqual(
            found,
            {
                "application/pdf": [pdfs.JAVASCRIPT],
                "image/jpeg": [],
                "image/png": [hidden.IMAGE_TRAILING_DATA],
            },
        )
        self.assertIn(f"{self.cast.org.short_name}: 2 files read, 1 flagged.", out.getvalue())
        entry = AuditEvent.objects.filter(
            organization_id=self.cast.org.pk, object_type="incidents.evidencefile"
        ).get(detail__files_read=2)
        self.assertEqual(entry.fields, ["content", "hidden_content"])

    def test_one_organization_only(self) -> None:
        call_command("evidence_check_hidden", organization=self.cast.org.short_name, stdout=None)
        png = EvidenceFile.unscoped.get(media_type="image/png")
        self.assertEqual(png.hidden_content, [])
