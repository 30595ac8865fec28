"""The organization's court figures over a period: counts and rates only, for every role."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query

from salvaguarda.core.access import Policy, policy
from salvaguarda.court import figures
from salvaguarda.court.api.base import REFUSALS, router
from salvaguarda.court.api.schemas import CourtFiguresOut, PeriodIn
from salvaguarda.court.views_figures import EARLIEST, LATEST

# The key of counts whose code is empty in the models ("not recorded", "not known yet").
NOT_RECORDED = "not_recorded"


def _counts(counts: Mapping[str, int]) -> dict[str, int]:
    return {(code or NOT_RECORDED): count for code, count in counts.items()}


# --- Figures -----------------------------------------------------------------------------------


@router.get("/court/figures", response={200: CourtFiguresOut, **REFUSALS})
@policy(Policy.MEMBER)
def court_figures_get(request: HttpRequest, filters: Query[PeriodIn]) -> Any:
    """The organization's figures over [start, end] (both included, its days; default: this
    year so far). Counts only, for every role. Rates are shares from 0 to 1, null when there is
    nothing to divide. Counts by code; `not_recorded` counts what is not recorded yet."""
    today = timezone.localdate()
    start = filters.start or today.replace(month=1, day=1)
    end = filters.end or today
    errors: dict[str, list[str]] = {}
    for name, day in (("start", start), ("end", end)):
        if not EARLIEST <= day <= LATEST:
            errors[name] = [
                _("Choose a date between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
            ]
    if not errors and end < start:
        errors["end"] = [_("The period ends before it starts.")]
    if errors:
        raise ValidationError(errors)
    found = figures.court_figures(start=start, end=end)
    return {
        "start": found.start,
        "end": found.end,
        "cases_open": found.cases_open,
        "cases_represented": found.cases_represented,
        "cases_represented_in_period": found.cases_represented_in_period,
        "representation_rate": found.representation_rate,
        "hearings": found.hearings,
        "hearings_missed": found.hearings_missed,
        "missed_rate": found.missed_rate,
        "attendance": _counts(found.attendance),
        "missed_by_reason": _counts(found.missed_by_reason),
        "outcomes": _counts(found.outcomes),
        "removal_orders": found.removal_orders,
        "in_absentia_orders": found.in_absentia_orders,
        "in_absentia_rate": found.in_absentia_rate,
        "relief_granted": _counts(found.relief_granted),
        "interviews": _counts(found.interviews),
    }
