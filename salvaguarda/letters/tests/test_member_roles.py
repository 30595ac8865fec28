# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""A coalition member's role or representative is stored apart from its name (its title) and
printed after the name in the page, PDF, Word, Markdown and CSV; the person who represents a
member and also signs alone is still found; letters imported before are split by a migration
(issue 15's trial, point 5)."""

import csv
import io

from django.apps import apps
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from docx import Document

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.letters import documents, output, queries, services
from salvaguarda.letters.member_roles import member_parts
from salvaguarda.letters.models import Signatory
from salvaguarda.letters.tests.test_documents import pdf_text

LETTER = """Coatzacoalcos, Veracruz, a 3 de noviembre de 2026

Mtro. Julián Herrera Bastida
Fiscal Especializado en Delitos contra Migrantes
P R E S E N T E

Asunto: Secuestros de personas migrantes en las rutas del Golfo

Las organizaciones y personas firmantes le escribimos para pedirle una reunión sobre los secuestros de familias migrantes en los tramos carreteros entre Acayucan y Coatzacoalcos.

Atentamente,

Organizaciones firmantes:
1. Centro de Derechos Humanos Golfo Sur, A.C.
2. Red Veracruzana de Acompañamiento Migrante (REVAM), integrada por: Casa del Migrante La Esperanza, A.C., representada por Hna. Leticia Mora Cruz; Colectivo Camino Seguro (coordinación); Albergue San José (Acayucan); Pastoral de Movilidad Humana de Tierra Blanca (coordinación), representada por Pbro. Anselmo Tlapale Cruz
3. Clínica Jurídica del Sureste

Personas firmantes a título individual:
1. Hna. Leticia Mora Cruz
2. Dr. Ernesto Valdivia Pérez, investigador
"""


class MemberPartsTests(SimpleTestCase):
    def test_a_representative_after_a_comma_or_a_dash_is_the_role(self) -> None:
        self.assertEqual(
            member_parts("Casa X, A.C., representada por Hna. Leticia Mora"),
            ("Casa X, A.C.", "representada por Hna. Leticia Mora"),
        )
        self.assertEqual(
            member_parts("Ciudadanía en Movimiento – representada por Aurelio Domínguez Paz"),
            ("Ciudadanía en Movimiento", "representada por Aurelio Domínguez Paz"),
        )
        self.assertEqual(
            member_parts("Clínica Legal Migrante de San Diego, represented by Sofía Martell Ruiz"),
            ("Clínica Legal Migrante de San Diego", "represented by Sofía Martell Ruiz"),
        )

    def test_a_role_in_parentheses_and_both_together(self) -> None:
        self.assertEqual(
            member_parts("Colectivo Z (coordinación)"), ("Colectivo Z", "coordinación")
        )
        self.assertEqual(
            member_parts("Pastoral X (coordinación), representada por Pbro. Anselmo Tlapale"),
            ("Pastoral X", "coordinación, representada por Pbro. Anselmo Tlapale"),
        )

    def test_a_place_an_acronym_or_a_dash_in_the_name_stays_in_the_name(self) -> None:
        for name in (
            "Albergue San José (Acayucan)",
            "Centro de Derechos Humanos Fray Matías de Córdova (CDHFMC)",
            "Casa Kuir Ixchel - Ciudad de Guatemala",
            "Centro X, A.C.",
        ):
            self.assertEqual(member_parts(name), (name, ""))


class MemberRoleTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            cls.letter = services.letter_import(
                by=cls.cast.caseworker, organization=cls.cast.org, texts={"es": LETTER}
            )
            cls.members = {
                m.name: m
                for m in cls.letter.signatories.filter(coalition__isnull=False).order_by("position")
            }

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.caseworker)

    def test_the_import_stores_the_name_without_the_role_and_the_role_as_its_title(self) -> None:
        self.assertEqual(
            {name: m.title for name, m in self.members.items()},
            {
                "Casa del Migrante La Esperanza, A.C.": "representada por Hna. Leticia Mora Cruz",
                "Colectivo Camino Seguro": "coordinación",
                "Albergue San José (Acayucan)": "",
                "Pastoral de Movilidad Humana de Tierra Blanca": "coordinación, representada por Pbro. Anselmo Tlapale Cruz",
            },
        )

    def test_the_page_shows_the_role_apart_from_the_name(self) -> None:
        page = self.client.get(reverse("letters:detail", args=[self.letter.uuid]))
        self.assertContains(
            page,
            'Casa del Migrante La Esperanza, A.C. <span class="member-role" data-testid="member-role">— representada por Hna. Leticia Mora Cruz</span>',
            html=False,
        )
        reading = self.client.get(reverse("letters:text", args=[self.letter.uuid, "es"]))
        self.assertContains(
            reading,
            'Colectivo Camino Seguro <span class="member-role">— coordinación</span>',
            html=False,
        )

    def test_pdf_word_and_markdown_print_the_role_after_the_name(self) -> None:
        with organization_scope(self.cast.org.pk):
            version = self.letter.versions.get(language="es")
            pdf = " ".join(pdf_text(documents.pdf_of(self.letter, version, compress=False)).split())
            word = Document(io.BytesIO(documents.docx_of(self.letter, version)))
            markdown = output.markdown_of(self.letter, version)
        self.assertIn(
            "Casa del Migrante La Esperanza, A.C. — representada por Hna. Leticia Mora Cruz", pdf
        )
        member = next(p for p in word.paragraphs if "Colectivo Camino Seguro" in p.text)
        self.assertEqual(member.text, "– Colectivo Camino Seguro — coordinación")
        self.assertTrue(member.runs[-1].italic)
        self.assertFalse(any(run.italic for run in member.runs if "Colectivo" in run.text))
        self.assertIn("    - Colectivo Camino Seguro — *coordinación*", markdown)
        self.assertIn("    - Albergue San José (Acayucan)\n", markdown)

    def test_the_csv_puts_the_role_in_the_title_column(self) -> None:
        response = self.client.get(reverse("letters:signatories_csv", args=[self.letter.uuid]))
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        members = {r["name"]: r["title"] for r in rows if r["coalition"]}
        self.assertEqual(
            members["Casa del Migrante La Esperanza, A.C."],
            "representada por Hna. Leticia Mora Cruz",
        )
        self.assertEqual(members["Colectivo Camino Seguro"], "coordinación")
        self.assertEqual(members["Albergue San José (Acayucan)"], "")

    def test_the_representative_who_also_signs_alone_is_still_found(self) -> None:
        with organization_scope(self.cast.org.pk):
            twice = queries.letter_file_for(self.cast.caseworker, self.letter.uuid).twice
        found = [(t.kind, t.keep.name, t.remove.name) for t in twice]
        self.assertIn(
            (
                "individual_represents",
                "Casa del Migrante La Esperanza, A.C.",
                "Hna. Leticia Mora Cruz",
            ),
            found,
        )

    def test_a_member_changed_by_hand_keeps_its_role(self) -> None:
        member = self.members["Colectivo Camino Seguro"]
        with organization_scope(self.cast.org.pk):
            services.signatory_update(
                by=self.cast.caseworker,
                signatory=member,
                data={"name": "Colectivo Camino Seguro del Golfo", "title": "coordinación"},
            )
            member.refresh_from_db()
            version = self.letter.versions.get(language="es")
            markdown = output.markdown_of(self.letter, version)
        self.assertEqual(member.title, "coordinación")
        self.assertIn("    - Colectivo Camino Seguro del Golfo — *coordinación*", markdown)


