"""What every form that a service checks again shares."""

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


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


def saved(
    request: HttpRequest, form: RuleForm, write: Callable[[], Any], message: str = ""
) -> bool:
    """Run a service's write for a valid form; True when it was saved (with `message`, if any,
    shown on the next page), else the service's messages go on the form."""
    try:
        write()
    except ValidationError as exc:
        form.add_rule_errors(exc)
        return False
    if message:
        messages.success(request, message)
    return True
