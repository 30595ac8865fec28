"""The act picker and its field: what they render, and values sent back after a form error."""

import re
from types import SimpleNamespace

from django import forms
from django.http import QueryDict
from django.test import SimpleTestCase
from django.utils import translation

from salvaguarda.incidents.vocab import ACTS, COMMON_ACTS
from salvaguarda.incidents.widgets import ActPicker, ActsField, PickedAct, normalize_acts


class IncidentForm(forms.Form):
    acts = ActsField(label="Actos")
    place = forms.CharField()


def checked_values(html: str) -> set[str]:
    return set(
        re.findall(r'<input type="checkbox" name="acts" value="([^"]+)"[^>]* checked>', html)
    )


class ActPickerRenderTest(SimpleTestCase):
    def render(self, value: object, *, whole: bool = True, **attrs: str) -> str:
        picker = ActPicker()
        picker.whole_list = whole
        return str(picker.render("acts", value, {"id": "id_acts", **attrs}))

    def test_it_renders_a_chip_per_common_act_and_a_checkbox_per_huridocs_act(self) -> None:
        html = self.render(None)
        for code in COMMON_ACTS.terms:
            self.assertIn(f'data-testid="act-chip-{code}"', html)
        boxes = re.findall(r'<input type="checkbox" name="acts" value="(\d{12})"', html)
        self.assertEqual(boxes, [term.code for term in ACTS.walk()])
        self.assertEqual(len(boxes), 532)
        self.assertIn('data-testid="act-filter"', html)
        self.assertEqual(checked_values(html), set())

    def test_every_checkbox_has_a_label_for_it(self) -> None:
        html = self.render(None)
        ids = re.findall(r'<input type="checkbox" [^>]*id="([^"]+)"', html)
        self.assertEqual(len(ids), len(set(ids)))
        labelled = set(re.findall(r'<label [^>]*for="([^"]+)"', html))
        self.assertLessEqual(set(ids), labelled)
        self.assertIn('<label for="id_acts_filter">', html)

    def test_the_hierarchy_is_nested_details_and_the_filter_waits_for_javascript(self) -> None:
        html = self.render(None)
        branches = len({t.parent_code for t in ACTS.walk()} - {""})
        # and the picker, and the whole list, both folded
        self.assertEqual(html.count("<details"), branches + 2)
        self.assertIn('<div class="ap-filter" hidden>', html)
        self.assertNotIn("<script", html)
        self.assertNotRegex(html, r"<[^>]*\son[a-z]+=")  # no inline event handlers
        self.assertNotIn("style=", html)

    def test_no_control_sits_inside_a_summary(self) -> None:
        # A checkbox inside a <summary> is a control inside a control (nested-interactive).
        html = self.render(["020101000000"])
        summaries = re.findall(r"<summary[^>]*>(.*?)</summary>", html)
        self.assertGreater(len(summaries), 100)
        self.assertEqual([s for s in summaries if "<input" in s or "<label" in s], [])

    def test_the_list_comes_folded_unless_it_holds_a_ticked_act(self) -> None:
        self.assertIn('<details class="ap-all" data-testid', self.render(None))
        self.assertIn('<details class="ap-all" data-testid', self.render(["kidnapping"]))
        self.assertIn('<details class="ap-all" open', self.render(["020101000000"]))

    def test_the_picker_is_folded_until_an_act_is_ticked_or_the_field_has_an_error(self) -> None:
        folded = '<details class="ap-picker" data-testid="act-picker">'
        self.assertIn(folded, self.render(None, whole=False))
        self.assertIn('<details class="ap-picker" open', self.render(["kidnapping"], whole=False))
        self.assertIn(
            '<details class="ap-picker" open',
            self.render(None, whole=False, **{"aria-invalid": "true"}),
        )

    def test_the_huridocs_list_is_loaded_on_demand_unless_the_page_must_hold_it(self) -> None:
        html = self.render(["kidnapping"], whole=False)
        self.assertEqual(re.findall(r'name="acts" value="\d{12}"', html), [])
        self.assertIn(
            'data-tree-url="/incidentes/actos/lista-huridocs/?name=acts&amp;id=id_acts"', html
        )
        # Without JavaScript: a link to the page with the whole list in it.
        self.assertRegex(html, r'<noscript><p><a href="\?lista-de-actos=completa#id_acts">')
        self.assertLess(len(html.encode()), 8_000)
        # A ticked HURIDOCS act (a form sent back, an incident edited) brings the whole list.
        ticked = self.render(["020101000000"], whole=False)
        self.assertEqual(len(re.findall(r'name="acts" value="\d{12}"', ticked)), 532)
        self.assertNotIn("data-tree-url", ticked)
        self.assertNotIn("<noscript>", ticked)

    def test_the_loaded_list_holds_every_act_with_the_fields_name_and_ids(self) -> None:
        html = str(ActPicker().tree_items("acts", "id_acts"))
        boxes = re.findall(
            r'<input type="checkbox" name="acts" value="(\d{12})" id="id_acts_\1">', html
        )
        self.assertEqual(boxes, [term.code for term in ACTS.walk()])
        self.assertEqual(checked_values(html), set())

    def test_ticked_codes_are_checked_and_their_branches_open(self) -> None:
        html = self.render(["kidnapping", "020101000000"])
        self.assertEqual(checked_values(html), {"kidnapping", "020101000000"})

        def branch(code: str) -> str:
            return rf'value="{code}" id="id_acts_{code}"><label [^>]*>[^<]*</label><details'

        for ancestor in ("020000000000", "020100000000"):
            self.assertRegex(html, branch(ancestor) + " open>")
        self.assertRegex(html, branch("030000000000") + "><summary>")

    def test_stored_acts_render_as_the_box_that_was_ticked(self) -> None:
        html = self.render([PickedAct("030104000000", "kidnapping"), PickedAct("020111110000")])
        self.assertEqual(checked_values(html), {"kidnapping", "020111110000"})
        rows = [
            {"huridocs": "130104000000", "common": "extortion_relatives"},
            SimpleNamespace(huridocs="030102000000", common=""),
        ]
        self.assertEqual(checked_values(self.render(rows)), {"extortion_relatives", "030102000000"})
        self.assertEqual(PickedAct("1", "a")._asdict(), {"huridocs": "1", "common": "a"})

    def test_labels_follow_the_language_and_the_filter_knows_the_other_one(self) -> None:
        with translation.override("es"):
            html = self.render(None)
        self.assertIn(">Secuestro</label>", html)
        self.assertIn("<span>Extorsión a familiares por teléfono</span>", html)
        self.assertIn('data-s="abduction kidnapping"', html)
        with translation.override("en"):
            html = self.render(None)
        self.assertIn(">Abduction; kidnapping</label>", html)
        self.assertIn("<span>Extortion of relatives by phone</span>", html)
        self.assertIn('data-s="secuestro"', html)


