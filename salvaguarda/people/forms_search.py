"""The people list's search form: a name, a birth date (or year, or age) and the filters."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from salvaguarda.people.forms import PersonFilterForm
from salvaguarda.people.queries import PersonFilters
from salvaguarda.people.search import UNREADABLE_BIRTH, BirthQuery, parse_birth


class PersonSearchForm(PersonFilterForm):
    """The list's filters and a birth date that ranks the people found (never filters them)."""

    birth = forms.CharField(
        label=_("Date of birth, year or age"),
        help_text=_("For example 12/03/1985, 1985 or 38. It puts the closest first."),
        max_length=20,
        required=False,
    )
    field_order = ["name", "birth"]

    def clean_birth(self) -> BirthQuery | None:
        text = self.cleaned_data.get("birth") or ""
        if not text.strip():
            return None
        birth = parse_birth(text)
        if birth is None:
            raise forms.ValidationError(UNREADABLE_BIRTH)
        return birth

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("birth") and not (data.get("name") or "").strip():
            self.add_error(
                "name", _("A birth date ranks the people found by name: write a name too.")
            )
        return data

    def filters(self) -> PersonFilters:
        found = super().filters()
        return PersonFilters(**{**vars(found), "birth": self.cleaned_data.get("birth")})

    def typed(self) -> dict[str, str]:
        """What was typed in each field, to fill the form again later."""
        return {name: str(self.data.get(name, "")) for name in self.fields}

    def filters_folded(self) -> bool:
        """Whether the filters can stay folded: none is used and none has an error."""
        if not self.is_bound:
            return True
        folded = ("name", "birth")
        return not any(
            self.data.get(name) or self.errors.get(name)
            for name in self.fields
            if name not in folded
        )
