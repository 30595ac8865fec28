"""Reads of people. Every function runs inside the request's organization scope."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.people.models import Person


def person_count() -> int:
    """An aggregate: allowed for every role of the organization."""
    return Person.objects.count()


def persons_for(user: Any, *, name: str = "") -> QuerySet[Person]:
    """People of the active organization, optionally by exact name (ignoring accents, case)."""
    queryset = Person.objects.all()
    if name:
        org_id = current_organization_id()
        assert org_id is not None  # noqa: S101 - the scope middleware guarantees it
        given = Person._meta.get_field("given_names_index").lookup_value(org_id, name)
        family = Person._meta.get_field("family_names_index").lookup_value(org_id, name)
        queryset = queryset.filter(given_names_index=given) | queryset.filter(
            family_names_index=family
        )
    return queryset


def persons_page_for(user: Any, *, name: str = "", limit: int = 50) -> list[Person]:
    """The list page: audited before anything is returned."""
    people = list(persons_for(user, name=name)[:limit])
    audit.record(
        action=audit.Action.SEARCH if name else audit.Action.LIST,
        actor=user,
        organization_id=current_organization_id(),
        object_type=Person._meta.label_lower,
        detail={"count": len(people), "filters": ["name"] if name else []},
    )
    return people


def person_get_for(user: Any, person_uuid: uuid.UUID) -> Person:
    """One person of the active organization, audited; 404 if it is not there (or not ours)."""
    person = Person.objects.filter(uuid=person_uuid).first()
    if person is None:
        raise Http404
    audit.record(
        action=audit.Action.VIEW,
        actor=user,
        organization_id=person.organization_id,
        obj=person,
    )
    return person
