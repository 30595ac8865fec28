"""Forms of cases, representation, interviews and hearings.

They read and show values; the rules are the services' (`validation`), whose messages the views
put next to the fields. Hearing dates and times are typed as the court's clock shows them.
"""

import datetime
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.forms import RuleForm
from salvaguarda.core.widgets import DateInput
from salvaguarda.court import times, vocab
from salvaguarda.court.models import (
    Hearing,
    ImmigrationCase,
    NonRefoulementInterview,
    Representation,
)
from salvaguarda.people import vocab as people_vocab


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _courts() -> list[tuple[str, str]]:
    return _blank(vocab.COURTS.choices())


def _phases() -> list[tuple[str, str]]:
    return _blank(people_vocab.PROGRAM_PHASES.choices())


def _ports() -> list[tuple[str, str]]:
    return _blank(people_vocab.RETURN_POINTS.choices())


class CaseForm(RuleForm):
    a_number = forms.CharField(
        label=_("A-number"),
        required=False,
        max_length=12,
        help_text=_("8 or 9 digits, as on the Notice to Appear. It is stored encrypted."),
    )
    court = forms.ChoiceField(label=_("Immigration court"), choices=_courts)
    program_phase = forms.ChoiceField(label=_("Program"), choices=_phases, required=False)
    relief_sought = forms.MultipleChoiceField(
        label=_("Relief sought"),
        choices=ImmigrationCase.Relief.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ImmigrationCase.Outcome.choices)
    relief_granted = forms.ChoiceField(
        label=_("Relief granted"),
        choices=_blank(ImmigrationCase.Relief.choices),
        required=False,
    )
    in_absentia = forms.BooleanField(label=_("Ordered in absentia"), required=False)
    outcome_on = forms.DateField(label=_("Date of the outcome"), required=False, widget=DateInput())
    status_checked_on = forms.DateField(
        label=_("Status last checked on"), required=False, widget=DateInput()
    )
    status_check_result = forms.CharField(
        label=_("What the status check said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the court's phone line or website said: next hearing, decision."),
    )
    lead_case = forms.ChoiceField(label=_("Rides on the case of"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, leads: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead_case = self.fields["lead_case"]
        assert isinstance(lead_case, forms.ChoiceField)  # noqa: S101 - declared above
        lead_case.choices = _blank(leads)

    def service_data(self, time_zone: datetime.tzinfo) -> dict[str, Any]:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("lead_case", "status_checked_on")
        }
        checked = self.cleaned_data.get("status_checked_on")
        data["status_checked_at"] = (
            datetime.datetime.combine(checked, datetime.time(12), tzinfo=time_zone)
            if checked
            else None
        )
        return data


class InterviewForm(RuleForm):
    interviewed_on = forms.DateField(label=_("Date of the interview"), widget=DateInput())
    result = forms.ChoiceField(
        label=_("Result"), choices=NonRefoulementInterview.Result.choices, required=False
    )


class RepresentationForm(RuleForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Representation.Kind.choices)
    representative = forms.CharField(label=_("Name of the representative"), max_length=160)
    firm = forms.CharField(label=_("Organization or firm"), max_length=160, required=False)
    forms_filed = forms.MultipleChoiceField(
        label=_("Forms filed"),
        choices=[(f, f) for f in Representation.FORMS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    since = forms.DateField(label=_("Since"), widget=DateInput())
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave it empty while they still represent the person."),
    )


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class HearingForm(RuleForm):
    """Date and time as the court's clock shows them; the report time as the port's (the same
    zone for every MPP court and its port)."""

    rule_fields: ClassVar[dict[str, str]] = {"starts_at": "starts_day", "report_at": "report_time"}

    court = forms.ChoiceField(label=_("Immigration court"), choices=_courts)
    starts_day = forms.DateField(label=_("Date of the hearing"), widget=DateInput())
    starts_time = forms.TimeField(label=_("Time (court's local time)"), widget=TimeInput())
    kind = forms.ChoiceField(label=_("Type"), choices=Hearing.Kind.choices)
    mode = forms.ChoiceField(label=_("In person or by video"), choices=Hearing.Mode.choices)
    port = forms.ChoiceField(
        label=_("Port where to report"),
        choices=_ports,
        required=False,
        help_text=_("Leave it empty to use the court's usual port."),
    )
    report_time = forms.TimeField(
        label=_("Time to report (local time)"),
        required=False,
        widget=TimeInput(),
        help_text=_("On the day of the hearing, or the evening before if it is later than it."),
    )
    report_place = forms.CharField(
        label=_("Where to report (tear sheet)"), required=False, max_length=160
    )
    plan_confirmed = forms.BooleanField(
        label=_("Plan to attend confirmed (transport, accompaniment)"), required=False
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_("Kept in the hearing's history."),
    )

    @staticmethod
    def initial_for(hearing: Hearing) -> dict[str, Any]:
        starts = times.in_court_time(hearing.starts_at, hearing.court)
        initial: dict[str, Any] = {
            "court": hearing.court,
            "starts_day": starts.date(),
            "starts_time": starts.time(),
            "kind": hearing.kind,
            "mode": hearing.mode,
            "port": hearing.port,
            "report_place": hearing.report_place,
            "plan_confirmed": hearing.plan_confirmed,
        }
        if hearing.report_at:
            initial["report_time"] = times.in_court_time(hearing.report_at, hearing.court).time()
        return initial

    def _moment(
        self, day: datetime.date | None, at: datetime.time | None, field: str
    ) -> datetime.datetime | None:
        court = self.cleaned_data.get("court")
        if day is None or at is None or not court:
            return None
        try:
            return times.court_wall_clock(court, datetime.datetime.combine(day, at))
        except ValueError:
            self.add_error(
                field, _("This time does not exist at the court: the clocks change that night.")
            )
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at = cleaned.get("starts_day"), cleaned.get("starts_time")
        cleaned["starts_at"] = self._moment(day, at, "starts_time")
        report = cleaned.get("report_time")
        if day is not None and at is not None and report is not None and report > at:
            day -= datetime.timedelta(days=1)  # reporting the evening before
        cleaned["report_at"] = self._moment(day, report, "report_time")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = {
            field: self.cleaned_data[field]
            for field in ("court", "kind", "mode", "port", "report_place", "plan_confirmed")
        }
        data["starts_at"] = self.cleaned_data["starts_at"]
        data["report_at"] = self.cleaned_data["report_at"]
        return data


class AttendanceForm(RuleForm):
    attendance = forms.ChoiceField(
        label=_("Attendance"),
        choices=[c for c in Hearing.Attendance.choices if c[0]],
    )
    missed_reason = forms.ChoiceField(
        label=_("Why it was missed"), choices=Hearing.MissedReason.choices, required=False
    )
    result_notes = forms.CharField(
        label=_("Result notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it was cancelled"),
        required=False,
        max_length=500,
        help_text=_("Kept in the hearing's history."),
    )


class HearingFilterForm(forms.Form):
    court = forms.ChoiceField(label=_("Court"), choices=_courts, required=False)
    port = forms.ChoiceField(label=_("Port"), choices=_ports, required=False)
    day = forms.DateField(label=_("Week of"), required=False, widget=DateInput())
