"""The sign-on letter endpoints of the REST API (mounted by `salvaguarda.api`).

A letter is imported from its language versions (plain text or Markdown), read with its
versions aligned, its drifts and its signatories numbered, and changed as on its page: its own
fields, a version's heading and addressees, a paragraph, the versions marked in step,
signatories added, changed, moved, removed or merged. Changes are for the letter's editors and
the coordinators (403 for other members). The outputs (Markdown, PDF and Word per language,
signatories as CSV) are downloads. Same isolation and audit as the pages.
"""

import datetime
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core.access import (
    Policy,
    active_organization,
    active_role,
    policy,
    signed_in_user,
)
from salvaguarda.letters import queries, services
from salvaguarda.letters.models import Letter
from salvaguarda.letters.views import (
    document_download,
    markdown_download,
    signatories_download,
)
from salvaguarda.people.api import REFUSALS, Input

router = Router()

LETTER = "/letters/{uuid:letter_uuid}"


class LetterIn(Input):
    """Each language version as plain text or Markdown, and the version chosen as the
    reference (`reference`: "es", "en", "pt" or "fr"; the first one given when empty)."""

    es: str = ""
    en: str = ""
    pt: str = ""
    fr: str = ""
    reference: str = ""


class ParagraphIn(Input):
    text: str


class LetterChangeIn(Input):
    """Only the fields sent change; lead organizations and editors are given by uuid."""

    subject: str | None = None
    reference_language: str | None = None  # another version made the reference: re-aligned
    status: Letter.Status | None = None
    date: datetime.date | None = None
    deadline: datetime.date | None = None
    lead_organizations: list[UUID] | None = None
    editors: list[UUID] | None = None


class NewVersionIn(Input):
    language: str
    text: str


class AddresseeIn(Input):
    name: str
    title: str = ""
    institution: str = ""


class VersionChangeIn(Input):
    subject: str | None = None
    place: str | None = None
    date_text: str | None = None
    formula: str | None = None  # the line under the addressees ("Presente")
    addressees: list[AddresseeIn] | None = None


class SignatoryIn(Input):
    """A signatory by hand: an organization of the network (`directory_organization`, its
    details filled in), an outside organization, a coalition, a coalition's member
    (`coalition`), or an individual. `verified`: the representative was verified."""

    kind: str | None = None
    name: str | None = None
    acronym: str | None = None
    country: str | None = None
    organization_kind: str | None = None
    title: str | None = None
    affiliation: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    representative: str | None = None
    coalition: UUID | None = None
    directory_organization: UUID | None = None
    verified: bool | None = None


class MoveIn(Input):
    direction: str


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
    formula: str
    paragraphs: list[str]
    in_step_at: datetime.datetime | None


class DriftOut(Schema):
    kind: str
    row: int
    languages: list[str]
    detail: str


class ListDriftOut(Schema):
    """What differs between a version's signatory lists and the reference version's."""

    kind: str  # signatory_order, signatory_only_in, signatory_named, signatory_spelling
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
    date: datetime.date | None
    deadline: datetime.date | None
    lead_organizations: list[str]
    editors: list[str]
    may_edit: bool
    versions: list[VersionOut]
    rows: list[dict[str, int | None]]
    drifts: list[DriftOut]
    list_drifts: list[ListDriftOut]
    reference_language: str
    organizations: list[SignatoryOut]
    individuals: list[SignatoryOut]
    listed_twice: list[TwiceOut]
    import_problems: dict[str, list[dict[str, Any]]]


def signatory_out(item: queries.Numbered) -> dict[str, Any]:
    """A numbered signatory as the API gives it (the public page's leaves out the uuid)."""
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


def _letter_out(request: HttpRequest, letter_uuid: UUID) -> dict[str, Any]:
    user = signed_in_user(request)
    file = queries.letter_file_for(user, letter_uuid)
    letter = file.letter
    return {
        "uuid": letter.uuid,
        "subject": letter.subject,
        "status": letter.status,
        "created_at": letter.created_at,
        "date": letter.date,
        "deadline": letter.deadline,
        "lead_organizations": [lead.name for lead in letter.lead_organizations.all()],
        "editors": [editor.full_name for editor in letter.editors.all()],
        "may_edit": queries.may_edit(active_role(request), user, letter),
        "versions": file.versions,
        "rows": [{cell.language: cell.index for cell in row} for row in file.rows],
        "drifts": [
            {"kind": d.kind, "row": d.row, "languages": list(d.languages), "detail": d.detail}
            for d in file.drifts
        ],
        "list_drifts": [
            {"kind": d.kind, "languages": list(d.languages), "detail": d.detail}
            for d in file.list_drifts
        ],
        "reference_language": file.letter.reference_language,
        "organizations": [signatory_out(item) for item in file.organizations],
        "individuals": [signatory_out(item) for item in file.individuals],
        "listed_twice": [
            {"kind": t.kind, "reason": t.reason, "keep": t.keep.uuid, "remove": t.remove.uuid}
            for t in file.twice
        ],
        "import_problems": letter.import_report.get("problems", {}),
    }


