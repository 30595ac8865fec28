"""On SQLite, pages that only read run side by side; their audit entries follow in a short write.

SQLite lets one connection write at a time, and the app opens its transactions with
`BEGIN IMMEDIATE` (settings: `transaction_mode`), which takes the write lock at once so that a
write never fails half-way for want of it. A page's transaction lasts as long as the page, so
every page, even one that only reads, waited for the one before it: with 8 people at work the
slowest waited 5 to 10 times what a page costs.

A request that only reads (GET, HEAD, OPTIONS) therefore runs in a deferred transaction, which
takes no lock: in WAL mode readers never wait for each other or for the writer. Its audit
entries are collected (`audit.collected`) and appended when the read has committed, in a short
transaction of their own that takes the write lock (retried if the database stays locked past
the busy timeout). The page is returned only once they are written: if they cannot be, the
answer is an error, as before. So every read is still audited before its data leaves.

What stays as it was:
- any other request (a write) runs in one immediate transaction, its audit inside it;
- a page that writes after all (a nested block's audit entry, a session or a counter kept in
  the request's transaction) appends its entries in its own transaction, as before;
- if such a write could not take the lock (another write came first, SQLite refuses to let a
  read turn into a write then), the page is run again once as a write, in an immediate
  transaction. Nothing of the first run was kept (its transaction was rolled back).

On PostgreSQL, where readers never queued, nothing changes. `SQLITE_DEFERRED_READS=false` turns
it off.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse

from salvaguarda.core import audit
from salvaguarda.core.scoping import organization_scope

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
APPEND_ATTEMPTS = 5
APPEND_BACKOFF_SECONDS = 0.05


def applies(request: HttpRequest) -> bool:
    """Whether this request runs as a read: SQLite, a read-only method, not turned off, and
    not already inside a transaction (a test's), where there is no transaction of its own to
    begin differently."""
    return (
        connection.vendor == "sqlite"
        and request.method in READ_METHODS
        and getattr(settings, "SQLITE_DEFERRED_READS", True)
        and not connection.in_atomic_block
    )


def is_locked(error: BaseException) -> bool:
    """SQLite's "database is locked" (or "busy"): another connection holds the write lock."""
    text = str(error).lower()
    return isinstance(error, OperationalError) and ("locked" in text or "busy" in text)


@contextmanager
def transaction_mode(mode: str | None) -> Iterator[None]:
    """Transactions begun in the block start with `BEGIN <mode>` (SQLite; None: plain BEGIN,
    which is deferred). The connection is opened first so that its settings do not reset it."""
    connection.ensure_connection()
    previous = connection.transaction_mode  # type: ignore[attr-defined]
    connection.transaction_mode = mode  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connection.transaction_mode = previous  # type: ignore[attr-defined]


def _changes() -> int:
    """How many rows this connection has written since it opened (SQLite's own counter)."""
    return int(connection.connection.total_changes)


class _LockWatch:
    """Notes whether a statement failed because the database was locked (the view that ran
    it may have turned the error into a 500 page)."""

    def __init__(self) -> None:
        self.locked = False

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        try:
            return execute(sql, params, many, context)
        except OperationalError as error:
            if is_locked(error):
                self.locked = True
            raise


def append_audit(org_id: int, events: list[Any]) -> None:
    """Append entries collected during a read, in a short immediate transaction; retried while
    the database stays locked past the busy timeout."""
    for attempt in range(1, APPEND_ATTEMPTS + 1):
        try:
            with organization_scope(org_id):
                audit.append(events)
            return
        except OperationalError as error:
            if not is_locked(error) or attempt == APPEND_ATTEMPTS:
                raise
            time.sleep(APPEND_BACKOFF_SECONDS * attempt)


def _as_write(org_id: int, respond: Callable[[], HttpResponse]) -> HttpResponse:
    """The request in one immediate transaction, its audit appended inside it (the usual way)."""
    with organization_scope(org_id), audit.deferred():
        response = respond()
        if response.status_code >= 500:
            transaction.set_rollback(True)
    return response


def read_request(org_id: int, respond: Callable[[], HttpResponse]) -> HttpResponse:
    """Run a read-only request in the organization's scope (see the module doc)."""
    watch = _LockWatch()
    pending: list[Any] = []
    with transaction_mode("DEFERRED"), connection.execute_wrapper(watch):
        with organization_scope(org_id):
            before = _changes()
            with audit.collected() as events:
                response = respond()
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                elif _changes() != before:
                    # It wrote, so it holds the write lock already: its entries go in with it.
                    audit.append(events)
                else:
                    pending = list(events)
    if response.status_code >= 500 and watch.locked:
        return _as_write(org_id, respond)
    if pending:
        append_audit(org_id, pending)
    return response
