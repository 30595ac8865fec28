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

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import GreaterThanOrEqual, IsNull
from django.http import Http404
from django.utils import timezone

from salvaguarda.core import audit
from salvaguarda.people import safeguard_applies, safeguard_proofs, vocab
from salvaguarda.people.models import (
    Consent,
    IdentityDocument,
    Person,
    ReturnEvent,
    SafeguardCheck,
)
from salvaguarda.people.safeguard_proofs import Proof
from salvaguarda.people.validation_records import (
    MIGRATION_DOCUMENT_TYPES,
    MIGRATION_RECEPTION_DOCUMENTS,
)

EXPIRY_WARNING_DAYS = 30


# --- one row -----------------------------------------------------------------------------------


def household_members_for(user: Any, person: Person) -> list[Person]:
    """The members of `person`'s family group (the person included), each read audited;
    404 for a person registered alone."""
    if person.household_id is None:
        raise Http404
    members = list(Person.objects.filter(household_id=person.household_id).order_by("id"))
    audit.record_each(
        {
            "action": audit.Action.VIEW,
            "actor": user,
            "organization_id": member.organization_id,
            "obj": member,
        }
        for member in members
        if member.pk != person.pk
    )
    return members


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
    """One item of the checklist: done when it was recorded (`check`) or when the person's
    records show it (`record`: the document or return that holds a migration document); an
    omission when neither."""

    item: str
    label: str
    check: SafeguardCheck | None
    record: IdentityDocument | ReturnEvent | None = None
    # The record of another app that shows it done (a referral completed).
    proof: Proof | None = None

    @property
    def counted_check(self) -> SafeguardCheck | None:
        """The check recorded by hand, unless a record of a later day decides the item (then
        that record says whether it is done: a barrier undoes the check, an enrolment proves
        the item itself). On the same day the check, recorded to correct the record, counts."""
        check, proof = self.check, self.proof
        if check is None or (proof is not None and proof.done_on > check.done_on):
            return None
        return check

    @property
    def done_proof(self) -> Proof | None:
        return self.proof if self.proof is not None and self.proof.done else None

    @property
    def refutation(self) -> Proof | None:
        """The latest record, when it says the item is not done."""
        return self.proof if self.proof is not None and not self.proof.done else None

    @property
    def is_omission(self) -> bool:
        return self.counted_check is None and self.record is None and self.done_proof is None

    @property
    def done_on(self) -> datetime.date | None:
        if self.counted_check is not None:
            return self.counted_check.done_on
        if self.done_proof is not None:
            return self.done_proof.done_on
        if isinstance(self.record, ReturnEvent):
            return self.record.returned_on
        if isinstance(self.record, IdentityDocument):
            return self.record.issued_on or self.record.created_at.date()
        return None

    @property
    def record_label(self) -> str:
        """The document's name, for a line shown by a document."""
        if isinstance(self.record, IdentityDocument):
            return vocab.DOCUMENT_TYPES.label(self.record.doc_type)
        return ""

    @property
    def record_kind(self) -> str:
        """ "document" or "return", for the page's link to the record."""
        if isinstance(self.record, ReturnEvent):
            return "return"
        return "document" if self.record is not None else ""


def _migration_document_returns() -> QuerySet[ReturnEvent]:
    """Returns at which a Mexican migration document (FMM, TVRH) was given. The list is kept
    as JSON text on both databases; the codes are quoted so that one is not part of another."""
    found = Q()
    for code in MIGRATION_RECEPTION_DOCUMENTS:
        found |= Q(reception_documents__icontains=f'"{code}"')
    return ReturnEvent.objects.filter(found)


def _migration_document_record(person: Person) -> IdentityDocument | ReturnEvent | None:
    """The earliest record that shows a migration document was issued: a document of a
    migration type, else a return at which one was given."""
    document = (
        IdentityDocument.objects.filter(person=person, doc_type__in=MIGRATION_DOCUMENT_TYPES)
        .order_by(F("issued_on").asc(nulls_last=True), "created_at")
        .first()
    )
    if document is not None:
        return document
    return _migration_document_returns().filter(person=person).order_by("returned_on").first()


