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
