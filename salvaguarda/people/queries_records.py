"""Reads of returns, documents, consents and the safeguards checklist.

The `*_get_for` accessors take a person the caller already fetched (and audited) with
`queries.person_get_for`, and answer 404 for a row that is not that person's.
`documents_expiring` and `safeguard_status` give the `_documents` and `_safeguards` partials
of the person file page their lines; `omission_counts` counts what the checklist lacks.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404

from salvaguarda.core import audit
from salvaguarda.people import vocab
from salvaguarda.people.models import (
    Consent,
    IdentityDocument,
    Person,
    ReturnEvent,
    SafeguardCheck,
)

EXPIRY_WARNING_DAYS = 30


# --- one row -----------------------------------------------------------------------------------


def return_get_for(user: Any, person: Person, return_uuid: uuid.UUID) -> ReturnEvent:
    record = ReturnEvent.objects.filter(person=person, uuid=return_uuid).first()
    if record is None:
        raise Http404
    return record


def document_get_for(user: Any, person: Person, document_uuid: uuid.UUID) -> IdentityDocument:
    """One document of the person, audited (it carries a number); 404 otherwise."""
    document = IdentityDocument.objects.filter(person=person, uuid=document_uuid).first()
    if document is None:
        raise Http404
    audit.record(
        action=audit.Action.VIEW,
        actor=user,
        organization_id=document.organization_id,
        obj=document,
    )
    return document


def consent_get_for(user: Any, person: Person, consent_uuid: uuid.UUID) -> Consent:
    consent = (
        Consent.objects.filter(person=person, uuid=consent_uuid)
        .select_related("created_by", "revoked_by")
        .first()
    )
    if consent is None:
        raise Http404
    return consent


# --- documents ---------------------------------------------------------------------------------


class DocumentState(StrEnum):
    NO_EXPIRY = "no_expiry"
    VALID = "valid"
    EXPIRING = "expiring"  # expires within EXPIRY_WARNING_DAYS (today included)
    EXPIRED = "expired"  # its expiry date has passed


@dataclass(frozen=True)
class DocumentLine:
    document: IdentityDocument
    state: DocumentState
    days_left: int | None  # None without an expiry date; negative once expired

    @property
    def type_label(self) -> str:
        return vocab.DOCUMENT_TYPES.label(self.document.doc_type)

    @property
    def masked_number(self) -> str:
        """The last four characters only: the whole number is on the audited document page."""
        number = str(self.document.number or "")
        if not number:
            return ""
        return "•••" + number[-4:] if len(number) > 4 else number

    @property
    def is_expiring(self) -> bool:
        return self.state is DocumentState.EXPIRING

    @property
    def is_expired(self) -> bool:
        return self.state is DocumentState.EXPIRED

    @property
    def days_ago(self) -> int | None:
        return -self.days_left if self.days_left is not None else None


def document_state(expires_on: datetime.date | None, today: datetime.date) -> DocumentState:
    if expires_on is None:
        return DocumentState.NO_EXPIRY
    if expires_on < today:
        return DocumentState.EXPIRED
    if (expires_on - today).days <= EXPIRY_WARNING_DAYS:
        return DocumentState.EXPIRING
    return DocumentState.VALID


def documents_expiring(
    person_documents: Iterable[IdentityDocument], today: datetime.date
) -> list[DocumentLine]:
    """Every document with its state; the expired and expiring first, by expiry date."""
    lines = [
        DocumentLine(
            document=d,
            state=document_state(d.expires_on, today),
            days_left=(d.expires_on - today).days if d.expires_on else None,
        )
        for d in person_documents
    ]
    return sorted(
        lines,
        key=lambda line: (
            line.document.expires_on is None,
            line.document.expires_on or datetime.date.max,
        ),
    )


# --- safeguards --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SafeguardLine:
    """One item of the checklist: `check` is None when it was not done (an omission)."""

    item: str
    label: str
    check: SafeguardCheck | None

    @property
    def is_omission(self) -> bool:
        return self.check is None


def safeguard_status(person: Person) -> list[SafeguardLine]:
    """All five safeguards in the order of the ruling's checklist (DOMAIN.md 5)."""
    done = {
        check.item: check
        for check in SafeguardCheck.objects.filter(person=person).select_related(
            "created_by", "modified_by"
        )
    }
    return [
        SafeguardLine(item=item.value, label=str(item.label), check=done.get(item.value))
        for item in SafeguardCheck.Item
    ]


def omission_counts(persons: QuerySet[Person] | None = None) -> dict[str, int]:
    """How many people of the active organization lack each safeguard, in one query.

    `persons` narrows the count (a city, a period); by default everyone registered.
    """
    persons = Person.objects.all() if persons is None else persons
    counts = persons.aggregate(
        **{
            item.value: Count(
                "pk",
                filter=~Exists(
                    SafeguardCheck.objects.filter(person=OuterRef("pk"), item=item.value)
                ),
            )
            for item in SafeguardCheck.Item
        }
    )
    return {item.value: counts[item.value] or 0 for item in SafeguardCheck.Item}
