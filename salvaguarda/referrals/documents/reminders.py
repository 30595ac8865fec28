"""The e-mail reminder of a Mexican migration document about to expire (issue 17 §3).

The periodic upkeep of the task worker (every 6 hours) sweeps every active organization for
its migration documents that expire within 30 days, then within 7 days, of the organization's
today (in its time zone), and e-mails each recipient one digest of them: the person's reference,
the type of document, its expiry date and a link to "Documents to renew". No name, no number, no
other data of the person. A document is reminded once at each threshold: 30 days, then 7 (one
recorded late, already within 7 days, gets only the 7-day reminder). An expired document is not
reminded (the list shows it), nor one of a deleted person. A renewed document (its `expires_on`
moved) is reminded again before its new expiry.

Who receives it: the member who recorded the document's procedure (its latest one), else the
member who recorded the document; one who left the organization, was deactivated, has no e-mail
or no longer works on case files is passed over, and then the organization's coordinators
receive it. With nobody at all, nothing is recorded and the next sweep tries again.

Sent once, whatever number of workers sweep at the same time: each reminder is recorded first
(`ExpiryReminder`, unique per document, expiry date and threshold), in the organization's
transaction; a worker that finds the row already written by another (the unique constraint)
leaves that document to it. The e-mails go after the transaction is committed. One that cannot
be sent is logged and its rows removed, so that the next sweep tries again.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from salvaguarda.accounts.models import Membership, Organization, Role, User
from salvaguarda.core import audit
from salvaguarda.core.access import CASE_ROLES
from salvaguarda.core.scoping import organization_scope
from salvaguarda.people import vocab
from salvaguarda.people.models import IdentityDocument
from salvaguarda.people.queries_records import EXPIRY_WARNING_DAYS
from salvaguarda.people.validation_records import MIGRATION_DOCUMENT_TYPES
from salvaguarda.referrals.documents.models import DocumentProcedure, ExpiryReminder
from salvaguarda.referrals.documents.queries import not_replaced

logger = logging.getLogger(__name__)

# How many days before the expiry a reminder goes, nearest last (the list warns from 30 days).
THRESHOLDS = (7, EXPIRY_WARNING_DAYS)


@dataclass(frozen=True)
class _Due:
    """A document to remind: what the e-mail says of it, and at which threshold."""

    document_id: int
    reference: str  # the person's reference (P-…)
    doc_type: str
    expires_on: datetime.date
    days_before: int
    # Who recorded its procedure (latest), then who recorded the document.
    authors: tuple[int, ...]


@dataclass
class _Digest:
    """One recipient's e-mail: the documents it reminds."""

    user: User
    organization: Organization
    today: datetime.date
    documents: list[_Due] = field(default_factory=list)


def _due(organization_id: int, today: datetime.date) -> list[_Due]:
    """The organization's migration documents within a threshold that was not reminded yet
    (for their present expiry date), soonest first. Runs in the organization's scope."""
    found: list[_Due] = []
    after = today
    for threshold in THRESHOLDS:
        until = today + datetime.timedelta(days=threshold)
        reminded = ExpiryReminder.objects.filter(
            document=OuterRef("pk"),
            expires_on=OuterRef("expires_on"),
            days_before__lte=threshold,
        )
        rows = (
            IdentityDocument.objects.filter(
                organization_id=organization_id,
                doc_type__in=MIGRATION_DOCUMENT_TYPES,
                expires_on__gte=after,
                expires_on__lte=until,
                person__deleted_at__isnull=True,
            )
            .filter(~Exists(reminded), not_replaced())
            .order_by("expires_on", "id")
            .values_list("pk", "person__reference", "doc_type", "expires_on", "created_by_id")
        )
        found += [
            _Due(pk, reference, doc_type, expires_on, threshold, (author,))
            for pk, reference, doc_type, expires_on, author in rows
        ]
        after = until + datetime.timedelta(days=1)
    procedure_authors: dict[int, int] = {}
    procedures = (
        DocumentProcedure.objects.filter(document_id__in=[due.document_id for due in found])
        .order_by("-created_at", "-id")
        .values_list("document_id", "created_by_id")
    )
    for document_id, author in procedures:
        procedure_authors.setdefault(document_id, author)
    return [
        _Due(
            due.document_id,
            due.reference,
            due.doc_type,
            due.expires_on,
            due.days_before,
            (procedure_authors[due.document_id], *due.authors)
            if due.document_id in procedure_authors
            else due.authors,
        )
        for due in found
    ]


def _reachable(
    organization_id: int, roles: Iterable[str], user_ids: Iterable[int] | None = None
) -> dict[int, User]:
    """The organization's active members with one of `roles` and an e-mail (among `user_ids`,
    unless None), by id."""
    memberships = Membership.objects.filter(
        organization_id=organization_id,
        is_active=True,
        role__in=list(roles),
        user__is_active=True,
    ).exclude(user__email="")
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=list(user_ids))
    return {m.user.pk: m.user for m in memberships.select_related("user").order_by("user_id")}


