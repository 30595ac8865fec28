"""Throttling of password guessing, per account-and-address and per address.

The account alone is never locked: an attacker who knows a staff e-mail could otherwise keep
that person out from anywhere. Guessing one account from many addresses is bounded by the
second factor, which has its own lock (see `mfa.verify`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from salvaguarda.accounts.models import LoginFailure

Scope = LoginFailure.Scope


def _key(*parts: str) -> str:
    return salted_hmac(
        "salvaguarda.login-throttle", "|".join(parts), algorithm="sha256"
    ).hexdigest()


def _keys(email: str, address: str) -> dict[str, str]:
    return {
        Scope.ACCOUNT_AND_ADDRESS: _key(email.strip().lower(), address),
        Scope.ADDRESS: _key(address),
    }


def _limits() -> dict[str, int]:
    return {
        Scope.ACCOUNT_AND_ADDRESS: settings.SALVAGUARDA_LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
        Scope.ADDRESS: settings.SALVAGUARDA_LOGIN_FAILURES_PER_ADDRESS,
    }


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.SALVAGUARDA_LOGIN_WINDOW_MINUTES)


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt, counted before its password is checked."""

    blocked: bool
    rows: tuple[int, ...]  # its LoginFailure rows, deleted if the password is right


# The advisory locks of the throttle's keys (PostgreSQL, two-number form): this class, then
# the first 28 bits of the key.
LOCK_CLASS = 0x5A17


def _lock(keys: dict[str, str]) -> None:
    """Attempts on the same keys take turns: each writes its row and counts the window's rows
    while the others wait (PostgreSQL: advisory locks held to the end of the transaction;
    SQLite: the write lock `BEGIN IMMEDIATE` takes)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(keys.values()):  # always in the same order: no deadlock
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, int(key[:7], 16)])


def attempt(email: str, address: str) -> Attempt:
    """Count a sign-in attempt, then say whether it is over a limit.

    The attempt is written and the rows of the window counted, its own included, while other
    attempts on the same keys wait: of any number of attempts made at once, exactly the first
    `limit` pass, so parallel guesses cannot check more passwords than the limit (nor all be
    refused). A refused attempt is not kept (it checked no password); one whose password is
    right is taken back by `clear`.
    """
    now = timezone.now()
    since = _window_start()
    keys = _keys(email, address)
    limits = _limits()
    LoginFailure.objects.filter(at__lt=since).delete()
    with transaction.atomic():
        _lock(keys)
        blocked = any(
            LoginFailure.objects.filter(scope=scope, key=key, at__gte=since).count()
            >= limits[scope]
            for scope, key in keys.items()
        )
        if blocked:
            return Attempt(blocked=True, rows=())
        rows = LoginFailure.objects.bulk_create(
            LoginFailure(scope=scope, key=key, at=now) for scope, key in keys.items()
        )
    return Attempt(blocked=False, rows=tuple(row.pk for row in rows))


def confirmation_blocked(email: str) -> bool:
    """Too many wrong passwords typed to confirm a change inside a signed-in session?

    A stolen session must not become a way to guess the password; only these confirmations are
    held back, never signing in.
    """
    count = LoginFailure.objects.filter(
        scope=Scope.CONFIRMATION,
        key=_key("confirm", email.strip().lower()),
        at__gte=_window_start(),
    ).count()
    return count >= settings.SALVAGUARDA_LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS


def record_confirmation_failure(email: str) -> None:
    LoginFailure.objects.create(
        scope=Scope.CONFIRMATION, key=_key("confirm", email.strip().lower()), at=timezone.now()
    )


def clear(email: str, address: str, passed: Attempt) -> None:
    """A right password: the account's failures from this address are forgotten, and the
    attempt does not count against the address."""
    keys = _keys(email, address)
    LoginFailure.objects.filter(
        scope=Scope.ACCOUNT_AND_ADDRESS, key=keys[Scope.ACCOUNT_AND_ADDRESS]
    ).delete()
    LoginFailure.objects.filter(pk__in=passed.rows).delete()
