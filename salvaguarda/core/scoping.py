"""The one organization-scoping mechanism.

Every request (and every task or command that touches case data) runs inside
`organization_scope(org_id)`. Inside it:
- `OrgScopedModel.objects` returns only that organization's rows; outside any scope it returns
  nothing at all, so a forgotten filter can never leak another organization's data;
- on PostgreSQL the organization is also set for the transaction (`salvaguarda.organization_id`)
  and row-level security policies refuse every other row, as a second wall.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction

_current_org: ContextVar[int | None] = ContextVar("salvaguarda_organization", default=None)

RLS_SETTING = "salvaguarda.organization_id"

# State that lives as long as the innermost scope (its transaction): `core.keys` keeps there
# which data key it checked for the organization, so that it asks the database once per scope.
_scope_state: ContextVar[dict[str, Any] | None] = ContextVar("salvaguarda_scope", default=None)


def scope_state() -> dict[str, Any] | None:
    """The innermost scope's state (None outside any scope)."""
    return _scope_state.get()


def current_organization_id() -> int | None:
    return _current_org.get()


def _set_database_scope(org_id: int | None) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [RLS_SETTING, str(org_id or "")])


@contextmanager
def organization_scope(org_id: int) -> Iterator[None]:
    """Run the block in one transaction that can see only `org_id`'s case data."""
    previous = _current_org.get()
    token = _current_org.set(org_id)
    state_token = _scope_state.set({})
    # Nested in an outer transaction, the setting would outlive the block (it lasts until the
    # transaction ends): restore the previous one on the way out. A block that fails or is
    # marked for rollback is rolled back to its savepoint, which reverts the setting too.
    nested = connection.in_atomic_block
    try:
        with transaction.atomic():
            _set_database_scope(org_id)
            yield
            if nested and previous != org_id and not transaction.get_rollback():
                _set_database_scope(previous)
    finally:
        _scope_state.reset(state_token)
        _current_org.reset(token)
