"""Forms of returns, documents, consents and safeguards.

The rules are those of `validation_records` (the services check them again); each form puts
the message next to the field it is about. Dates and times are read in the organization's
time zone, which the view passes as `time_zone`.
"""

import datetime
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.widgets import DateInput
from salvaguarda.people import safeguard_applies, vocab
from salvaguarda.people import validation_records as rules
from salvaguarda.people.forms import blank_first
from salvaguarda.people.models import Answer, Consent, Person, ReturnEvent, SafeguardCheck


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed as the clock shows it in `time_zone` (the organization's)."""

    widget = DateTimeLocalInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        )
        super().__init__(**kwargs)
        self.time_zone: datetime.tzinfo = timezone.get_current_timezone()

    def to_python(self, value: Any) -> datetime.datetime | None:
        with timezone.override(self.time_zone):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(self.time_zone):
            return super().prepare_value(value)


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


def _program_phases() -> list[tuple[str, str]]:
    return _blank(vocab.PROGRAM_PHASES.choices())


def _return_points() -> list[tuple[str, str]]:
    return _blank(vocab.RETURN_POINTS.choices())


def _cities() -> list[tuple[str, str]]:
    return _blank(vocab.CITIES.choices())


def _document_types() -> list[tuple[str, str]]:
    return _blank(vocab.DOCUMENT_TYPES.choices())


def _languages() -> list[tuple[str, str]]:
    return vocab.LANGUAGES.choices()


class RecordForm(forms.Form):
    """A form about one person, in the organization's time zone."""

    def __init__(self, *args: Any, person: Person, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.zone = ZoneInfo(time_zone)
        self.today = timezone.localdate(timezone=self.zone)
        for field in self.fields.values():
            if isinstance(field, LocalDateTimeField):
                field.time_zone = self.zone

    def add_rule_errors(self, errors: rules.Errors) -> None:
        for field, found in errors.items():
            self.add_error(field if field in self.fields else None, found)


class ReturnForm(RecordForm):
    program_phase = forms.ChoiceField(label=_("Program or mechanism"), choices=_program_phases)
    returned_on = forms.DateField(label=_("Date of return"), widget=DateInput())
    return_point = forms.ChoiceField(label=_("U.S. port of return"), choices=_return_points)
    mexican_city = forms.ChoiceField(
        label=_("Mexican city of return"),
        choices=_cities,
        required=False,
        help_text=_("Leave it empty to use the usual city of the port."),
    )
    report_back_at = LocalDateTimeField(
        label=_("When to report back (tear sheet)"),
        required=False,
        help_text=_("The date and time written on the tear sheet, as the local clock shows it."),
    )
    report_back_place = forms.CharField(
        label=_("Where to report back (tear sheet)"), max_length=120, required=False
    )
    nta_date = forms.DateField(
        label=_("Date of the Notice to Appear"), required=False, widget=DateInput()
    )
    received_by = forms.ChoiceField(
        label=_("Received on the Mexican side by"),
        choices=blank_first(ReturnEvent.ReceivedBy.choices),
        required=False,
    )
    reception_documents = forms.MultipleChoiceField(
        label=_("Documents given at reception"),
        choices=rules.reception_document_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    informed_of_rights = forms.ChoiceField(
        label=_("Were they informed of their rights?"),
        choices=Answer.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    offered_screening = forms.ChoiceField(
        label=_("Were they offered a screening?"),
        choices=Answer.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    fear_of_mexico = forms.ChoiceField(
        label=_("Did they say they fear remaining in Mexico?"),
        choices=Answer.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    exclusion_claimed = forms.MultipleChoiceField(
        label=_("Grounds of exclusion from MPP that were claimed"),
        choices=rules.ExclusionGround.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exclusion_outcome = forms.ChoiceField(
        label=_("Outcome of the exclusion claim"),
        choices=ReturnEvent.ExclusionOutcome.choices,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, group: Sequence[Person] = (), **kwargs: Any) -> None:
        """`group`: the other members of the person's family group, offered the same return."""
        super().__init__(*args, **kwargs)
        self.group = list(group)
        if self.group:
            names = ", ".join(p.full_name or p.reference for p in self.group)
            self.fields["for_group"] = forms.BooleanField(
                label=_("Record the same return for the rest of the family group: %(names)s")
                % {"names": names},
                required=False,
            )

    def group_members(self) -> list[Person]:
        """The other members the same return is recorded for (none unless ticked)."""
        return self.group if self.cleaned_data.get("for_group") else []

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("mexican_city") and data.get("return_point"):
            data["mexican_city"] = rules.default_city(data["return_point"])
        self.add_rule_errors(
            rules.return_errors(
                data, today=self.today, born=rules.born_on(self.person), time_zone=self.zone
            )
        )
        return data


class DocumentForm(RecordForm):
    doc_type = forms.ChoiceField(label=_("Document"), choices=_document_types)
    number = forms.CharField(
        label=_("Number"),
        max_length=64,
        required=False,
        help_text=_("For a CURP, its 18 characters."),
    )
    issuer = forms.CharField(label=_("Issued by"), max_length=120, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())
    holds_original = forms.BooleanField(
        label=_("The person holds the original"), required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.add_rule_errors(
            rules.document_errors(data, today=self.today, born=rules.born_on(self.person))
        )
        if data.get("doc_type") and "number" in data:
            try:
                data["number"] = rules.document_number(data["doc_type"], data["number"])
            except ValidationError as exc:
                self.add_error("number", exc)
        return data


class ConsentForm(RecordForm):
    # A referral's consent is recorded with the referral, with the fields it lets cross.
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[c for c in Consent.Purpose.choices if c[0] != Consent.Purpose.REFERRAL],
        widget=forms.RadioSelect,
    )
    recipient = forms.CharField(
        label=_("Organization it may be shared with"),
        max_length=160,
        required=False,
        help_text=_("Only for sharing: the name of the one organization the person agreed to."),
    )
    given_by = forms.ChoiceField(
        label=_("Given by"),
        choices=Consent.GivenBy.choices,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language in which it was explained"), choices=_languages)
    given_at = LocalDateTimeField(
        label=_("Given at"),
        required=False,
        help_text=_("Leave it empty if it is being given now."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        preferred = self.person.preferred_language
        self.fields["language"].initial = preferred if preferred in vocab.LANGUAGES else "spa"
        # A child's consent is given by their parent or caregiver; an adult's, by themselves.
        child = self.person.is_child_on(self.today)
        self.fields["given_by"].initial = (
            Consent.GivenBy.CAREGIVER if child else Consent.GivenBy.SELF
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("purpose") != Consent.Purpose.SHARING:
            data["recipient"] = ""
        now = timezone.now()
        values = {**data, "given_at": data.get("given_at") or now}
        self.add_rule_errors(rules.consent_errors(values, now=now, person=self.person))
        return data


class SafeguardForm(RecordForm):
    item = forms.ChoiceField(
        label=_("Safeguard"), choices=SafeguardCheck.Item.choices, widget=forms.RadioSelect
    )
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note (no names or personal details)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = self.today
        # Offered: the items that apply to the person (a child's schooling for a child, ...).
        # Any other is still accepted here, for the service to refuse it in words.
        applicable = safeguard_applies.applicable_to(self.person, self.today)
        self.fields["item"].widget.choices = [
            (value, label) for value, label in SafeguardCheck.Item.choices if value in applicable
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.add_rule_errors(
            rules.safeguard_errors(data, today=self.today, born=rules.born_on(self.person))
        )
        return data
