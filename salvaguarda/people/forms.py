"""Forms of registration, editing and the list. Checks live in `validation` and the services."""

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.widgets import DateInput, QuickSelect
from salvaguarda.people import validation, vocab
from salvaguarda.people.models import ContactChannel, Person
from salvaguarda.people.queries import AGE_BANDS, PersonFilters
from salvaguarda.people.services import Contact, MemberData, check_family

# The languages offered first as tick boxes; the others of the list are ticked by name under
# "More about this person" (stored as ISO 639-3 codes either way).
COMMON_LANGUAGES = ("spa", "eng", "hat", "por", "fra", "quc", "mam", "kjb", "kek")
# The empty choice of a list that has no safe default: the person registering must choose.
CHOOSE = _("— choose —")


def _blank(choices: list[tuple[str, str]], label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


def blank_first(choices: Sequence[tuple[str, Any]], label: Any = "—") -> list[tuple[str, Any]]:
    """The choices with an empty one first, so that a select starts blank and a browser does
    not send its first option for a field nobody touched: the list's own empty choice ("Not
    known", "Not asked") when it has one, else `label`."""
    empty = [choice for choice in choices if choice[0] == ""]
    return [*(empty or [("", label)]), *(choice for choice in choices if choice[0] != "")]


class MemberForm(forms.Form):
    """One person of the group. The first one heads the group."""

    given_names = forms.CharField(label=_("Given names"), max_length=150, required=False)
    first_surname = forms.CharField(label=_("First surname"), max_length=150, required=False)
    second_surname = forms.CharField(label=_("Second surname"), max_length=150, required=False)
    other_names = forms.CharField(
        label=_("Other names or nicknames"), max_length=150, required=False
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to the person who heads the group"),
        choices=blank_first(Person.Relationship.choices, CHOOSE),
        required=False,
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=blank_first(Person.Sex.choices), required=False)
    gender_identity = forms.CharField(
        label=_("Gender identity (optional, in their own words)"), max_length=80, required=False
    )
    birth_precision = forms.ChoiceField(
        label=_("How the date of birth is known"),
        choices=blank_first(Person.BirthPrecision.choices),
        required=False,
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    year_of_birth = forms.IntegerField(
        label=_("Year of birth (when only the year is known)"),
        help_text=_("Four digits, for example 1991."),
        min_value=1000,
        max_value=9999,
        required=False,
    )
    age = forms.IntegerField(
        label=_("Age in years (when the date is not known)"),
        min_value=0,
        max_value=validation.MAX_AGE,
        required=False,
    )
    nationality = forms.ChoiceField(widget=QuickSelect, label=_("Nationality"), required=False)
    other_nationalities = forms.MultipleChoiceField(
        label=_("Other nationalities"), required=False, widget=forms.SelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_languages = forms.MultipleChoiceField(
        label=_("Other languages"), required=False, widget=forms.CheckboxSelectMultiple
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), required=False)
    needs_interpreter = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    indigenous = forms.ChoiceField(
        label=_("Indigenous self-identification"),
        choices=blank_first(Person.Indigenous.choices),
        required=False,
    )
    indigenous_people = forms.CharField(
        label=_("Indigenous people or community"), max_length=80, required=False
    )
    is_legal_guardian = forms.BooleanField(
        label=_("Legal guardian or usual caregiver of the children of the group"),
        required=False,
    )
    a_number = forms.CharField(label=_("U.S. A-number"), max_length=16, required=False)
    contact_kind = forms.ChoiceField(
        label=_("Contact channel"), choices=blank_first(ContactChannel.Kind.choices), required=False
    )
    contact_number = forms.CharField(label=_("Phone number"), max_length=32, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = vocab.COUNTRIES.choices()
        self.fields["nationality"].choices = _blank(countries)  # type: ignore[attr-defined]
        self.fields["other_nationalities"].choices = countries  # type: ignore[attr-defined]
        self.fields["languages"].choices = [  # type: ignore[attr-defined]
            (code, vocab.LANGUAGES.label(code)) for code in COMMON_LANGUAGES
        ]
        # Codes outside the list (typed before it was offered by name, or given through the
        # API) stay ticked, shown by their code, so that saving the form keeps them.
        known = [(c, label) for c, label in vocab.LANGUAGES.choices() if c not in COMMON_LANGUAGES]
        spoken = list(self.initial.get("languages") or [])
        unlisted = [(c, c) for c in spoken if c not in vocab.LANGUAGES]
        self.fields["other_languages"].choices = [*known, *unlisted]  # type: ignore[attr-defined]
        if spoken:
            self.initial["languages"] = [c for c in spoken if c in COMMON_LANGUAGES]
            self.initial["other_languages"] = [c for c in spoken if c not in COMMON_LANGUAGES]
        self.fields["preferred_language"].choices = _blank(  # type: ignore[attr-defined]
            vocab.LANGUAGES.choices()
        )
        # A date known by its year only, or estimated from an age, is shown as its year: the
        # whole date stored for it was never told. Kept as stored while that year is kept.
        self.stored_birth: datetime.date | None = None
        born = self.initial.get("date_of_birth")
        if isinstance(born, datetime.date) and self.initial.get("birth_precision") in ROUGH_BIRTH:
            self.stored_birth = born
            self.initial["year_of_birth"] = born.year
            self.initial["date_of_birth"] = None

    def clean_a_number(self) -> str:
        value: str = self.cleaned_data["a_number"]
        return validation.a_number(value) if value else ""

    def clean_contact_number(self) -> str:
        value: str = self.cleaned_data["contact_number"]
        return validation.phone_number(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_birth(data, timezone.localdate())
        data["sex"] = data.get("sex") or Person.Sex.NOT_RECORDED
        if not any(data.get(f) for f in ("given_names", "first_surname", "second_surname")):
            self.add_error("given_names", _("Write at least a given name or a surname."))
        if data.get("contact_number") and not data.get("contact_kind"):
            self.add_error("contact_kind", _("Say which channel this number is for."))
        return data

    def _clean_birth(self, data: dict[str, Any], today: datetime.date) -> None:
        """The date of birth from what is known: the whole date, a year alone (stored as its
        first day, "year only" unless it is an estimate) or an age (an estimated date)."""
        born = data.get("date_of_birth")
        year = data.get("year_of_birth")
        age = data.get("age")
        precision = data.get("birth_precision") or ""
        if born is not None:
            try:
                validation.date_of_birth(born, today)
            except ValidationError as exc:
                self.add_error("date_of_birth", exc)
            if year is not None and year != born.year:
                message = _("This year is not the year of the date of birth.")
                self.add_error("year_of_birth", message)
        elif year is not None:
            if precision != Person.BirthPrecision.ESTIMATED:
                precision = Person.BirthPrecision.YEAR
            stored = self.stored_birth
            unchanged = precision == self.initial.get("birth_precision")
            if stored is not None and stored.year == year and unchanged:
                born = stored
            else:
                born = datetime.date(year, 1, 1)
            try:
                data["date_of_birth"] = validation.date_of_birth(born, today)
            except ValidationError as exc:
                self.add_error("year_of_birth", exc)
            if age is not None and abs(today.year - year - age) > 1:
                self.add_error("age", _("This age does not fit the year of birth."))
        elif age is not None:
            data["date_of_birth"] = _years_before(today, age)
            precision = Person.BirthPrecision.ESTIMATED
        data["birth_precision"] = precision or Person.BirthPrecision.EXACT

    def member_data(self) -> MemberData:
        data = dict(self.cleaned_data)
        contacts = []
        if data.get("contact_number"):
            contacts.append(Contact(data["contact_kind"], data["contact_number"], True))
        data["languages"] = [*data.get("languages", []), *data.get("other_languages", [])]
        fields = {k: v for k, v in data.items() if k not in MEMBER_ONLY}
        if not fields.get("relationship"):
            fields.pop("relationship", None)  # the head's is set by the service
        return MemberData(fields=fields, contacts=contacts)


MEMBER_ONLY = ("year_of_birth", "age", "other_languages", "contact_kind", "contact_number")
# The ways a date of birth is known that the forms show as a year.
ROUGH_BIRTH = (Person.BirthPrecision.YEAR, Person.BirthPrecision.ESTIMATED)
ONE_HEAD_MESSAGE = _(
    "A family group has one person who heads it, the first one. Choose how this person is "
    "related to them."
)


def _years_before(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class BaseMemberFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        forms = [f for f in self.forms if f.has_changed()]
        if not forms:
            raise ValidationError(_("Register at least one person."))
        for form in forms[1:]:
            relationship = form.cleaned_data.get("relationship")
            if not relationship:
                form.add_error(
                    "relationship",
                    _("Say how this person is related to the person who heads the group."),
                )
            elif relationship == Person.Relationship.HEAD:
                form.add_error("relationship", ONE_HEAD_MESSAGE)
        if any(f.errors for f in forms):
            raise ValidationError(_("Check the marked fields of the group."))
        members = [f.cleaned_data for f in forms]
        members[0] = {**members[0], "relationship": Person.Relationship.HEAD}
        check_family(members)

    def members(self) -> list[MemberData]:
        return [form.member_data() for form in self.forms if form.has_changed()]


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=0, min_num=1, validate_min=True
)


class ArrivalForm(forms.Form):
    city = forms.ChoiceField(widget=QuickSelect, label=_("City where they are now"))
    shelter = forms.CharField(
        label=_("Shelter or address (optional)"), max_length=160, required=False
    )
    consent = forms.BooleanField(
        label=_(
            "The purpose of the registration was explained and they agree to be registered "
            "(a parent or caregiver agrees for the children)."
        )
    )
    consent_language = forms.ChoiceField(label=_("Language in which it was explained"))
    same_nationality = forms.BooleanField(
        label=_(
            "The other people of the group have the nationality of the person who heads it "
            "(for those whose nationality is left empty)"
        ),
        required=False,
    )
    same_languages = forms.BooleanField(
        label=_(
            "The other people of the group speak the languages of the person who heads it "
            "(for those with no language ticked)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = _blank(vocab.CITIES.choices())  # type: ignore[attr-defined]
        self.fields["consent_language"].choices = vocab.LANGUAGES.choices()  # type: ignore[attr-defined]


class PersonEditForm(MemberForm):
    """Editing one person: the same fields, without the contact channel (added on the file).

    The relationship is shown for every member of a family group, the one who heads it
    included; a person registered alone has none to edit.
    """

    def __init__(self, *args: Any, in_household: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("contact_kind", "contact_number"):
            del self.fields[name]
        if in_household:
            self.fields["relationship"].required = True
        else:
            del self.fields["relationship"]


class RelationshipsForm(forms.Form):
    """The relationships of every member of a family group at once, so that who heads it can
    change (one person heads it before and after). One field per member, named by reference."""

    def __init__(self, *args: Any, members: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for person in self.members:
            self.fields[person.reference] = forms.ChoiceField(
                label=person.full_name or person.reference,
                choices=blank_first(Person.Relationship.choices, CHOOSE),
                initial=person.relationship,
            )

    def relationships(self) -> dict[Person, str]:
        return {person: self.cleaned_data[person.reference] for person in self.members}


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Contact channel"), choices=blank_first(ContactChannel.Kind.choices)
    )
    number = forms.CharField(label=_("Phone number"), max_length=32)
    is_preferred = forms.BooleanField(label=_("Preferred channel"), required=False)

    def clean_number(self) -> str:
        return validation.phone_number(self.cleaned_data["number"])


class MoveForm(forms.Form):
    city = forms.ChoiceField(label=_("City"))
    shelter = forms.CharField(label=_("Shelter or address"), max_length=160, required=False)
    since = forms.DateField(label=_("Since"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = _blank(vocab.CITIES.choices())  # type: ignore[attr-defined]

    def clean_since(self) -> datetime.date:
        return validation.not_future(self.cleaned_data["since"], timezone.localdate())


class PersonFilterForm(forms.Form):
    """The list's search and filters. Sent by POST: a name never goes into a URL or a log."""

    name = forms.CharField(label=_("Name or surname"), max_length=150, required=False)
    city = forms.ChoiceField(widget=QuickSelect, label=_("City"), required=False)
    returned_from = forms.DateField(label=_("Returned from"), required=False, widget=DateInput())
    returned_to = forms.DateField(label=_("Returned until"), required=False, widget=DateInput())
    program_phase = forms.ChoiceField(widget=QuickSelect, label=_("Program"), required=False)
    need = forms.ChoiceField(widget=QuickSelect, label=_("Specific need"), required=False)
    nationality = forms.ChoiceField(widget=QuickSelect, label=_("Nationality"), required=False)
    age_band = forms.ChoiceField(widget=QuickSelect, label=_("Age"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        widget=QuickSelect,
        choices=_blank([(v, str(label)) for v, label in Person.Priority.choices if v], _("Any")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_label = _("Any")
        self.fields["city"].choices = _blank(vocab.CITIES.choices(), any_label)  # type: ignore[attr-defined]
        self.fields["program_phase"].choices = _blank(  # type: ignore[attr-defined]
            vocab.PROGRAM_PHASES.choices(), any_label
        )
        needs = [
            (t.code, t.label)
            for t in vocab.SPECIFIC_NEEDS.terms.values()
            if not t.extra.get("parent")
        ]
        self.fields["need"].choices = _blank(needs, any_label)  # type: ignore[attr-defined]
        self.fields["nationality"].choices = _blank(vocab.COUNTRIES.choices(), any_label)  # type: ignore[attr-defined]
        self.fields["age_band"].choices = _blank(  # type: ignore[attr-defined]
            [(code, code) for code, _young, _old in AGE_BANDS], any_label
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("returned_from"), data.get("returned_to")
        if start and end and start > end:
            self.add_error("returned_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> PersonFilters:
        data = self.cleaned_data
        return PersonFilters(
            name=data["name"],
            city=data["city"],
            returned_from=data["returned_from"],
            returned_to=data["returned_to"],
            program_phase=data["program_phase"],
            need=data["need"],
            nationality=data["nationality"],
            age_band=data["age_band"],
            priority=data["priority"],
        )
