# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""Each version's PDF and Word document as a letter in its own language: its own headings and
signatories (never another version's), coalition members under their coalition, links as
links and emphasis as emphasis. The text of the PDFs is read back from ReportLab's own output,
read with pikepdf through each font's ToUnicode map (no outside tool)."""

import io
import re
from pathlib import Path

import pikepdf
from django.test import TestCase
from docx import Document

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.letters import documents, output, services

CORPUS = Path(__file__).parent / "corpus"
LETTER = "sre-segob-reanudacion-43"  # 43 organizations, two coalitions, es and en
HEADINGS = {
    "es": ["Organizaciones de la sociedad civil firmantes", "Firman a título individual"],
    "en": ["Signatory civil society organizations", "Human rights defenders and individuals"],
}


def _unicode_map(stream: pikepdf.Object) -> dict[bytes, str]:
    """A font's ToUnicode CMap: each code's text (bfchar and bfrange entries)."""
    data = stream.read_bytes()
    out = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.DOTALL):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[bytes.fromhex(code.decode())] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.DOTALL):
        for low, high, text in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first, width = int(low, 16), len(low) // 2
            for k in range(int(high, 16) - first + 1):
                out[(first + k).to_bytes(width, "big")] = chr(int(text, 16) + k)
    return out


def pdf_text(data: bytes) -> str:
    """The text drawn by the PDF's text operators (Tj, TJ), one string a line: an embedded
    font's codes read through its ToUnicode map, a standard font's as WinAnsi (cp1252)."""
    lines = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            fonts = page.Resources.get("/Font", {})
            maps = {
                str(name): _unicode_map(font.ToUnicode) if "/ToUnicode" in font else None
                for name, font in fonts.items()
            }
            current: dict[bytes, str] | None = None

            def decoded(raw: bytes, codes: dict[bytes, str] | None) -> str:
                if codes is None:
                    return raw.decode("cp1252")
                return "".join(codes.get(bytes([c]), "\ufffd") for c in raw)

            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    current = maps.get(str(operands[0]))
                elif str(operator) == "Tj":
                    lines.append(decoded(bytes(operands[0]), current))
                elif str(operator) == "TJ":
                    pieces = [p for p in operands[0] if isinstance(p, pikepdf.String)]
                    lines.append("".join(decoded(bytes(p), current) for p in pieces))
    return "\n".join(lines)


class VersionDocumentTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        texts = {lang: (CORPUS / LETTER / f"{lang}.md").read_text() for lang in ("es", "en")}
        with organization_scope(cls.cast.org.pk):
            cls.letter = services.letter_import(
                by=cls.cast.caseworker, organization=cls.cast.org, texts=texts
            )

    def document(self, language: str, kind: str) -> bytes:
        with organization_scope(self.cast.org.pk):
            version = self.letter.versions.get(language=language)
            if kind == "pdf":
                return documents.pdf_of(self.letter, version, compress=False)
            return documents.docx_of(self.letter, version)

    def test_each_pdf_holds_only_its_own_language_headings_and_signatories(self) -> None:
        texts = {lang: pdf_text(self.document(lang, "pdf")) for lang in ("es", "en")}
        for lang, other in (("es", "en"), ("en", "es")):
            for heading in HEADINGS[lang]:
                self.assertIn(heading, texts[lang])
            for heading in HEADINGS[other]:
                self.assertNotIn(heading, texts[lang])
        # An organization only the Spanish version lists is only in the Spanish PDF.
        self.assertIn("Desplazadas en Resistencia", texts["es"])
        self.assertNotIn("Desplazadas en Resistencia", texts["en"])
        # The individuals as each version numbers them (12 and 13 are swapped in English).
        self.assertIn("12. Verónica Pastrana Leal", texts["es"])
        self.assertIn("13. Verónica Pastrana Leal", texts["en"])

    def test_the_pdf_reads_as_a_letter_in_order(self) -> None:
        text = pdf_text(self.document("es", "pdf"))
        order = [
            "Ciudad de México, 3 de noviembre de 2025",
            "Dra. Elena Villaseñor Cruz",
            "Asunto:",
            "Las organizaciones de la sociedad civil",
            "Organizaciones de la sociedad civil firmantes",
            "1. Red Nacional de Albergues y Casas del Migrante (RENACAM)",
            "Casa del Migrante San Judas Tadeo, A.C.",
            "2. ",
            "Firman a título individual",
        ]
        places = [text.casefold().find(part.casefold()) for part in order]

        self.assertNotIn(-1, places, dict(zip(order, places, strict=True)))
        self.assertEqual(places, sorted(places))
        self.assertNotIn("**", text)

    def test_the_word_document_keeps_links_emphasis_and_members_indented(self) -> None:
        document = Document(io.BytesIO(self.document("en", "docx")))
        body = document.element.body.xml
        self.assertIn("<w:hyperlink", body)  # the report's link stays a link
        paragraphs = document.paragraphs
        self.assertTrue(any(run.bold for p in paragraphs for run in p.runs if run.text.strip()))
        members = [p for p in paragraphs if p.text.startswith("– ")]
        self.assertTrue(members)
        self.assertTrue(all(p.paragraph_format.left_indent for p in members))
        self.assertFalse(any("**" in p.text for p in paragraphs))


