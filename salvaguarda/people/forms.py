from django import forms
from django.utils.translation import gettext_lazy as _


class PersonForm(forms.Form):
    given_names = forms.CharField(label=_("Given names"), max_length=150)
    family_names = forms.CharField(label=_("Surnames"), max_length=150, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PersonSearchForm(forms.Form):
    name = forms.CharField(label=_("Name or surname"), max_length=150, required=False)
