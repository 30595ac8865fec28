"""Controlled vocabularies shipped as CSV data (code, label_es, label_en, optional extra columns).

Codes are stable keys stored in the database; labels follow the active language. Editing a CSV
changes the list without touching code; removing a code that rows still hold is not supported.
"""

import csv
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.utils.translation import get_language


@dataclass(frozen=True)
class Term:
    code: str
    label_es: str
    label_en: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "es").startswith("en") else self.label_es


class Vocabulary:
    """One CSV file. Loaded once, on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def terms(self) -> dict[str, Term]:
        with self.path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        terms = {}
        for row in rows:
            code = row.pop("code")
            terms[code] = Term(code, row.pop("label_es"), row.pop("label_en"), row)
        return terms

    def __contains__(self, code: object) -> bool:
        return code in self.terms

    def label(self, code: str) -> str:
        term = self.terms.get(code)
        return term.label if term else code

    def choices(self) -> list[tuple[str, str]]:
        return [(term.code, term.label) for term in self.terms.values()]

    def codes(self) -> list[str]:
        return list(self.terms)