def _recipients(organization_id: int, due: list[_Due]) -> dict[int, list[User]]:
    """Who receives each document's reminder, by document id (nobody: left out)."""
    authors = _reachable(organization_id, CASE_ROLES, {author for d in due for author in d.authors})
    coordinators: list[User] | None = None
    chosen: dict[int, list[User]] = {}
    for document in due:
        author = next((authors[a] for a in document.authors if a in authors), None)
        if author is not None:
            chosen[document.document_id] = [author]
            continue
        if coordinators is None:
            coordinators = list(_reachable(organization_id, [Role.COORDINATOR]).values())
        if coordinators:
            chosen[document.document_id] = coordinators
    return chosen


def _record(
    organization: Organization, today: datetime.date, now: datetime.datetime
) -> tuple[dict[int, _Digest], dict[int, int]]:
    """Within the organization's scope: record the reminders due and audit the read. Returns
    the digests by recipient, and the reminder row of each document reminded."""
    due = _due(organization.pk, today)
    if not due:
        return {}, {}
    recipients = _recipients(organization.pk, due)
    digests: dict[int, _Digest] = {}
    rows: dict[int, int] = {}
    unreachable = 0
    for document in due:
        users = recipients.get(document.document_id)
        if not users:
            unreachable += 1
            continue
        try:
            with transaction.atomic():  # a savepoint: the constraint may refuse the row
                row = ExpiryReminder.objects.create(
                    organization=organization,
                    document_id=document.document_id,
                    expires_on=document.expires_on,
                    days_before=document.days_before,
                    sent_at=now,
                    created_by=users[0],
                    modified_by=users[0],
                )
        except IntegrityError:  # another worker recorded it: it sends it
            continue
        rows[document.document_id] = row.pk
        for user in users:
            digest = digests.setdefault(user.pk, _Digest(user, organization, today))
            digest.documents.append(document)
    if unreachable:
        logger.warning(
            "%s expiry reminders of organization %s have nobody to go to.",
            unreachable,
            organization.pk,
        )
    if rows:
        # The sweep read the documents of these people (their references go out by e-mail).
        audit.record(
            action=audit.Action.LIST,
            organization_id=organization.pk,
            object_type="people.identitydocument",
            detail={"list": "expiry_reminders", "count": len(rows)},
        )
    return digests, rows


def _line(document: _Due, today: datetime.date) -> str:
    days = (document.expires_on - today).days
    when = (
        _("expires today")
        if days == 0
        else ngettext("expires in %(days)s day", "expires in %(days)s days", days) % {"days": days}
    )
    label = vocab.DOCUMENT_TYPES.label(document.doc_type)
    return f"{document.reference} · {label} · {document.expires_on:%d/%m/%Y} ({when})"


def _mail(digest: _Digest) -> bool:
    """Send one recipient's digest, in their language. Whether it went."""
    user = digest.user
    link = settings.SALVAGUARDA_BASE_URL.rstrip("/") + reverse("referrals:documents_expiring")
    count = len(digest.documents)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = ngettext(
            "%(count)s migration document expires soon",
            "%(count)s migration documents expire soon",
            count,
        ) % {"count": count}
        lines = "\n".join(_line(document, digest.today) for document in digest.documents)
        body = _(
            "These migration documents of people of %(organization)s expire soon. Help them "
            "renew each one in time:\n\n%(lines)s\n\nThe list of documents to renew:\n%(link)s\n"
        ) % {"organization": digest.organization.name, "lines": lines, "link": link}
    try:
        send_mail(subject, body, None, [user.email])
    except OSError as exc:  # an SMTP error: the next sweep tries again
        logger.warning("An expiry reminder could not be sent (%s).", type(exc).__name__)
        return False
    return True


def _send(organization_id: int, digests: dict[int, _Digest], rows: dict[int, int]) -> int:
    """Send the digests (after the commit); forget the reminders that reached nobody, so the
    next sweep tries again. Returns the number of e-mails sent."""
    reached: set[int] = set()
    sent = 0
    for digest in digests.values():
        if _mail(digest):
            sent += 1
            reached.update(document.document_id for document in digest.documents)
    lost = [row for document_id, row in rows.items() if document_id not in reached]
    if lost:
        with organization_scope(organization_id):
            ExpiryReminder.objects.filter(pk__in=lost).delete()
    return sent


def documents_remind_expiring(now: datetime.datetime | None = None) -> int:
    """Every active organization's migration documents about to expire, reminded by e-mail
    once per threshold (the periodic sweep). Returns the number of e-mails sent."""
    now = now or timezone.now()
    sent = 0
    for organization in Organization.objects.filter(is_active=True).order_by("pk"):
        today = timezone.localdate(now, ZoneInfo(organization.time_zone))
        with organization_scope(organization.pk):
            digests, rows = _record(organization, today, now)
        # The transaction is committed: the reminders are ours to send.
        sent += _send(organization.pk, digests, rows)
    return sent
