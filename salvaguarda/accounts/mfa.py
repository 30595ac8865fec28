"""Second factors: TOTP (RFC 6238) and single-use recovery codes.

TOTP secrets are sealed with a key derived from the master key and bound to the user, so a
database dump alone does not give the second factor. A code is accepted once: a step already
used (or an earlier one) is refused. Failed codes lock the device for a growing delay.
"""

import base64
import secrets
from datetime import datetime, timedelta
from urllib.parse import quote

import segno
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from salvaguarda.accounts.models import RecoveryCode, TOTPDevice, User
from salvaguarda.core import keys
from salvaguarda.lib import crypto

STEP_SECONDS = 30
DIGITS = 6
ALLOWED_DRIFT_STEPS = 1
FREE_FAILURES = 3
MAX_LOCK_SECONDS = 15 * 60
RECOVERY_CODE_COUNT = 10


def _secret_key(master: bytes) -> bytes:
    return crypto.derive_key(master, "totp-secret")


def seal_secret(user: User, secret: bytes) -> bytes:
    master_id, master = keys.current_master()
    blob = crypto.seal(_secret_key(master), secret, f"totp:{user.uuid}".encode())
    return master_id.encode("ascii") + blob


def open_secret(device: TOTPDevice) -> bytes:
    sealed = bytes(device.sealed_secret)
    master_id, blob = sealed[:16].decode("ascii"), sealed[16:]
    master = keys.master_keys().get(master_id)
    if master is None:
        raise crypto.DecryptionError("The master key that sealed this secret is not configured.")
    return crypto.unseal(_secret_key(master), blob, f"totp:{device.user.uuid}".encode())


def new_secret() -> bytes:
    return secrets.token_bytes(20)


def secret_text(secret: bytes) -> str:
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def _totp(secret: bytes) -> TOTP:
    # SHA-1 is what every authenticator app implements for TOTP (RFC 6238); HMAC-SHA-1 is sound.
    return TOTP(secret, DIGITS, SHA1(), STEP_SECONDS, enforce_key_length=False)  # noqa: S303


def code_at(secret: bytes, when: datetime) -> str:
    return _totp(secret).generate(int(when.timestamp())).decode("ascii")


def provisioning_uri(user: User, secret: bytes) -> str:
    issuer = settings.SALVAGUARDA_TOTP_ISSUER
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(user.email)}?secret={secret_text(secret)}"
        f"&issuer={quote(issuer)}&digits={DIGITS}&period={STEP_SECONDS}"
    )


def qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff")


def is_locked(device: TOTPDevice) -> bool:
    return device.locked_until is not None and device.locked_until > timezone.now()


def verify(device: TOTPDevice, code: str) -> bool:
    """Check a 6-digit code; accept each time step at most once; lock after repeated failures."""
    if is_locked(device):
        return False
    code = "".join(ch for ch in code if ch.isdigit())
    now = timezone.now()
    secret = open_secret(device)
    current_step = int(now.timestamp()) // STEP_SECONDS
    for step in range(current_step - ALLOWED_DRIFT_STEPS, current_step + ALLOWED_DRIFT_STEPS + 1):
        if step <= device.last_used_step:
            continue
        expected = _totp(secret).generate(step * STEP_SECONDS).decode("ascii")
        if len(code) == DIGITS and constant_time_compare(expected, code):
            register_success(device, step=step)
            return True
    register_failure(device)
    return False


def register_success(device: TOTPDevice, *, step: int | None = None) -> None:
    """A second factor passed (a code of time `step`, or a security key): the lock starts over."""
    fields = ["failure_count", "locked_until"]
    device.failure_count = 0
    device.locked_until = None
    if step is not None:
        device.last_used_step = step
        fields.append("last_used_step")
    device.save(update_fields=fields)


def register_failure(device: TOTPDevice) -> None:
    """A wrong second factor (code or recovery code): lock the device for a growing delay."""
    device.failure_count += 1
    if device.failure_count >= FREE_FAILURES:
        delay = min(2 ** (device.failure_count - FREE_FAILURES) * 30, MAX_LOCK_SECONDS)
        device.locked_until = timezone.now() + timedelta(seconds=delay)
    device.save(update_fields=["failure_count", "locked_until"])


def _normalize_code(code: str) -> str:
    return code.replace("-", "").replace(" ", "").upper()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the clear codes are shown once and never stored.

    Codes are stored with the password hasher (Argon2), not with a key, so that they survive a
    rotation of the master key.
    """
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=make_password(_normalize_code(code))) for code in codes
    )
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    normalized = _normalize_code(code)
    for candidate in RecoveryCode.objects.filter(user=user, used_at__isnull=True):
        if check_password(normalized, candidate.code_hash):
            candidate.used_at = timezone.now()
            candidate.save(update_fields=["used_at"])
            return True
    return False


def unused_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
