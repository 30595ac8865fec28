"""Forms of the directory's pages: the search, a provider, a service."""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.forms import RuleForm
from salvaguarda.people import vocab as people_vocab
from salvaguarda.referrals.directory.models import (
    Category,
    Channel,
    Group,
    Location,
    Provider,
    Service,
)
from salvaguarda.referrals.directory.queries import DirectoryFilters
from salvaguarda.referrals.directory.services import WEEKDAYS


def _blank(choices: list[tuple[str, Any]], label: Any = "") -> list[tuple[str, Any]]:
    return [("", label or "—"), *choices]


def day_choices() -> list[tuple[str, Any]]:
    names = (
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    )
    return list(zip(WEEKDAYS, names, strict=True))


class DirectorySearchForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    group = forms.ChoiceField(label=_("For"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    text = forms.CharField(label=_("Name contains"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = _("All")
        self.fields["category"].choices = _blank(Category.choices, everything)  # type: ignore[attr-defined]
        self.fields["city"].choices = _blank(people_vocab.CITIES.choices(), everything)  # type: ignore[attr-defined]
        self.fields["group"].choices = _blank(Group.choices, _("Anyone"))  # type: ignore[attr-defined]
        self.fields["language"].choices = _blank(people_vocab.LANGUAGES.choices(), everything)  # type: ignore[attr-defined]

    def filters(self) -> DirectoryFilters:
        if not self.is_bound or not self.is_valid():
            return DirectoryFilters()
        data = self.cleaned_data
        return DirectoryFilters(
            category=data["category"],
            city=data["city"],
            group=data["group"],
            language=data["language"],
            text=data["text"].strip(),
        )


class ProviderForm(RuleForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    alternate_name = forms.CharField(label=_("Short or other name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind of institution"))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, member: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [c for c in Provider.Kind.choices if c[0] != Provider.Kind.NETWORK_MEMBER]
        if member:
            kinds = [(Provider.Kind.NETWORK_MEMBER.value, Provider.Kind.NETWORK_MEMBER.label)]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class ServiceForm(RuleForm):
    """A service with its (first) place, hours, phone and lists, on one page."""

    rule_fields: ClassVar[dict[str, str]] = {"required_documents": "documents"}
    OWN = "own"

    provider = forms.ChoiceField(label=_("Provider"))
    name = forms.CharField(label=_("Name of the service"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=_blank(Category.choices))
    status = forms.ChoiceField(label=_("Status"), choices=Service.Status.choices)
    description_es = forms.CharField(
        label=_("Description in Spanish"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("Description in English"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    groups = forms.MultipleChoiceField(
        label=_("For"), choices=Group.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    minimum_age = forms.IntegerField(
        label=_("Minimum age"), min_value=0, max_value=120, required=False
    )
    maximum_age = forms.IntegerField(
        label=_("Maximum age"), min_value=0, max_value=120, required=False
    )
    nationalities = forms.MultipleChoiceField(
        label=_("Only for nationals of"),
        required=False,
        help_text=_("Leave empty when any nationality is served."),
    )
    eligibility_description = forms.CharField(
        label=_("Who may use it, in words"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    languages = forms.MultipleChoiceField(label=_("Languages spoken"), required=False)
    cost = forms.ChoiceField(label=_("Cost"), choices=Service.Cost.choices)
    fees_description = forms.CharField(label=_("Cost details"), max_length=300, required=False)
    documents = forms.CharField(
        label=_("Documents asked for"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One a line."),
    )
    days = forms.MultipleChoiceField(
        label=_("Open on"), widget=forms.CheckboxSelectMultiple, required=False
    )
    opens_at = forms.TimeField(
        label=_("Opens at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes_at = forms.TimeField(
        label=_("Closes at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    hours = forms.CharField(label=_("Hours, in words"), max_length=300, required=False)
    referral_channels = forms.MultipleChoiceField(
        label=_("How to refer"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    application_process = forms.CharField(
        label=_("How to refer, step by step"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https")
    location_type = forms.ChoiceField(label=_("Kind of place"), choices=Location.Type.choices)
    location_name = forms.CharField(label=_("Name of the place"), max_length=200, required=False)
    location_address_1 = forms.CharField(
        label=_("Street and number"), max_length=200, required=False
    )
    location_address_2 = forms.CharField(
        label=_("Neighbourhood (colonia)"), max_length=200, required=False
    )
    location_city = forms.ChoiceField(label=_("City"))
    location_state_province = forms.CharField(label=_("State"), max_length=100, required=False)
    location_postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    location_latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
    )
    location_longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
    )
    location_transportation = forms.CharField(
        label=_("How to get there"), max_length=300, required=False
    )

    def __init__(self, *args: Any, providers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = providers  # type: ignore[attr-defined]
        self.fields["nationalities"].choices = people_vocab.COUNTRIES.choices()  # type: ignore[attr-defined]
        self.fields["languages"].choices = people_vocab.LANGUAGES.choices()  # type: ignore[attr-defined]
        self.fields["location_city"].choices = _blank(people_vocab.CITIES.choices())  # type: ignore[attr-defined]
        self.fields["days"].choices = day_choices()  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["required_documents"] = [
            line.strip() for line in data.pop("documents", "").splitlines() if line.strip()
        ]
        return data

    @staticmethod
    def initial_of(service: Service) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f: getattr(service, f)
            for f in (
                "name",
                "category",
                "status",
                "description_es",
                "description_en",
                "minimum_age",
                "maximum_age",
                "nationalities",
                "eligibility_description",
                "cost",
                "fees_description",
                "referral_channels",
                "application_process",
                "email",
                "url",
            )
        }
        initial["provider"] = str(service.provider.uuid)
        initial["groups"] = [e.group for e in service.eligibility.all()]
        initial["languages"] = [lang.code for lang in service.languages.all()]
        initial["documents"] = "\n".join(
            d.document for d in service.required_documents.order_by("id")
        )
        schedule = service.schedules.order_by("id").first()
        if schedule is not None:
            initial.update(
                days=schedule.days(),
                opens_at=schedule.opens_at,
                closes_at=schedule.closes_at,
                hours=schedule.description,
            )
        phone = service.phones.order_by("id").first()
        initial["phone"] = phone.number if phone else ""
        link = service.at_locations.select_related("location").order_by("id").first()
        if link is not None:
            for name in (
                "location_type",
                "name",
                "address_1",
                "address_2",
                "city",
                "state_province",
                "postal_code",
                "latitude",
                "longitude",
                "transportation",
            ):
                key = name if name.startswith("location_") else f"location_{name}"
                initial[key] = getattr(link.location, name)
        return initial


class VerifyForm(forms.Form):
    """The "verified today" button: nothing to fill."""
