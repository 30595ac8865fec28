"""The steps every service's write of a case record shares: check, create, update, audit.

A write checks the model's own field rules (type, length, choices) together with the domain
rules the service passes, and raises one `ValidationError` by field before anything is saved.
Creations and changes are audited with the names of the fields set, never their values.
"""

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError

from salvaguarda.accounts.models import User
from salvaguarda.core import audit
from salvaguarda.core.models import OrgScopedModel

Errors = dict[str, list[ValidationError]]


def blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def same_value(a: Any, b: Any) -> bool:
    return (None if blank(a) else a) == (None if blank(b) else b)


def prepared(
    fields: Iterable[str],
    data: Mapping[str, Any],
    current: Any,
    *,
    defaults: Mapping[str, Any],
    nullable: Collection[str],
) -> dict[str, Any]:
    """What a write will hold: `data`'s value, else the row's, else the field's empty value
    (its default, None for a nullable field, else ""). Text is stripped; lists are sorted
    without repeats, so equal lists compare equal."""
    values: dict[str, Any] = {}
    for field in fields:
        if field in data:
            value = data[field]
        elif current is not None:
            value = getattr(current, field)
        else:
            value = defaults.get(field, None if field in nullable else "")
        if isinstance(value, str):
            value = value.strip()
        elif value is None and field not in nullable:
            value = defaults.get(field, "")
        if isinstance(value, list | tuple | set):
            value = sorted(set(value))
        values[field] = value
    return values


def checked[M: OrgScopedModel](
    model: type[M], organization_id: int, values: dict[str, Any], errors: Errors
) -> dict[str, Any]:
    """The model's own field checks, then the rules in `errors`: raise if any failed."""
    candidate = model(organization_id=organization_id)
    for field, value in values.items():
        setattr(candidate, field, value)
    exclude = [f.name for f in model._meta.fields if f.name not in values]
    found: Errors = {}
    try:
        candidate.clean_fields(exclude=exclude)
    except ValidationError as exc:
        found = {field: list(messages) for field, messages in exc.error_dict.items()}
    found.update(errors)
    if found:
        raise ValidationError(found)
    return {field: getattr(candidate, field) for field in values}


def create[M: OrgScopedModel](model: type[M], *, by: User, org_id: int, **values: Any) -> M:
    row = model(organization_id=org_id, created_by=by, modified_by=by, **values)
    row.save()
    audit.record(
        action=audit.Action.CREATE,
        actor=by,
        organization_id=org_id,
        obj=row,
        fields=[f for f, v in values.items() if not blank(v) and not isinstance(v, OrgScopedModel)],
    )
    return row


def create_many[M: OrgScopedModel](model: type[M], rows: list[M], *, by: User) -> list[M]:
    """Insert many new rows of one organization at once (each already holding its values and
    organization) and audit each, as `create` does, in one append."""
    for row in rows:
        row.created_by = row.modified_by = by
    model.objects.bulk_create(rows)
    audit.record_each(
        {
            "action": audit.Action.CREATE,
            "actor": by,
            "organization_id": row.organization_id,
            "obj": row,
            "fields": _set_fields(row),
        }
        for row in rows
    )
    return rows


def _set_fields(row: OrgScopedModel) -> list[str]:
    """The fields a new row holds a value in, as `create` audits them (not the records it
    belongs to)."""
    return [
        f.name
        for f in row._meta.concrete_fields
        if f.editable
        and not (isinstance(f.related_model, type) and issubclass(f.related_model, OrgScopedModel))
        and not blank(getattr(row, f.attname))
    ]


def update(row: OrgScopedModel, *, by: User, values: dict[str, Any]) -> list[str]:
    """Set the values that differ, save and audit the names of the changed fields."""
    changed = [
        field for field, value in values.items() if not same_value(value, getattr(row, field))
    ]
    if not changed:
        return []
    for field in changed:
        setattr(row, field, values[field])
    row.modified_by = by
    row.save()
    audit.record(
        action=audit.Action.UPDATE,
        actor=by,
        organization_id=row.organization_id,
        obj=row,
        fields=changed,
    )
    return changed


def remove(row: OrgScopedModel, *, by: User, detail: dict[str, Any] | None = None) -> None:
    """Delete a row for good and audit it (for parts of a record that hold no history of
    their own: an act, a victim line, a perpetrator, a duplicate signature)."""
    row.delete()
    audit.record(
        action=audit.Action.DELETE,
        actor=by,
        organization_id=row.organization_id,
        obj=row,
        detail=detail,
    )
