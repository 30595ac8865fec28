"""The counts a letter may cite "from the network's own data": a small registry of named
measures, each a count of records of the other apps.

Each count is of the letter's organization's own data, read in its scope (organizations are
isolated from each other: no count ever includes another organization's records), and is only
a number: no row leaves this module. A deleted record is not counted, nor the returns, cases
and hearings of a deleted person. A count is taken when a network figure is added or refreshed
and stored as the figure's value with that day's date, so a letter does not change by itself.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.scoping import current_organization_id
from salvaguarda.court.models import Hearing, ImmigrationCase
from salvaguarda.incidents.models import Incident, IncidentConsent
from salvaguarda.people.models import Person, ReturnEvent


@dataclass(frozen=True)
class Measure:
    code: str
    label: str | Promise  # what it counts, translated when shown
    count: Callable[[], int]


def _people() -> int:
    return Person.objects.count()


def _returns() -> int:
    return ReturnEvent.objects.filter(person__deleted_at__isnull=True).count()


def _cases() -> int:
    return ImmigrationCase.objects.filter(person__deleted_at__isnull=True).count()


def _hearings() -> int:
    return (
        Hearing.objects.exclude(status=Hearing.Status.CANCELLED)
        .filter(case__deleted_at__isnull=True, case__person__deleted_at__isnull=True)
        .count()
    )


def _incidents() -> int:
    consented = IncidentConsent.objects.filter(
        incident=OuterRef("pk"),
        purpose=IncidentConsent.Purpose.STATISTICS,
        revoked_on__isnull=True,
    )
    return Incident.objects.filter(Exists(consented)).count()


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in (
        Measure("people_registered", _("People registered"), _people),
        Measure("returns_registered", _("Returns to Mexico registered"), _returns),
        Measure("court_cases_followed", _("U.S. immigration cases followed"), _cases),
        Measure(
            "hearings_followed", _("Immigration court hearings followed (not cancelled)"), _hearings
        ),
        Measure(
            "incidents_documented",
            _("Incidents documented with consent to anonymous statistics"),
            _incidents,
        ),
    )
}


def choices() -> list[tuple[str, str]]:
    """(code, label) of every measure, for a form's choices."""
    return [(m.code, str(m.label)) for m in MEASURES.values()]


def label_of(code: str) -> str:
    measure = MEASURES.get(code)
    return str(measure.label) if measure else code


def count(code: str, *, organization_id: int) -> int:
    """The measure `code` now, for `organization_id`, which must be the current scope's (a
    count outside it would silently be 0, or another organization's)."""
    if current_organization_id() != organization_id:
        raise RuntimeError("A measure is counted in its organization's scope only.")
    return MEASURES[code].count()
