"""Time zones of hearings: the court's, and the person's (where they stay in Mexico).

Hearings are stored in UTC. A court's zone comes from `vocabularies/courts.csv`; a person's
from the city where they stay (`people/vocabularies/cities.csv`), else their organization's.
"""

import datetime
from zoneinfo import ZoneInfo

from salvaguarda.court.vocab import court_zone
from salvaguarda.people import vocab as people_vocab
from salvaguarda.people.models import Person


def city_zone(city: str) -> ZoneInfo | None:
    term = people_vocab.CITIES.terms.get(city)
    name = term.extra.get("time_zone", "") if term else ""
    return ZoneInfo(name) if name else None


def person_zone(person: Person) -> ZoneInfo:
    """The person's zone: their city's, else their organization's."""
    return city_zone(person.current_city) or ZoneInfo(person.organization.time_zone)


def in_court_time(moment: datetime.datetime, court: str) -> datetime.datetime:
    zone = court_zone(court)
    return moment.astimezone(zone) if zone else moment


def court_wall_clock(court: str, local: datetime.datetime) -> datetime.datetime:
    """A date and time as the court's clock shows it (naive), made aware in the court's zone.

    A time that does not exist (the hour skipped when clocks go forward) raises ValueError; a
    time that happens twice (clocks go back) is taken as the first.
    """
    zone = court_zone(court)
    if zone is None:
        raise ValueError(f"Unknown court: {court!r}.")
    aware = local.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(datetime.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError("This time does not exist in the court's time zone.")
    return aware
