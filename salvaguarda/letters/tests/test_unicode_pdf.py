"""A letter's PDF embeds a Unicode font: names written in Polish, Vietnamese, Serbian,
Romanian, Czech or Greek letters are printed as written, never as "?" (issue 15's trial)."""

from django.test import TestCase

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.letters import documents, fonts, queries, services
from salvaguarda.letters.tests.test_documents import pdf_text

LETTER = """Mexicali, B.C., 4 de diciembre de 2026

Lic. Ramón Quiñones Treviño
Director de Atención a Migrantes

Asunto: Registro de personas trasladadas

Estimado Lic. Quiñones:

Pedimos que cada traslado quede registrado con el nombre completo de la persona.

Atentamente,

Organizaciones firmantes
1. Stowarzyszenie Żółty Dźwig
2. Asociația Mării Negre – Rumania

Firman a título individual
1. Małgorzata Ślęzak
2. Trần Văn Đức, intérprete
3. Čedomir Đukić
4. Σοφία Παπαδοπούλου
"""

NAMES = (
    "Stowarzyszenie Żółty Dźwig",
    "Asociația Mării Negre",
    "Małgorzata Ślęzak",
    "Trần Văn Đức",
    "Čedomir Đukić",
    "Σοφία Παπαδοπούλου",
)


class UnicodePdfTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_the_font_is_embedded(self) -> None:
        self.assertTrue(fonts.pdf_font().unicode, "DejaVu Sans should be found on this system")

    def test_names_outside_latin_1_are_printed_as_written(self) -> None:
        with organization_scope(self.cast.org.pk):
            letter = services.letter_import(
                by=self.cast.caseworker, organization=self.cast.org, texts={"es": LETTER}
            )
            version = queries.version_of(letter, "es")
            for compress in (False, True):
                text = pdf_text(documents.pdf_of(letter, version, compress=compress))
                for name in NAMES:
                    self.assertIn(name, text)
                self.assertNotIn("?", text)

    def test_without_the_font_files_the_check_warns_and_helvetica_is_used(self) -> None:
        with self.settings(SALVAGUARDA_LETTERS_PDF_FONT_DIR="/nonexistent"):
            original = fonts.SYSTEM_FOLDERS
            fonts.SYSTEM_FOLDERS = ()
            try:
                self.assertIsNone(fonts.font_folder())
                self.assertEqual([m.id for m in fonts.font_check()], ["letters.W001"])
            finally:
                fonts.SYSTEM_FOLDERS = original
        self.assertEqual([m.id for m in fonts.font_check()], [])
