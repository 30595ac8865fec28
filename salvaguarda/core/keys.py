"""Organization data keys: creation, unwrapping with the master key, caching, rotation,
destruction.

Envelope encryption: each organization has a 256-bit data key; the database holds it only
wrapped by the master key (AES-256-GCM, bound to the organization and key id). The master key
comes from the environment (see settings) and never touches the database.

Which key is active is asked of the database once per organization scope (its transaction), not
kept by the process: a key rotated or destroyed by another process (`rotate_keys`,
`shred_organization`) is seen by the next scope of every process. The key material itself is
kept by id (a key id always names the same material) for `CACHE_SECONDS`.

On PostgreSQL a scope that writes encrypted values or blind indexes holds a shared advisory lock
on its organization's keys until it ends, and a rotation or a destruction takes that lock
exclusively: it waits for the writes in progress, and the writes that follow wait for it and
then use the new key. Reading is never blocked. On SQLite, writing transactions (BEGIN
IMMEDIATE) are serialized by the database itself, so the same holds.
"""

import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from salvaguarda.core.models import OrganizationKey, OrganizationShredding
from salvaguarda.core.scoping import scope_state
from salvaguarda.lib import crypto

CACHE_SECONDS = 60
# The advisory lock of an organization's keys (PostgreSQL): this class, plus its id.
LOCK_CLASS = 0x5A1F << 40


class KeyShredded(crypto.DecryptionError):
    """The organization's data keys were destroyed: its encrypted data cannot be read again."""

    def __init__(self, organization_id: int, shredded_at: datetime | None) -> None:
        self.organization_id = organization_id
        self.shredded_at = shredded_at
        super().__init__(
            f"The data keys of organization {organization_id} were destroyed"
            + (f" on {shredded_at.isoformat()}" if shredded_at else "")
            + ": its encrypted data cannot be read."
        )


@dataclass(frozen=True)
class DataKey:
    key_id: str
    organization_id: int
    material: bytes


@dataclass(frozen=True)
class _Checked:
    key_id: str
    locked: bool


_by_id: dict[str, tuple[float, DataKey]] = {}
_active: dict[int, tuple[float, str]] = {}


def master_keys() -> dict[str, bytes]:
    """The current master key first, then former ones still accepted for unwrapping."""
    keys = [crypto.decode_key(settings.SALVAGUARDA_MASTER_KEY)]
    keys += [crypto.decode_key(k) for k in settings.SALVAGUARDA_PREVIOUS_MASTER_KEYS]
    return {crypto.key_fingerprint(k): k for k in keys}


def current_master() -> tuple[str, bytes]:
    key = crypto.decode_key(settings.SALVAGUARDA_MASTER_KEY)
    return crypto.key_fingerprint(key), key


def _wrap_context(organization_id: int, key_id: str) -> bytes:
    return f"salvaguarda-data-key:{organization_id}:{key_id}".encode()


def _advisory_lock(organization_id: int, *, exclusive: bool) -> None:
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [LOCK_CLASS + organization_id])


def lock_for_change(organization_id: int) -> None:
    """Before rotating or destroying the organization's keys, inside the transaction that does
    it: wait for the writes in progress, and make new ones wait until it ends (PostgreSQL)."""
    _advisory_lock(organization_id, exclusive=True)


def create_data_key(organization_id: int) -> DataKey:
    """Make a new active data key for the organization (the previous one is retired)."""
    if shredded_at(organization_id) is not None:
        raise KeyShredded(organization_id, shredded_at(organization_id))
    material = crypto.new_key()
    key_id = secrets.token_hex(8)
    master_id, master = current_master()
    OrganizationKey.objects.filter(organization_id=organization_id, is_active=True).update(
        is_active=False, retired_at=timezone.now()
    )
    OrganizationKey.objects.create(
        organization_id=organization_id,
        key_id=key_id,
        master_key_id=master_id,
        wrapped_key=crypto.seal(master, material, _wrap_context(organization_id, key_id)),
    )
    forget_cached_keys()
    return DataKey(key_id, organization_id, material)


