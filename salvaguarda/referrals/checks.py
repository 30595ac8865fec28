"""Field checks shared by the writes of rights and of documents: an error added by field, the
person's today, a day that is neither in the future nor before the person was born, a text of
bounded length. Errors are collected by field (`core.writes.Errors`) and raised together."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from salvaguarda.core.writes import Errors
from salvaguarda.people.models import Person
from salvaguarda.people.services.records import person_today

MAX_NOTE = 1000


def add(errors: Errors, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def as_date(value: Any) -> Any:
    """An ISO date given as text (the API) read as a date; anything else as it came."""
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def day(
    errors: Errors,
    field: str,
    value: Any,
    person: Person,
    *,
    required: bool,
    today: datetime.date | None = None,
) -> datetime.date | None:
    """A past or present day, not before the person was born; None when blank or refused."""
    value = as_date(value)
    if value in (None, ""):
        if required:
            add(errors, field, _("Enter the date."), "required")
        return None
    if not isinstance(value, datetime.date):
        add(errors, field, _("Enter a valid date."), "invalid")
        return None
    if value > (today or person_today(person)):
        add(errors, field, _("This date cannot be in the future."), "future")
        return None
    born = person.date_of_birth
    if isinstance(born, datetime.date) and value < born:
        add(errors, field, _("This date is before the person was born."), "before_birth")
        return None
    return value


def text(errors: Errors, field: str, value: Any, limit: int) -> str:
    """The text stripped (and without NUL); refused over `limit` characters."""
    found = str(value or "").replace("\x00", "").strip()
    if len(found) > limit:
        add(errors, field, _("Keep it under %(count)d characters.") % {"count": limit}, "max")
    return found
