"""Reads of referrals: one referral as its side sees it, the lists sent, received and overdue,
and a person's referrals for their file.

The lists show no data of a person that crossed (reference, service, organizations, urgency,
dates, status): reading what crossed is opening one referral, audited in both organizations'
trails (`core.sharing.record_read`).
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.core.sharing import Side, record_read
from salvaguarda.lib.crypto import DecryptionError
from salvaguarda.people.models import Person
from salvaguarda.people.prepared import Prepared, attach, keep, take
from salvaguarda.referrals.referring import crossing
from salvaguarda.referrals.referring.models import (
    Referral,
    ReferralStep,
    ReferredPerson,
    Status,
)

PAGE_SIZE = 25
LISTS = ("received", "sent", "overdue")


@dataclass(frozen=True)
class ReferralView:
    """One referral as the active organization sees it."""

    referral: Referral
    side: Side
    # Both sides at once: a referral inside one organization.
    internal: bool
    shared: list[tuple[str, str]]
    reason: str
    # False when what crossed can no longer be decrypted (the receiver's keys destroyed).
    readable: bool
    steps: list[ReferralStep]
    # The sender's own record (the person and the consent); None for the recipient.
    referred: ReferredPerson | None

    @property
    def answers(self) -> bool:
        """Whether this organization answers it (accept, decline, ask)."""
        return self.internal or self.side == Side.RECIPIENT

    @property
    def sends(self) -> bool:
        return self.internal or self.side == Side.SENDER


def _scope() -> int:
    organization_id = current_organization_id()
    if organization_id is None:
        raise Http404
    return organization_id


def _visible() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "service__provider",
        "organization",
        "recipient",
        "sender_caseworker",
        "receiver_caseworker",
    )


def referral_get_for(user: Any, referral_uuid: uuid.UUID) -> ReferralView:
    """One referral of which the active organization is a side, its read audited in both
    organizations' trails; 404 for anyone else."""
    organization_id = _scope()
    referral = _visible().filter(uuid=referral_uuid).first()
    if referral is None:
        raise Http404
    side = referral.side_of(organization_id)
    assert side is not None  # noqa: S101 - the scoped manager returns only the two sides' rows
    referred = None
    if side == Side.SENDER:
        referred = ReferredPerson.objects.filter(referral=referral).select_related("person").first()
    steps = list(
        ReferralStep.objects.filter(referral=referral).select_related("created_by", "organization")
    )
    record_read(by=user, record=referral, fields=["shared", "reason", *referral.shared_fields])
    try:
        shared, reason = crossing.rows(referral.shared), str(referral.reason or "")
        for step in steps:
            step.note  # noqa: B018 - decrypted now, so that a destroyed key is seen here
        readable = True
    except DecryptionError:
        # The receiver's keys were destroyed (crypto-shredding): what crossed is gone for both.
        shared, reason, readable = [], "", False
        for step in steps:
            step.__dict__["note"] = None
    return ReferralView(
        referral=referral,
        side=side,
        internal=not referral.crosses and referral.recipient_id is not None,
        shared=shared,
        reason=reason,
        readable=readable,
        steps=steps,
        referred=referred,
    )


def referral_for_step(referral_uuid: uuid.UUID) -> Referral:
    """The referral a step is taken on (the step's service checks the side); 404 if unseen."""
    _scope()
    referral = Referral.objects.filter(uuid=referral_uuid).first()
    if referral is None:
        raise Http404
    return referral


def _list(which: str, organization_id: int) -> QuerySet[Referral]:
    if which == "received":
        return _visible().filter(recipient_id=organization_id).order_by("-created_at", "-id")
    return _visible().filter(organization_id=organization_id).order_by("-created_at", "-id")


def _overdue_sides(
    organization_id: int, now: datetime.datetime
) -> tuple[QuerySet[Referral], QuerySet[Referral]]:
    """The overdue referrals received and sent, each in deadline order from its own index
    (`referral_received`, `referral_sent`): read apart and merged, the page reads a few rows
    of each whatever the backlog (one query on both sides sorted every overdue row). A referral
    inside the organization is on the received side only."""
    due = _visible().filter(status=Status.SENT, answer_due_at__lt=now)
    received = due.filter(recipient_id=organization_id)
    sent = due.filter(organization_id=organization_id, recipient__isnull=False).exclude(
        recipient_id=organization_id
    )
    order = ("answer_due_at", "id")
    return received.order_by(*order), sent.order_by(*order)