class MigrationTests(TestCase):
    def test_members_imported_before_are_split_and_the_rest_left_alone(self) -> None:
        migration = __import__(
            "salvaguarda.letters.migrations.0007_member_roles_apart", fromlist=["x"]
        )
        cast = Cast.build()
        with organization_scope(cast.org.pk):
            letter = services.letter_import(
                by=cast.caseworker, organization=cast.org, texts={"es": LETTER}
            )
            # As an import before the split stored them: the role inside the name.
            for member in letter.signatories.filter(coalition__isnull=False):
                written = {
                    "Casa del Migrante La Esperanza, A.C.": "Casa del Migrante La Esperanza, A.C., representada por Hna. Leticia Mora Cruz",
                    "Colectivo Camino Seguro": "Colectivo Camino Seguro (coordinación)",
                }.get(member.name, member.name)
                Signatory.objects.filter(pk=member.pk).update(name=written, title="")
        migration.split_member_roles(apps, None)
        with organization_scope(cast.org.pk):
            rows = {
                s.name: s.title
                for s in letter.signatories.filter(coalition__isnull=False).order_by("position")
            }
            page_lists = queries.version_lists(letter, letter.versions.get(language="es"))
        self.assertEqual(
            rows["Casa del Migrante La Esperanza, A.C."], "representada por Hna. Leticia Mora Cruz"
        )
        self.assertEqual(rows["Colectivo Camino Seguro"], "coordinación")
        self.assertEqual(rows["Albergue San José (Acayucan)"], "")
        # The version's list still reads the entry as written: not taken as changed by hand.
        members = [m.written for m in page_lists[0][1].members]
        self.assertIn("Colectivo Camino Seguro (coordinación)", members)