FRENCH = """Paris, le 4 mai 2026

Madame Hélène Vasseur, Directrice générale de l'Office français de protection des réfugiés

Objet: Délais d'enregistrement des demandes d'asile à Mayotte

Madame la Directrice générale,

Nous, associations signataires, constatons que les délais d'enregistrement dépassent désormais six semaines à Mamoudzou, ce qui laisse des familles sans hébergement ni allocation.

Veuillez agréer, Madame la Directrice générale, l'expression de notre considération.

Organisations signataires :
- Cimade Mayotte
- Réseau Éducation Sans Frontières Mayotte
"""


class FrenchTypographyTests(TestCase):
    """The labels the app writes in a French version take French spacing: "Objet :", with a
    no-break space (Windows-1252 has no narrow one for the PDF)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            cls.letter = services.letter_import(
                by=cls.cast.caseworker,
                organization=cls.cast.org,
                texts={"fr": FRENCH, "es": (CORPUS / LETTER / "es.md").read_text()},
            )

    def test_the_french_pdf_word_and_markdown_print_objet_with_a_no_break_space(self) -> None:
        with organization_scope(self.cast.org.pk):
            french = self.letter.versions.get(language="fr")
            spanish = self.letter.versions.get(language="es")
            pdf = pdf_text(documents.pdf_of(self.letter, french, compress=False))
            word = [
                p.text
                for p in Document(io.BytesIO(documents.docx_of(self.letter, french))).paragraphs
            ]
            markdown = output.markdown_of(self.letter, french)
            spanish_pdf = pdf_text(documents.pdf_of(self.letter, spanish, compress=False))
        # ReportLab keeps "Objet :" one word (one string drawn, never broken at the space) and
        # draws the no-break space with the space's glyph.
        self.assertIn("Objet :", pdf.replace("\u00a0", " ").splitlines())
        self.assertNotIn("Objet:", pdf)
        self.assertTrue(any(t.startswith("Objet\u00a0: Délais") for t in word), word)
        self.assertIn("**Objet\u00a0:** Délais", markdown)
        self.assertIn("Asunto:", spanish_pdf)
        self.assertNotIn("Asunto\u00a0:", spanish_pdf)

    def test_french_spacing_applies_to_labels_only_in_french(self) -> None:
        self.assertEqual(output.labelled("Objet", "fr"), "Objet\u00a0:")
        self.assertEqual(output.labelled("Subject", "en"), "Subject:")
        self.assertEqual(
            output.typography("Pourquoi ? Voir ; Attention!", "fr"),
            "Pourquoi\u202f? Voir\u202f; Attention\u202f!",
        )
        self.assertEqual(output.typography("https://a.org/?q=1", "fr"), "https://a.org/?q=1")
