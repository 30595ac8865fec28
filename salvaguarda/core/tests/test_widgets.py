import datetime

from django import forms
from django.test import SimpleTestCase
from django.utils import translation

from salvaguarda.core.widgets import DateInput, QuickSelect

CHOICES = [("", "Cualquiera"), ("HND", "Honduras"), ("GTM", "Guatemala"), ("A&B", "<b>x</b>")]


class Both(forms.Form):
    django = forms.ChoiceField(choices=CHOICES, required=False, help_text="Ayuda")
    quick = forms.ChoiceField(
        choices=CHOICES, required=False, help_text="Ayuda", widget=QuickSelect
    )


GROUPED = [("", "—"), ("Frecuentes", [("a", "A"), ("b", "B")]), ("Otros <x>", [("c", "C")])]


class Grouped(forms.Form):
    django = forms.ChoiceField(choices=GROUPED, required=False)
    quick = forms.ChoiceField(choices=GROUPED, required=False, widget=QuickSelect)


class QuickSelectTest(SimpleTestCase):
    def assert_same(self, data: dict[str, str] | None) -> None:
        form = Both(data)
        form.is_valid()
        expected = str(form["django"]).replace("django", "FIELD")
        self.assertHTMLEqual(str(form["quick"]).replace("quick", "FIELD"), expected)

    def test_it_renders_what_django_renders(self) -> None:
        self.assert_same(None)
        self.assert_same({"django": "GTM", "quick": "GTM"})
        self.assert_same({"django": "A&B", "quick": "A&B"})
        self.assert_same({"django": "XXX", "quick": "XXX"})  # invalid: aria-invalid

    def test_grouped_choices_keep_their_groups(self) -> None:
        form = Grouped({"django": "c", "quick": "c"})
        form.is_valid()
        expected = str(form["django"]).replace("django", "FIELD")
        self.assertHTMLEqual(str(form["quick"]).replace("quick", "FIELD"), expected)
        self.assertIn('<optgroup label="Otros &lt;x&gt;">', str(form["quick"]))

    def test_it_escapes_labels_and_values(self) -> None:
        html = str(Both()["quick"])
        self.assertIn('value="A&amp;B"', html)
        self.assertIn("&lt;b&gt;x&lt;/b&gt;", html)


class DateInputTest(SimpleTestCase):
    def test_a_date_is_given_to_the_browser_in_iso_form_in_every_language(self) -> None:
        field = forms.DateField(widget=DateInput())
        for language in ("es", "en"):
            with translation.override(language):
                html = field.widget.render("day", datetime.date(2026, 3, 9))
            self.assertIn('type="date"', html)
            self.assertIn('value="2026-03-09"', html)
