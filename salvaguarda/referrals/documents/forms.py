"""Forms of document procedures and of the refugee claim's steps."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.forms import RuleForm
from salvaguarda.people import vocab
from salvaguarda.referrals.documents.models import PROCEDURE_TYPES, ComarStep, DocumentProcedure

DATE = forms.DateInput(attrs={"type": "date"})


class ProcedureForm(RuleForm):
    doc_type = forms.ChoiceField(label=_("Document applied for"))
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE)
    office = forms.CharField(label=_("Office"), max_length=120, required=False)
    advice_given_on = forms.DateField(
        label=_("Firm-resettlement advice given on"),
        required=False,
        widget=DATE,
        help_text=_(
            "Holding a TVRH, a residence card or a COMAR claim may harm the asylum case in the "
            "U.S. (firm resettlement). Give that advice before applying, and record when."
        ),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((code, vocab.DOCUMENT_TYPES.label(code)) for code in PROCEDURE_TYPES),
        ]


class DecisionForm(RuleForm):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (s.value, s.label)
            for s in DocumentProcedure.Status
            if s != DocumentProcedure.Status.APPLIED
        ],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("On"), widget=DATE)
    number = forms.CharField(
        label=_("Number of the document issued"), max_length=40, required=False
    )
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE)


class ComarStepForm(RuleForm):
    stage = forms.ChoiceField(label=_("Step"), choices=ComarStep.Stage.choices)
    on = forms.DateField(label=_("On"), widget=DATE)
    office = forms.CharField(label=_("COMAR office"), max_length=120, required=False)
    next_date = forms.DateField(
        label=_("Next date (interview, sign-in, deadline)"), required=False, widget=DATE
    )
    advice_given_on = forms.DateField(
        label=_("Firm-resettlement advice given on"),
        required=False,
        widget=DATE,
        help_text=_(
            "Only for the filing: when the person was told how a claim in Mexico may "
            "affect their asylum case in the U.S."
        ),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=False
    )
