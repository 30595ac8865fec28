"""The form of access to rights: where a person stands with one right on a day, and that
right's own facts (`details.DETAILS`).

One form holds the facts of every right offered (each field named `<right>_<code>`, shown only
for the chosen right); the service gets only the chosen right's, and a fact left blank is not
recorded.
"""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.forms import RuleForm
from salvaguarda.people.models import Person
from salvaguarda.referrals.rights.details import DETAILS, Detail, applies
from salvaguarda.referrals.rights.models import Barrier, Right, State

YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def offered(person: Person, today: datetime.date) -> list[tuple[str, Any]]:
    """The rights asked about for the person at their age today (all when it is not known)."""
    return [(right.value, right.label) for right in Right if applies(right, person, today)]


def detail_field_name(right: str, detail: Detail) -> str:
    return f"{right}_{detail.code}"


def _detail_field(detail: Detail) -> forms.Field:
    label = str(detail.label)  # the form is built per request, in its language
    if detail.kind == "yes_no":
        return forms.ChoiceField(label=label, choices=YES_NO, required=False)
    if detail.kind == "date":
        return forms.DateField(
            label=label,
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
    return forms.CharField(label=label, max_length=200, required=False)


class RightForm(RuleForm):
    right = forms.ChoiceField(label=_("Right"), widget=forms.RadioSelect)
    state = forms.ChoiceField(
        label=_("Where the person stands"), choices=State.choices, widget=forms.RadioSelect
    )
    barrier = forms.ChoiceField(
        label=_("What stood in the way"),
        choices=[("", "—"), *Barrier.choices],
        required=False,
        help_text=_("When the person met a barrier."),
    )
    as_of = forms.DateField(
        label=_("On"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave it empty for today."),
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def __init__(
        self, *args: Any, person: Person, today: datetime.date, right: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = offered(person, today)
        self.fields["right"].choices = choices  # type: ignore[attr-defined]
        if right in dict(choices):
            self.fields["right"].initial = right
        # The facts of each right offered, in the order of the choices.
        self.detail_groups: list[tuple[str, Any, list[str]]] = []
        for code, label in choices:
            names = []
            for detail in DETAILS.get(code, []):
                name = detail_field_name(code, detail)
                self.fields[name] = _detail_field(detail)
                names.append(name)
            if names:
                self.detail_groups.append((code, label, names))
        # The service names a fact by its code: its message goes to the chosen right's field.
        self.fact_fields: dict[str, str] = {}

    def add_rule_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            exc = ValidationError(
                {self.fact_fields.get(k, k): v for k, v in exc.error_dict.items()}
            )
        super().add_rule_errors(exc)

    def groups(self) -> list[dict[str, Any]]:
        """The facts of each right, as bound fields, for the template."""
        return [
            {"right": code, "label": label, "fields": [self[name] for name in names]}
            for code, label, names in self.detail_groups
        ]

    def data_for_service(self) -> dict[str, Any]:
        """What `services.right_record` takes, from the valid form: only the chosen right's
        facts, and only those given."""
        data = self.cleaned_data
        right = data["right"]
        details: dict[str, Any] = {}
        for detail in DETAILS.get(right, []):
            name = detail_field_name(right, detail)
            value = data.get(name)
            if value in (None, ""):
                continue
            details[detail.code] = value == "yes" if detail.kind == "yes_no" else value
            self.fact_fields[detail.code] = name
        return {
            "right": right,
            "state": data["state"],
            "barrier": data["barrier"],
            "as_of": data["as_of"],
            "details": details,
            "note": data["note"],
        }