def _editable(request: HttpRequest, letter_uuid: UUID) -> Letter:
    return queries.letter_to_edit(signed_in_user(request), active_role(request), letter_uuid)


def _by_uuid[M: (Organization, User)](model: type[M], uuids: list[UUID], field: str) -> list[M]:
    """The rows of `uuids`; an unknown one is a 422 on `field` (nothing is changed)."""
    rows = list(model.objects.filter(uuid__in=uuids))
    if len(rows) != len(set(uuids)):
        raise ValidationError({field: [_("One of these is unknown.")]})
    return rows


@router.get("/letters", response={200: list[LetterBriefOut], **REFUSALS})
@policy(Policy.MEMBER)
def letter_list(request: HttpRequest) -> Any:
    return list(queries.letters_for(signed_in_user(request)))


@router.post("/letters", response={201: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def letter_create(request: HttpRequest, payload: LetterIn) -> Any:
    """Import a letter that circulates (422 names the version that is not a letter)."""
    texts = payload.model_dump()
    reference = texts.pop("reference")
    letter = services.letter_import(
        by=signed_in_user(request),
        organization=active_organization(request),
        texts=texts,
        reference=reference,
    )
    return Status(201, _letter_out(request, letter.uuid))


@router.get(LETTER, response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def letter_get(request: HttpRequest, letter_uuid: UUID) -> Any:
    """The letter: versions, aligned rows (paragraph index per language), drifts, numbered
    signatories, organizations listed twice, and what the import could not read."""
    return _letter_out(request, letter_uuid)


@router.put(
    LETTER + "/versions/{language}/paragraphs/{int:index}", response={200: LetterOut, **REFUSALS}
)
@policy(Policy.MEMBER)
def paragraph_put(
    request: HttpRequest,
    letter_uuid: UUID,
    language: str,
    index: Annotated[int, Field(ge=0)],  # the URL takes digits only: documented so
    payload: ParagraphIn,
) -> Any:
    """Change one paragraph (an empty text removes it)."""
    letter = _editable(request, letter_uuid)
    version = queries.version_of(letter, language)
    services.paragraph_update(
        by=signed_in_user(request), version=version, index=index, text=payload.text
    )
    return _letter_out(request, letter_uuid)


@router.post(LETTER + "/in-step", response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def letter_in_step(request: HttpRequest, letter_uuid: UUID) -> Any:
    letter = _editable(request, letter_uuid)
    services.versions_mark_in_step(by=signed_in_user(request), letter=letter)
    return _letter_out(request, letter_uuid)


@router.post(LETTER + "/versions/{language}/follow-order", response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def version_follow_order(request: HttpRequest, letter_uuid: UUID, language: str) -> Any:
    """List a version's signatories in the reference version's order."""
    letter = _editable(request, letter_uuid)
    services.version_order_follow(
        by=signed_in_user(request), version=queries.version_of(letter, language)
    )
    return _letter_out(request, letter_uuid)


@router.post(LETTER + "/merge", response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def letter_merge(request: HttpRequest, letter_uuid: UUID, payload: MergeIn) -> Any:
    """Keep one of two signatures of the same organization."""
    letter = _editable(request, letter_uuid)
    services.signatory_merge(
        by=signed_in_user(request),
        keep=queries.signatory_of(letter, payload.keep),
        duplicate=queries.signatory_of(letter, payload.remove),
    )
    return _letter_out(request, letter_uuid)


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
def letter_signatories_csv(request: HttpRequest, letter_uuid: UUID, language: str = "") -> Any:
    """The signatories as one version lists them (`language`; the reference's by default)."""
    letter = queries.letter_get_for(signed_in_user(request), letter_uuid)
    return signatories_download(letter, language)


@router.patch(LETTER, response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def letter_patch(request: HttpRequest, letter_uuid: UUID, payload: LetterChangeIn) -> Any:
    """Change the letter's subject, reference version (the versions are aligned again),
    status, date, deadline, lead organizations or editors."""
    letter = _editable(request, letter_uuid)
    data = payload.model_dump(exclude_unset=True)
    leads, editors = data.pop("lead_organizations", None), data.pop("editors", None)
    services.letter_update(
        by=signed_in_user(request),
        letter=letter,
        data=data,
        lead_organizations=None
        if leads is None
        else _by_uuid(Organization, leads, "lead_organizations"),
        editors=None if editors is None else _by_uuid(User, editors, "editors"),
    )
    return _letter_out(request, letter_uuid)


@router.post(LETTER + "/versions", response={201: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def version_post(request: HttpRequest, letter_uuid: UUID, payload: NewVersionIn) -> Any:
    """Add a version in another language (a translation that arrives later)."""
    services.version_add(
        by=signed_in_user(request),
        letter=_editable(request, letter_uuid),
        language=payload.language,
        text=payload.text,
    )
    return Status(201, _letter_out(request, letter_uuid))


@router.patch(LETTER + "/versions/{language}", response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def version_patch(
    request: HttpRequest, letter_uuid: UUID, language: str, payload: VersionChangeIn
) -> Any:
    """Change a version's subject, place, date as written, or its addressees (in order)."""
    version = queries.version_of(_editable(request, letter_uuid), language)
    services.version_update(
        by=signed_in_user(request), version=version, data=payload.model_dump(exclude_unset=True)
    )
    return _letter_out(request, letter_uuid)


def _signatory_args(letter: Letter, payload: SignatoryIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    coalition = data.pop("coalition", None)
    directory = data.pop("directory_organization", None)
    verified = data.pop("verified", None)
    return {
        "data": data,
        "coalition": None if coalition is None else queries.signatory_of(letter, coalition),
        "directory": None
        if directory is None
        else _by_uuid(Organization, [directory], "directory_organization")[0],
        "verified": verified,
    }


SIGNATORY = LETTER + "/signatories/{uuid:signatory_uuid}"


@router.post(LETTER + "/signatories", response={201: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def signatory_post(request: HttpRequest, letter_uuid: UUID, payload: SignatoryIn) -> Any:
    """Add a signatory at the end of its list (or of its coalition's members)."""
    letter = _editable(request, letter_uuid)
    args = _signatory_args(letter, payload)
    args["verified"] = bool(args["verified"])
    services.signatory_add(by=signed_in_user(request), letter=letter, **args)
    return Status(201, _letter_out(request, letter_uuid))


@router.patch(SIGNATORY, response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def signatory_patch(
    request: HttpRequest, letter_uuid: UUID, signatory_uuid: UUID, payload: SignatoryIn
) -> Any:
    """Change a signatory's details (its coalition stays; `move` changes its place)."""
    letter = _editable(request, letter_uuid)
    signatory = queries.signatory_of(letter, signatory_uuid)
    args = _signatory_args(letter, payload)
    args.pop("coalition")
    if "directory_organization" not in payload.model_fields_set:
        args["directory"] = signatory.directory_organization
    services.signatory_update(by=signed_in_user(request), signatory=signatory, **args)
    return _letter_out(request, letter_uuid)


@router.delete(SIGNATORY, response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def signatory_delete(request: HttpRequest, letter_uuid: UUID, signatory_uuid: UUID) -> Any:
    """Take a signature off the letter (a coalition's members go with it)."""
    letter = _editable(request, letter_uuid)
    services.signatory_remove(
        by=signed_in_user(request), signatory=queries.signatory_of(letter, signatory_uuid)
    )
    return _letter_out(request, letter_uuid)


@router.post(SIGNATORY + "/move", response={200: LetterOut, **REFUSALS})
@policy(Policy.MEMBER)
def signatory_move(
    request: HttpRequest, letter_uuid: UUID, signatory_uuid: UUID, payload: MoveIn
) -> Any:
    """Move a signatory `up` or `down` in its list; the numbers follow."""
    letter = _editable(request, letter_uuid)
    offset = {"up": -1, "down": 1}.get(payload.direction)
    if offset is None:
        raise ValidationError({"direction": [_("Write up or down.")]})
    services.signatory_move(
        by=signed_in_user(request),
        signatory=queries.signatory_of(letter, signatory_uuid),
        offset=offset,
    )
    return _letter_out(request, letter_uuid)
