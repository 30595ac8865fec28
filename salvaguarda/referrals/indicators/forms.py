"""The indicators' filters: a period (by default the last 90 days) and a port of return."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.widgets import DateInput
from salvaguarda.people.vocab import RETURN_POINTS
from salvaguarda.referrals.indicators.queries import Filters

DEFAULT_DAYS = 90


def _ports() -> list[tuple[str, str]]:
    return [("", str(_("All ports"))), *RETURN_POINTS.choices()]


class IndicatorFilterForm(forms.Form):
    """`desde` and `hasta` (both days included) and `puerto` (a port's code; empty: all)."""

    desde = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    hasta = forms.DateField(label=_("To (included)"), widget=DateInput(), required=False)
    puerto = forms.ChoiceField(label=_("Port of return"), choices=_ports, required=False)

    def __init__(self, data: Any, *, today: datetime.date) -> None:
        super().__init__(data)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        until = data.get("hasta") or self.today
        since = data.get("desde") or until - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if until > self.today:
            self.add_error("hasta", _("The period cannot end after today: nothing is counted yet."))
        elif until < since:
            self.add_error("hasta", _("The period ends before it starts."))
        data["hasta"], data["desde"] = until, since
        return data

    def as_used(self) -> "IndicatorFilterForm":
        """The form again with the period actually counted in its boxes (the default one
        included), once valid."""
        filters = self.filters()
        return IndicatorFilterForm(
            {
                "desde": filters.since.isoformat(),
                "hasta": filters.until.isoformat(),
                "puerto": filters.port,
            },
            today=self.today,
        )

    def filters(self) -> Filters:
        """The filters, once the form is valid."""
        data = self.cleaned_data
        return Filters(since=data["desde"], until=data["hasta"], port=data.get("puerto") or "")
