"""Reads of sign-on letters: the list, and one letter with its versions side by side."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import translation

from salvaguarda.accounts.models import Role
from salvaguarda.core import audit
from salvaguarda.letters import (
    alignment,
    figures,
    member_roles,
    names,
    queries_figures,
    signatory_lists,
)
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
class Entry:
    """A signatory as one version lists it: its number there, its name as that version writes
    it, and the row it stands for (None when only that version lists it)."""

    number: str
    written: str
    name: str
    kind: str
    row: Signatory | None
    members: list["Entry"]
    title: str = ""
    affiliation: str = ""


@dataclass
class Twice:
    """Two signatures of one organization, and which row a merge keeps."""

    kind: str
    reason: str
    keep: Signatory  # the fuller of the two, kept by default
    remove: Signatory
    number: str = ""  # an individual's number in the list (individual_represents)


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
    list_drifts: list[signatory_lists.ListDrift]
    reference: LetterVersion | None

    @property
    def all_drifts(self) -> list[Any]:
        """The paragraphs' drifts, then the signatory lists'."""
        return [*self.drifts, *self.list_drifts]

    @property
    def duplicate_pairs(self) -> list[tuple[str, str]]:
        """The names of each pair listed twice, as the reference version writes them."""
        written: dict[Any, str] = {}
        if self.reference is not None:
            organizations, _people = version_lists(self.letter, self.reference)
            for entry in organizations:
                for item in (entry, *entry.members):
                    if item.row is not None:
                        written[item.row.pk] = item.written
        return [
            (written.get(t.keep.pk, t.keep.name), written.get(t.remove.pk, t.remove.name))
            for t in self.twice
        ]

    @property
    def listed(self) -> tuple[list[Entry], list[Entry]]:
        """The letter's signatories in order, each as the reference version writes it
        ("Médicos del Mundo - México", not its parts joined again), for the letter's page."""
        if self.reference is not None:
            return version_lists(self.letter, self.reference)
        return _reference_entries({}, self.organizations, self.individuals)

    @property
    def problems(self) -> list[tuple[str, int, str]]:
        """What the import (and versions added later) could not read, as (language, line,
        message), each message in the interface's language when the report keeps it so."""
        shown = translation.get_language() or ""
        return [
            (language, problem.get("line", 0), _message(problem, shown))
            for language, found in self.letter.import_report.get("problems", {}).items()
            for problem in found
        ]

    @property
    def problem_count(self) -> int:
        """How many lines the import (and versions added later) could not read."""
        return sum(len(found) for found in self.letter.import_report.get("problems", {}).values())


def _message(problem: dict[str, Any], language: str) -> str:
    messages = problem.get("messages") or {}
    return str(messages.get(language) or messages.get(language[:2]) or problem.get("message", ""))


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
    reference = next((v for v in versions if v.language == letter.reference_language), None)
    list_drifts = [
        drift
        for version in versions
        if reference is not None and version.pk != reference.pk
        for drift in signatory_lists.list_drifts(
            reference.signatory_lists,
            version.signatory_lists,
            (reference.language, version.language),
        )
    ]
    return LetterFile(
        letter,
        versions,
        cells,
        alignment.drifts(paragraphs, rows) if len(paragraphs) > 1 else [],
        organizations,
        individuals,
        _twice(organizations, individuals),
        list_drifts,
        reference,
    )


def version_lists(
    letter: Letter, version: LetterVersion, signatories: list[Signatory] | None = None
) -> tuple[list[Entry], list[Entry]]:
    """A version's signatories as that version lists them, numbered in its own order: its
    entries as it writes them (a signatory changed by hand since, as it now reads), without
    those removed since, and with those added by hand at the end."""
    rows = signatories if signatories is not None else list(letter.signatories.all())
    by_uuid = {str(row.uuid): row for row in rows}
    lists = version.signatory_lists or {}
    organizations, individuals = numbered(rows)
    if version.language == letter.reference_language or not lists:
        if not lists:  # no lists of its own: the reference version's, as it writes them
            reference_version = letter.versions.filter(language=letter.reference_language).first()
            lists = reference_version.signatory_lists if reference_version else {}
        return _reference_entries(lists, organizations, individuals)

    reference = {}
    for other in letter.versions.all():
        if other.language == letter.reference_language:
            reference = _names_by_row(other.signatory_lists or {})
    absent = set(lists.get("absent", []))
    members_of: dict[int, list[Signatory]] = {}
    for row in rows:
        if row.coalition_id is not None:
            members_of.setdefault(row.coalition_id, []).append(row)

    def edited(row: Signatory | None) -> bool:
        """Changed by hand since the import: the version's own spelling no longer holds."""
        return row is not None and not _imported_as(reference.get(str(row.uuid)), row)

    def shown(item: dict[str, Any], row: Signatory | None) -> str:
        if row is not None and edited(row):
            return _line(row)
        return str(item.get("written") or item.get("name", ""))

    def entries(items: list[dict[str, Any]], extra: list[Signatory], skip: set[str]) -> list[Entry]:
        out: list[Entry] = []
        listed: set[str] = set()
        for item in items:
            row = by_uuid.get(item.get("row") or "")
            if item.get("row") and row is None:
                continue  # removed, or merged into another, since
            if row is not None:
                listed.add(str(row.uuid))
            members = members_of.get(row.pk, []) if row is not None else []
            member_entries = entries(
                item.get("members", []),
                members,
                set(item.get("absent_members", [])),
            )
            out.append(
                Entry(
                    "",
                    shown(item, row),
                    row.name if row is not None and edited(row) else str(item.get("name", "")),
                    row.kind if row is not None else str(item.get("kind", "organization")),
                    row,
                    member_entries,
                    row.title if row is not None and edited(row) else str(item.get("title", "")),
                    str(item.get("affiliation", "")),
                )
            )
        for row in extra:
            if str(row.uuid) not in listed and str(row.uuid) not in skip:
                out.append(
                    Entry("", _line(row), row.name, row.kind, row, [], row.title, row.affiliation)
                )
        return out

    top = [item.signatory for item in organizations]
    people = [item.signatory for item in individuals]
    own = entries(lists.get("organizations", []), top, absent)
    persons = entries(lists.get("individuals", []), people, absent)
    return _numbered_entries(own), _numbered_entries(persons)


