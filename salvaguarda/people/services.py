"""Writes of people. Each is audited with the names of the fields it changed, never the values."""

from typing import Any

from django.db import transaction

from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.people.models import Person

EDITABLE = ("given_names", "family_names", "date_of_birth")


def _next_reference(org_id: int) -> str:
    last = (
        Person.unscoped.filter(organization_id=org_id)
        .order_by("-id")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.split("-")[-1]) + 1 if last else 1
    return f"P-{number:06d}"


@transaction.atomic
def person_register(*, by: Any, data: dict[str, Any]) -> Person:
    org_id = current_organization_id()
    if org_id is None:
        raise PermissionError("No organization scope.")
    person = Person(
        organization_id=org_id, created_by=by, modified_by=by, reference=_next_reference(org_id)
    )
    for field in EDITABLE:
        setattr(person, field, data.get(field))
    person.save()
    audit.record(
        action=audit.Action.CREATE,
        actor=by,
        organization_id=org_id,
        obj=person,
        fields=[f for f in EDITABLE if data.get(f) not in (None, "")],
    )
    return person


@transaction.atomic
def person_update(*, by: Any, person: Person, data: dict[str, Any]) -> Person:
    changed = [f for f in EDITABLE if f in data and data[f] != getattr(person, f)]
    if not changed:
        return person
    for field in changed:
        setattr(person, field, data[field])
    person.modified_by = by
    person.save()
    audit.record(
        action=audit.Action.UPDATE,
        actor=by,
        organization_id=person.organization_id,
        obj=person,
        fields=changed,
    )
    return person
