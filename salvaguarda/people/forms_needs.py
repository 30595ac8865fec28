"""Forms of a specific need recorded by hand and of a need marked resolved.

The rules are the service's (`services.needs.need_errors`, checked again when saving); each
message is shown next to its field. Dates are read in the organization's time zone.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salvaguarda.core.widgets import DateInput
from salvaguarda.people import validation_records as rules
from salvaguarda.people import vocab
from salvaguarda.people.forms_records import RecordForm
from salvaguarda.people.models import SpecificNeed
from salvaguarda.people.services.needs import NOTE_MAX_LENGTH, need_errors


def need_choices() -> list[tuple[str, Any]]:
    """The codes of the specific-needs list grouped under their main code, each labelled
    "DS-PM · Physical disability" in the active language, with an empty choice first."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for term in vocab.SPECIFIC_NEEDS.terms.values():
        parent = term.extra.get("parent") or term.code
        groups.setdefault(parent, []).append((term.code, f"{term.code} · {term.label}"))
    return [
        ("", _("Choose the need")),
        *(
            (f"{parent} · {vocab.SPECIFIC_NEEDS.label(parent)}", options)
            for parent, options in groups.items()
        ),
    ]


class NeedForm(RecordForm):
    code = forms.ChoiceField(
        label=gettext_lazy("Specific need"),
        choices=need_choices,
        help_text=gettext_lazy(
            "A detailed code when it is known; the main code alone (for example DS, "
            "disability) when it is not."
        ),
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        choices=SpecificNeed.Priority.choices,
        widget=forms.RadioSelect,
    )
    identified_on = forms.DateField(label=gettext_lazy("Identified on"), widget=DateInput())
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Optional: how it is known, for example the medical report or the document "
            "where it is recorded."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identified_on"].initial = self.today

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.add_rule_errors(need_errors(data, today=self.today, born=rules.born_on(self.person)))
        return data


class NeedResolveForm(RecordForm):
    """The day a need was resolved (the service checks it against the need)."""

    resolved_on = forms.DateField(label=gettext_lazy("Resolved on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolved_on"].initial = self.today
