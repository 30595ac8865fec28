"""Reads of sign-on letters: the list, and one letter with its versions side by side."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from salvaguarda.core import audit
from salvaguarda.letters.models import Letter, LetterVersion, Signatory


def letters_for(user: Any) -> QuerySet[Letter]:
    return Letter.objects.all()


@dataclass
class Numbered:
    """A signatory with the number it shows (members of a coalition are lettered under it)."""

    number: str
    signatory: Signatory
    members: list[Signatory]


@dataclass
class LetterFile:
    letter: Letter
    versions: list[LetterVersion]
    rows: list[list[str | None]]  # aligned paragraphs, one cell per version
    organizations: list[Numbered]
    individuals: list[Numbered]


def _numbered(signatories: list[Signatory]) -> tuple[list[Numbered], list[Numbered]]:
    """Numbers computed from the order, never typed: organizations and coalitions 1, 2, 3...,
    individuals 1, 2, 3... on their own; a coalition's members listed under it."""
    members: dict[int, list[Signatory]] = {}
    for signatory in signatories:
        if signatory.coalition_id is not None:
            members.setdefault(signatory.coalition_id, []).append(signatory)
    organizations = [
        s for s in signatories if s.coalition_id is None and s.kind != Signatory.Kind.INDIVIDUAL
    ]
    individuals = [s for s in signatories if s.kind == Signatory.Kind.INDIVIDUAL]
    return (
        [Numbered(str(n), s, members.get(s.pk, [])) for n, s in enumerate(organizations, 1)],
        [Numbered(str(n), s, []) for n, s in enumerate(individuals, 1)],
    )


def letter_file_for(user: Any, letter_uuid: uuid.UUID) -> LetterFile:
    letter = Letter.objects.filter(uuid=letter_uuid).first()
    if letter is None:
        raise Http404
    audit.record(
        action=audit.Action.VIEW, actor=user, organization_id=letter.organization_id, obj=letter
    )
    versions = list(letter.versions.all())
    by_language = {v.language: v for v in versions}
    rows = []
    for cells in letter.import_report.get("rows", []):
        rows.append(
            [
                by_language[lang].paragraphs[index]
                if index is not None and lang in by_language
                else None
                for lang, index in cells.items()
            ]
        )
    if not rows and versions:
        rows = [[p] for p in versions[0].paragraphs]
    organizations, individuals = _numbered(list(letter.signatories.all()))
    return LetterFile(letter, versions, rows, organizations, individuals)
