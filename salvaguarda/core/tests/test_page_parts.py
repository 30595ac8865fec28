"""What every page shares: its title ends with the app's name, a help text is announced with
its field, and text stored in a language is marked with that language's HTML tag."""

import re

from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import SimpleTestCase

from salvaguarda.core.templatetags.html_lang import html_lang
from salvaguarda.core.templatetags.page_title import with_app_name


class ReturnForm(forms.Form):
    returned_on = forms.DateField(
        label="Fecha del retorno", help_text="La fecha en que cruzó el puente."
    )
    a_number = forms.CharField(label="Número A", required=False)


class PageTitleTest(SimpleTestCase):
    def test_a_title_gets_the_app_name_once(self) -> None:
        self.assertEqual(
            with_app_name("Audiencias de la semana"), "Audiencias de la semana · Salvaguarda"
        )
        self.assertEqual(
            with_app_name("Caso · P-000012 · Salvaguarda"), "Caso · P-000012 · Salvaguarda"
        )
        self.assertEqual(with_app_name("\n  Incidentes\n  "), "Incidentes · Salvaguarda")
        self.assertEqual(with_app_name(""), "Salvaguarda")

    def test_the_base_template_escapes_a_title_once(self) -> None:
        page = Template(
            "{% load page_title %}"
            "<title>{% filter with_app_name %}{{ name }}{% endfilter %}</title>"
        ).render(Context({"name": "Casa <Esperanza> & Co."}))
        self.assertEqual(page, "<title>Casa &lt;Esperanza&gt; &amp; Co. · Salvaguarda</title>")


class FieldTemplateTest(SimpleTestCase):
    def test_a_help_text_has_the_id_its_field_points_to(self) -> None:
        html = render_to_string("people/_field.html", {"field": ReturnForm()["returned_on"]})
        described = re.search(r'aria-describedby="([^"]+)"', html)
        assert described is not None
        self.assertEqual(described.group(1), "id_returned_on_helptext")
        self.assertIn('<span class="helptext" id="id_returned_on_helptext">', html)

    def test_an_error_is_announced_with_its_field_too(self) -> None:
        form = ReturnForm(data={"returned_on": "ayer"})
        html = render_to_string("people/_field.html", {"field": form["returned_on"]})
        described = re.search(r'aria-describedby="([^"]+)"', html)
        assert described is not None
        for target in described.group(1).split():
            self.assertIn(f'id="{target}"', html)

    def test_a_field_without_help_points_nowhere(self) -> None:
        html = render_to_string("people/_field.html", {"field": ReturnForm()["a_number"]})
        self.assertNotIn("aria-describedby", html)
        self.assertNotIn("helptext", html)


class HtmlLangTest(SimpleTestCase):
    def test_a_language_with_a_two_letter_code_uses_it(self) -> None:
        self.assertEqual(
            [html_lang(c) for c in ("spa", "eng", "hat", "cmn")], ["es", "en", "ht", "zh"]
        )

    def test_a_language_without_one_keeps_its_three_letters(self) -> None:
        self.assertEqual([html_lang(c) for c in ("mam", "quc", "kjb")], ["mam", "quc", "kjb"])