def safeguard_checks(person_id: int) -> QuerySet[SafeguardCheck]:
    """The safeguards recorded for a person, with the names of who recorded and last changed
    each (`recorded_by`, `changed_by`)."""
    return SafeguardCheck.objects.filter(person_id=person_id).annotate(
        recorded_by=F("created_by__full_name"), changed_by=F("modified_by__full_name")
    )


def safeguard_status(person: Person) -> list[SafeguardLine]:
    """The safeguards that apply to the person, in the order of the ruling's checklist
    (DOMAIN.md 5)."""
    proofs = safeguard_proofs.proofs_for(person)
    return safeguard_lines(
        safeguard_checks(person.pk),
        _migration_document_record(person),
        proofs,
        safeguard_applies.applicable_to(person, timezone.localdate(), proofs),
    )


def safeguard_lines(
    checks: Iterable[SafeguardCheck],
    migration_record: IdentityDocument | ReturnEvent | None,
    proofs: dict[str, Proof],
    applicable: set[str],
) -> list[SafeguardLine]:
    """The checklist from the checks recorded, the record, if any, that shows a migration
    document was issued, and what other apps' records prove (`safeguard_proofs`): the items
    that apply to the person (`safeguard_applies`), and any other already done."""
    done = {check.item: check for check in checks}
    migration = SafeguardCheck.Item.MIGRATION_DOCUMENT
    return [
        SafeguardLine(
            item=item.value,
            label=str(item.label),
            check=done.get(item.value),
            record=migration_record if item == migration else None,
            proof=proofs.get(item.value),
        )
        for item in SafeguardCheck.Item
        if item in applicable or item in done or (item in proofs and proofs[item].done)
    ]


def migration_document_among(
    documents: list[IdentityDocument], returns: list[ReturnEvent]
) -> IdentityDocument | ReturnEvent | None:
    """`_migration_document_record` over records already read: the same choice, no query."""
    issued = [d for d in documents if d.doc_type in MIGRATION_DOCUMENT_TYPES]
    if issued:
        return min(
            issued,
            key=lambda d: (d.issued_on is None, d.issued_on or datetime.date.min, d.created_at),
        )
    given = [
        r
        for r in returns
        if any(code in (r.reception_documents or []) for code in MIGRATION_RECEPTION_DOCUMENTS)
    ]
    return min(given, key=lambda r: r.returned_on) if given else None


def omission_counts(persons: QuerySet[Person] | None = None) -> dict[str, int]:
    """How many people of the active organization lack each safeguard that applies to them
    (`safeguard_applies`: a child's schooling counts children of school age only), in one query.

    `persons` narrows the count (a city, a period); by default everyone registered.
    """
    persons = Person.objects.all() if persons is None else persons
    today = timezone.localdate()
    counts = persons.aggregate(
        **{
            item.value: Count("pk", filter=safeguard_applies.applies(item, today) & ~_done(item))
            for item in SafeguardCheck.Item
        }
    )
    return {item.value: counts[item.value] or 0 for item in SafeguardCheck.Item}


def _done(item: SafeguardCheck.Item) -> Q:
    """The people for whom `item` is done: recorded, or shown by their records."""
    done = Q(Exists(SafeguardCheck.objects.filter(person=OuterRef("pk"), item=item.value)))
    if item == SafeguardCheck.Item.MIGRATION_DOCUMENT:
        documents = IdentityDocument.objects.filter(
            person=OuterRef("pk"), doc_type__in=MIGRATION_DOCUMENT_TYPES
        )
        returns = _migration_document_returns().filter(person=OuterRef("pk"))
        done |= Q(Exists(documents)) | Q(Exists(returns))
    latest = safeguard_proofs.latest_of(item.value)
    if latest is not None:
        # The latest record decides, unless a check by hand is later than it.
        checked_on = Subquery(
            SafeguardCheck.objects.filter(person=OuterRef("pk"), item=item.value).values("done_on")[
                :1
            ]
        )
        done = latest.shows_done | (
            Q(IsNull(checked_on, False))
            & (Q(IsNull(latest.day, True)) | Q(GreaterThanOrEqual(checked_on, latest.day)))
        )
    proved = safeguard_proofs.done_condition(item.value)
    if proved is not None:
        done |= proved
    return done
