"""Reads of sign-on letters: the list, and one letter with its versions side by side."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from salvaguarda.accounts.models import Role
from salvaguarda.core import audit
from salvaguarda.letters import alignment, figures, names, queries_figures
from salvaguarda.letters.document import Signatory as Listed
from salvaguarda.letters.models import Letter, LetterVersion, Signatory


def letters_for(user: Any) -> QuerySet[Letter]:
    """The organization's letters, newest first, each with how many sign it (organizations
    and coalitions on their own, and individuals)."""
    return Letter.objects.annotate(
        signature_count=Count("signatories", filter=Q(signatories__coalition__isnull=True))
    )


@dataclass
class Numbered:
    """A signatory with the number it shows (members of a coalition are lettered under it)."""

    number: str
    signatory: Signatory
    members: list[Signatory]


@dataclass
class Twice:
    """Two signatures of one organization, and which row a merge keeps."""

    kind: str
    reason: str
    keep: Signatory
    remove: Signatory


@dataclass
class Cell:
    language: str
    index: int | None  # the paragraph's index in its version, None when it is missing
    text: str | None  # as written; HTML (escaped) showing the values when it carries marks
    changed: bool  # changed in this language since the versions were last marked in step


@dataclass
class LetterFile:
    letter: Letter
    versions: list[LetterVersion]
    rows: list[list[Cell]]  # aligned paragraphs, one cell per version
    drifts: list[alignment.Drift]
    organizations: list[Numbered]
    individuals: list[Numbered]
    twice: list[Twice]

    @property
    def problem_count(self) -> int:
        """How many lines the import (and versions added later) could not read."""
        return sum(len(found) for found in self.letter.import_report.get("problems", {}).values())


def numbered(signatories: list[Signatory]) -> tuple[list[Numbered], list[Numbered]]:
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


def letter_get_for(user: Any, letter_uuid: uuid.UUID) -> Letter:
    """One letter of the organization, audited as a view; 404 otherwise."""
    letter = Letter.objects.filter(uuid=letter_uuid).first()
    if letter is None:
        raise Http404
    audit.record(
        action=audit.Action.VIEW, actor=user, organization_id=letter.organization_id, obj=letter
    )
    return letter


def may_edit(role: str | None, user: Any, letter: Letter) -> bool:
    """The letter's editors and the organization's coordinators change it (its text, fields,
    signatories, figures and pending signatures); a letter without editors, any member."""
    if role == Role.COORDINATOR:
        return True
    editors = {editor.pk for editor in letter.editors.all()}
    return not editors or getattr(user, "pk", None) in editors


def letter_to_edit(user: Any, role: str | None, letter_uuid: uuid.UUID) -> Letter:
    """One letter of the organization that `user` may change (audited as a view); 404 if it is
    not the organization's, 403 if the account is not one of its editors."""
    letter = letter_get_for(user, letter_uuid)
    if not may_edit(role, user, letter):
        raise PermissionDenied
    return letter


def version_of(letter: Letter, language: str) -> LetterVersion:
    version = letter.versions.filter(language=language).first()
    if version is None:
        raise Http404
    return version


def signatory_of(letter: Letter, signatory_uuid: uuid.UUID) -> Signatory:
    signatory = letter.signatories.filter(uuid=signatory_uuid).first()
    if signatory is None:
        raise Http404
    return signatory


def letter_file_for(user: Any, letter_uuid: uuid.UUID) -> LetterFile:
    letter = letter_get_for(user, letter_uuid)
    versions = list(letter.versions.all())
    paragraphs = {v.language: list(v.paragraphs) for v in versions}
    rows = alignment.align(paragraphs) if paragraphs else []
    changed = set(_changed_since(versions, paragraphs))
    values = queries_figures.values_of(letter)
    cells = [
        [
            Cell(
                lang,
                index,
                _shown(paragraphs[lang][index], values) if index is not None else None,
                (lang, index) in changed,
            )
            for lang, index in row.cells.items()
        ]
        for row in rows
    ]
    signatories = list(letter.signatories.all())
    organizations, individuals = numbered(signatories)
    return LetterFile(
        letter,
        versions,
        cells,
        alignment.drifts(paragraphs, rows) if len(paragraphs) > 1 else [],
        organizations,
        individuals,
        _twice(organizations),
    )


def _shown(paragraph: str, values: dict[str, str]) -> str:
    """A paragraph as written; one that carries figures' marks, as HTML that shows each mark's
    value highlighted (the mark in its title)."""
    return figures.replaced_html(paragraph, values) if figures.keys_in(paragraph) else paragraph


def _changed_since(
    versions: list[LetterVersion], paragraphs: dict[str, list[str]]
) -> list[tuple[str, int]]:
    confirmed = {v.language: list(v.in_step_fingerprints) for v in versions if v.in_step_at}
    if len(confirmed) != len(versions):
        return []
    return alignment.changed_since(confirmed, paragraphs)


def listed(organizations: list[Numbered]) -> list[Listed]:
    """The numbered organizations in the shape `names.duplicates` reads."""
    return [
        Listed(
            kind=item.signatory.kind,
            name=item.signatory.name,
            acronym=item.signatory.acronym,
            members=[m.name for m in item.members],
        )
        for item in organizations
    ]


def _twice(organizations: list[Numbered]) -> list[Twice]:
    """Organizations signing twice, as `names.duplicates` finds them, mapped to their rows."""

    def row(position: tuple[int, ...]) -> Signatory:
        item = organizations[position[0]]
        return item.members[position[1]] if len(position) > 1 else item.signatory

    found = []
    for duplicate in names.duplicates(listed(organizations), {}):
        keep = row(duplicate.keep)
        other = duplicate.second if duplicate.keep == duplicate.first else duplicate.first
        found.append(Twice(duplicate.kind, duplicate.reason, keep, row(other)))
    return found
