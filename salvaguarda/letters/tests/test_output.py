"""A letter as it leaves: Markdown per language, a reading page, signatories as CSV."""

import csv
import io

from django.test import TestCase
from django.urls import reverse
from docx import Document

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.letters import documents, inline, services
from salvaguarda.letters.reading import parse_version
from salvaguarda.letters.tests.letters import ENGLISH, SPANISH


class OutputTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            cls.letter = services.letter_import(
                by=cls.cast.caseworker,
                organization=cls.cast.org,
                texts={"es": SPANISH, "en": ENGLISH},
            )

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.analyst)

    def test_the_markdown_reads_back_as_the_same_letter(self) -> None:
        response = self.client.get(reverse("letters:markdown", args=[self.letter.uuid, "en"]))
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        text = response.content.decode()
        self.assertIn("[port of entry](https://example.org/puertos)", text)
        # The English version's own list, as it writes it.
        self.assertIn("1. Red Frontera (Coalition)\n    - Casa del Migrante Saltillo", text)
        self.assertIn("3. Asylum Access Mexico - AAMX", text)
        again = parse_version(text, language="en")
        with organization_scope(self.cast.org.pk):
            english = self.letter.versions.get(language="en")
        self.assertEqual(again.paragraphs, english.paragraphs)
        self.assertEqual(len(again.organizations), 3)

    def test_the_reading_page_keeps_links_and_escapes_everything_else(self) -> None:
        html = inline.line_html(
            "Ver [el informe](https://example.org/a?b=1&c=2) <script>x</script> "
            "[mal](javascript:alert(1))"
        )
        self.assertIn('<a href="https://example.org/a?b=1&amp;c=2"', html)
        self.assertIn("&lt;script&gt;", html)
        self.assertNotIn('href="javascript', html)
        page = self.client.get(reverse("letters:text", args=[self.letter.uuid, "es"]))
        self.assertContains(page, "Organizaciones firmantes")
        self.assertContains(page, '<a href="https://example.org/puertos"', html=False)

    def test_signatories_as_csv_in_order_with_members_under_their_coalition(self) -> None:
        response = self.client.get(reverse("letters:signatories_csv", args=[self.letter.uuid]))
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(
            [(r["number"], r["kind"], r["name"], r["coalition"]) for r in rows[:3]],
            [
                ("1", "coalition", "Red Frontera", ""),
                ("1", "organization", "Casa del Migrante Saltillo", "Red Frontera"),
                ("1", "organization", "Centro Prodh", "Red Frontera"),
            ],
        )
        self.assertEqual(rows[-1]["kind"], "individual")

    def test_the_csv_gives_name_acronym_and_country_their_own_columns(self) -> None:
        for language, expected in (
            ("es", ("Centro de Derechos Humanos Miguel Agustín Pro Juárez", "Centro Prodh")),
            ("es", ("Asylum Access México", "AAMX")),
            ("en", ("Asylum Access Mexico", "AAMX")),
        ):
            url = reverse("letters:signatories_csv", args=[self.letter.uuid])
            response = self.client.get(f"{url}?idioma={language}")
            rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
            named = [(r["name"], r["acronym"]) for r in rows if r["kind"] != "individual"]
            self.assertIn(expected, named)
            self.assertEqual([n for n, a in named if a and a in n], [], language)


class DocumentTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            cls.letter = services.letter_import(
                by=cls.cast.caseworker,
                organization=cls.cast.org,
                texts={"es": SPANISH, "en": ENGLISH},
            )

    def test_the_pdf_holds_the_letter_with_its_accents_and_link(self) -> None:
        with organization_scope(self.cast.org.pk):
            version = self.letter.versions.get(language="es")
            data = documents.pdf_of(self.letter, version, compress=False)
        self.assertTrue(data.startswith(b"%PDF-"))
        self.assertIn(b"(Protecci\\363n", data)  # ó in WinAnsi, as PDF strings escape it
        self.assertIn(b"/URI (https://example.org/puertos)", data)
        client = sign_in(self.client_class(), self.cast.caseworker)
        response = client.get(reverse("letters:document", args=[self.letter.uuid, "pdf", "es"]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF-"))

    def test_the_word_document_opens_with_the_signatories_in_order(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        response = client.get(reverse("letters:document", args=[self.letter.uuid, "docx", "en"]))
        document = Document(io.BytesIO(response.content))
        texts = [p.text for p in document.paragraphs]
        self.assertEqual(texts[0], "Mexico City, March 12, 2025")  # a letter: place and date
        self.assertIn("Subject: Protection for returned people", texts)

        self.assertIn("Signatory organizations", texts)
        start = texts.index("Signatory organizations")
        self.assertEqual(
            texts[start + 1 : start + 4],
            ["1. Red Frontera (Coalition)", "– Casa del Migrante Saltillo", "– Centro Prodh"],
        )
        # The link is a link (its label in the text, its address in the relationship).
        self.assertTrue(any("the port of entry." in t for t in texts))
        targets = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
        self.assertIn("https://example.org/puertos", targets)

        unknown = client.get(reverse("letters:document", args=[self.letter.uuid, "odt", "en"]))
        self.assertEqual(unknown.status_code, 404)
