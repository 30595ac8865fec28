"""Forms of incidents and of what is documented with them.

They read and show values; the rules are the services' (`validation`), whose messages the views
put next to the fields. The one-flow page combines `IncidentForm`, a victim part, the
perpetrator and anonymous-victim formsets, `ConsentsForm` and `FilesForm`.
"""

import decimal
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.forms import RuleForm
from salvaguarda.core.widgets import DateInput, QuickSelect
from salvaguarda.incidents import vocab
from salvaguarda.incidents.models import Complaint, Incident, IncidentConsent, Victim
from salvaguarda.incidents.queries import IncidentFilters
from salvaguarda.incidents.services import INCIDENT_FIELDS
from salvaguarda.incidents.widgets import ActPicker, ActsField
from salvaguarda.people import vocab as people_vocab
from salvaguarda.people.forms import CHOOSE, blank_first
from salvaguarda.people.models import Answer, Person

# The incident's fields as the form types them (the coordinates as two numbers).
INCIDENT_DATA = tuple(f for f in INCIDENT_FIELDS if f != "coordinates")


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _countries() -> list[tuple[str, str]]:
    return people_vocab.COUNTRIES.choices()


def _nationalities() -> list[tuple[str, str]]:
    return _blank(people_vocab.COUNTRIES.choices())


def _states() -> list[tuple[str, str]]:
    return _blank(vocab.STATES.choices())


def _place_types() -> list[tuple[str, str]]:
    return _blank(vocab.PLACE_TYPES.choices())


def _gbv_types() -> list[tuple[str, str]]:
    return _blank(vocab.GBV_TYPES.choices())


def _victim_statuses() -> list[tuple[str, str]]:
    return _blank(
        [(t.code, "\u00a0\u00a0" * t.level + t.label) for t in vocab.VICTIM_STATUS.walk()]
    )


def _involvements() -> list[tuple[str, str]]:
    return _blank([(t.code, "\u00a0\u00a0" * t.level + t.label) for t in vocab.INVOLVEMENT.walk()])


def _perpetrator_kinds() -> list[tuple[str, Any]]:
    return [("", "—"), *vocab.perpetrator_codes()]


def _act_filter_choices() -> list[tuple[Any, Any]]:
    return [
        ("", "—"),
        (_("Most frequent acts"), vocab.COMMON_ACTS.choices()),
        (
            _("HURIDOCS list (with the acts under it)"),
            [(t.code, "\u00a0\u00a0" * t.level + t.label) for t in vocab.ACTS.walk()],
        ),
    ]


class FoldedPart(forms.Form):
    """A part of the one-flow page shown folded: it unfolds when it was filled or has errors."""

    @property
    def unfolded(self) -> bool:
        return self.is_bound and (bool(self.errors) or self.has_changed())


