"""Pages leave the app gzip-compressed (GZipMiddleware), which matters most on a slow phone
connection: the incident form is about 200 KB of HTML and travels as about 26 KB.

BREACH (guessing a secret from the compressed size of pages that also reflect what an attacker
sends) is mitigated as Django does: CSRF tokens are masked anew in every response, and every
gzip stream carries up to 100 random bytes in its header, so the same page never has the same
compressed size twice in a row for long."""

import gzip
import re

from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.tests.helpers import Cast, sign_in

LIMIT_SENT = 60_000  # bytes of the incident form on the wire (issue 14: under 60 KB)


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

    def test_the_incident_form_travels_in_under_60_kb(self) -> None:
        response = self.client.get(reverse("incidents:new"), HTTP_ACCEPT_ENCODING="gzip")
        self.assertLess(len(response.content), LIMIT_SENT)
        # Its whole HURIDOCS list is there, folded, for use without JavaScript.
        html = gzip.decompress(response.content).decode()
        self.assertEqual(len(re.findall(r'name="acts" value="\d{12}"', html)), 532)

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
