"""Pages of sign-on letters: the list, importing a letter that circulates, and a letter with
its versions side by side, its drifts, its duplicates and its signatories."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.access import Policy, active_organization, policy, signed_in_user
from salvaguarda.core.forms import RuleForm
from salvaguarda.letters import queries, services


class ImportForm(RuleForm):
    """Each language version pasted as plain text or Markdown; the first one filled is the
    reference."""

    es = forms.CharField(label=_("Spanish version"), required=False, widget=forms.Textarea)
    en = forms.CharField(label=_("English version"), required=False, widget=forms.Textarea)
    pt = forms.CharField(label=_("Portuguese version"), required=False, widget=forms.Textarea)
    fr = forms.CharField(label=_("French version"), required=False, widget=forms.Textarea)


@policy(Policy.MEMBER)
def letter_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "letters/letter_list.html", {"letters": queries.letters_for(request.user)}
    )


@policy(Policy.MEMBER)
def letter_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        texts = {lang: form.cleaned_data[lang] for lang in services.LANGUAGES}
        try:
            letter = services.letter_import(
                by=signed_in_user(request),
                organization=active_organization(request),
                texts=texts,
            )
        except ValidationError as exc:
            form.add_rule_errors(exc)
        else:
            return redirect("letters:detail", letter_uuid=letter.uuid)
    return render(request, "letters/letter_import.html", {"form": form})


@policy(Policy.MEMBER)
def letter_detail(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    file = queries.letter_file_for(request.user, letter_uuid)
    return render(request, "letters/letter_detail.html", {"file": file, "letter": file.letter})


urlpatterns = [
    path("", letter_list, name="list"),
    path("importar/", letter_import, name="import"),
    path("<uuid:letter_uuid>/", letter_detail, name="detail"),
]
