# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""The letter's page: each version's addressees (with their titles) and the formula under them,
and every string in the interface's language, the languages named in it and the import's
report too, whatever language the letter was imported in."""

from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.letters import services

SPANISH = """Ciudad de México, 3 de noviembre de 2026

Lic. Rosaura Benítez Ocampo, Secretaria de Gobernación
Dra. Celia Montiel Arroyo, Presidenta de la Comisión Nacional de los Derechos Humanos
P R E S E N T E S

Asunto: Devoluciones nocturnas

Las organizaciones firmantes pedimos que se suspendan las devoluciones nocturnas por los puentes de Ciudad Juárez, donde documentamos 640 casos¹ este año.

Atentamente,

Organizaciones firmantes:
1. Albergue Casa Peregrina, A.C.
2. Red Fronteriza por la Movilidad Digna (REFMODI)

¹ Registro de las organizaciones, 2026.
"""

ENGLISH = """Mexico City, November 3, 2026

Lic. Rosaura Benítez Ocampo, Secretary of the Interior
Dra. Celia Montiel Arroyo, President of the National Human Rights Commission
P R E S E N T

Subject: Night-time returns

The undersigned organizations ask that night-time returns through the bridges of Ciudad Juárez be suspended; we documented 640 cases this year.

Sincerely,

Signatory organizations:
1. Albergue Casa Peregrina, A.C.
2. Red Fronteriza por la Movilidad Digna (REFMODI)
"""


class LetterPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk), translation.override("es"):
            cls.letter = services.letter_import(
                by=cls.cast.caseworker,
                organization=cls.cast.org,
                texts={"es": SPANISH, "en": ENGLISH},
            )

    def page(self, language: str, query: str = "") -> str:
        client = sign_in(self.client_class(), self.cast.caseworker)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(reverse("letters:detail", args=[self.letter.uuid]) + query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_page_shows_each_versions_addressees_with_their_titles_and_formula(self) -> None:
        html = self.page("es")
        self.assertInHTML(
            '<p class="letter-addressee" data-testid="addressee"><strong>Lic. Rosaura Benítez '
            "Ocampo</strong><br>Secretaria de Gobernación</p>",
            html,
        )
        self.assertInHTML(
            '<p class="letter-addressee" data-testid="addressee"><strong>Dra. Celia Montiel '
            "Arroyo</strong><br>President of the National Human Rights Commission</p>",
            html,
        )
        self.assertInHTML('<dd data-testid="formula">PRESENTES</dd>', html)
        self.assertInHTML('<dd data-testid="formula">PRESENT</dd>', html)

    def test_in_english_every_string_and_language_name_is_english(self) -> None:
        html = self.page("en", "?reordenar=1")  # the signatories' controls: the reorder mode
        self.assertInHTML('<dd data-testid="reference-language">Spanish</dd>', html)
        self.assertInHTML("<h3>English</h3>", html)
        self.assertIn(">Change</a>", html)
        self.assertIn(">Done reordering</a>", html)
        self.assertIn(">Reorder or change signatories</a>", self.page("en"))
        self.assertIn("a footnote was kept out of the lists", html)  # imported in Spanish
        body = html[html.index("<main") : html.index("</main>")]
        for spanish in ("Modificar", "Cambiar", "Español", "Inglés", "Línea", "Destinatarios"):
            self.assertNotIn(spanish, body)

    def test_in_spanish_the_same_page_is_spanish(self) -> None:
        html = self.page("es", "?reordenar=1")
        self.assertInHTML('<dd data-testid="reference-language">Español</dd>', html)
        self.assertInHTML("<h3>Inglés</h3>", html)
        self.assertIn(">Cambiar</a>", html)
        self.assertIn(">Terminar de reordenar</a>", html)
        self.assertIn(">Reordenar o cambiar firmantes</a>", self.page("es"))
        self.assertIn("nota al pie", html)

    def test_the_signatories_controls_show_only_in_the_reorder_mode(self) -> None:
        compact = self.page("en")
        self.assertNotIn('data-testid="edit-signatory"', compact)
        self.assertNotIn('data-testid="move-up"', compact)
        controls = self.page("en", "?reordenar=1")
        self.assertEqual(controls.count('data-testid="move-up"'), 2)  # one a signatory
