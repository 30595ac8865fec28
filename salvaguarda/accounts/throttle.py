"""Throttling of password guessing, per account-and-address and per address.

The account alone is never locked: an attacker who knows a staff e-mail could otherwise keep
that person out from anywhere. Guessing one account from many addresses is bounded by the
second factor, which has its own lock (see `mfa.verify`).
"""

from datetime import datetime, timedelta

from django.conf import settings
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


def is_blocked(email: str, address: str) -> bool:
    since = _window_start()
    limits = _limits()
    for scope, key in _keys(email, address).items():
        if (
            LoginFailure.objects.filter(scope=scope, key=key, at__gte=since).count()
            >= limits[scope]
        ):
            return True
    return False


def record_failure(email: str, address: str) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
    LoginFailure.objects.bulk_create(
        LoginFailure(scope=scope, key=key, at=now) for scope, key in _keys(email, address).items()
    )


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


def clear(email: str, address: str) -> None:
    keys = _keys(email, address)
    LoginFailure.objects.filter(
        scope=Scope.ACCOUNT_AND_ADDRESS, key=keys[Scope.ACCOUNT_AND_ADDRESS]
    ).delete()
