"""Labels of vocabulary codes and screening results, in the active language.

{% load people_tags %}
{{ need|need_label }}              a SpecificNeed, a DerivedNeed or a code ("DS-BD")
{{ person.nationality|vocab_label:"COUNTRIES" }}
{{ reason|reason_label }}          "gender.pregnant=yes" -> "Is the person pregnant?: Yes"
{{ need.priority|priority_label }}
{{ person|birth_date }}            "1991 (year only)", "about 2017 (estimated from the age)"
{{ returns|handed_out }}           (return, document label) for each document given at a return
{{ incident|is_recorded:"testimony" }}  whether an encrypted field holds a value (not decrypted)
"""

import datetime
from typing import Any

from django import template
from django.db import models
from django.utils import formats
from django.utils.translation import gettext

from salvaguarda.core.fields import Ciphertext
from salvaguarda.lib.vocabularies import Vocabulary
from salvaguarda.people import screening, vocab
from salvaguarda.people.models import Person, ReturnEvent
from salvaguarda.people.validation_records import reception_document_choices

register = template.Library()


@register.filter
def need_label(need: Any) -> str:
    """The label of a specific-needs code, or of a need (anything with code and subcode)."""
    if need is None or need == "":
        return ""
    code = need if isinstance(need, str) else screening.full_code(need)
    return vocab.SPECIFIC_NEEDS.label(code)


@register.filter
def vocab_label(code: Any, name: str) -> str:
    """The label of `code` in the vocabulary `name` of salvaguarda.people.vocab."""
    vocabulary = getattr(vocab, str(name).upper(), None)
    if not isinstance(vocabulary, Vocabulary) or code in (None, ""):
        return "" if code is None else str(code)
    return vocabulary.label(str(code))


@register.filter
def reason_label(reason: str) -> str:
    question, answer = screening.describe_reason(str(reason))
    return gettext("%(question)s: %(answer)s") % {"question": question, "answer": answer}


@register.filter
def priority_label(priority: str) -> str:
    label = screening.PRIORITY_LABELS.get(str(priority))
    return str(label) if label is not None else ""


@register.filter
def birth_date(person: Person) -> str:
    """The date of birth as far as it is known: a year known alone is shown alone, and an
    estimate from the age as the year it gives (stored as a whole date either way)."""
    born = person.date_of_birth
    if not isinstance(born, datetime.date):
        return ""
    precision = person.birth_precision
    if precision == Person.BirthPrecision.YEAR:
        return gettext("%(year)s (year only)") % {"year": born.year}
    if precision == Person.BirthPrecision.ESTIMATED:
        return gettext("about %(year)s (estimated from the age)") % {"year": born.year}
    if precision == Person.BirthPrecision.MONTH:
        return formats.date_format(born, "YEAR_MONTH_FORMAT")
    return formats.date_format(born, "DATE_FORMAT")


@register.filter
def reception_documents(record: ReturnEvent) -> list[str]:
    """The labels of the documents given at a return ("None" when none was given)."""
    labels = dict(reception_document_choices())
    return [labels.get(code, code) for code in record.reception_documents or []]


@register.filter
def handed_out(returns: list[ReturnEvent]) -> list[tuple[ReturnEvent, str]]:
    """Each document given at one of the returns, with its return, for the documents panel.
    The return keeps them (a field of its own): they are shown from there, not copied."""
    labels = dict(reception_document_choices())
    return [
        (record, labels.get(code, code))
        for record in returns or []
        for code in record.reception_documents or []
        if code != "none"
    ]


@register.filter
def is_recorded(record: models.Model, field: str) -> bool:
    """Whether an encrypted field of `record` holds a value, read without decrypting it (an
    empty value is stored as nothing): a page may say a testimony exists without reading it."""
    value = record.__dict__.get(field)
    if isinstance(value, Ciphertext):
        return True
    return value not in (None, "")