class ActsFieldTest(SimpleTestCase):
    def post(self, *codes: str, **fields: str) -> QueryDict:
        data = QueryDict(mutable=True)
        data.setlist("acts", list(codes))
        data.update(fields)
        return data

    def test_it_cleans_common_and_huridocs_codes_into_acts(self) -> None:
        form = IncidentForm(self.post("kidnapping", "burn", "020111110000", place="calle"))
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(
            form.cleaned_data["acts"],
            [
                PickedAct("030104000000", "kidnapping"),
                PickedAct("020101000000", "burn"),
                PickedAct("020111110000", ""),
            ],
        )

    def test_a_huridocs_code_a_common_act_already_stands_for_is_one_act(self) -> None:
        acts = normalize_acts(["kidnapping", "030104000000", "kidnapping", "130104000000"])
        self.assertEqual(
            acts, [PickedAct("030104000000", "kidnapping"), PickedAct("130104000000", "")]
        )
        both = normalize_acts(["burn", "physical_assault"])
        self.assertEqual([act.huridocs for act in both], ["020101000000", "020101000000"])

    def test_an_unknown_code_is_refused(self) -> None:
        form = IncidentForm(self.post("kidnapping", "999999999999", place="calle"))
        self.assertFalse(form.is_valid())
        self.assertIn("acts", form.errors)
        with self.assertRaises(ValueError):
            normalize_acts(["nothing"])

    def test_at_least_one_act_is_required_unless_the_field_says_otherwise(self) -> None:
        self.assertIn("acts", IncidentForm(self.post(place="calle")).errors)
        optional = ActsField(required=False)
        self.assertEqual(optional.clean([]), [])

    def test_ticked_boxes_come_back_ticked_after_a_form_error(self) -> None:
        form = IncidentForm(self.post("extortion_relatives", "020103020100"))  # no place
        self.assertFalse(form.is_valid())
        self.assertIn("place", form.errors)
        html = str(form["acts"])
        self.assertEqual(checked_values(html), {"extortion_relatives", "020103020100"})
        self.assertIn("<details open><summary>", html)

    def test_initial_acts_show_ticked_and_an_unchanged_form_has_not_changed(self) -> None:
        initial = [PickedAct("030104000000", "kidnapping"), PickedAct("020111110000", "")]
        form = IncidentForm(initial={"acts": initial})
        self.assertEqual(checked_values(str(form["acts"])), {"kidnapping", "020111110000"})
        bound = IncidentForm(
            self.post("kidnapping", "020111110000", place="x"), initial={"acts": initial}
        )
        self.assertNotIn("acts", bound.changed_data)
        bound = IncidentForm(self.post("kidnapping", place="x"), initial={"acts": initial})
        self.assertIn("acts", bound.changed_data)

    def test_the_widget_is_a_group_labelled_by_a_legend(self) -> None:
        form = IncidentForm()
        self.assertTrue(form["acts"].use_fieldset)
        self.assertNotIn("for=", str(form["acts"].legend_tag()))
