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
    """The record that shows a safeguard done: when, a sentence, and where to see it. With
    `done` False, the latest record of its kind shows it NOT done (a child's school barrier
    after an enrolment): a check recorded by hand before that day no longer counts."""

    done_on: datetime.date
    text: str
    url: str
    done: bool = True


@dataclass(frozen=True)
class Latest:
    """For the counts, the latest record of a kind as expressions on `Person` rows: its day
    (None: no record), and whether it shows the safeguard done."""

    day: Any
    shows_done: Q


@dataclass(frozen=True)
class Source:
    item: str
    # The record that proves the item done for a person, or (`Proof.done` False) the latest
    # one that says it is not.
    proof: Callable[[Any], Proof | None]
    done: Callable[[], Q]
    # Where the latest record decides, against a check recorded by hand before it.
    latest: Callable[[], Latest] | None = None


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


def latest_of(item: str) -> Latest | None:
    """The latest record that decides `item`, as expressions (None: no such source)."""
    source = _SOURCES.get(item)
    return source.latest() if source is not None and source.latest is not None else None
