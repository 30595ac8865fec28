"""Queries whose SQL the ORM builds once per process, for pages read all day long.

Building a query's SQL (Django's compiler: columns, joins, the scope's filter, ordering) costs
more than running it for the small reads of a person's file. A `Prepared` query is a
queryset built around a marker value standing for the one value that changes from call to
call (a person's id); its SQL is compiled the first time, for the active organization, and
later calls only put the value in its place and read the rows as model instances.

The SQL is the ORM's own, scope included: it is built from the models' scoped managers inside
the request's organization scope, and kept per organization (and database vendor), so the
scope's filter in it is always the active organization's. Row-level security applies on
PostgreSQL as to any query. Columns a queryset annotates (a name of the staff who recorded a
row, say) become attributes of the instances.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import RawQuerySet

from salvaguarda.core.scoping import current_organization_id

# Values no row has: where one lands in the SQL's parameters, the call's value goes.
MARK = -7_346_219_058
UUID_MARK = uuid.UUID("5a1a0a5d-0000-4000-8000-7346219058aa")


class Prepared:
    """One query shape: `build(value)` gives its queryset; `rows(value)` its model instances.
    The value is an id, or a UUID with `mark=UUID_MARK`."""

    def __init__(self, build: Callable[[Any], QuerySet[Any]], *, mark: Any = MARK) -> None:
        self.build = build
        self.mark = mark
        self.compiled: dict[tuple[str, int], tuple[Any, str, tuple[Any, ...], list[int]]] = {}

    def rows(self, value: Any) -> list[Any]:
        org_id = current_organization_id()
        if org_id is None:
            return []  # outside any scope, a scoped query finds nothing
        key = (connections[DEFAULT_DB_ALIAS].vendor, org_id)
        found = self.compiled.get(key)
        if found is None:
            queryset = self.build(self.mark)
            sql, params = queryset.query.sql_with_params()
            # A UUID is a parameter as itself on PostgreSQL, as its hex digits on SQLite.
            forms = (self.mark, getattr(self.mark, "hex", self.mark))
            at = [n for n, param in enumerate(params) if param in forms]
            if not at:
                raise ValueError("The prepared query does not use its value.")
            found = self.compiled[key] = (queryset.model, sql, tuple(params), at)
        model, sql, params, at = found
        values = list(params)
        for n in at:
            values[n] = value if isinstance(params[n], type(self.mark)) else value.hex
        return list(RawQuerySet(sql, model=model, params=tuple(values)))


# For `attach`: per related model, fields given and database, the attribute names in the
# model's order, and each value's key and converters (the backend's and the field's: those of
# a query of the model's own columns; they depend on the database's settings only).
_ATTACHED: dict[tuple[Any, ...], tuple[list[str], list[tuple[str, list[Any], Any]]]] = {}


def _columns(model: Any, keys: tuple[str, ...], db: str) -> Any:
    found = _ATTACHED.get((model, keys, db))
    if found is None:
        connection = connections[db]
        given = {model._meta.get_field(key).attname: key for key in keys}
        names, columns = [], []
        for field in model._meta.concrete_fields:  # from_db takes them in the model's order
            if field.attname in given:
                col = field.get_col(model._meta.db_table)
                converters = connection.ops.get_db_converters(col) + col.get_db_converters(
                    connection
                )
                names.append(field.attname)
                columns.append((given[field.attname], converters, col))
        found = _ATTACHED[(model, keys, db)] = (names, columns)
    return found


def attach(instance: Any, name: str, values: dict[str, Any]) -> Any:
    """Put on `instance` the row its foreign key `name` points at, as `select_related` would
    (cached: reading it makes no query), from columns its query annotated: `values` maps the
    related model's field names to their values as the database gave them (a RawQuerySet does
    not convert annotations), converted here as the ORM converts its own columns. Its other
    fields are deferred (read from the database if ever used). None when the key is empty."""
    field = instance._meta.get_field(name)
    found = None
    if getattr(instance, field.attname) is not None:
        db = instance._state.db or DEFAULT_DB_ALIAS
        connection = connections[db]
        names, columns = _columns(field.related_model, tuple(values), db)
        row = []
        for key, converters, col in columns:
            value = values[key]
            for convert in converters:
                value = convert(value, col, connection)
            row.append(value)
        found = field.related_model.from_db(db, names, row)
    field.set_cached_value(instance, found)
    return found


def keep(holder: Any, key: str, rows: list[Any]) -> list[Any]:
    """Keep `rows` on `holder` (the person of a page, say) for one `take` later on the same
    page, in the same organization's scope: a section of the page that needs the rows another
    read moments before reads them no second time."""
    holder.__dict__[key] = (current_organization_id(), rows)
    return rows


def take(holder: Any, key: str, read: Callable[[], list[Any]]) -> list[Any]:
    """The rows kept on `holder` under `key` (then no longer kept), or `read()` when none were
    kept in the active organization's scope."""
    kept = holder.__dict__.pop(key, None)
    if kept is not None and kept[0] == current_organization_id():
        return list(kept[1])
    return read()
