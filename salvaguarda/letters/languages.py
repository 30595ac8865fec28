"""The languages a letter is written in, named in the interface's language: "Spanish" /
"Español" as a label or a column's title, "spanish"-like (lower case in Spanish) inside a
sentence. Codes ("es", "EN") stay for compact labels such as "PDF (EN)"."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

NAMES: dict[str, Promise] = {
    "es": _("Spanish"),
    "en": _("English"),
    "pt": _("Portuguese"),
    "fr": _("French"),
}
IN_A_SENTENCE: dict[str, Promise] = {  # lower case inside a sentence in Spanish
    "es": pgettext_lazy("language in a sentence", "Spanish"),
    "en": pgettext_lazy("language in a sentence", "English"),
    "pt": pgettext_lazy("language in a sentence", "Portuguese"),
    "fr": pgettext_lazy("language in a sentence", "French"),
}


def name(code: str) -> str:
    """The language's name as a label, in the interface's language; an unknown code as is."""
    return str(NAMES.get(code, code))


def in_a_sentence(code: str) -> Promise | str:
    """The language's name inside a sentence (lazy: translated when the sentence is shown)."""
    return IN_A_SENTENCE.get(code, code)