def _overdue_rows(organization_id: int, now: datetime.datetime, stop: int) -> list[Referral]:
    received, sent = _overdue_sides(organization_id, now)
    rows = list(received[:stop]) + list(sent[:stop])
    return sorted(rows, key=lambda r: (r.answer_due_at, r.pk))[:stop]


@dataclass(frozen=True)
class ReferralPage:
    referrals: list[Referral]
    number: int
    has_next: bool


def referrals_page_for(
    user: Any, which: str, *, status: str = "", page: int = 1, now: datetime.datetime | None = None
) -> ReferralPage:
    """A page of the organization's referrals: `received`, `sent` or `overdue` (unanswered
    past their deadline, either way), optionally of one status; audited as a list."""
    if which not in LISTS:
        raise Http404
    organization_id = _scope()
    start = (page - 1) * PAGE_SIZE
    if which == "overdue":
        rows = _overdue_rows(organization_id, now or timezone.now(), start + PAGE_SIZE + 1)
        rows = rows[start:]
    else:
        queryset = _list(which, organization_id)
        if status in Status.values:
            queryset = queryset.filter(status=status)
        rows = list(queryset[start : start + PAGE_SIZE + 1])
    found = ReferralPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)
    audit.record(
        action=audit.Action.LIST,
        actor=user,
        organization_id=organization_id,
        object_type="referrals.referral",
        detail={"list": which, "status": status, "page": page, "count": len(found.referrals)},
    )
    return found


def counts_for(organization_id: int, now: datetime.datetime) -> dict[str, int]:
    """How many received referrals wait for our answer, and how many are overdue either way
    (the figures of the lists' tabs)."""
    return {
        "waiting": Referral.objects.filter(
            recipient_id=organization_id, status=Status.SENT
        ).count(),
        "overdue": sum(side.count() for side in _overdue_sides(organization_id, now)),
    }


# A person's referrals (the sender's records), newest first, with the columns of the referral,
# its service and provider that the file shows (its SQL built once per process: prepared.py).
_LINKS = Prepared(
    lambda person_id: ReferredPerson.objects.filter(person_id=person_id).annotate(
        referral_uuid=F("referral__uuid"),
        referral_organization=F("referral__organization"),
        referral_recipient=F("referral__recipient"),
        referral_reference=F("referral__reference"),
        referral_service=F("referral__service"),
        referral_status=F("referral__status"),
        referral_outcome=F("referral__outcome"),
        referral_outcome_on=F("referral__outcome_on"),
        service_name=F("referral__service__name"),
        service_provider=F("referral__service__provider"),
        provider_name=F("referral__service__provider__name"),
    )
)


_KEPT = "_referrals_of_person"


def referrals_of_person(person: Person) -> list[ReferredPerson]:
    """The person's referrals (the sender's records), newest first, for their file: each with
    its referral, the referral's service and the service's provider (the columns shown; the
    rest read if ever used)."""
    links = _LINKS.rows(person.pk)
    for link in links:
        referral = attach(
            link,
            "referral",
            {
                "id": link.referral_id,
                "uuid": link.referral_uuid,
                "organization": link.referral_organization,
                "recipient": link.referral_recipient,
                "reference": link.referral_reference,
                "service": link.referral_service,
                "status": link.referral_status,
                "outcome": link.referral_outcome,
                "outcome_on": link.referral_outcome_on,
            },
        )
        service = attach(
            referral,
            "service",
            {
                "id": link.referral_service,
                "name": link.service_name,
                "provider": link.service_provider,
            },
        )
        attach(service, "provider", {"id": link.service_provider, "name": link.provider_name})
    return links


def referrals_for_proof(person: Person) -> list[ReferredPerson]:
    """`referrals_of_person`, kept on the person for the file's panel of the same page
    (`referrals_for_panel`): the file reads the person's referrals once."""
    return keep(person, _KEPT, referrals_of_person(person))


def referrals_for_panel(person: Person) -> list[ReferredPerson]:
    """The person's referrals for the file's panel: those the proof of "Referrals made" read
    for the same page (the same person, in the same scope), else read now."""
    return take(person, _KEPT, lambda: referrals_of_person(person))
