"""Reads of document procedures and the refugee claim, for the person's file."""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404

from salvaguarda.core import audit
from salvaguarda.people.models import IdentityDocument, Person
from salvaguarda.people.prepared import Prepared, attach
from salvaguarda.people.queries_records import EXPIRY_WARNING_DAYS
from salvaguarda.people.validation_records import MIGRATION_DOCUMENT_TYPES
from salvaguarda.referrals.documents.models import ComarStep, DocumentProcedure


@dataclass(frozen=True)
class DocumentsPanel:
    procedures: list[DocumentProcedure]
    # The refugee claim's steps, newest first (the first is where it stands); empty: no claim.
    comar: list[ComarStep]


# The panel's reads, their SQL built once per process (people/prepared.py); of the document a
# procedure gave, the expiry the panel shows (the rest read if ever used).
_PROCEDURES = Prepared(
    lambda person_id: DocumentProcedure.objects.filter(person_id=person_id).annotate(
        recorded_by=F("created_by__full_name"),
        document_expires_on=F("document__expires_on"),
    )
)
_COMAR = Prepared(
    lambda person_id: ComarStep.objects.filter(person_id=person_id).annotate(
        recorded_by=F("created_by__full_name")
    )
)


def documents_panel(person: Person) -> DocumentsPanel:
    procedures = _PROCEDURES.rows(person.pk)
    for procedure in procedures:
        attach(
            procedure,
            "document",
            {
                "id": procedure.document_id,
                "expires_on": procedure.document_expires_on,
            },
        )
    return DocumentsPanel(procedures, _COMAR.rows(person.pk))


def procedure_get_for(person: Person, procedure_uuid: uuid.UUID) -> DocumentProcedure:
    """One procedure of the person (of the active organization); 404 otherwise."""
    found = DocumentProcedure.objects.filter(person=person, uuid=procedure_uuid).first()
    if found is None:
        raise Http404
    return found


# How long after expiry a document stays on the list (it needs renewing, or the person left).
EXPIRED_SHOWN_DAYS = 60
EXPIRING_LIMIT = 200
# The documents that replace one when they expire later (or never): the same document renewed,
# or a better status (a residence card after a TVRH, permanent residence after recognition as
# a refugee, the permanent CURP after the temporary one).
REPLACED_BY = {
    "FMM": ("FMM", "TVRH", "RES_TEMP", "RES_PERM"),
    "TVRH": ("TVRH", "RES_TEMP", "RES_PERM"),
    "RES_TEMP": ("RES_TEMP", "RES_PERM"),
    "RES_PERM": ("RES_PERM",),
    "COMAR_CONSTANCIA": ("COMAR_CONSTANCIA", "RES_PERM"),
    "CURP_TEMP": ("CURP_TEMP", "CURP_PERM"),
    "CURP_PERM": ("CURP_PERM",),
}


def not_replaced() -> Q:
    """The documents (rows of `IdentityDocument`) no later document of their person replaces:
    those still to renew."""
    kept = Q()
    for doc_type, replacements in REPLACED_BY.items():
        later = IdentityDocument.objects.filter(
            person_id=OuterRef("person_id"), doc_type__in=replacements
        ).filter(Q(expires_on__gt=OuterRef("expires_on")) | Q(expires_on__isnull=True))
        kept |= Q(doc_type=doc_type) & ~Q(Exists(later))
    return kept


def documents_expiring_for(
    user: Any, organization_id: int, today: datetime.date
) -> list[IdentityDocument]:
    """The organization's Mexican migration documents that expire within the warning days or
    expired recently, soonest first (the index `document_org_expiry`), with their people, so
    that a caseworker renews them in time. Audited as a list."""
    found = list(
        IdentityDocument.objects.filter(
            doc_type__in=MIGRATION_DOCUMENT_TYPES,
            expires_on__gte=today - datetime.timedelta(days=EXPIRED_SHOWN_DAYS),
            expires_on__lte=today + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .filter(not_replaced())
        .select_related("person")
        .order_by("expires_on", "id")[:EXPIRING_LIMIT]
    )
    audit.record(
        action=audit.Action.LIST,
        actor=user,
        organization_id=organization_id,
        object_type="people.identitydocument",
        detail={"list": "expiring", "count": len(found)},
    )
    return found
