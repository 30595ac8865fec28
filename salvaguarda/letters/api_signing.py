"""The signature-collection endpoints of the REST API (mounted by `salvaguarda.api`).

Public, with no account and no token (the page's token is the only key): read the letter of a
sign-on page (its versions as text and its signatories' names, never contact data), ask to sign
it (202; 422 by field; 429 past the hourly limits), and act on the e-mailed links (confirm,
withdraw). They follow the same rules and limits as the public page.

For the letter's editors and the coordinators (403 for other members, 404 for another
organization): open the letter's public page, list its signature requests with their contact
data (audited), and approve, reject or merge a pending one.
"""

import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from salvaguarda.accounts.services import client_address
from salvaguarda.core.access import Policy, active_role, policy, signed_in_user
from salvaguarda.core.scoping import organization_scope
from salvaguarda.letters import output, queries, queries_signing, services_signing
from salvaguarda.letters.api import signatory_out
from salvaguarda.letters.models import SignatureRequest
from salvaguarda.letters.services_signing import MAX_CONTACT, MAX_EMAIL, MAX_MEMBERS, MAX_NAME
from salvaguarda.people.api import REFUSALS, DetailOut, ErrorsOut, Input

router = Router()

LETTER = "/letters/{uuid:letter_uuid}"
SIGNATURE = LETTER + "/signature-requests/{uuid:signature_uuid}"


# --- Shapes ------------------------------------------------------------------------------------


class PublicVersionOut(Schema):
    language: str
    subject: str
    date_line: str
    addressees: list[list[str]]
    paragraphs: list[str]


class PublicSignatoryOut(Schema):
    number: str
    kind: str
    name: str
    acronym: str
    country: str
    title: str
    affiliation: str
    members: list[str]


class SignOnOut(Schema):
    """A letter as its public page shows it (no version while it is a draft)."""

    status: str
    collecting: bool
    deadline: datetime.date | None
    languages: list[str]
    versions: list[PublicVersionOut]
    organizations: list[PublicSignatoryOut]
    individuals: list[PublicSignatoryOut]


class SignatureIn(Input):
    """As the public form: `kind` is organization, coalition or individual; an organization or
    a coalition names its `contact_name` and sets `authorized`; a coalition lists `members`;
    `language` is the version read (the e-mail's language)."""

    kind: str
    name: str = Field("", max_length=300)
    acronym: str = Field("", max_length=60)
    country: str = Field("", max_length=80)
    organization_kind: str = Field("", max_length=24)
    members: list[str] = Field(default_factory=list, max_length=MAX_MEMBERS)
    title: str = Field("", max_length=200)
    affiliation: str = Field("", max_length=300)
    contact_name: str = Field("", max_length=MAX_CONTACT)
    email: str = Field(max_length=MAX_EMAIL)
    authorized: bool = False
    language: str = Field("", max_length=2)
    website: str = Field("", max_length=MAX_NAME)  # the honeypot: leave it empty


class LinkOut(Schema):
    status: str


class PageOut(Schema):
    token: str
    url: str


class MergeIntoIn(Input):
    into: UUID


class SignatureRequestOut(Schema):
    uuid: UUID
    status: str
    kind: str
    name: str
    acronym: str
    country: str
    organization_kind: str
    members: list[str]
    title: str
    affiliation: str
    contact_name: str
    email: str
    language: str
    created_at: datetime.datetime
    confirmed_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    signatory: UUID | None


def _public_signatory(item: queries.Numbered) -> dict[str, Any]:
    return {k: v for k, v in signatory_out(item).items() if k != "uuid"}


def _request_out(signature: SignatureRequest) -> dict[str, Any]:
    return {
        **{field: getattr(signature, field) for field in SignatureRequestOut.model_fields},
        "contact_name": signature.contact_name or "",
        "signatory": signature.signatory.uuid if signature.signatory else None,
    }


# --- Public ------------------------------------------------------------------------------------


@router.get("/sign-on/{token}", response={200: SignOnOut, 404: DetailOut})
@policy(Policy.PUBLIC)
def sign_on_get(request: HttpRequest, token: str) -> Any:
    """The letter of a public page: every version as text, its signatories' names numbered."""
    page = queries_signing.page_by_token(token)
    with organization_scope(page.organization_id):
        shown = queries_signing.public_letter(page)
        versions = []
        if shown.version is not None:
            for version in shown.letter.versions.all():
                parts = output.parts_of(shown.letter, version)
                versions.append(
                    {
                        "language": version.language,
                        "subject": parts.subject,
                        "date_line": parts.date_line,
                        "addressees": parts.addressees,
                        "paragraphs": parts.paragraphs,
                    }
                )
        return {
            "status": shown.letter.status,
            "collecting": shown.collecting,
            "deadline": shown.letter.deadline,
            "languages": shown.languages,
            "versions": versions,
            "organizations": [_public_signatory(item) for item in shown.organizations],
            "individuals": [_public_signatory(item) for item in shown.individuals],
        }


