"""`lang` attributes for text in a language stored as an ISO 639-3 code ("spa", "hat", "mam").

HTML wants a BCP 47 tag, whose primary subtag is the two-letter ISO 639-1 code where one exists
("es", "ht"); a language with none ("mam", "quc") keeps its three letters, as the IANA registry
lists them. Screen readers choose their voice from it.
"""

from django import template

register = template.Library()

# The languages of people/vocabularies/languages.csv that have a two-letter code.
TWO_LETTER = {
    "spa": "es",
    "eng": "en",
    "hat": "ht",
    "por": "pt",
    "fra": "fr",
    "que": "qu",
    "ara": "ar",
    "rus": "ru",
    "tur": "tr",
    "wol": "wo",
    "lin": "ln",
    "hin": "hi",
    "pan": "pa",
    "nep": "ne",
    "ben": "bn",
    "cmn": "zh",
    "uzb": "uz",
}


@register.filter
def html_lang(code: str) -> str:
    return TWO_LETTER.get(code, code)
