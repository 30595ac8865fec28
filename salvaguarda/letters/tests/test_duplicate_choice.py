# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""Signatories listed twice: the fuller entry is kept by default, either can be kept (both
named on the page), and an individual who also represents an organization is removed only by
a button that names them and their number (issue 15's trial)."""

from typing import Any

from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.letters import services

LETTER = """Reynosa, Tamaulipas, 5 de diciembre de 2026

Mtra. Gabriela Orozco Pinal
Delegada Federal

Asunto: Condiciones en los albergues de la frontera

Estimada Mtra. Orozco:

Las organizaciones firmantes le pedimos una mesa de trabajo sobre las condiciones de los albergues que reciben a las familias devueltas en la frontera de Tamaulipas.

Atentamente,

Organizaciones firmantes
1. Centro de Estudios Fronterizos Nogales, A.C.
2. Albergue Los Sauces (Reynosa)
3. Red Ribereña de Acogida (RRA), integrada por: CEFN; Albergue Los Sauces; Casa Nogal, A.C. (Mariela Quintana Ortiz, coordinadora)

Firman a título individual
1. Tomás Echeverría Luna
2. Mariela Quintana Ortiz
"""


class DuplicateChoiceTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            cls.letter = services.letter_import(
                by=cls.cast.caseworker, organization=cls.cast.org, texts={"es": LETTER}
            )

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.caseworker)
        self.url = reverse("letters:detail", args=[self.letter.uuid])

    def twice(self) -> dict[str, Any]:
        return {
            t.keep.name + " | " + t.remove.name: t
            for t in self.client.get(self.url).context["file"].twice
        }

    def test_the_fuller_entry_is_kept_by_default(self) -> None:
        kept = {(t.kind, t.keep.name, t.remove.name) for t in self.twice().values()}
        self.assertIn(
            ("alone_and_in_coalition", "Centro de Estudios Fronterizos Nogales, A.C.", "CEFN"), kept
        )
        self.assertIn(
            ("alone_and_in_coalition", "Albergue Los Sauces (Reynosa)", "Albergue Los Sauces"), kept
        )

    def test_the_page_offers_either_entry_and_names_the_individual_removed(self) -> None:
        page = self.client.get(self.url).content.decode()
        self.assertIn(
            "Conservar “Centro de Estudios Fronterizos Nogales, A.C.” y quitar “CEFN”", page
        )
        self.assertIn(
            "Conservar “CEFN” y quitar “Centro de Estudios Fronterizos Nogales, A.C.”", page
        )
        self.assertIn(
            "Quitar a la persona 2, “Mariela Quintana Ortiz”, de quienes firman a título individual",
            page,
        )
        self.assertNotIn("Conservar “Casa Nogal", page)

    def test_keeping_the_other_entry_removes_the_fuller_one(self) -> None:
        twice = next(t for t in self.twice().values() if t.remove.name == "CEFN")
        body = {"keep": str(twice.remove.uuid), "remove": str(twice.keep.uuid)}
        self.client.post(reverse("letters:merge", args=[self.letter.uuid]), body)
        organizations = self.client.get(self.url).context["file"].organizations
        names = [o.signatory.name for o in organizations]
        self.assertNotIn("Centro de Estudios Fronterizos Nogales, A.C.", names)
        members = [m.name for o in organizations for m in o.members]
        self.assertIn("CEFN", members)
