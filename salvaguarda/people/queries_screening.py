"""Reads of screenings and specific needs. Every function runs inside the request's scope."""

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.http import Http404

from salvaguarda.core import audit
from salvaguarda.people.models import Person, Screening, SpecificNeed
from salvaguarda.people.screening import PRIORITY_RANK, AgeBand, band_of_age


def age_band_on(person: Person, day: datetime.date) -> AgeBand | None:
    """The person's age band on `day` from their birth date (exact or estimated), or None
    when the file has no birth date (the caseworker then gives the band)."""
    age = person.age_on(day)
    return None if age is None or age < 0 else band_of_age(age)


def screening_get_for(user: Any, person: Person, screening_uuid: uuid.UUID) -> Screening:
    """One screening of `person`, audited; 404 if it is not theirs (or not ours)."""
    screening = Screening.objects.filter(uuid=screening_uuid, person=person).first()
    if screening is None:
        raise Http404
    audit.record(
        action=audit.Action.VIEW,
        actor=user,
        organization_id=screening.organization_id,
        obj=screening,
    )
    return screening


def screening_is_latest(screening: Screening) -> bool:
    """Whether no screening of the same person was recorded after it (its needs are current)."""
    return not Screening.objects.filter(person_id=screening.person_id, pk__gt=screening.pk).exists()


def needs_of(person: Person, *, screening: Screening | None = None) -> list[SpecificNeed]:
    """The open specific needs of a person already read, most pressing first (or a screening's)."""
    queryset = SpecificNeed.objects.filter(person=person, resolved_on__isnull=True)
    if screening is not None:
        queryset = queryset.filter(screening=screening)
    return most_pressing_first(queryset)


def most_pressing_first(needs: Iterable[SpecificNeed]) -> list[SpecificNeed]:
    rank = PRIORITY_RANK
    return sorted(needs, key=lambda n: (rank.get(n.priority, len(rank)), n.code, n.subcode))
