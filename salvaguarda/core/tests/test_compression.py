"""Pages leave the app gzip-compressed (`core.middleware.PageCompressionMiddleware`, Django's
gzip), which matters most on a slow phone connection; files streamed from disk and formats
compressed already (photos, audio, video, PDF, XLSX, ZIP) leave as they are.

The incident form itself is light: under 60 KB of HTML (issue 14), because the act picker loads
its HURIDOCS list (532 acts, about 150 KB) only when it is opened.

BREACH (guessing a secret from the compressed size of pages that also reflect what an attacker
sends) is mitigated as Django does: CSRF tokens are masked anew in every response, and every
gzip stream carries up to 100 random bytes in its header, so the same page never has the same
compressed size twice in a row for long."""

import gzip
import io
import re
import tempfile

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory, SimpleTestCase, TestCase
from django.urls import reverse

from salvaguarda.core.middleware import PageCompressionMiddleware
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.incidents import services
from salvaguarda.incidents.models import EvidenceFile
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.incidents.tests.test_services import jpeg_with_gps

LIMIT_RAW = 60_000  # bytes of the incident form's HTML, before compression (issue 14)
TEXT = "Nombre;Estado;Acto\n" + "Reynosa;Tamaulipas;Secuestro\n" * 200


class CompressionTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        self.client = sign_in(self.client_class(), self.cast.caseworker)

    def test_a_page_is_sent_compressed_to_a_browser_that_accepts_it(self) -> None:
        response = self.client.get(reverse("incidents:new"), HTTP_ACCEPT_ENCODING="gzip, br")
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertIn("Accept-Encoding", response["Vary"])
        html = gzip.decompress(response.content).decode()
        self.assertIn('data-testid="act-list"', html)
        self.assertTrue(html.rstrip().endswith("</html>"))

    def test_the_incident_form_is_under_60_kb_and_its_list_comes_when_asked(self) -> None:
        page = self.client.get(reverse("incidents:new"))
        self.assertLess(len(page.content), LIMIT_RAW)
        self.assertEqual(re.findall(rb'name="acts" value="\d{12}"', page.content), [])
        found = re.search(r'data-tree-url="([^"]+)"', page.content.decode())
        assert found is not None
        tree = self.client.get(found.group(1).replace("&amp;", "&"), HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(tree["Content-Encoding"], "gzip")
        html = gzip.decompress(tree.content).decode()
        self.assertEqual(len(re.findall(r'name="acts" value="\d{12}" id="id_acts_', html)), 532)

    def test_a_client_that_does_not_accept_gzip_gets_plain_html(self) -> None:
        response = self.client.get(reverse("incidents:new"))
        self.assertFalse(response.has_header("Content-Encoding"))
        self.assertIn(b"<!doctype html>", response.content)

    def test_the_same_page_twice_differs_in_its_token_and_compressed_bytes(self) -> None:
        url = reverse("incidents:new")
        first, second = (self.client.get(url, HTTP_ACCEPT_ENCODING="gzip") for _ in range(2))
        tokens = [
            re.search(
                r'name="csrfmiddlewaretoken" value="([^"]+)"', gzip.decompress(r.content).decode()
            )
            for r in (first, second)
        ]
        assert tokens[0] is not None and tokens[1] is not None
        self.assertNotEqual(tokens[0].group(1), tokens[1].group(1))
        self.assertNotEqual(first.content, second.content)

    def test_an_evidence_photo_downloads_as_it_is_stored(self) -> None:
        incident = make_incident(
            self.cast.org,
            self.cast.caseworker,
            uploads=[services.Upload(source=io.BytesIO(jpeg_with_gps()), name="brazo.jpg")],
        )
        evidence = EvidenceFile.unscoped.get(incident=incident)
        response = self.client.get(
            reverse("incidents:file_download", args=[evidence.uuid]), HTTP_ACCEPT_ENCODING="gzip"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/jpeg")
        self.assertFalse(response.has_header("Content-Encoding"))
        self.assertTrue(b"".join(response.streaming_content).startswith(b"\xff\xd8"))


class WhatIsCompressedTest(SimpleTestCase):
    """The middleware alone, on the kinds of response the app sends."""

    def answer(self, response: HttpResponse | StreamingHttpResponse) -> HttpResponse:
        request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

        def view(_: HttpRequest) -> HttpResponse:
            return response  # type: ignore[return-value]

        return PageCompressionMiddleware(view)(request)  # type: ignore[return-value]

    def test_text_is_compressed_whole_or_streamed(self) -> None:
        page = self.answer(HttpResponse(TEXT, content_type="text/html; charset=utf-8"))
        self.assertEqual(page["Content-Encoding"], "gzip")
        csv = self.answer(StreamingHttpResponse(iter([TEXT]), content_type="text/csv"))
        self.assertEqual(csv["Content-Encoding"], "gzip")
        self.assertEqual(gzip.decompress(b"".join(csv.streaming_content)).decode(), TEXT)

    def test_formats_compressed_already_are_left_alone(self) -> None:
        for kind in (
            "image/jpeg",
            "image/webp",
            "audio/ogg",
            "video/mp4",
            "application/pdf",
            "application/zip",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ):
            with self.subTest(kind):
                response = self.answer(HttpResponse(TEXT.encode(), content_type=kind))
                self.assertFalse(response.has_header("Content-Encoding"))
                self.assertEqual(response.content, TEXT.encode())

    def test_an_svg_drawing_is_text_and_is_compressed(self) -> None:
        response = self.answer(HttpResponse(TEXT, content_type="image/svg+xml"))
        self.assertEqual(response["Content-Encoding"], "gzip")

    def test_a_file_streamed_from_disk_is_left_alone(self) -> None:
        with tempfile.TemporaryFile() as file:
            file.write(TEXT.encode())
            file.seek(0)
            response = self.answer(FileResponse(file, content_type="text/plain"))
            self.assertFalse(response.has_header("Content-Encoding"))
            self.assertEqual(b"".join(response.streaming_content), TEXT.encode())
