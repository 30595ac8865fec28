"""Reads of document procedures and the refugee claim, for the person's file."""

import uuid
from dataclasses import dataclass

from django.db.models import F
from django.http import Http404

from salvaguarda.people.models import Person
from salvaguarda.referrals.documents.models import ComarStep, DocumentProcedure


@dataclass(frozen=True)
class DocumentsPanel:
    procedures: list[DocumentProcedure]
    # The refugee claim's steps, newest first (the first is where it stands); empty: no claim.
    comar: list[ComarStep]


def documents_panel(person: Person) -> DocumentsPanel:
    procedures = list(
        DocumentProcedure.objects.filter(person=person)
        .select_related("document")
        .annotate(recorded_by=F("created_by__full_name"))
    )
    comar = list(
        ComarStep.objects.filter(person=person).annotate(recorded_by=F("created_by__full_name"))
    )
    return DocumentsPanel(procedures, comar)


def procedure_get_for(person: Person, procedure_uuid: uuid.UUID) -> DocumentProcedure:
    """One procedure of the person (of the active organization); 404 otherwise."""
    found = DocumentProcedure.objects.filter(person=person, uuid=procedure_uuid).first()
    if found is None:
        raise Http404
    return found
