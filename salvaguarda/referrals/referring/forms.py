"""Forms of the referral pages: refer a person, answer, record the outcome."""

from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.forms import RuleForm
from salvaguarda.people import vocab
from salvaguarda.people.models import Consent, Person
from salvaguarda.referrals.referring import crossing, services
from salvaguarda.referrals.referring.models import Barrier, DeclineReason, Outcome, Urgency


class ReferralForm(RuleForm):
    # The service names the fields that cross `fields`; a form's own `fields` is Django's.
    rule_fields: ClassVar[dict[str, str]] = {"fields": "share"}

    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Need"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "What the person needs from this service, in a few words. The receiving "
            "organization reads it: write only what it needs to know."
        ),
    )
    share = forms.MultipleChoiceField(
        label=_("What the person agrees to share"),
        choices=[(f.code, f.label) for f in crossing.SHAREABLE],
        initial=crossing.DEFAULT,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only what you tick crosses, copied now; nothing else of the file is ever seen by "
            "the other organization."
        ),
    )
    consent = forms.BooleanField(
        label=_("The person agrees to this referral and to share what is ticked above"),
        required=False,
    )
    consent_given_by = forms.ChoiceField(
        label=_("Given by"), choices=Consent.GivenBy.choices, widget=forms.RadioSelect
    )
    consent_language = forms.ChoiceField(label=_("Language in which it was explained"))

    def __init__(self, *args: Any, person: Person, crosses: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not crosses:  # an outside provider, or a service of one's own organization
            self.fields["reason"].help_text = _(
                "What the person needs from this service, in a few words. Nothing is sent: it "
                "stays with the referral, in your organization."
            )
            self.fields["share"].help_text = _(
                "Nothing is sent: tick what the person agrees you may tell the service yourself."
            )
        self.fields["consent_language"].choices = vocab.LANGUAGES.choices()  # type: ignore[attr-defined]
        # The language the person prefers, else the first they speak.
        spoken = [c for c in [person.preferred_language, *person.languages] if c in vocab.LANGUAGES]
        self.fields["consent_language"].initial = spoken[0] if spoken else "spa"
        # A child's consent is given by their caregiver; an unaccompanied or separated
        # child's, by their legal representative (the Procuraduría, DOMAIN.md 3.5).
        alone = person.child_status in (
            Person.ChildStatus.UNACCOMPANIED,
            Person.ChildStatus.SEPARATED,
        )
        child = person.is_child_on(timezone.localdate())
        self.fields["consent_given_by"].initial = (
            Consent.GivenBy.GUARDIAN
            if alone
            else Consent.GivenBy.CAREGIVER
            if child
            else Consent.GivenBy.SELF
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Said with the form's other errors, not only once they are mended.
        if not data.get("consent"):
            self.add_error("consent", services.no_consent_message())
        return data


class AnswerForm(RuleForm):
    """Accept, decline, ask for more information (the receiver), give it or cancel (the
    sender): one form, the step in the button pressed."""

    kind = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note for the other organization"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    decline_reason = forms.ChoiceField(
        label=_("Why it is declined"),
        choices=[("", "—"), *DeclineReason.choices],
        required=False,
    )


class OutcomeForm(RuleForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    barrier = forms.ChoiceField(
        label=_("If not (fully) received: why"),
        choices=[("", "—"), *Barrier.choices],
        required=False,
    )
    outcome_on = forms.DateField(
        label=_("On"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave it empty for today."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


def referral_data(form: ReferralForm) -> dict[str, Any]:
    """What `services.referral_send` takes, from the valid form."""
    data = dict(form.cleaned_data)
    data["fields"] = data.pop("share")
    data["consent"] = data.get("consent") is True
    return data
