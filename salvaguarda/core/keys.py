"""Organization data keys: creation, unwrapping with the master key, caching, rotation.

Envelope encryption: each organization has a 256-bit data key; the database holds it only
wrapped by the master key (AES-256-GCM, bound to the organization and key id). The master key
comes from the environment (see settings) and never touches the database.
"""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from salvaguarda.core.models import OrganizationKey
from salvaguarda.lib import crypto

CACHE_SECONDS = 60


@dataclass(frozen=True)
class DataKey:
    key_id: str
    organization_id: int
    material: bytes


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


def create_data_key(organization_id: int) -> DataKey:
    """Make a new active data key for the organization (the previous one is retired)."""
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


def _unwrap(row: OrganizationKey) -> DataKey:
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


def key_by_id(key_id: str) -> DataKey:
    cached = _by_id.get(key_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    row = OrganizationKey.objects.filter(key_id=key_id).first()
    if row is None:
        raise crypto.DecryptionError(f"Data key {key_id} does not exist (destroyed?).")
    key = _unwrap(row)
    _by_id[key_id] = (time.monotonic() + CACHE_SECONDS, key)
    return key


def active_key(organization_id: int) -> DataKey:
    cached = _active.get(organization_id)
    if cached and cached[0] > time.monotonic():
        return key_by_id(cached[1])
    row = OrganizationKey.objects.filter(organization_id=organization_id, is_active=True).first()
    key = _unwrap(row) if row is not None else create_data_key(organization_id)
    _active[organization_id] = (time.monotonic() + CACHE_SECONDS, key.key_id)
    _by_id[key.key_id] = (time.monotonic() + CACHE_SECONDS, key)
    return key


def rewrap_all() -> int:
    """Re-wrap every data key under the current master key. Returns how many were re-wrapped."""
    master_id, master = current_master()
    count = 0
    for row in OrganizationKey.objects.exclude(master_key_id=master_id):
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
    _by_id.clear()
    _active.clear()