def _names_by_row(lists: dict[str, Any]) -> dict[str, str]:
    out = {}
    for item in (*lists.get("organizations", []), *lists.get("individuals", [])):
        if item.get("row"):
            out[item["row"]] = item.get("name", "")
        for member in item.get("members", []):
            if member.get("row"):
                out[member["row"]] = member.get("name", "")
    return out


def _reference_entries(
    lists: dict[str, Any], organizations: list[Numbered], individuals: list[Numbered]
) -> tuple[list[Entry], list[Entry]]:
    """The reference version lists the letter's signatories in their order; each as it wrote
    it, unless changed by hand since."""
    written: dict[str, tuple[str, str]] = {}
    for item in (*lists.get("organizations", []), *lists.get("individuals", [])):
        for one in (item, *item.get("members", [])):
            if one.get("row"):
                written[one["row"]] = (one.get("name", ""), one.get("written", ""))

    def shown(row: Signatory) -> str:
        name, as_written = written.get(str(row.uuid), ("", ""))
        return as_written if as_written and _imported_as(name, row) else _line(row)

    def member(row: Signatory) -> Entry:
        line = shown(row)  # its role is in the line as written, else in its title
        return Entry("", line, row.name, row.kind, row, [], row.title if line == _line(row) else "")

    def entry(item: Numbered) -> Entry:
        s = item.signatory
        members = [member(m) for m in item.members]
        return Entry(item.number, shown(s), s.name, s.kind, s, members, s.title, s.affiliation)

    return [entry(i) for i in organizations], [entry(i) for i in individuals]


def _numbered_entries(entries: list[Entry]) -> list[Entry]:
    for number, entry in enumerate(entries, 1):
        entry.number = str(number)
    return entries


def _imported_as(name: str | None, row: Signatory) -> bool:
    """Whether the row still reads as the entry a version's list names `name` (not changed by
    hand since): the same name, or for a coalition member the same name and role, which the
    import stores apart ("Casa X, representada por Ana Ruiz": `member_roles.member_parts`)."""
    if name is None or name[:300] == row.name:
        return True
    if row.coalition_id is None:
        return False
    member, role = member_roles.member_parts(name)
    return member[:300] == row.name and role[:200] == row.title


def _line(row: Signatory) -> str:
    """A signatory as a line: "Name (ACRONYM), Country" or "Name, title, affiliation"."""
    if row.kind == Signatory.Kind.INDIVIDUAL:
        return ", ".join(p for p in (row.name, row.title, row.affiliation) if p)
    line = row.name + (f" ({row.acronym})" if row.acronym else "")
    return line + (f", {row.country}" if row.country else "")


def _shown(paragraph: str, values: dict[str, str]) -> str:
    """A paragraph as HTML: links and emphasis as every output writes them, each figure's mark
    shown as its value highlighted (the mark in its title)."""
    return figures.replaced_html(paragraph, values)


def _changed_since(
    versions: list[LetterVersion], paragraphs: dict[str, list[str]]
) -> list[tuple[str, int]]:
    confirmed = {v.language: list(v.in_step_fingerprints) for v in versions if v.in_step_at}
    if len(confirmed) != len(versions):
        return []
    return alignment.changed_since(confirmed, paragraphs)


def listed(organizations: list[Numbered], *, roles: bool = False) -> list[Listed]:
    """The numbered organizations in the shape `names.duplicates` reads; with `roles`, each
    member's role after its name ("Casa X (representada por Ana Ruiz)"), as
    `names.representatives` looks for the people who represent them."""
    return [
        Listed(
            kind=item.signatory.kind,
            name=item.signatory.name,
            acronym=item.signatory.acronym,
            members=[
                f"{m.name} ({m.title})" if roles and m.title else m.name for m in item.members
            ],
        )
        for item in organizations
    ]


def _twice(organizations: list[Numbered], individuals: list[Numbered]) -> list[Twice]:
    """Signatories listed twice, as `names.duplicates` and `names.representatives` find them,
    mapped to their rows."""

    def row(position: tuple[int, ...]) -> Signatory:
        item = organizations[position[0]]
        return item.members[position[1]] if len(position) > 1 else item.signatory

    found = []
    for duplicate in names.duplicates(listed(organizations), {}):
        keep = row(duplicate.keep)
        other = row(duplicate.second if duplicate.keep == duplicate.first else duplicate.first)
        if _fuller(other, keep):
            keep, other = other, keep
        found.append(Twice(duplicate.kind, duplicate.reason, keep, other))
    people = [item.signatory for item in individuals]
    persons = [Listed(kind="individual", name=person.name) for person in people]
    for duplicate in names.representatives(listed(organizations, roles=True), persons):
        n = duplicate.second[1]
        found.append(
            Twice(
                duplicate.kind,
                duplicate.reason,
                row(duplicate.first),
                people[n],
                number=individuals[n].number,
            )
        )
    return found


def _fuller(a: Signatory, b: Signatory) -> bool:
    """Whether `a` says more than `b`: its name is longer once the acronym is counted in
    ("Centro de Derechos Humanos …" over "CDHFMC"; "Albergue X (Tijuana)" over "Albergue X")."""
    return len(a.name) + len(a.acronym) > len(b.name) + len(b.acronym)
