# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""Details read from a signatory's line (issue 15's trial): a country after a dash even when
the name has a comma before it, and a city after a dash is no acronym."""

from django.test import SimpleTestCase

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
