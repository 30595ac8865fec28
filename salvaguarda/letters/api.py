"""The sign-on letter endpoints of the REST API (mounted by `salvaguarda.api`).

A letter is imported from its language versions (plain text or Markdown), read with its
versions aligned, its drifts and its signatories numbered, and changed as on its page: a
paragraph edited, the versions marked in step, two signatures merged. The outputs (Markdown per
language, signatories as CSV) are downloads. Same isolation and audit as the pages.
"""

import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from salvaguarda.core.access import Policy, active_organization, policy, signed_in_user
from salvaguarda.letters import queries, services
from salvaguarda.letters.views import (
    document_download,
    markdown_download,
    signatories_download,
)
from salvaguarda.people.api import REFUSALS, Input

router = Router()

LETTER = "/letters/{uuid:letter_uuid}"


class LetterIn(Input):
    """Each language version as plain text or Markdown; the first one given is the reference."""

    es: str = ""
    en: str = ""
    pt: str = ""
    fr: str = ""


class ParagraphIn(Input):
    text: str


class MergeIn(Input):
    keep: UUID
    remove: UUID


class LetterBriefOut(Schema):
    uuid: UUID
    subject: str
    status: str
    created_at: datetime.datetime


class VersionOut(Schema):
    language: str
    subject: str
    date_text: str
    place: str
    addressees: list[dict[str, str]]
    paragraphs: list[str]
    in_step_at: datetime.datetime | None


class DriftOut(Schema):
    kind: str
    row: int
    languages: list[str]
    detail: str


class SignatoryOut(Schema):
    uuid: UUID
    number: str
    kind: str
    name: str
    acronym: str
    country: str
    title: str
    affiliation: str
    members: list[str]


class TwiceOut(Schema):
    kind: str
    reason: str
    keep: UUID
    remove: UUID


class LetterOut(LetterBriefOut):
    versions: list[VersionOut]
    rows: list[dict[str, int | None]]
    drifts: list[DriftOut]
    organizations: list[SignatoryOut]
    individuals: list[SignatoryOut]
    listed_twice: list[TwiceOut]
    import_problems: dict[str, list[dict[str, Any]]]


def _signatory(item: queries.Numbered) -> dict[str, Any]:
    s = item.signatory
    return {
        "uuid": s.uuid,
        "number": item.number,
        "kind": s.kind,
        "name": s.name,
        "acronym": s.acronym,
        "country": s.country,
        "title": s.title,
        "affiliation": s.affiliation,
        "members": [m.name for m in item.members],
    }


def _letter_out(user: Any, letter_uuid: UUID) -> dict[str, Any]:
    file = queries.letter_file_for(user, letter_uuid)
    letter = file.letter
    return {
        "uuid": letter.uuid,
        "subject": letter.subject,
        "status": letter.status,
        "created_at": letter.created_at,
        "versions": file.versions,
        "rows": [{cell.language: cell.index for cell in row} for row in file.rows],
        "drifts": [
            {"kind": d.kind, "row": d.row, "languages": list(d.languages), "detail": d.detail}
            for d in file.drifts
        ],
        "organizations": [_signatory(item) for item in file.organizations],
        "individuals": [_signatory(item) for item in file.individuals],
        "listed_twice": [
            {"kind": t.kind, "reason": t.reason, "keep": t.keep.uuid, "remove": t.remove.uuid}
            for t in file.twice
        ],
        "import_problems": letter.import_report.get("problems", {}),
    }


@router.get("/letters", response={200: list[LetterBriefOut], **REFUSALS})
@policy(Policy.MEMBER)
def letter_list(request: HttpRequest) -> Any:
    return list(queries.letters_for(signed_in_user(request)))


@router.post("/letters", response={201: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def letter_create(request: HttpRequest, payload: LetterIn) -> Any:
    """Import a letter that circulates (422 names the version that is not a letter)."""
    letter = services.letter_import(
        by=signed_in_user(request),
        organization=active_organization(request),
        texts=payload.model_dump(),
    )
    return Status(201, _letter_out(signed_in_user(request), letter.uuid))


@router.get(LETTER, response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def letter_get(request: HttpRequest, letter_uuid: UUID) -> Any:
    """The letter: versions, aligned rows (paragraph index per language), drifts, numbered
    signatories, organizations listed twice, and what the import could not read."""
    return _letter_out(signed_in_user(request), letter_uuid)


@router.put(
    LETTER + "/versions/{language}/paragraphs/{int:index}", response={200: LetterOut, **REFUSALS}
)
@policy(Policy.MEMBER)
def paragraph_put(
    request: HttpRequest, letter_uuid: UUID, language: str, index: int, payload: ParagraphIn
) -> Any:
    """Change one paragraph (an empty text removes it)."""
    letter = queries.letter_get_for(signed_in_user(request), letter_uuid)
    version = queries.version_of(letter, language)
    services.paragraph_update(
        by=signed_in_user(request), version=version, index=index, text=payload.text
    )
    return _letter_out(signed_in_user(request), letter_uuid)


@router.post(LETTER + "/in-step", response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def letter_in_step(request: HttpRequest, letter_uuid: UUID) -> Any:
    letter = queries.letter_get_for(signed_in_user(request), letter_uuid)
    services.versions_mark_in_step(by=signed_in_user(request), letter=letter)
    return _letter_out(signed_in_user(request), letter_uuid)


@router.post(LETTER + "/merge", response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def letter_merge(request: HttpRequest, letter_uuid: UUID, payload: MergeIn) -> Any:
    """Keep one of two signatures of the same organization."""
    letter = queries.letter_get_for(signed_in_user(request), letter_uuid)
    services.signatory_merge(
        by=signed_in_user(request),
        keep=queries.signatory_of(letter, payload.keep),
        duplicate=queries.signatory_of(letter, payload.remove),
    )
    return _letter_out(signed_in_user(request), letter_uuid)


@router.get(LETTER + "/markdown/{language}", response={200: None, **REFUSALS})
@policy(Policy.MEMBER)
def letter_markdown(request: HttpRequest, letter_uuid: UUID, language: str) -> Any:
    letter = queries.letter_get_for(signed_in_user(request), letter_uuid)
    return markdown_download(letter, queries.version_of(letter, language))


@router.get(LETTER + "/documents/{kind}/{language}", response={200: None, **REFUSALS})
@policy(Policy.MEMBER)
def letter_document(request: HttpRequest, letter_uuid: UUID, kind: str, language: str) -> Any:
    """The version as `pdf` or `docx`."""
    letter = queries.letter_get_for(signed_in_user(request), letter_uuid)
    return document_download(letter, queries.version_of(letter, language), kind)


@router.get(LETTER + "/signatories.csv", response={200: None, **REFUSALS})
@policy(Policy.MEMBER)
def letter_signatories_csv(request: HttpRequest, letter_uuid: UUID) -> Any:
    return signatories_download(queries.letter_get_for(signed_in_user(request), letter_uuid))
