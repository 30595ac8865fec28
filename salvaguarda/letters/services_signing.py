"""Writes of signature collection: the letter's public page, the signatures asked for on it,
their confirmation and withdrawal by e-mailed links, and the editors' decisions.

A visitor without an account asks to sign (`signature_request`). The request keeps its contact
data encrypted and the address it came from only as a keyed hash, and an e-mail goes to the
address given with two links: one confirms the request (`signature_confirm`, until the link
expires), one withdraws it (`signature_withdraw`, until the letter is sent). Nothing counts
before the address is confirmed and an editor approved the request (a new signatory at the end
of its list) or merged it into a signatory already listed; an editor may also reject it.

The visitor's answer never says whether an address already signed: a request from an address
that holds a live one on the letter is not kept (an unconfirmed one gets its links again, at
most once an hour), and a filled honeypot is answered as a success and dropped.

Link tokens are random, stored only as SHA-256 digests, and start with the page's number, so
the page (and its organization's scope) is found before the digest is looked up.
"""

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from salvaguarda.accounts.models import User
from salvaguarda.core import audit
from salvaguarda.core.fields import blind_index
from salvaguarda.core.writes import Errors, blank, checked, update
from salvaguarda.letters import queries_signing, services
from salvaguarda.letters.models import Letter, Signatory, SignatureRequest, SignOnPage

logger = logging.getLogger(__name__)

Status = SignatureRequest.Status
Kind = Signatory.Kind
# A request that holds its address on the letter (an unconfirmed one until its link expires).
LIVE = (Status.UNCONFIRMED, Status.PENDING, Status.APPROVED, Status.MERGED)
COUNTED = (Status.APPROVED, Status.MERGED)
HONEYPOT = "website"  # a field people never see: only robots fill it
MAX_MEMBERS = 100
MAX_NAME = 300  # a member organization's name, as a signatory's
MAX_CONTACT = 200
MAX_EMAIL = 254
RESEND_AFTER = timedelta(hours=1)
EMAIL_CHECK = EmailValidator()
TEXT_FIELDS = (
    "kind",
    "name",
    "acronym",
    "country",
    "organization_kind",
    "title",
    "affiliation",
    "contact_name",
    "email",
    "language",
)


class RateLimited(Exception):
    """Too many signatures asked for within the hour, from one address or on one letter."""


def _link_token(page: SignOnPage) -> str:
    return f"{page.pk}.{secrets.token_urlsafe(32)}"


def address_key(address: str) -> str:
    """The client address as kept: a keyed hash, enough to count requests, never the address."""
    return salted_hmac("salvaguarda.sign-on", address, algorithm="sha256").hexdigest()


def _expired(signature: SignatureRequest, now: datetime) -> bool:
    """An unconfirmed request changes only when its links are sent again, so its last change
    is when its confirmation link was sent."""
    days = settings.SALVAGUARDA_SIGN_ON_CONFIRM_DAYS
    return signature.modified_at + timedelta(days=days) < now


def _public_save(signature: SignatureRequest, fields: list[str], *, created: bool) -> None:
    """Save a request changed by its signer (no account) and audit the fields' names."""
    signature.save()
    audit.record(
        action=audit.Action.CREATE if created else audit.Action.UPDATE,
        actor=None,
        organization_id=signature.organization_id,
        obj=signature,
        fields=fields,
    )


# --- The public page ---------------------------------------------------------------------------


@transaction.atomic
def sign_on_page_open(*, by: User, letter: Letter) -> SignOnPage:
    """Give the letter its public page (once: an open page keeps its address)."""
    page = SignOnPage.objects.filter(letter_id=letter.pk).first()
    if page is not None:
        return page
    if letter.status not in queries_signing.OPENABLE:
        raise ValidationError(_("A closed or sent letter no longer collects signatures."))
    page = SignOnPage.objects.create(
        token=secrets.token_urlsafe(32), organization_id=letter.organization_id, letter=letter
    )
    audit.record(
        action=audit.Action.UPDATE,
        actor=by,
        organization_id=letter.organization_id,
        obj=letter,
        fields=["sign_on_page"],
    )
    return page


# --- Asking to sign ----------------------------------------------------------------------------


def _members(kind: str, raw: Any, errors: Errors) -> list[str]:
    """A coalition's members, one per line (or a list), spaces tidied; none for other kinds."""
    if kind != Kind.COALITION:
        return []
    lines = raw.splitlines() if isinstance(raw, str) else list(raw or [])
    members = [" ".join(str(line).split()) for line in lines if str(line).strip()]
    if len(members) > MAX_MEMBERS:
        message = _("List at most %(limit)d member organizations, one per line.")
        errors["members"] = [ValidationError(message % {"limit": MAX_MEMBERS})]
    elif any(len(member) > MAX_NAME for member in members):
        message = _("A member organization's name is longer than %(limit)d characters.")
        errors["members"] = [ValidationError(message % {"limit": MAX_NAME})]
    return members