def shredded_at(organization_id: int) -> datetime | None:
    """When the organization's keys were destroyed (None: they were not)."""
    done = OrganizationShredding.objects.filter(
        organization_id=organization_id, shredded_at__isnull=False
    ).values_list("shredded_at", flat=True)
    return next(iter(done), None)


def _unwrap(row: OrganizationKey) -> DataKey:
    if row.destroyed_at is not None:
        raise KeyShredded(row.organization_id, row.destroyed_at)
    master = master_keys().get(row.master_key_id)
    if master is None:
        raise crypto.DecryptionError(
            f"Data key {row.key_id} is wrapped by master key {row.master_key_id}, which is not "
            "configured (SALVAGUARDA_MASTER_KEY / SALVAGUARDA_PREVIOUS_MASTER_KEYS)."
        )
    material = crypto.unseal(
        master, bytes(row.wrapped_key), _wrap_context(row.organization_id, row.key_id)
    )
    return DataKey(row.key_id, row.organization_id, material)


def _material(key_id: str) -> DataKey:
    cached = _by_id.get(key_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    row = OrganizationKey.objects.filter(key_id=key_id).first()
    if row is None:
        raise crypto.DecryptionError(f"Data key {key_id} does not exist (destroyed?).")
    key = _unwrap(row)
    _by_id[key_id] = (time.monotonic() + CACHE_SECONDS, key)
    return key


def _active_id_in_database(organization_id: int) -> str | None:
    found = OrganizationKey.objects.filter(organization_id=organization_id, is_active=True)
    return next(iter(found.values_list("key_id", flat=True)), None)


def _check(organization_id: int, *, lock: bool) -> str:
    """The organization's active key id, as the database has it now (made if it has none).
    Refuses a shredded organization."""
    if lock:
        _advisory_lock(organization_id, exclusive=False)
    key_id = _active_id_in_database(organization_id)
    if key_id is not None:
        return key_id
    when = shredded_at(organization_id)
    if when is not None:
        for stale in [
            k for k, (_, key) in _by_id.items() if key.organization_id == organization_id
        ]:
            _by_id.pop(stale, None)
        raise KeyShredded(organization_id, when)
    return create_data_key(organization_id).key_id


def _checked(organization_id: int, *, write: bool) -> str:
    """The active key id, checked once per scope (and again, under the lock, for a write)."""
    state = scope_state()
    if state is None:
        # Outside any scope (scripts, tests): no transaction to hold a lock; a short cache.
        cached = _active.get(organization_id)
        if cached and cached[0] > time.monotonic() and not write:
            return cached[1]
        key_id = _check(organization_id, lock=write)
        _active[organization_id] = (time.monotonic() + CACHE_SECONDS, key_id)
        return key_id
    checked: dict[int, _Checked] = state.setdefault("keys", {})
    known = checked.get(organization_id)
    if known is not None and (known.locked or not write):
        return known.key_id
    key_id = _check(organization_id, lock=write)
    checked[organization_id] = _Checked(key_id, locked=write)
    return key_id


def key_by_id(key_id: str) -> DataKey:
    """The key that sealed a value (to decrypt it): refused once its organization is shredded."""
    key = _material(key_id)
    _checked(key.organization_id, write=False)
    return key


def active_key(organization_id: int, *, for_write: bool = False) -> DataKey:
    """The organization's active key. FOR_WRITE: to seal a value or compute a stored blind
    index (holds the organization's key lock until the scope's transaction ends)."""
    return _material(_checked(organization_id, write=for_write))


def rewrap_all() -> int:
    """Re-wrap every data key under the current master key. Returns how many were re-wrapped."""
    master_id, master = current_master()
    count = 0
    live = OrganizationKey.objects.filter(destroyed_at__isnull=True)
    for row in live.exclude(master_key_id=master_id):
        key = _unwrap(row)
        row.wrapped_key = crypto.seal(
            master, key.material, _wrap_context(row.organization_id, row.key_id)
        )
        row.master_key_id = master_id
        row.save(update_fields=["wrapped_key", "master_key_id"])
        count += 1
    forget_cached_keys()
    return count


def forget_cached_keys() -> None:
    """Forget every key this process keeps (its own scope's check too)."""
    _by_id.clear()
    _active.clear()
    state = scope_state()
    if state is not None:
        state.pop("keys", None)
