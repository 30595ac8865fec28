"""The audit trail: append-only, hash-chained, written before data is returned.

Entries record who did what to which record (type and uuid), which field *names* changed, and
small non-identifying details (counts, filter names). They never copy identifying values.
If an entry cannot be written the surrounding transaction fails, so no data is returned.

Appending locks the chain head until the transaction ends. A request's transaction would hold
that lock while it renders, one request at a time per organization, so a request runs inside
`deferred()`: the entries it records directly in its transaction are appended as its last
step, in the same transaction, and the lock is held only for that. An entry recorded inside a
nested atomic block is appended at once, because that block may be rolled back on its own.
"""

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from salvaguarda.core import audit_check, audit_seal
from salvaguarda.core.models import AuditChain, AuditEvent

Action = AuditEvent.Action


def _chain_key(organization_id: int | None) -> str:
    return f"org:{organization_id}" if organization_id else "network"


# The unkeyed hash of entries written before the trail was keyed, and what a hash covers: the
# benchmark's generator writes its bulk entries with them (and seals the chains afterwards).
_digest = audit_seal.legacy_digest
_payload = audit_seal.payload_of


@dataclass
class _Deferred:
    block: transaction.Atomic
    events: list[AuditEvent] = field(default_factory=list)


_deferred: ContextVar[_Deferred | None] = ContextVar("audit_deferred", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Within a transaction: append its entries when the block ends (see the module doc)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("audit.deferred() needs a transaction.")
    pending = _Deferred(block=connection.atomic_blocks[-1])
    token = _deferred.set(pending)
    try:
        yield
        if not transaction.get_rollback():
            _append(pending.events)
    finally:
        _deferred.reset(token)


@contextmanager
def collected() -> Iterator[list[AuditEvent]]:
    """As `deferred`, but the entries are left to the caller, who appends them (`append`)
    after the transaction: a read-only page on SQLite (`core/sqlite_reads.py`)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("audit.collected() needs a transaction.")
    pending = _Deferred(block=connection.atomic_blocks[-1])
    token = _deferred.set(pending)
    try:
        yield pending.events
    finally:
        _deferred.reset(token)


def append(events: list[AuditEvent]) -> None:
    """Chain and insert entries gathered by `collected` (in the caller's transaction)."""
    if events:
        _append(events)


def record(
    *,
    action: str,
    actor: Any = None,
    organization_id: int | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_uuid: uuid.UUID | None = None,
    fields: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry to the organization's chain (or the network chain)."""
    event = _event(
        {
            "action": action,
            "actor": actor,
            "organization_id": organization_id,
            "obj": obj,
            "object_type": object_type,
            "object_uuid": object_uuid,
            "fields": fields,
            "detail": detail,
        }
    )
    _add([event])
    return event


def record_each(entries: Iterable[dict[str, Any]]) -> None:
    """Append many entries at once (each a mapping of `record`'s arguments): one lock of the
    chain head and one insert, for a write of many rows."""
    _add([_event(entry) for entry in entries])


def _event(entry: dict[str, Any]) -> AuditEvent:
    obj = entry.get("obj")
    object_type = entry.get("object_type") or (obj._meta.label_lower if obj is not None else "")
    return AuditEvent(
        organization_id=entry.get("organization_id"),
        at=timezone.now(),
        actor_id=getattr(entry.get("actor"), "pk", None),
        action=entry["action"],
        object_type=object_type,
        object_uuid=entry.get("object_uuid") or getattr(obj, "uuid", None),
        fields=sorted(entry.get("fields") or ()),
        detail=entry.get("detail") or {},
    )


def _add(events: list[AuditEvent]) -> None:
    """Defer the entries to the end of the request's transaction, or append them now."""
    pending = _deferred.get()
    connection = transaction.get_connection()
    if pending is not None and connection.atomic_blocks[-1:] == [pending.block]:
        pending.events.extend(events)
    else:
        _append(events)


def _append(events: list[AuditEvent]) -> None:
    """Chain and insert the entries, one chain head locked at a time, in a fixed order."""
    by_chain = sorted(events, key=lambda e: _chain_key(e.organization_id))
    # No savepoint of its own: an entry that cannot be appended fails the whole transaction.
    with transaction.atomic(savepoint=False):
        for key, group in groupby(by_chain, key=lambda e: _chain_key(e.organization_id)):
            # One query: the chain head is read and locked at once (or created, locked by the
            # insert).
            chain, _ = AuditChain.objects.select_for_update().get_or_create(key=key)
            chained = list(group)
            for event in chained:
                event.chain = chain
                event.sequence = chain.length + 1
                event.previous_hash = chain.last_hash
                event.key_id, event.hash = audit_seal.entry_digest(chain.last_hash, _payload(event))
                chain.length = event.sequence
                chain.last_hash = event.hash
            AuditEvent.objects.bulk_create(chained)
            chain.save(update_fields=["length", "last_hash"])


def verify_chains() -> tuple[int, list[audit_check.ChainProblem]]:
    """Recompute every chain (without anchors). Returns (entries checked, problems found)."""
    report = audit_check.verify(configured_anchors=False)
    return report.checked, report.problems