def _email(value: str, errors: Errors) -> str:
    email = value.lower()
    if not email:
        errors["email"] = [ValidationError(_("Write an e-mail address to confirm the signature."))]
    elif len(email) > MAX_EMAIL:
        errors["email"] = [ValidationError(EMAIL_CHECK.message, code="invalid")]
    else:
        try:
            EMAIL_CHECK(email)
        except ValidationError as exc:
            errors["email"] = [exc]
    return email


def _request_values(letter: Letter, data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    """The request's values from the form, and what breaks the rules of its kind: an
    organization or a coalition names the contact person authorized to sign for it; a person
    gives a name. The fields of the other kinds are dropped."""
    values: dict[str, Any] = {f: str(data.get(f) or "").strip() for f in TEXT_FIELDS}
    errors: Errors = {}
    kind = values["kind"]
    if kind not in Kind.values:
        errors["kind"] = [ValidationError(_("Choose how you sign."))]
    individual = kind == Kind.INDIVIDUAL
    if not values["name"]:
        message = _("Write your name.") if individual else _("Write the organization's name.")
        errors["name"] = [ValidationError(message)]
    only_others = ("title", "affiliation")
    for field in ("acronym", "organization_kind", "contact_name") if individual else only_others:
        values[field] = ""
    if not individual and not values["contact_name"]:
        message = _("Name the person who signs for the organization.")
        errors["contact_name"] = [ValidationError(message)]
    elif len(values["contact_name"]) > MAX_CONTACT:
        message = ngettext(
            "Write at most %(limit)d character.", "Write at most %(limit)d characters.", MAX_CONTACT
        )
        errors["contact_name"] = [ValidationError(message % {"limit": MAX_CONTACT})]
    if not individual and not data.get("authorized"):
        message = _("Confirm that you are authorized to sign for the organization.")
        errors["authorized"] = [ValidationError(message)]
    values["members"] = _members(kind, data.get("members"), errors)
    values["email"] = _email(values["email"], errors)
    if values["language"] not in letter.versions.values_list("language", flat=True):
        values["language"] = letter.reference_language
    return values, errors


def _check_rate(letter: Letter, key: str) -> None:
    since = timezone.now() - timedelta(hours=1)
    from_address = SignatureRequest.objects.filter(address_key=key, created_at__gte=since)
    if from_address.count() >= settings.SALVAGUARDA_SIGN_ON_PER_ADDRESS_PER_HOUR:
        raise RateLimited
    on_letter = letter.requests.filter(created_at__gte=since)
    if on_letter.count() >= settings.SALVAGUARDA_SIGN_ON_PER_LETTER_PER_HOUR:
        raise RateLimited


def _live_request(letter: Letter, email: str) -> SignatureRequest | None:
    """The request of this address that still counts or may still be confirmed, if any."""
    index = blind_index(
        letter.organization_id, SignatureRequest._meta.db_table, "email", email, "text"
    )
    now = timezone.now()
    for signature in letter.requests.filter(email_index=index, status__in=LIVE):
        if signature.email.lower() != email:
            continue  # the index folds punctuation: another address with the same letters
        if signature.status == Status.UNCONFIRMED and _expired(signature, now):
            continue
        return signature
    return None


@dataclass(frozen=True)
class ConfirmationMail:
    """What the confirmation e-mail says, taken before the transaction ends."""

    to: str
    language: str
    subject: str
    name: str
    confirm_link: str
    withdraw_link: str


def _mail_language(language: str) -> str:
    """The signer's language if the interface speaks it, else English."""
    return language if language in dict(settings.LANGUAGES) else "en"


def _send_confirmation(mail: ConfirmationMail) -> None:
    with translation.override(_mail_language(mail.language)):
        days = settings.SALVAGUARDA_SIGN_ON_CONFIRM_DAYS
        try:
            send_mail(
                subject=_("Confirm your signature: %(subject)s") % {"subject": mail.subject},
                message=render_to_string(
                    "letters/email_signature_confirm.txt",
                    {"mail": mail, "days": days},
                ),
                from_email=None,
                recipient_list=[mail.to],
            )
        except OSError as exc:  # an SMTP error: the request stays, its links can be sent again
            logger.warning("A signature confirmation could not be sent (%s).", type(exc).__name__)


def _links(page: SignOnPage, signature: SignatureRequest, subject: str) -> None:
    """Give the request new confirmation and withdrawal links and mail them once the
    transaction is committed (a rolled-back request must not mail a dead link)."""
    confirm, withdraw = _link_token(page), _link_token(page)
    signature.confirm_digest = queries_signing.digest(confirm)
    signature.withdraw_digest = queries_signing.digest(withdraw)
    base = settings.SALVAGUARDA_BASE_URL
    mail = ConfirmationMail(
        to=signature.email,
        language=signature.language,
        subject=subject,
        name=signature.name,
        confirm_link=base + reverse("signing:confirm", args=[confirm]),
        withdraw_link=base + reverse("signing:withdraw", args=[withdraw]),
    )
    transaction.on_commit(partial(_send_confirmation, mail))


@transaction.atomic
def signature_request(
    *, page: SignOnPage, letter: Letter, data: Mapping[str, Any], address: str
) -> None:
    """Ask to sign the letter on its public page (no account): checked by kind (an
    organization or a coalition names its contact person, who is authorized to sign for it; a
    coalition lists up to 100 members; a person gives a name), limited per address and per
    letter within the hour (`RateLimited`), and kept unconfirmed while an e-mail with the
    confirmation and withdrawal links goes to the address. The answer is the same whether the
    address already signed or the request was dropped as a robot's."""
    if page.letter_id != letter.pk:
        raise ValueError("The page is not the letter's.")
    if str(data.get(HONEYPOT) or "").strip():
        return
    key = address_key(address)
    _check_rate(letter, key)
    if not queries_signing.collecting(letter, page.organization):
        raise ValidationError(_("This letter no longer collects signatures."))
    values, errors = _request_values(letter, data)
    values = checked(SignatureRequest, letter.organization_id, values, errors)
    subject = queries_signing.subject_in(letter, values["language"])
    existing = _live_request(letter, values["email"])
    if existing is not None:
        unconfirmed = existing.status == Status.UNCONFIRMED
        if unconfirmed and existing.modified_at + RESEND_AFTER < timezone.now():
            _links(page, existing, subject)
            _public_save(existing, ["confirm_digest", "withdraw_digest"], created=False)
        return
    signature = SignatureRequest(
        organization_id=letter.organization_id, letter=letter, address_key=key, **values
    )
    _links(page, signature, subject)
    _public_save(
        signature,
        [field for field, value in values.items() if not blank(value)],
        created=True,
    )


@transaction.atomic
def signature_confirm(*, page: SignOnPage, token: str) -> SignatureRequest:
    """The signer confirms the address (the e-mailed link): the request waits for an editor.
    A link past its days is refused; a request already confirmed or withdrawn stays as is."""
    signature = queries_signing.request_by_link(page, "confirm", token)
    if signature.status != Status.UNCONFIRMED:
        return signature
    now = timezone.now()
    if _expired(signature, now):
        raise ValidationError(
            _("This link has expired. Sign again on the letter's page to receive a new one."),
            code="expired",
        )
    if queries_signing.letter_of(page).status == Letter.Status.SENT:
        raise ValidationError(_("The letter has already been sent."), code="sent")
    signature.status = Status.PENDING
    signature.confirmed_at = now
    _public_save(signature, ["status", "confirmed_at"], created=False)
    return signature


@transaction.atomic
def signature_withdraw(*, page: SignOnPage, token: str) -> SignatureRequest:
    """The signer withdraws the request (the e-mailed link), at any stage until the letter is
    sent; a signature that already counts takes its signatory off the letter (with its
    members, for a coalition)."""
    signature = queries_signing.request_by_link(page, "withdraw", token)
    if signature.status in (Status.WITHDRAWN, Status.REJECTED):
        return signature
    if queries_signing.letter_of(page).status == Letter.Status.SENT:
        raise ValidationError(
            _(
                "The letter has already been sent: the signature can no longer be withdrawn. "
                "Write to the organizations that lead it."
            ),
            code="sent",
        )
    signatory = signature.signatory if signature.status in COUNTED else None
    signature.status = Status.WITHDRAWN
    signature.signatory = None
    _public_save(signature, ["status", "signatory"], created=False)
    if signatory is not None:
        services.signatures_follow(signatory, by=None)  # others who signed through it
        signatory.delete()
        audit.record(
            action=audit.Action.DELETE,
            actor=None,
            organization_id=signatory.organization_id,
            obj=signatory,
            detail={"withdrawn": str(signature.uuid)},
        )
    return signature


# --- The editors' decisions --------------------------------------------------------------------


def _decidable(signature: SignatureRequest) -> Letter:
    if signature.status != Status.PENDING:
        raise ValidationError(_("This signature is not waiting for a decision."))
    letter = signature.letter
    if letter.status == Letter.Status.SENT:
        raise ValidationError(
            _("The letter has already been sent: its signatories stay as they are.")
        )
    return letter


@dataclass(frozen=True)
class DecisionMail:
    """What the e-mail telling the signer of the editors' decision says."""

    to: str
    language: str
    subject: str
    name: str
    added: bool


def _send_decision(mail: DecisionMail) -> None:
    with translation.override(_mail_language(mail.language)):
        try:
            send_mail(
                subject=(
                    _("Your signature is on the letter: %(subject)s")
                    if mail.added
                    else _("Your signature was not added: %(subject)s")
                )
                % {"subject": mail.subject},
                message=render_to_string("letters/email_signature_decision.txt", {"mail": mail}),
                from_email=None,
                recipient_list=[mail.to],
            )
        except OSError as exc:  # an SMTP error: the decision stands, only the news is lost
            logger.warning("A signature decision could not be sent (%s).", type(exc).__name__)


def _decide(
    by: User, signature: SignatureRequest, status: str, signatory: Signatory | None
) -> None:
    """Record the editor's decision and tell the signer once it is committed."""
    update(
        signature,
        by=by,
        values={
            "status": status,
            "decided_at": timezone.now(),
            "decided_by": by,
            "signatory": signatory,
        },
    )
    mail = DecisionMail(
        to=signature.email,
        language=signature.language,
        subject=queries_signing.subject_in(signature.letter, signature.language),
        name=signature.name,
        added=status != Status.REJECTED,
    )
    transaction.on_commit(partial(_send_decision, mail))


@transaction.atomic
def signature_approve(*, by: User, signature: SignatureRequest) -> Signatory:
    """Add the confirmed signature to the letter, at the end of its list (a coalition's
    members under it), with its contact; an organization's contact person becomes its
    representative, verified by the approving editor now."""
    letter = _decidable(signature)
    individual = signature.kind == Kind.INDIVIDUAL
    signatory = services.signatory_add(
        by=by,
        letter=letter,
        data={
            "kind": signature.kind,
            "name": signature.name,
            "acronym": signature.acronym,
            "country": signature.country,
            "organization_kind": signature.organization_kind,
            "title": signature.title,
            "affiliation": signature.affiliation,
            "contact_name": signature.name if individual else signature.contact_name,
            "contact_email": signature.email,
            "representative": "" if individual else signature.contact_name,
        },
        verified=not individual,
    )
    for member in signature.members:
        services.signatory_add(
            by=by,
            letter=letter,
            data={"kind": Kind.ORGANIZATION, "name": member},
            coalition=signatory,
        )
    _decide(by, signature, Status.APPROVED, signatory)
    return signatory


@transaction.atomic
def signature_reject(*, by: User, signature: SignatureRequest) -> None:
    """The signature does not go on the letter."""
    _decidable(signature)
    _decide(by, signature, Status.REJECTED, None)


@transaction.atomic
def signature_merge(*, by: User, signature: SignatureRequest, into: Signatory) -> None:
    """The signature is of a signatory already listed: it confirms that one, which takes the
    request's contact if it has none (and, for an organization without a representative, the
    contact person as its representative, verified by the editor now)."""
    letter = _decidable(signature)
    if into.letter_id != letter.pk:
        raise ValidationError({"into": [ValidationError(_("Choose a signatory of this letter."))]})
    individual = signature.kind == Kind.INDIVIDUAL
    if (into.kind == Kind.INDIVIDUAL) != individual:
        raise ValidationError(
            {
                "into": [
                    ValidationError(
                        _(
                            "A person's signature merges into a person's, an organization's "
                            "into an organization's."
                        )
                    )
                ]
            }
        )
    values: dict[str, Any] = {}
    if not (into.contact_name or into.contact_email):
        values["contact_name"] = signature.name if individual else signature.contact_name
        values["contact_email"] = signature.email
    if not individual and not into.representative and signature.contact_name:
        values["representative"] = signature.contact_name
        values["representative_verified_at"] = timezone.now()
        values["representative_verified_by"] = by
    if values:
        update(into, by=by, values=values)
    _decide(by, signature, Status.MERGED, into)


# What each e-mailed link does (its pages and the API's).
LINK_ACTIONS = {"confirm": signature_confirm, "withdraw": signature_withdraw}