@router.post(
    "/sign-on/{token}/signatures",
    response={202: DetailOut, 404: DetailOut, 422: ErrorsOut, 429: DetailOut},
)
@policy(Policy.PUBLIC)
def sign_on_sign(request: HttpRequest, token: str, payload: SignatureIn) -> Any:
    """Ask to sign: 202 and an e-mail with the confirmation link to the address (the same
    answer when the address already signed), 422 by field, 429 past the hourly limits."""
    page = queries_signing.page_by_token(token)
    with organization_scope(page.organization_id):
        letter = queries_signing.letter_of(page)
        try:
            services_signing.signature_request(
                page=page, letter=letter, data=payload.model_dump(), address=client_address(request)
            )
        except services_signing.RateLimited:
            return Status(429, {"detail": _("Too many signatures in the last hour: try later.")})
    return Status(
        202, {"detail": _("Check the e-mail: the signature counts once its link is opened.")}
    )


def _link(token: str, purpose: str) -> dict[str, str]:
    page = queries_signing.page_of_link(token)
    act = services_signing.LINK_ACTIONS[purpose]
    with organization_scope(page.organization_id):
        return {"status": act(page=page, token=token).status}


@router.post("/sign-on/confirm/{token}", response={200: LinkOut, 404: DetailOut, 422: ErrorsOut})
@policy(Policy.PUBLIC)
def sign_on_confirm(request: HttpRequest, token: str) -> Any:
    """Confirm a signature (the e-mailed link): it waits for an editor. 422 when expired."""
    return _link(token, "confirm")


@router.post("/sign-on/withdraw/{token}", response={200: LinkOut, 404: DetailOut, 422: ErrorsOut})
@policy(Policy.PUBLIC)
def sign_on_withdraw(request: HttpRequest, token: str) -> Any:
    """Withdraw a signature (the e-mailed link), until the letter is sent (then 422)."""
    return _link(token, "withdraw")


# --- The letter's editors ----------------------------------------------------------------------


def _letter(request: HttpRequest, letter_uuid: UUID) -> Any:
    return queries.letter_to_edit(signed_in_user(request), active_role(request), letter_uuid)


@router.post(LETTER + "/sign-on-page", response={200: PageOut, **REFUSALS})
@policy(Policy.MEMBER)
def sign_on_page_open(request: HttpRequest, letter_uuid: UUID) -> Any:
    """Open the letter's public page (once; an open page keeps its address)."""
    letter = _letter(request, letter_uuid)
    page = services_signing.sign_on_page_open(by=signed_in_user(request), letter=letter)
    return {"token": page.token, "url": queries_signing.public_link(page)}


@router.get(LETTER + "/signature-requests", response={200: list[SignatureRequestOut], **REFUSALS})
@policy(Policy.MEMBER)
def signature_request_list(request: HttpRequest, letter_uuid: UUID, status: str = "") -> Any:
    """The letter's signature requests (of one `status`, if given), newest first, with their
    contact data. Audited."""
    letter = _letter(request, letter_uuid)
    rows = queries_signing.requests_for(signed_in_user(request), letter, status or None)
    return [_request_out(row) for row in rows]


def _decided(request: HttpRequest, letter_uuid: UUID, signature_uuid: UUID) -> Any:
    return queries_signing.request_of(_letter(request, letter_uuid), signature_uuid)


@router.post(SIGNATURE + "/approve", response={200: SignatureRequestOut, **REFUSALS})
@policy(Policy.MEMBER)
def signature_request_approve(request: HttpRequest, letter_uuid: UUID, signature_uuid: UUID) -> Any:
    """Add a pending signature to the letter, at the end of its list."""
    signature = _decided(request, letter_uuid, signature_uuid)
    services_signing.signature_approve(by=signed_in_user(request), signature=signature)
    return _request_out(signature)


@router.post(SIGNATURE + "/reject", response={200: SignatureRequestOut, **REFUSALS})
@policy(Policy.MEMBER)
def signature_request_reject(request: HttpRequest, letter_uuid: UUID, signature_uuid: UUID) -> Any:
    signature = _decided(request, letter_uuid, signature_uuid)
    services_signing.signature_reject(by=signed_in_user(request), signature=signature)
    return _request_out(signature)


@router.post(SIGNATURE + "/merge", response={200: SignatureRequestOut, **REFUSALS})
@policy(Policy.MEMBER)
def signature_request_merge(
    request: HttpRequest, letter_uuid: UUID, signature_uuid: UUID, payload: MergeIntoIn
) -> Any:
    """The pending signature is of a signatory already listed (`into`): it confirms it."""
    letter = _letter(request, letter_uuid)
    signature = queries_signing.request_of(letter, signature_uuid)
    services_signing.signature_merge(
        by=signed_in_user(request),
        signature=signature,
        into=queries.signatory_of(letter, payload.into),
    )
    return _request_out(signature)
