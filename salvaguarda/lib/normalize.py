"""Normalization of values before they are blind-indexed, so lookups tolerate trivial variants."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold_text(value: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces.

    'José  Pérez-Núñez' -> 'jose perez nunez'
    """
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped).strip()


def fold_identifier(value: str) -> str:
    """Keep letters and digits only, upper-case: 'a 012-345 678' -> 'A012345678'."""
    return re.sub(r"[^0-9A-Z]", "", fold_text(value).upper())
