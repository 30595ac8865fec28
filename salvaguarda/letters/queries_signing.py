"""Reads of signature collection: the public page found by its token (and the letter it shows,
read inside its organization's scope), the links of the e-mails, and, for the letter's
editors, the signatures waiting for a decision with the signatory each one likely is.

A public page enters the organization's scope itself (it has no account): `page_by_token` and
`page_of_link` read only `SignOnPage`, which is not case data; everything else here runs inside
`organization_scope(page.organization_id)` or the signed-in request's scope.
"""

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from salvaguarda.accounts.models import Organization
from salvaguarda.core import audit
from salvaguarda.letters import names, output, queries
from salvaguarda.letters.document import Signatory as Listed
from salvaguarda.letters.models import (
    Letter,
    LetterVersion,
    Signatory,
    SignatureRequest,
    SignOnPage,
)
from salvaguarda.letters.queries import Numbered

Status = SignatureRequest.Status
# Where the letter's text may be read publicly: a draft is not shown before it opens.
PUBLISHED = (Letter.Status.OPEN, Letter.Status.CLOSED, Letter.Status.SENT)
# When an editor may open the public page: before and while the letter collects signatures.
OPENABLE = (Letter.Status.DRAFT, Letter.Status.OPEN)


def page_by_token(token: str) -> SignOnPage:
    """The public page of a token (with its organization); 404 for any other token."""
    page = SignOnPage.objects.select_related("organization").filter(token=token).first()
    if page is None or not page.organization.is_active:
        raise Http404
    return page


def page_of_link(token: str) -> SignOnPage:
    """The page a confirmation or withdrawal token belongs to: the token starts with the
    page's number (`<page>.<random>`), so the page's organization scope can be entered before
    the request is looked up by the token's digest. 404 when it names no page."""
    number, _dot, rest = token.partition(".")
    if not number.isdigit() or not rest:
        raise Http404
    page = SignOnPage.objects.select_related("organization").filter(pk=int(number)).first()
    if page is None or not page.organization.is_active:
        raise Http404
    return page


def public_link(page: SignOnPage) -> str:
    return settings.SALVAGUARDA_BASE_URL + reverse("signing:sign", args=[page.token])


def today_for(organization: Organization) -> Any:
    """Today in the organization's time zone (a deadline is a day there)."""
    return timezone.localdate(timezone=ZoneInfo(organization.time_zone))


def collecting(letter: Letter, organization: Organization) -> bool:
    """The letter is open and its deadline, if any, is today or later where it is signed."""
    if letter.status != Letter.Status.OPEN:
        return False
    return letter.deadline is None or today_for(organization) <= letter.deadline


def letter_of(page: SignOnPage) -> Letter:
    """The page's letter, read through the organization's scope (which the caller entered)."""
    letter = Letter.objects.filter(pk=page.letter_id).first()
    if letter is None:
        raise Http404
    return letter


@dataclass
class PublicLetter:
    """What the public page shows: the letter in one language and its signatories' names, in
    their numbered order. Never anyone's contact data."""

    letter: Letter
    version: LetterVersion | None  # None while the letter is a draft
    languages: list[str]  # of its versions, the reference first
    parts: output.Parts | None
    organizations: list[Numbered]
    individuals: list[Numbered]
    collecting: bool


def _languages(letter: Letter, versions: list[LetterVersion]) -> list[str]:
    found = [v.language for v in versions]
    return sorted(found, key=lambda lang: (lang != letter.reference_language, found.index(lang)))


def language_for(languages: list[str], *wanted: str) -> str:
    """The first wanted language the letter is written in, else its reference language."""
    return next((lang for lang in wanted if lang in languages), languages[0] if languages else "")


def public_letter(page: SignOnPage, *wanted: str) -> PublicLetter:
    """The page's letter in the first of the `wanted` languages it has (else its reference
    language), with its numbered signatories; only the state when it is still a draft."""
    letter = letter_of(page)
    versions = list(letter.versions.all())
    languages = _languages(letter, versions)
    if letter.status not in PUBLISHED or not versions:
        return PublicLetter(letter, None, languages, None, [], [], False)
    language = language_for(languages, *wanted)
    version = next(v for v in versions if v.language == language)
    signatories = list(letter.signatories.all())
    organizations, individuals = queries.numbered(signatories)
    return PublicLetter(
        letter,
        version,
        languages,
        output.parts_of(letter, version, signatories),
        organizations,
        individuals,
        collecting(letter, page.organization),
    )


def digest(token: str) -> str:
    """How a link's token is kept: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def request_by_link(page: SignOnPage, purpose: str, token: str) -> SignatureRequest:
    """The request of the page's letter that an e-mailed link (`purpose`: "confirm" or
    "withdraw") opens, found by the token's digest; 404 otherwise."""
    field = {"confirm": "confirm_digest", "withdraw": "withdraw_digest"}[purpose]
    found = SignatureRequest.objects.filter(
        letter_id=page.letter_id, **{field: digest(token)}
    ).first()
    if found is None:
        raise Http404
    return found


