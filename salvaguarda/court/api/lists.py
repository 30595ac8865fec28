"""The lists that warn: the hearing calendar, the people whose hearing may be missed, and
the open cases without a lawyer. They give the person's uuid and reference, never a name;
each is audited as a list.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query

from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.court import queries
from salvaguarda.court.api.base import REFUSALS, court_time, router, utc, zone_name
from salvaguarda.court.api.responses import hearing_line_out
from salvaguarda.court.api.schemas import (
    CalendarFiltersIn,
    HearingFiltersIn,
    HearingPageOut,
    PageIn,
    RiskPageOut,
    UnrepresentedPageOut,
)

# --- Calendars and lists -----------------------------------------------------------------------


def _hearing_filters(filters: HearingFiltersIn) -> queries.HearingFilters:
    return queries.HearingFilters(court=filters.court, port=filters.port)


@router.get("/hearings", response={200: HearingPageOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def hearing_calendar(request: HttpRequest, filters: Query[CalendarFiltersIn]) -> Any:
    """The scheduled hearings of `days` days (1 to 31, default 7) from `first` (default
    today), the organization's days, in time order; 50 a page. No names. Audited as a list."""
    first = filters.first or timezone.localdate()
    page = queries.hearings_between(
        signed_in_user(request),
        _hearing_filters(filters),
        first=first,
        days=filters.days,
        page=filters.page,
    )
    return {
        "page": page.number,
        "has_next": page.has_next,
        "results": [hearing_line_out(hearing) for hearing in page.hearings],
    }


@router.get("/hearings/at-risk", response={200: RiskPageOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def hearing_at_risk(request: HttpRequest, filters: Query[HearingFiltersIn]) -> Any:
    """People whose hearing in the next 30 days may be missed, the most urgent first, each with
    its reasons (codes, and their labels in the language of the request). Audited as a list."""
    lines, has_next = queries.at_risk_for(
        signed_in_user(request), _hearing_filters(filters), page=filters.page
    )
    return {
        "page": filters.page,
        "has_next": has_next,
        "results": [
            {
                "hearing": hearing_line_out(line.hearing),
                "reasons": line.reasons,
                "labels": line.labels,
            }
            for line in lines
        ],
    }


@router.get("/cases/unrepresented", response={200: UnrepresentedPageOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def case_unrepresented(request: HttpRequest, filters: Query[PageIn]) -> Any:
    """Open cases without a lawyer, the soonest next hearing first. Audited as a list."""
    cases, has_next = queries.unrepresented_for(signed_in_user(request), page=filters.page)
    results = []
    for case in cases:
        next_hearing: datetime.datetime | None = getattr(case, "next_hearing", None)
        results.append(
            {
                "case": case.uuid,
                "person": case.person.uuid,
                "person_reference": case.person.reference,
                "court": case.court,
                "court_zone": zone_name(case.court),
                "outcome": case.outcome,
                "next_hearing": utc(next_hearing),
                "next_hearing_court_time": court_time(next_hearing, case.court),
            }
        )
    return {"page": filters.page, "has_next": has_next, "results": results}
