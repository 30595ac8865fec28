"""The open points of the new-user trial of issue 15, each on a letter of our own: the
formula under the addressees printed the same in every output, a refusal that says what it
looked for and on which lines, a country after an en dash before an acronym, a member's role
stored apart from its name, and numbering that goes on (or starts again) under a sub-heading."""

import io

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from docx import Document

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.letters import documents, output, queries, services
from salvaguarda.letters.reading import parse_version
from salvaguarda.letters.reading.lists import organization
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


NOT_A_LETTER = """Bitácora de la brigada de salud – Albergue Kino, Nogales

Martes 9: 41 consultas, 6 referencias al hospital general.
Miércoles 10: 37 consultas, sin referencias.

Pendientes:
1. Pedir reposición de sueros orales.
2. Confirmar la visita de la brigada dental.
"""


def test_the_refusal_of_a_text_that_is_no_letter_says_what_it_read_on_which_lines() -> None:
    (problem,) = [
        p for p in parse_version(NOT_A_LETTER, language="es").problems if p.code == "not_a_letter"
    ]
    with translation.override("en"):
        english = str(problem.message)
    assert english.startswith("Lines read: 1–8. This does not look like a letter.")
    assert "Not found: " in english and "a closing formula" in english
    assert "a signatory heading" in english.split("Not found: ")[1]
    spanish = problem.message.in_language("es")  # type: ignore[attr-defined]
    assert spanish.startswith("Líneas leídas: 1–8. Esto no parece una carta.")
    assert "una fórmula de despedida" in spanish


def test_a_list_under_a_heading_without_a_body_is_named_with_its_lines() -> None:
    text = "Organizaciones firmantes:\n\n1. Casa Kino\n2. Colectivo Puentes del Desierto\n"
    (problem,) = parse_version(text, language="es").problems
    message = problem.message.in_language("en")  # type: ignore[attr-defined]
    assert message.startswith("Lines read: 1–4.")
    assert "Found: a signatory heading on line 1; a list of 2 entries on lines 3–4." in message
    assert "a body paragraph" in message.split("Found:")[0]


class RefusalTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_the_import_refusal_gives_the_lines_and_does_not_ask_for_signatories(self) -> None:

        with (
            translation.override("en"),
            organization_scope(self.cast.org.pk),
            self.assertRaises(ValidationError) as caught,
        ):
            services.letter_import(
                by=self.cast.caseworker, organization=self.cast.org, texts={"es": NOT_A_LETTER}
            )
        said = " ".join(caught.exception.message_dict["es"])
        self.assertIn("Lines read: 1–8.", said)
        self.assertIn("closing formula or a signatory heading", said)
        self.assertNotIn("needs paragraphs and a list of signatories", said)


NUMBERED = """Ciudad de México, 2 de marzo de 2027

Dra. Elena Ruiz Cortés
Titular de la Comisión Mexicana de Ayuda a Refugiados
Presente

Estimada Dra. Ruiz:

Las organizaciones firmantes pedimos que la oficina de Tapachula reciba solicitudes de asilo
todos los días hábiles de la semana, como lo hizo hasta diciembre.

Atentamente,

Organizaciones firmantes

{first}
1. Pastoral de Movilidad Humana de Tapachula
2. Pastoral Social de la Diócesis de San Cristóbal
3. Pastoral del Migrante de Arriaga

{second}
{a}. Red Fronteriza de Acompañamiento Jurídico
{b}. Articulación Sur por la Hospitalidad
{c}. Red de Casas del Migrante del Soconusco
"""


def _numbering_problems(first: str, second: str, numbers: tuple[int, int, int]) -> list[int]:
    a, b, c = numbers
    text = NUMBERED.format(first=first, second=second, a=a, b=b, c=c)
    version = parse_version(text, language="es")
    assert len(version.organizations) == 6
    return [p.line for p in version.problems if p.code == "broken_numbering"]


def test_numbering_that_goes_on_or_starts_again_under_a_sub_heading_is_not_broken() -> None:
    for first, second in (
        ("Pastorales", "Redes y articulaciones"),
        ("**Pastorales:**", "**Redes y articulaciones:**"),
        ("### Pastorales", "### Redes y articulaciones"),
    ):
        assert _numbering_problems(first, second, (4, 5, 6)) == [], second
        assert _numbering_problems(first, second, (1, 2, 3)) == [], second


def test_a_gap_or_a_repeat_under_a_sub_heading_is_still_broken_numbering() -> None:
    gap_line = NUMBERED.splitlines().index("{a}. Red Fronteriza de Acompañamiento Jurídico") + 1
    for first, second in (("Pastorales", "Redes y articulaciones"), ("", "")):
        assert _numbering_problems(first, second, (5, 6, 7)) == [gap_line]
        assert _numbering_problems(first, second, (3, 4, 5)) == [gap_line]
        assert _numbering_problems(first, second, (4, 4, 5)) == [gap_line + 1]
    # without a sub-heading, starting again at 1 is a repeat
    assert _numbering_problems("", "", (1, 2, 3)) == [gap_line]


def test_a_country_after_a_dash_or_comma_before_an_acronym_is_the_country() -> None:
    for text, name, acronym, country in (
        (
            "Servicio Jesuita a Refugiados – Brasil (SJMR)",
            "Servicio Jesuita a Refugiados",
            "SJMR",
            "Brasil",
        ),
        ("Asylum Access - México (AAMX)", "Asylum Access", "AAMX", "México"),
        (
            "Pastoral de Movilidad Humana, Guatemala (PMH)",
            "Pastoral de Movilidad Humana",
            "PMH",
            "Guatemala",
        ),
        ("Servicio Jesuita a Refugiados – Brasil", "Servicio Jesuita a Refugiados", "", "Brasil"),
        ("Missão Paz – São Paulo (MP)", "Missão Paz – São Paulo", "MP", ""),
    ):
        entry = organization(text)
        assert (entry.name, entry.acronym, entry.country) == (name, acronym, country), text
        assert entry.written == text
