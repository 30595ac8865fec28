# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""Two language versions of one letter, written for the tests, with one drift (a number) and
duplicates (an organization alone and inside a coalition; a name spelled two ways), and the
test case that starts from them imported."""

from typing import Any

from django.test import TestCase

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.letters import queries, services

SPANISH = """Asunto: Protección para personas devueltas

Ciudad de México, 12 de marzo de 2025

Mtra. Rosa Icela Rodríguez
Secretaria de Gobernación
Presente

Estimada Secretaria:

Las organizaciones firmantes documentamos 71,071 devoluciones desde 2019 y pedimos cumplir el amparo en revisión 302/2020.

Pedimos que se entreguen documentos migratorios en el [puerto de entrada](https://example.org/puertos).

Atentamente,

Organizaciones firmantes
1. Red Frontera (Coalición): Casa del Migrante Saltillo, Centro Prodh
2. Centro de Derechos Humanos Miguel Agustín Pro Juárez (Centro Prodh)
3. Asylum Access México – AAMX

Personas firmantes
- María José Hernández, investigadora
"""

ENGLISH = """Subject: Protection for returned people

Mexico City, March 12, 2025

Rosa Icela Rodríguez
Secretary of the Interior

Dear Secretary:

The signatory organizations documented 71,701 returns since 2019 and ask that the ruling in amparo 302/2020 be followed.

We ask that migration documents be handed out at the [port of entry](https://example.org/puertos).

Sincerely,

Signatory organizations
1. Red Frontera (Coalition): Casa del Migrante Saltillo, Centro Prodh
2. Centro de Derechos Humanos Miguel Agustin Pro Juarez A.C.
3. Asylum Access Mexico - AAMX

Individual signatories
- Maria Jose Hernandes, researcher
"""


class ImportedLetterTestCase(TestCase):
    """The two versions above imported by the cast's `importer` (so its editor)."""

    importer = "caseworker"

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            cls.letter = services.letter_import(
                by=getattr(cls.cast, cls.importer),
                organization=cls.cast.org,
                texts={"es": SPANISH, "en": ENGLISH},
            )

    def scoped(self, function: Any, **kwargs: Any) -> Any:
        with organization_scope(self.cast.org.pk):
            return function(**kwargs)

    def names(self) -> tuple[list[str], list[str]]:
        """The signatories as numbered: organizations, then individuals."""
        with organization_scope(self.cast.org.pk):
            organizations, individuals = queries.numbered(list(self.letter.signatories.all()))
        return (
            [f"{i.number}. {i.signatory.name}" for i in organizations],
            [f"{i.number}. {i.signatory.name}" for i in individuals],
        )
