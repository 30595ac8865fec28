"""Cryptographic primitives: AES-256-GCM sealing, key wrapping, key derivation, keyed hashes.

Nothing here knows about models; `salvaguarda.core.keys` and `salvaguarda.core.fields` build the
envelope scheme (one data key per organization, wrapped by the master key) on top of it.
"""

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A ciphertext failed authentication: wrong key, wrong context, or tampered bytes."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("A key must be 32 bytes in URL-safe base64.") from exc
    if len(key) != KEY_BYTES:
        raise ValueError("A key must be 32 bytes in URL-safe base64.")
    return key


def key_fingerprint(key: bytes) -> str:
    """A short public identifier of a key (not the key): used as the master key id."""
    return hashlib.sha256(b"salvaguarda-key-id" + key).hexdigest()[:16]


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def unseal(key: bytes, blob: bytes, associated_data: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated_data)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("The value cannot be decrypted in this context.") from exc


def derive_key(key: bytes, purpose: str) -> bytes:
    """Derive an independent sub-key for one purpose (encryption, a blind index, ...)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()
    ).derive(key)


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA-256, truncated to 128 bits, as hex: used for blind indexes."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def to_text(blob: bytes) -> str:
    return base64.urlsafe_b64encode(blob).decode("ascii").rstrip("=")


def from_text(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
