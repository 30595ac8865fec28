"""Safeguards that the records of other apps show done: the checklist is derived, not typed
(issue 17 §3). People does not import the apps above it: each registers here, for one item of
the checklist, how to find the record that proves it for a person (`proof`) and which people it
proves it for, as a condition on `Person` rows (`done`, for the omission counts).

A referral completed (service received, fully or partly) proves "Referrals made"
(`referrals/referring/safeguards.py`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q


@dataclass(frozen=True)
class Proof:
    """The record that shows a safeguard done: when, a sentence, and where to see it."""

    done_on: datetime.date
    text: str
    url: str


@dataclass(frozen=True)
class Source:
    item: str
    proof: Callable[[Any], Proof | None]
    done: Callable[[], Q]


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.item] = source


def proofs_for(person: Any) -> dict[str, Proof]:
    """The items the person's records of other apps show done, with the proof of each."""
    found = {}
    for item, source in _SOURCES.items():
        proof = source.proof(person)
        if proof is not None:
            found[item] = proof
    return found


def done_condition(item: str) -> Q | None:
    """The people the registered records show `item` done for (None: no app proves it)."""
    source = _SOURCES.get(item)
    return source.done() if source is not None else None
