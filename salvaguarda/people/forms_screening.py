"""The screening form, built from the questionnaire data (salvaguarda.people.screening)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.widgets import DateInput
from salvaguarda.people import vocab
from salvaguarda.people.screening import QUESTIONNAIRE, QUESTIONS, Kind, Question, Section


def _field_for(question: Question) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "help_text": question.help_text,
        "required": False,
    }
    if question.kind is Kind.NUMBER:
        return forms.IntegerField(
            min_value=question.minimum,
            max_value=question.maximum,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    choices = [(option.value, option.label) for option in question.options]
    if question.kind is Kind.WG:
        return forms.TypedChoiceField(
            choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **common
        )
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)


@dataclass(frozen=True)
class QuestionField:
    question: Question
    field: forms.BoundField


@dataclass(frozen=True)
class SectionFields:
    section: Section
    questions: list[QuestionField]


class ScreeningForm(forms.Form):
    """Every question is optional: a question left unanswered was not asked."""

    screened_on = forms.DateField(label=_("Date of the screening"), widget=DateInput())
    language = forms.ChoiceField(label=_("Language of the screening"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)  # noqa: S101 - declared above
        language.choices = [("", "—"), *vocab.LANGUAGES.choices()]
        for question in QUESTIONS.values():
            self.fields[question.key] = _field_for(question)

    def sections(self) -> list[SectionFields]:
        return [
            SectionFields(section, [QuestionField(q, self[q.key]) for q in section.questions])
            for section in QUESTIONNAIRE
        ]

    def answers(self) -> dict[str, Any]:
        """The answers given (after is_valid), keyed by question key, unanswered left out."""
        return {
            key: self.cleaned_data[key]
            for key in QUESTIONS
            if self.cleaned_data.get(key) not in (None, "")
        }
