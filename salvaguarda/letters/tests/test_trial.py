"""What a tester who never saw the code found importing their own two-language letter
(issue 15's trial): a blank line before an acronym in mid-sentence, abbreviation periods
dropped from names, "PRESENT" kept as an addressee, and a letter with no signatories yet
refused."""

import datetime
import io

from django.test import TestCase
from django.urls import reverse
from docx import Document

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.letters import documents, output, queries, services, signatory_lists
from salvaguarda.letters.reading import parse_version
from salvaguarda.letters.tests.test_documents import pdf_text

SPANISH = """Tijuana, Baja California, 3 de diciembre de 2026

Mtra. Carolina Beltrán Ochoa
Titular de la Unidad de Política Migratoria
PRESENTES

Asunto: Personas devueltas sin documentos

Estimada Mtra. Beltrán:

Las organizaciones firmantes documentamos 212 quejas recibidas por el

INM, lo que muestra que las personas devueltas salen de la garita sin constancia alguna.

Solicitamos una reunión antes del 15 de enero.

Atentamente,

Organizaciones firmantes
1. Instituto Madre Asunta, A.C.
2. Médicos del Mundo - México
3. Coalición Pro Defensa del Migrante (integrada por: Casa del Migrante en Tijuana, A.C.;
   Albergue Las Memorias, S.C.)

Personas a título individual
1. Andrea Villaseñor Ruiz, Esq.
2. Tomás Iturbide Lara, Jr.
"""

ENGLISH = """Tijuana, Baja California, December 3, 2026

Carolina Beltrán Ochoa
Head of the Migration Policy Unit
PRESENT

Subject: Returned people without documents

Dear Ms. Beltrán:

The undersigned organizations documented 212 complaints received by the

INM, which shows that returned people leave the port of entry with no record at all.

We request a meeting before January 15.

Sincerely,

Signatory organizations
1. Instituto Madre Asunta, A.C.
2. Médicos del Mundo - México
3. Coalición Pro Defensa del Migrante (members: Casa del Migrante en Tijuana, A.C.;
   Albergue Las Memorias, S.C.)

Individuals
1. Andrea Villaseñor Ruiz, Esq.
2. Tomás Iturbide Lara, Jr.
"""


def test_a_blank_line_before_an_acronym_in_mid_sentence_does_not_split_the_paragraph() -> None:
    for text, language in ((SPANISH, "es"), (ENGLISH, "en")):
        version = parse_version(text, language=language)
        body = version.paragraphs[1:-1]
        assert len(body) == 2, body
        assert " INM, " in body[0]


def test_a_heading_in_the_body_is_not_joined_to_the_paragraph_under_it() -> None:
    text = SPANISH.replace(
        "Solicitamos una reunión",
        "Nuestras peticiones a la Unidad de Política Migratoria\n\nSolicitamos una reunión",
    ).replace("sin constancia alguna.", "sin constancia alguna.\n\n## Lo que pedimos")
    body = parse_version(text, language="es").paragraphs
    assert "## Lo que pedimos" in body
    assert any(p.startswith("Solicitamos una reunión") for p in body)


def test_abbreviation_periods_stay_in_names() -> None:
    version = parse_version(SPANISH, language="es")
    names = [o.name for o in version.organizations]
    assert names[0] == "Instituto Madre Asunta, A.C."
    assert version.organizations[2].members == [
        "Casa del Migrante en Tijuana, A.C.",
        "Albergue Las Memorias, S.C.",
    ]
    people = {p.name: p.affiliation for p in version.individuals}
    assert people == {"Andrea Villaseñor Ruiz": "Esq.", "Tomás Iturbide Lara": "Jr."}


def test_present_is_the_formula_of_the_version_never_an_addressee() -> None:
    for text, language, formula in ((SPANISH, "es", "PRESENTES"), (ENGLISH, "en", "PRESENT")):
        version = parse_version(text, language=language)
        lines = [part for a in version.addressees for part in (a.name, a.title, a.institution)]
        assert formula not in lines
        assert version.formula == formula
    for written in ("Presente", "P R E S E N T E S", "Present.", "**PRESENTE**"):
        text = SPANISH.replace("PRESENTES", written)
        version = parse_version(text, language="es")
        assert len(version.addressees) == 1
        assert version.addressees[0].title == "Titular de la Unidad de Política Migratoria"


def test_a_letter_ending_at_its_closing_with_no_signatories_yet_is_read_with_the_line() -> None:
    text = SPANISH.split("Organizaciones firmantes")[0]
    version = parse_version(text, language="es")
    codes = [(p.line, p.code) for p in version.problems]
    closing = text.splitlines().index("Atentamente,") + 1
    assert codes == [(closing + 1, "no_signatories")]


def test_minutes_without_a_closing_nor_signatories_are_still_not_a_letter() -> None:
    text = (
        "Minuta de la reunión del 4 de marzo\n\nAsistentes: Ana, Luis y Marta, quienes revisaron "
        "los casos pendientes de la semana y acordaron llamar a la oficina del INM el lunes.\n"
    )
    assert [p.code for p in parse_version(text, language="es").problems] == ["not_a_letter"]


class TrialImportTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_names_and_the_formula_are_printed_as_written_in_every_output(self) -> None:
        with organization_scope(self.cast.org.pk):
            letter = services.letter_import(
                by=self.cast.caseworker,
                organization=self.cast.org,
                texts={"es": SPANISH, "en": ENGLISH},
            )
            for language, formula in (("es", "PRESENTES"), ("en", "PRESENT")):
                version = queries.version_of(letter, language)
                csv = "".join(output.signatories_csv(letter, version))
                markdown = output.markdown_of(letter, version)
                pdf = pdf_text(documents.pdf_of(letter, version, compress=False))
                word = "\n".join(
                    p.text
                    for p in Document(io.BytesIO(documents.docx_of(letter, version))).paragraphs
                )
                self.assertIn(",Esq.\r\n", csv.replace('"', ""))
                for text in (csv, markdown, pdf, word):
                    self.assertIn("Instituto Madre Asunta, A.C.", text)
                for text in (markdown, pdf, word):
                    self.assertIn(f"\n{formula}\n", text)
                self.assertIn(f"**{output.SUBJECT_LABELS[language]}:** ", markdown)

    def test_a_letter_with_no_signatories_yet_is_imported_with_the_report_line(self) -> None:
        text = SPANISH.split("Organizaciones firmantes")[0]
        with organization_scope(self.cast.org.pk):
            letter = services.letter_import(
                by=self.cast.caseworker, organization=self.cast.org, texts={"es": text}
            )
            self.assertFalse(letter.signatories.exists())
        problems = letter.import_report["problems"]["es"]
        self.assertEqual([p["code"] for p in problems], ["no_signatories"])
        self.assertGreater(problems[0]["line"], 0)

    def test_the_letters_date_is_filled_in_when_the_versions_agree(self) -> None:
        english = ENGLISH.replace("December 3, 2026", "December 4, 2026")
        with organization_scope(self.cast.org.pk):
            agreed, differ = (
                services.letter_import(
                    by=self.cast.caseworker,
                    organization=self.cast.org,
                    texts={"es": SPANISH, "en": text},
                )
                for text in (ENGLISH, english)
            )
            self.assertEqual(agreed.date, datetime.date(2026, 12, 3))
            self.assertIsNone(differ.date)
            version = queries.version_of(agreed, "es")
            self.assertIn("3 de diciembre de 2026", output.date_line(agreed, version))


def test_two_signatories_swapped_say_which_places_they_swapped() -> None:
    names = ["Casa Uno", "Albergue Dos", "Centro Tres", "Red Cuatro", "Instituto Madre Asunta"]
    reference = {
        "organizations": [
            {"row": str(n), "written": name, "name": name, "kind": "organization"}
            for n, name in enumerate(names)
        ]
    }
    other = [*names[:3], "Colectivo Nuevo", names[4], names[3]]
    lists = signatory_lists.realigned(
        {"organizations": [{"row": None, "written": n, "name": n} for n in other]}, reference
    )
    found = [d.detail for d in signatory_lists.list_drifts(reference, lists, ("en", "es"))]
    assert "“Red Cuatro” ↔ “Instituto Madre Asunta”: 4 ↔ 5 (en), 5 ↔ 6 (es)" in found
    lists["organizations"].pop(3)
    found = [d.detail for d in signatory_lists.list_drifts(reference, lists, ("en", "es"))]
    assert "“Red Cuatro” ↔ “Instituto Madre Asunta”: 4 ↔ 5 (es)" in found


class TrialPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_the_letter_page_shows_names_as_written_and_the_letters_date(self) -> None:
        with organization_scope(self.cast.org.pk):
            letter = services.letter_import(
                by=self.cast.caseworker,
                organization=self.cast.org,
                texts={"es": SPANISH, "en": ENGLISH},
            )
        client = sign_in(self.client, self.cast.caseworker)
        page = client.get(reverse("letters:detail", args=[letter.uuid]))
        listed = page.content.decode().split('data-testid="organizations"')[-1]
        self.assertIn("2. Médicos del Mundo - México", listed)
        self.assertIn("Instituto Madre Asunta, A.C.", listed)
        self.assertIn("Andrea Villaseñor Ruiz, Esq.", listed)
        self.assertNotIn("Médicos del Mundo · México", listed)

    def test_the_formula_is_changed_with_the_versions_heading(self) -> None:
        with organization_scope(self.cast.org.pk):
            letter = services.letter_import(
                by=self.cast.caseworker, organization=self.cast.org, texts={"es": SPANISH}
            )
        client = sign_in(self.client, self.cast.caseworker)
        url = reverse("letters:version_edit", args=[letter.uuid, "es"])
        self.assertContains(client.get(url), 'value="PRESENTES"')
        data = {
            "subject": "Personas devueltas",
            "addressees": "Mtra. Carolina Beltrán Ochoa",
            "formula": "Presente",
        }
        self.assertEqual(client.post(url, data).status_code, 302)
        with organization_scope(self.cast.org.pk):
            self.assertEqual(queries.version_of(letter, "es").formula, "Presente")
