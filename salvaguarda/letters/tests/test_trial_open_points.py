"""The open points of the new-user trial of issue 15, each on a letter of our own: the
formula under the addressees printed the same in every output, a refusal that says what it
looked for and on which lines, a country after an en dash before an acronym, a member's role
stored apart from its name, and numbering that goes on (or starts again) under a sub-heading."""

import io

from django.test import TestCase
from django.urls import reverse
from docx import Document

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.letters import documents, output, queries, services
from salvaguarda.letters.tests.test_documents import pdf_text

LETTER = """Nogales, Sonora, 9 de febrero de 2027

Lic. Teresa Quintanar Olvera
Delegada de la Oficina de Representación del INM en Sonora
P R E S E N T E S

Asunto: Entregas nocturnas de personas devueltas por la garita DeConcini

Estimada Lic. Quintanar:

Las organizaciones abajo firmantes registramos 38 entregas después de las 22:00 horas durante
enero, sin aviso a los albergues de la ciudad.

Le pedimos acordar con la autoridad estadounidense un horario diurno para las entregas.

Atentamente,

Organizaciones firmantes
1. Comedor Comunitario La Esperanza del Norte, A.C.
2. Servicio Jesuita a Refugiados – Brasil (SJMR)
3. Red Sonorense de Albergues (integrada por: Casa Nazaret, representada por Hna. Lucía Robles;
   Colectivo Puentes del Desierto (coordinación))

Personas a título individual
1. Hna. Lucía Robles, religiosa
2. Raúl Encinas Tapia, abogado
"""


class FormulaTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_a_spaced_out_formula_is_printed_the_same_in_the_page_pdf_word_and_markdown(
        self,
    ) -> None:
        with organization_scope(self.cast.org.pk):
            letter = services.letter_import(
                by=self.cast.caseworker, organization=self.cast.org, texts={"es": LETTER}
            )
            version = queries.version_of(letter, "es")
            self.assertEqual(version.formula, "P R E S E N T E S")  # stored as written
            pdf = pdf_text(documents.pdf_of(letter, version, compress=False))
            word = "\n".join(
                p.text for p in Document(io.BytesIO(documents.docx_of(letter, version))).paragraphs
            )
            markdown = output.markdown_of(letter, version)
        client = sign_in(self.client, self.cast.caseworker)
        page = client.get(reverse("letters:detail", args=[letter.uuid])).content.decode()
        for text in (pdf, word, markdown):
            self.assertIn("\nPRESENTES\n", text)
        self.assertIn('data-testid="formula">PRESENTES<', page)
        for text in (pdf, word, markdown, page):
            self.assertNotIn("P R E S", text)

    def test_a_formula_written_as_a_word_or_short_spaced_letters_is_printed_as_written(
        self,
    ) -> None:
        for written in ("Presente.", "PRESENTES", "P R E S E N T.", "A T N", "S. S. S."):
            self.assertEqual(
                output.printed_formula(written), written.replace("P R E S E N T", "PRESENT")
            )
