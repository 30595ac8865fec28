"""The one-flow incident page stays light and short to tab through: optional parts come folded
and open when filled or in error, the act picker's HURIDOCS list comes from its own URL when
opened (or in the page, for a browser without JavaScript), and groups of radios or boxes are
fieldsets whose help is announced."""

import re

from django import forms
from django.template.loader import render_to_string
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.incidents.models import Incident
from salvaguarda.incidents.tests.test_views import one_flow
from salvaguarda.incidents.vocab import ACTS

HURIDOCS_BOX = r'name="acts" value="\d{12}"'


def opened_parts(html: str) -> set[str]:
    return set(re.findall(r'<details class="more optional-part" open data-testid="([^"]+)"', html))


class IncidentFormPartsTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        self.client = sign_in(self.client_class(), self.cast.caseworker)
        self.url = reverse("incidents:new")

    def test_a_new_form_shows_its_required_answers_and_folds_the_rest(self) -> None:
        html = self.client.get(self.url).content.decode()
        folded = set(re.findall(r'<details class="more optional-part" data-testid="([^"]+)"', html))
        self.assertEqual(
            folded,
            {"part-more", "part-place", "part-people", "part-consents", "part-files"},
        )
        self.assertEqual(opened_parts(html), set())
        self.assertIn('<details class="ap-picker" data-testid="act-picker">', html)
        self.assertEqual(re.findall(HURIDOCS_BOX, html), [])

    def test_parts_filled_or_in_error_open_and_untouched_ones_stay_folded(self) -> None:
        body = one_flow(
            summary="",  # an error in a shown part
            testimony="Nos subieron a una camioneta.",
            state="",
            municipality="",
            place_type="",
            **{"victim-0-role": "", "victim-0-sex": "", "consent-uses": [], "consent-given_by": ""},
        )
        response = self.client.post(self.url, body)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Incident.unscoped.exists())
        html = response.content.decode()
        self.assertEqual(opened_parts(html), {"part-more", "part-people"})
        self.assertIn('<details class="ap-picker" open', html)  # kidnapping is ticked

    def test_the_acts_open_when_none_was_chosen(self) -> None:
        html = self.client.post(self.url, one_flow(acts=[])).content.decode()
        self.assertIn('<details class="ap-picker" open data-testid="act-picker">', html)

    def test_a_ticked_huridocs_act_brings_the_whole_list_open_in_the_page(self) -> None:
        body = one_flow(summary="", acts=["kidnapping", "020101000000"])
        html = self.client.post(self.url, body).content.decode()
        self.assertEqual(len(re.findall(HURIDOCS_BOX, html)), len(ACTS))
        self.assertIn('value="020101000000" id="id_acts_020101000000" checked', html)
        self.assertIn('<details class="ap-all" open', html)

    def test_without_javascript_the_page_can_hold_the_whole_list(self) -> None:
        html = self.client.get(self.url, {"lista-de-actos": "completa"}).content.decode()
        self.assertEqual(len(re.findall(HURIDOCS_BOX, html)), len(ACTS))
        self.assertNotIn("data-tree-url", html)

    def test_the_list_is_sent_for_the_fields_name_and_id(self) -> None:
        url = reverse("incidents:act_tree")
        response = self.client.get(url, {"name": "acts", "id": "id_acts"})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertFalse(html.lstrip().lower().startswith("<!doctype"))
        self.assertEqual(
            len(re.findall(r'name="acts" value="\d{12}" id="id_acts_\d{12}"', html)), 532
        )
        for bad in ({}, {"name": "acts"}, {"name": 'a"><script>', "id": "id_acts"}):
            with self.subTest(bad):
                self.assertEqual(self.client.get(url, bad).status_code, 400)
        self.assertEqual(self.client.post(url, {"name": "acts", "id": "id_acts"}).status_code, 405)


class ChoiceGroup(forms.Form):
    precision = forms.ChoiceField(
        label="¿Qué tan precisa es la fecha?",
        choices=[("exact", "Día exacto"), ("month", "Mes")],
        widget=forms.RadioSelect,
        help_text="Para un periodo, su primer día.",
    )
    uses = forms.MultipleChoiceField(
        label="Usos",
        choices=[("statistics", "Estadística"), ("legal", "Acción legal")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    place = forms.CharField(label="Lugar", help_text="Sin nombres.")


class SharedFieldTemplateTest(SimpleTestCase):
    def render(self, name: str) -> str:
        return render_to_string("people/_field.html", {"field": ChoiceGroup(label_suffix="")[name]})

    def test_a_radio_group_is_a_fieldset_whose_legend_is_its_label_and_help_is_announced(
        self,
    ) -> None:
        html = self.render("precision")
        self.assertRegex(
            html,
            r'^<fieldset class="field choices required" aria-describedby="id_precision_helptext">'
            r"\s*<legend>¿Qué tan precisa es la fecha\?</legend>",
        )
        self.assertIn('<span class="helptext" id="id_precision_helptext">', html)
        self.assertNotIn("<label>¿Qué", html)

    def test_a_group_of_boxes_without_help_is_a_fieldset_without_a_description(self) -> None:
        html = self.render("uses")
        self.assertTrue(html.startswith('<fieldset class="field choices">'))
        self.assertNotIn("aria-describedby", html)
        self.assertIn("<legend>Usos</legend>", html)

    def test_a_single_control_keeps_its_label_and_its_described_help(self) -> None:
        html = self.render("place")
        self.assertTrue(html.startswith('<div class="field required">'))
        self.assertIn('aria-describedby="id_place_helptext"', html)
        self.assertIn('id="id_place_helptext"', html)
