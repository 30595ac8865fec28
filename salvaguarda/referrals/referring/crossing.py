"""What of a person may cross with a referral: the fields the person can agree to share.

The default is the minimum the issue names (first name, age band, language; the need is the
referral's own text): the caseworker adds a field only when the person agrees. Values are copied
at the moment of referral, as codes where there is a vocabulary, and shown translated.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salvaguarda.people import vocab
from salvaguarda.people.models import ContactChannel, Person
from salvaguarda.people.queries import AGE_BANDS


def _age_band(person: Person, today: datetime.date) -> str | None:
    age = person.age_on(today)
    if age is None and person.birth_year:
        age = today.year - person.birth_year
    if age is None:
        return None
    return next((code for code, young, old in AGE_BANDS if young <= age <= old), None)


def _language(person: Person, today: datetime.date) -> dict[str, Any] | None:
    code = person.preferred_language or next(iter(person.languages or []), "")
    if not code:
        return None
    return {"code": code, "interpreter": bool(person.needs_interpreter)}


def _contact(person: Person, today: datetime.date) -> dict[str, str] | None:
    channel = ContactChannel.objects.filter(person=person).order_by("-is_preferred", "id").first()
    if channel is None or not channel.number:
        return None
    return {"kind": channel.kind, "number": str(channel.number)}


def _surnames(person: Person, today: datetime.date) -> str | None:
    return " ".join(str(p) for p in (person.first_surname, person.second_surname) if p) or None


def _date_of_birth(person: Person, today: datetime.date) -> str | None:
    born = person.date_of_birth
    return born.isoformat() if isinstance(born, datetime.date) else None


@dataclass(frozen=True)
class Shareable:
    code: str
    label: Promise
    by_default: bool
    value: Callable[[Person, datetime.date], Any]


SHAREABLE = [
    Shareable("given_names", _("First name"), True, lambda p, d: str(p.given_names or "") or None),
    Shareable("age_band", _("Age band"), True, _age_band),
    Shareable("language", _("Language, and whether an interpreter is needed"), True, _language),
    Shareable("surnames", _("Surnames"), False, _surnames),
    Shareable("date_of_birth", _("Date of birth"), False, _date_of_birth),
    Shareable("sex", _("Sex"), False, lambda p, d: p.sex or None),
    Shareable("nationality", _("Nationality"), False, lambda p, d: p.nationality or None),
    Shareable("city", _("City where they stay"), False, lambda p, d: p.current_city or None),
    Shareable(
        "contact",
        _("Contact channel (only if the person agrees to be contacted)"),
        False,
        _contact,
    ),
]
BY_CODE = {field.code: field for field in SHAREABLE}
DEFAULT = [field.code for field in SHAREABLE if field.by_default]


def copied(person: Person, codes: list[str], today: datetime.date) -> dict[str, Any]:
    """The chosen fields' values now (a field the file does not hold is left out)."""
    values = {}
    for code in codes:
        value = BY_CODE[code].value(person, today)
        if value not in (None, "", {}):
            values[code] = value
    return values


def shown(code: str, value: Any) -> str:
    """A value that crossed, as the receiving caseworker reads it (in the active language)."""
    if code == "sex":
        return str(Person.Sex(value).label) if value in Person.Sex.values else str(value)
    if code == "nationality":
        return vocab.COUNTRIES.label(value) if value in vocab.COUNTRIES else str(value)
    if code == "city":
        return vocab.CITIES.label(value) if value in vocab.CITIES else str(value)
    if code == "language" and isinstance(value, dict):
        code_ = value.get("code", "")
        name = vocab.LANGUAGES.label(code_) if code_ in vocab.LANGUAGES else code_
        return (
            str(_("%(language)s, needs an interpreter") % {"language": name})
            if value.get("interpreter")
            else name
        )
    if code == "contact" and isinstance(value, dict):
        kind = value.get("kind", "")
        label = ContactChannel.Kind(kind).label if kind in ContactChannel.Kind.values else kind
        return f"{label}: {value.get('number', '')}"
    if code == "date_of_birth":
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def rows(shared: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) of what crossed, in the catalog's order."""
    if not shared:
        return []
    return [(str(f.label), shown(f.code, shared[f.code])) for f in SHAREABLE if f.code in shared]
