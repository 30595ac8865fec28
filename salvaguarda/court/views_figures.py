"""The court figures of the organization over a period (every role: aggregates only).

Like the home page's count of people, the page is not audited: it shows counts of the
organization's own cases, never a record or an identifying value.
"""

import datetime
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Choices
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.access import Policy, active_organization, policy
from salvaguarda.core.widgets import DateInput
from salvaguarda.court.figures import NOT_RECORDED, CourtFigures, court_figures
from salvaguarda.court.models import Hearing, ImmigrationCase, NonRefoulementInterview

EARLIEST = datetime.date(1990, 1, 1)
LATEST = datetime.date(2100, 12, 31)

# Outcomes that are no decision (a case has no date for them): left out of the table.
_NOT_DECISIONS = {ImmigrationCase.Outcome.PENDING_FIRST_HEARING, ImmigrationCase.Outcome.PENDING}

# What the models call the empty code, as a table of figures calls it.
_UNKNOWN_LABELS: dict[type[Choices], Promise] = {
    Hearing.Attendance: _("Not recorded"),
    Hearing.MissedReason: _("No reason recorded"),
    ImmigrationCase.Relief: _("Relief not recorded"),
    NonRefoulementInterview.Result: _("Result not known yet"),
}


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To (included)"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        for name in ("start", "end"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(
                    name,
                    _("Choose a date between %(earliest)s and %(latest)s.")
                    % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
                )
        if start is not None and end is not None and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return data


def _rows(choices: type[Choices], counts: Mapping[str, int]) -> list[tuple[Any, int]]:
    """(label, count) for every code, the empty one last and named for a table of figures."""
    named = dict(choices.choices)
    rows = [(named.get(code, code), count) for code, count in counts.items() if code]
    if NOT_RECORDED in counts:
        rows.append((_UNKNOWN_LABELS[choices], counts[NOT_RECORDED]))
    return rows


def _percent(rate: float | None) -> float | None:
    return None if rate is None else rate * 100


def _tables(figures: CourtFigures) -> dict[str, Any]:
    return {
        "attendance": _rows(Hearing.Attendance, figures.attendance),
        "missed_by_reason": _rows(Hearing.MissedReason, figures.missed_by_reason),
        "outcomes": _rows(
            ImmigrationCase.Outcome,
            {code: n for code, n in figures.outcomes.items() if code not in _NOT_DECISIONS},
        ),
        "relief_granted": _rows(ImmigrationCase.Relief, figures.relief_granted),
        "interviews": _rows(NonRefoulementInterview.Result, figures.interviews),
        "representation_percent": _percent(figures.representation_rate),
        "missed_percent": _percent(figures.missed_rate),
        "in_absentia_percent": _percent(figures.in_absentia_rate),
    }


@policy(Policy.MEMBER)
def figures(request: HttpRequest) -> HttpResponse:
    """The figures of a period: this year so far unless the form asks for another."""
    today = timezone.localdate(timezone=ZoneInfo(active_organization(request).time_zone))
    default = {"start": today.replace(month=1, day=1), "end": today}
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=default)
    context: dict[str, Any] = {"form": form}
    if not form.is_bound or form.is_valid():
        period = form.cleaned_data if form.is_bound else default
        result = court_figures(start=period["start"], end=period["end"])
        context.update({"figures": result, **_tables(result)})
    return render(request, "court/figures.html", context)


urlpatterns: list[URLPattern] = [
    path("cifras/", figures, name="figures"),
]
