"""The screening form, built from the questionnaire data (salvaguarda.people.screening) for the
person screened: only the questions asked of their age band and sex."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.widgets import DateInput
from salvaguarda.people import vocab
from salvaguarda.people.screening import (
    AGE_BAND_LABELS,
    QUESTIONS,
    AgeBand,
    Kind,
    Question,
    Respondent,
    Section,
    sections_for,
)


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
    if question.takes_codes:
        return forms.TypedChoiceField(
            choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **common
        )
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)


def band_choices() -> list[tuple[str, str]]:
    return [(str(band), str(AGE_BAND_LABELS[band])) for band in AgeBand]


class AgeBandForm(forms.Form):
    """The first step when the file has no birth date: the person's age band."""

    banda = forms.ChoiceField(
        label=_("Age of the person on the day of the screening"),
        widget=forms.RadioSelect,
        help_text=_("Ask the person or their caregiver; an estimate is enough."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["banda"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = band_choices()


@dataclass(frozen=True)
class QuestionField:
    question: Question
    field: forms.BoundField

    @property
    def condition(self) -> str:
        """When to ask it, for a question that follows another ("" for the others)."""
        if self.question.only_after is None:
            return ""
        key, value = self.question.only_after
        earlier = QUESTIONS[key]
        return gettext("Ask only after the answer “%(answer)s” to “%(question)s”.") % {
            "answer": earlier.label_of(value),
            "question": earlier.label,
        }


@dataclass(frozen=True)
class SectionFields:
    section: Section
    questions: list[QuestionField]


class ScreeningForm(forms.Form):
    """Every question is optional: a question left unanswered was not asked."""

    screened_on = forms.DateField(label=_("Date of the screening"), widget=DateInput())
    language = forms.ChoiceField(label=_("Language of the screening"), required=False)
    age_band = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, respondent: Respondent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.respondent = respondent
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)  # noqa: S101 - declared above
        language.choices = [("", "—"), *vocab.LANGUAGES.choices()]
        band = self.fields["age_band"]
        assert isinstance(band, forms.ChoiceField)  # noqa: S101 - declared above
        band.choices = [("", "—"), *band_choices()]
        self.parts = sections_for(respondent)
        for section in self.parts:
            for question in section.questions:
                self.fields[question.key] = _field_for(question)

    def sections(self) -> list[SectionFields]:
        return [
            SectionFields(section, [QuestionField(q, self[q.key]) for q in section.questions])
            for section in self.parts
        ]

    def answers(self) -> dict[str, Any]:
        """The answers given (after is_valid), keyed by question key, unanswered left out."""
        return {
            q.key: self.cleaned_data[q.key]
            for section in self.parts
            for q in section.questions
            if self.cleaned_data.get(q.key) not in (None, "")
        }