class IncidentForm(RuleForm):
    """What happened, when and where. Coordinates are typed as two numbers.

    `whole_act_list` renders the act picker's HURIDOCS list in the page (for a browser without
    JavaScript); otherwise the picker loads it when opened. On the one-flow page the optional
    fields come folded in parts (`FOLDED`), each unfolded when filled or in error
    (`unfolded_parts`).
    """

    rule_fields: ClassVar[dict[str, str]] = {"coordinates": "latitude"}
    FOLDED: ClassVar[dict[str, tuple[str, ...]]] = {
        "more": ("testimony", "gbv_type", "caused_missed_hearing"),
        "place": (
            "country",
            "state",
            "municipality",
            "locality",
            "place_type",
            "place_detail",
            "latitude",
            "longitude",
        ),
    }

    date_precision = forms.ChoiceField(
        label=_("How precise is the date?"),
        choices=Incident.DatePrecision.choices,
        initial=Incident.DatePrecision.EXACT,
        widget=forms.RadioSelect,
    )
    occurred_from = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        help_text=_("For a month or a year, any day in it. For a period, its first day."),
    )
    occurred_to = forms.DateField(
        label=_("Last day of the period"), widget=DateInput(), required=False
    )
    acts = ActsField(label=_("What was done"))
    gbv_type = forms.ChoiceField(
        label=_("Gender-based violence (GBVIMS type)"),
        choices=_gbv_types,
        required=False,
        help_text=_("One type per incident, chosen by the act only, whatever the context."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A few lines, without names. It is stored encrypted."),
    )
    testimony = forms.CharField(
        label=_("Testimony"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "In the person's words. Stored encrypted; only legal staff, coordinators and "
            "whoever documents it can read it."
        ),
    )
    source = forms.ChoiceField(label=_("Source"), choices=_blank(Incident.Source.choices))
    country = forms.ChoiceField(label=_("Country"), choices=_countries, initial="MEX")
    state = forms.ChoiceField(label=_("State"), choices=_states, required=False)
    municipality = forms.CharField(label=_("Municipality"), max_length=120, required=False)
    locality = forms.CharField(label=_("Locality or neighbourhood"), max_length=160, required=False)
    place_type = forms.ChoiceField(label=_("Kind of place"), choices=_place_types, required=False)
    place_detail = forms.CharField(
        label=_("The place, in a few words"), max_length=160, required=False
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Optional. Stored encrypted and shown rounded to about 10 km."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=10, decimal_places=6
    )
    caused_missed_hearing = forms.ChoiceField(
        label=_("Did it make the person miss a U.S. hearing?"),
        choices=blank_first(Answer.choices),
        required=False,
    )
    documented_on = forms.DateField(label=_("Documented on"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, whole_act_list: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker = self.fields["acts"].widget
        if isinstance(picker, ActPicker):
            picker.whole_list = whole_act_list

    @property
    def unfolded_parts(self) -> set[str]:
        """The folded parts that were filled (an answer other than the initial one) or hold an
        error: they are shown open."""
        if not self.is_bound:
            return set()
        touched = set(self.changed_data) | set(self.errors)
        return {part for part, names in self.FOLDED.items() if touched.intersection(names)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both the latitude and the longitude, or neither."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in INCIDENT_DATA}
        lat, lon = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        data["coordinates"] = (
            {"lat": float(lat), "lon": float(lon)}
            if isinstance(lat, decimal.Decimal) and isinstance(lon, decimal.Decimal)
            else None
        )
        return data

    def service_acts(self) -> list[dict[str, str]]:
        return [act._asdict() for act in self.cleaned_data.get("acts") or []]

    @staticmethod
    def initial_of(incident: Incident) -> dict[str, Any]:
        initial = {name: getattr(incident, name) for name in INCIDENT_DATA}
        coordinates = incident.coordinates or {}
        initial["latitude"] = coordinates.get("lat")
        initial["longitude"] = coordinates.get("lon")
        initial["acts"] = [a.common or a.huridocs for a in incident.acts.all()]
        return initial


class PersonVictimForm(forms.Form):
    """The registered person the incident is documented from: their role and status."""

    role = forms.ChoiceField(label=_("Role"), choices=blank_first(Victim.Role.choices, CHOOSE))
    status = forms.ChoiceField(
        label=_("Status as victim (HURIDOCS)"), choices=_victim_statuses, required=False
    )


class AnonymousVictimForm(forms.Form):
    """A victim or witness known only by sex, age band and nationality.

    Every field starts blank: left untouched, the section is no victim at all (a formset's
    extra form that has not changed is skipped). Filled, it needs its role; a sex left blank
    is "not recorded".
    """

    role = forms.ChoiceField(label=_("Role"), choices=blank_first(Victim.Role.choices, CHOOSE))
    sex = forms.ChoiceField(label=_("Sex"), choices=blank_first(Person.Sex.choices), required=False)
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=blank_first(Victim.AgeBand.choices), required=False
    )
    nationality = forms.ChoiceField(label=_("Nationality"), choices=_nationalities, required=False)
    status = forms.ChoiceField(
        label=_("Status as victim (HURIDOCS)"), choices=_victim_statuses, required=False
    )


class PerpetratorForm(FoldedPart):
    kind = forms.ChoiceField(label=_("Type of perpetrator"), choices=_perpetrator_kinds)
    involvement = forms.ChoiceField(
        label=_("Degree of involvement"), choices=_involvements, required=False
    )
    how_many = forms.IntegerField(label=_("How many"), required=False, min_value=1)
    identifying_details = forms.CharField(
        label=_("What identifies them"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Uniforms, vehicles, names or nicknames, marks. Stored encrypted."),
    )


AnonymousVictimFormSet = forms.formset_factory(AnonymousVictimForm, extra=1)
PerpetratorFormSet = forms.formset_factory(PerpetratorForm, extra=2)


class ConsentsForm(FoldedPart):
    """The uses the person agreed to, when the incident is documented."""

    uses = forms.MultipleChoiceField(
        label=_("The person agrees that this documentation be used for"),
        choices=IncidentConsent.Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipient = forms.CharField(
        label=_("Organization it may be shared with"), max_length=160, required=False
    )
    given_by = forms.ChoiceField(
        label=_("Consent given by"),
        choices=blank_first(IncidentConsent.GivenBy.choices),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("uses") and not data.get("given_by"):
            self.add_error("given_by", _("Say who gave the consent."))
        return data

    def service_consents(self, given_on: Any) -> list[dict[str, Any]]:
        return [
            {
                "purpose": use,
                "recipient": self.cleaned_data["recipient"]
                if use == IncidentConsent.Purpose.SHARING
                else "",
                "given_by": self.cleaned_data["given_by"],
                "given_on": given_on,
            }
            for use in self.cleaned_data.get("uses") or []
        ]


class ConsentForm(RuleForm):
    purpose = forms.ChoiceField(
        label=_("Use"), choices=blank_first(IncidentConsent.Purpose.choices, CHOOSE)
    )
    recipient = forms.CharField(
        label=_("Organization it may be shared with"), max_length=160, required=False
    )
    given_by = forms.ChoiceField(
        label=_("Given by"), choices=blank_first(IncidentConsent.GivenBy.choices, CHOOSE)
    )
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class FilesForm(FoldedPart):
    evidence = MultipleFileField(
        label=_("Photos, recordings, videos or documents"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP photos, audio, video or PDF. Each file is stored encrypted, with "
            "its SHA-256 fingerprint recorded for the chain of custody."
        ),
    )
    description = forms.CharField(label=_("What the files show"), max_length=500, required=False)

    @property
    def unfolded(self) -> bool:
        # Django counts an empty list of files as a change: only a file or a description do.
        return self.is_bound and (
            bool(self.errors) or bool(self.files) or bool(self["description"].data)
        )


class VictimForm(RuleForm):
    """A victim or witness added on the incident's page: a registered person by reference, or
    an anonymous one."""

    person_reference = forms.CharField(
        label=_("Reference of a registered person (P-000123)"), max_length=16, required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=blank_first(Victim.Role.choices, CHOOSE))
    sex = forms.ChoiceField(label=_("Sex"), choices=blank_first(Person.Sex.choices), required=False)
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=blank_first(Victim.AgeBand.choices), required=False
    )
    nationality = forms.ChoiceField(label=_("Nationality"), choices=_nationalities, required=False)
    status = forms.ChoiceField(
        label=_("Status as victim (HURIDOCS)"), choices=_victim_statuses, required=False
    )


class PerpetratorEditForm(RuleForm, PerpetratorForm):
    pass


class ComplaintForm(RuleForm):
    authority = forms.ChoiceField(
        label=_("Authority"), choices=blank_first(Complaint.Authority.choices, CHOOSE)
    )
    authority_detail = forms.CharField(label=_("Which office"), max_length=160, required=False)
    filed_on = forms.DateField(label=_("Filed on"), widget=DateInput())
    reference_number = forms.CharField(
        label=_("Reference number"),
        max_length=120,
        required=False,
        help_text=_("Stored encrypted."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=blank_first(Complaint.Status.choices, CHOOSE)
    )
    next_step = forms.CharField(
        label=_("Next step"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step_on = forms.DateField(
        label=_("Date of the next step"), widget=DateInput(), required=False
    )


class IncidentFilterForm(forms.Form):
    """The list's filters; every one optional."""

    act = forms.ChoiceField(
        label=_("Act"), required=False, choices=_act_filter_choices, widget=QuickSelect
    )
    perpetrator = forms.ChoiceField(
        label=_("Perpetrator"), required=False, choices=_perpetrator_kinds, widget=QuickSelect
    )
    state = forms.ChoiceField(label=_("State"), choices=_states, required=False, widget=QuickSelect)
    municipality = forms.CharField(label=_("Municipality"), max_length=120, required=False)
    start = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("To (included)"), widget=DateInput(), required=False)
    use = forms.ChoiceField(
        label=_("With consent for"),
        choices=_blank(IncidentConsent.Purpose.choices),
        required=False,
    )
    gbv_type = forms.ChoiceField(
        label=_("Gender-based violence"), choices=_gbv_types, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return data

    def filters(self) -> IncidentFilters:
        """The list's filters, once the form is valid."""
        return IncidentFilters(**{name: self.cleaned_data[name] for name in self.fields})
