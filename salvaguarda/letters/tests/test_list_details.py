# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""Details read from a signatory's line (issue 15's trial): a country after a dash even when
the name has a comma before it, a city after a dash is no acronym, and a coalition member's
role or representative in parentheses goes to the CSV's title column."""

import csv
import io

from django.test import SimpleTestCase, TestCase

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.letters import output, services
from salvaguarda.letters.reading import parse_version

LETTER = """Nogales, Sonora, 6 de diciembre de 2026

Lic. Adriana Ceballos Ruiz
Coordinadora de Asuntos Fronterizos

Asunto: Atención médica en la garita

Estimada Lic. Ceballos:

Las organizaciones firmantes le pedimos que la atención médica en la garita se preste a toda persona devuelta, sin importar la hora de su llegada.

Atentamente,

Organizaciones firmantes
1. Comedor Esperanza del Desierto, A.C. – México
2. Pastoral do Migrante – Belo Horizonte
3. Frontera Abierta Network, Inc. – Estados Unidos
4. Instituto de Estudios Migratorios – IEMIG
"""


class ListDetailTests(SimpleTestCase):
    def test_country_after_a_dash_and_a_city_is_no_acronym(self) -> None:
        version = parse_version(LETTER, language="es")
        found = [(o.name, o.acronym, o.country) for o in version.organizations]
        self.assertEqual(
            found,
            [
                ("Comedor Esperanza del Desierto, A.C.", "", "México"),
                ("Pastoral do Migrante – Belo Horizonte", "", ""),
                ("Frontera Abierta Network, Inc.", "", "Estados Unidos"),
                ("Instituto de Estudios Migratorios", "IEMIG", ""),
            ],
        )


COALITION = LETTER.replace(
    "4. Instituto de Estudios Migratorios – IEMIG\n",
    "4. Instituto de Estudios Migratorios – IEMIG\n"
    "5. Red Sonorense de Acogida, integrada por: Casa Nopal, A.C. (enlace); Albergue Monte Sinaí (Nogales); "
    "Refugio Santa Clara, A.C. (Lucía Bermúdez Haro, coordinadora)\n",
)


class MemberRoleTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_a_members_role_or_representative_goes_to_the_title_column(self) -> None:
        with organization_scope(self.cast.org.pk):
            letter = services.letter_import(
                by=self.cast.caseworker, organization=self.cast.org, texts={"es": COALITION}
            )
            rows = list(
                csv.reader(io.StringIO("".join(output.signatories_csv(letter)).lstrip("\ufeff")))
            )
        members = [(r[2], r[6]) for r in rows if r[5] == "Red Sonorense de Acogida"]
        self.assertEqual(
            members,
            [
                ("Casa Nopal, A.C.", "enlace"),
                ("Albergue Monte Sinaí (Nogales)", ""),
                ("Refugio Santa Clara, A.C.", "Lucía Bermúdez Haro, coordinadora"),
            ],
        )
