"""Labels of vocabulary codes and screening results, in the active language.

{% load people_tags %}
{{ need|need_label }}              a SpecificNeed, a DerivedNeed or a code ("DS-BD")
{{ person.nationality|vocab_label:"COUNTRIES" }}
{{ reason|reason_label }}          "gender.pregnant=yes" -> "Is the person pregnant?: Yes"
{{ need.priority|priority_label }}
"""

from typing import Any

from django import template
from django.utils.translation import gettext

from salvaguarda.lib.vocabularies import Vocabulary
from salvaguarda.people import screening, vocab

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
