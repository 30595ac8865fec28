"""The audit key: what makes each audit entry's hash an HMAC that the database cannot forge.

The key comes from the environment (SALVAGUARDA_AUDIT_KEY, like the master key); it is never
stored in a table. Each entry records the id of the key that made its hash (`key_id`, a public
fingerprint), so a former key moved into SALVAGUARDA_PREVIOUS_AUDIT_KEYS still verifies the
entries it made.

Entries written before the trail was keyed have an empty `key_id` and a plain SHA-256 hash.
They stay verifiable as they were; the first keyed entry after them covers their last hash, so
they cannot be recomputed without breaking that entry. Migration 0005 appends such a keyed
"sealed" entry to every chain that ends with unkeyed entries (and `seal_open_chains` does the
same for data loaded in bulk, e.g. by the benchmark's generator). Verification then refuses a
chain that ends with unkeyed entries: an unkeyed entry followed by a keyed one cannot be changed
without breaking that keyed entry, but one at the end could be rewritten without the key.
"""

import functools
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from salvaguarda.lib import crypto

GENESIS = "0" * 64
SEALED_ACTION = "audit_sealed"


def _decode(text: str, name: str) -> bytes:
    try:
        return crypto.decode_key(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be 32 bytes in URL-safe base64.") from exc


def _keys() -> list[bytes]:
    return list(
        _configured_keys(
            settings.SALVAGUARDA_AUDIT_KEY,
            tuple(getattr(settings, "SALVAGUARDA_PREVIOUS_AUDIT_KEYS", ())),
            (settings.SALVAGUARDA_MASTER_KEY, *settings.SALVAGUARDA_PREVIOUS_MASTER_KEYS),
        )
    )


@functools.lru_cache(maxsize=8)
def _configured_keys(
    current: str, previous: tuple[str, ...], masters: tuple[str, ...]
) -> tuple[bytes, ...]:
    configured = [_decode(current, "SALVAGUARDA_AUDIT_KEY")]
    configured += [_decode(text, "SALVAGUARDA_PREVIOUS_AUDIT_KEYS") for text in previous]
    if {crypto.decode_key(k) for k in masters} & set(configured):
        raise ImproperlyConfigured(
            "SALVAGUARDA_AUDIT_KEY must not be a master key: give the audit trail a key of its own."
        )
    return tuple(configured)


def current_key_id() -> str:
    return crypto.key_fingerprint(_keys()[0])


def keys_for(purpose: str) -> dict[str, bytes]:
    """{key id: the sub-key for PURPOSE} of every configured audit key, current first."""
    return dict(_sub_keys(tuple(_keys()), purpose))


@functools.lru_cache(maxsize=16)
def _sub_keys(configured: tuple[bytes, ...], purpose: str) -> tuple[tuple[str, bytes], ...]:
    return tuple(
        (crypto.key_fingerprint(k), crypto.derive_key(k, f"salvaguarda-audit-{purpose}"))
        for k in configured
    )


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def legacy_digest(previous_hash: str, payload: dict[str, Any]) -> str:
    """The hash of an entry written before the trail was keyed (no key)."""
    return hashlib.sha256(f"{previous_hash}|{canonical(payload)}".encode()).hexdigest()


def keyed_digest(key: bytes, previous_hash: str, payload: dict[str, Any]) -> str:
    message = f"{previous_hash}|{canonical(payload)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def entry_digest(previous_hash: str, payload: dict[str, Any]) -> tuple[str, str]:
    """(key id, hash) of a new entry, under the current audit key."""
    key_id, key = next(iter(keys_for("chain").items()))
    return key_id, keyed_digest(key, previous_hash, payload)


def payload_of(event: Any) -> dict[str, Any]:
    """What an entry's hash covers (every column but the chain and the hashes)."""
    return {
        "sequence": event.sequence,
        "organization": event.organization_id,
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_uuid": str(event.object_uuid) if event.object_uuid else None,
        "fields": list(event.fields),
        "detail": event.detail,
    }


def seal_open_chains(chain_model: Any = None, event_model: Any = None) -> int:
    """Append a keyed "sealed" entry to every chain whose last entry is unkeyed. Returns how
    many chains were sealed. Takes the models so that a migration can pass its own."""
    if chain_model is None or event_model is None:
        from salvaguarda.core.models import AuditChain, AuditEvent

        chain_model, event_model = AuditChain, AuditEvent
    sealed = 0
    with transaction.atomic():
        for chain in chain_model.objects.select_for_update().order_by("key"):
            last = event_model.objects.filter(chain=chain).order_by("-sequence").first()
            if last is None or last.key_id:
                continue
            event = event_model(
                chain=chain,
                sequence=chain.length + 1,
                organization_id=last.organization_id,
                at=timezone.now(),
                actor_id=None,
                action=SEALED_ACTION,
                object_type="core.auditchain",
                object_uuid=None,
                fields=[],
                detail={"unkeyed_entries": chain.length},
                previous_hash=chain.last_hash,
            )
            event.key_id, event.hash = entry_digest(chain.last_hash, payload_of(event))
            event.save()
            chain.length, chain.last_hash = event.sequence, event.hash
            chain.save(update_fields=["length", "last_hash"])
            sealed += 1
    return sealed
