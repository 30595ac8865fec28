"""What every form that a service checks again shares."""

from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError


class RuleForm(forms.Form):
    """A form whose values a service checks again: it shows the service's messages too, next
    to the field that holds the value (`rule_fields` maps a service's name to the form's)."""

    rule_fields: ClassVar[dict[str, str]] = {}

    def add_rule_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, found in exc.error_dict.items():
            target = self.rule_fields.get(field, field)
            self.add_error(target if target in self.fields else None, found)