def subject_in(letter: Letter, language: str) -> str:
    """The letter's subject as its version in `language` writes it (else the letter's)."""
    version = letter.versions.filter(language=language).first()
    return (version.subject if version else "") or letter.subject


# --- The letter's editors --------------------------------------------------------------------


def suggested_signatory(
    request: SignatureRequest, signatories: list[Signatory]
) -> Signatory | None:
    """The signatory already listed that the request most likely is, by the comparison
    `names.duplicates` makes of two signatures (organizations: name, acronym and legal form;
    people: their name spelled another way), or None."""
    if request.kind == Signatory.Kind.INDIVIDUAL:
        return next(
            (
                s
                for s in signatories
                if s.kind == Signatory.Kind.INDIVIDUAL
                and names.similar_person(request.name, s.name)
            ),
            None,
        )
    organizations, _individuals = queries.numbered(signatories)
    listed = queries.listed(organizations)
    mine = (len(listed),)
    listed.append(Listed(kind=request.kind, name=request.name, acronym=request.acronym))
    for duplicate in names.duplicates(listed, {}):
        if mine not in (duplicate.first, duplicate.second):
            continue
        other = duplicate.second if duplicate.first == mine else duplicate.first
        item = organizations[other[0]]
        return item.members[other[1]] if len(other) > 1 else item.signatory
    return None


@dataclass
class Pending:
    """A confirmed signature waiting for an editor, the signatory it likely is, and what it
    may be merged into (signatories of its kind, the suggested one first)."""

    request: SignatureRequest
    suggested: Signatory | None
    choices: list[Signatory]


def _merge_choices(
    request: SignatureRequest, signatories: list[Signatory], suggested: Signatory | None
) -> list[Signatory]:
    individual = request.kind == Signatory.Kind.INDIVIDUAL
    same_kind = [s for s in signatories if (s.kind == Signatory.Kind.INDIVIDUAL) == individual]
    if suggested is None:
        return same_kind
    return [suggested, *(s for s in same_kind if s.pk != suggested.pk)]


def pending_for(user: Any, letter: Letter) -> list[Pending]:
    """The signatures of the letter waiting for an editor, first confirmed first, with their
    contact data (the caller checked the account edits the letter). Audited as a list."""
    rows = list(letter.requests.filter(status=Status.PENDING).order_by("confirmed_at", "id"))
    audit.record(
        action=audit.Action.LIST,
        actor=user,
        organization_id=letter.organization_id,
        object_type=SignatureRequest._meta.label_lower,
        detail={"count": len(rows), "letter": str(letter.uuid), "status": Status.PENDING},
    )
    signatories = list(letter.signatories.all())
    found = []
    for row in rows:
        suggested = suggested_signatory(row, signatories)
        found.append(Pending(row, suggested, _merge_choices(row, signatories, suggested)))
    return found


@dataclass
class Signing:
    """The signing part of the letter's page."""

    page: SignOnPage | None
    link: str
    may_open: bool  # an editor may open the public page now
    counts: list[tuple[str, str, int]]  # (status, its label, requests) when there are some
    pending: list[Pending]  # for the letter's editors only


def signing_for(user: Any, role: str | None, letter: Letter) -> Signing:
    """The public page's link, the requests counted by status and, for the letter's editors,
    the pending ones with their contact data and a suggested merge."""
    page = SignOnPage.objects.filter(letter_id=letter.pk).first()
    editing = queries.may_edit(role, user, letter)
    by_status = dict(
        letter.requests.order_by().values_list("status").annotate(count=Count("id")).all()
    )
    pending = pending_for(user, letter) if editing and by_status.get(Status.PENDING) else []
    return Signing(
        page=page,
        link=public_link(page) if page else "",
        may_open=editing and page is None and letter.status in OPENABLE,
        counts=[(s, str(label), by_status[s]) for s, label in Status.choices if by_status.get(s)],
        pending=pending,
    )


def request_of(letter: Letter, signature_uuid: uuid.UUID) -> SignatureRequest:
    """One signature request of the letter; 404 otherwise."""
    row = letter.requests.filter(uuid=signature_uuid).first()
    if row is None:
        raise Http404
    return row


def requests_for(user: Any, letter: Letter, status: str | None = None) -> list[SignatureRequest]:
    """The letter's signature requests (of one status, if given), newest first, with their
    contact data, for its editors (the caller checked). Audited as a list."""
    rows = letter.requests.select_related("signatory")
    if status:
        rows = rows.filter(status=status)
    found = list(rows)
    audit.record(
        action=audit.Action.LIST,
        actor=user,
        organization_id=letter.organization_id,
        object_type=SignatureRequest._meta.label_lower,
        detail={"count": len(found), "letter": str(letter.uuid), "status": status or ""},
    )
    return found
