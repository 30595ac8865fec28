"""Records other apps derive from a person's contact channels, consents and location.

Referrals (`referrals/referring`) erase what crossed to another organization when the consent
that let it cross is revoked (`consent_revoked`).

The court app keeps why each coming hearing may be missed (`court/risk.py`); some reasons are
the person's (no way to contact them, no consent to reminders, a recent move). People does not
import the apps above it, so they register here what to do when these change
(`person_changed`), and the people services call it inside their transaction.
"""

from collections.abc import Callable
from typing import Any

_LISTENERS: list[Callable[[Any], object]] = []


def listen(callback: Callable[[Any], object]) -> None:
    """Call `callback(person)` after each change of a person's channels, consents or location
    (once, however often an app is set up)."""
    if callback not in _LISTENERS:
        _LISTENERS.append(callback)


def person_changed(person: Any) -> None:
    for callback in _LISTENERS:
        callback(person)


_REVOCATION_LISTENERS: list[Callable[[Any, Any], object]] = []


def listen_revocation(callback: Callable[[Any, Any], object]) -> None:
    """Call `callback(user, consent)` when a consent is revoked, inside the transaction."""
    if callback not in _REVOCATION_LISTENERS:
        _REVOCATION_LISTENERS.append(callback)


def consent_revoked(by: Any, consent: Any) -> None:
    for callback in _REVOCATION_LISTENERS:
        callback(by, consent)
