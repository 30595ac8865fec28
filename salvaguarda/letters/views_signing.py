"""Pages of signature collection: the letter's public page, where organizations, coalitions and
people sign without an account; the pages of the e-mailed links (a GET shows a button and only
the POST confirms or withdraws, since mail scanners open links); and the editors' actions from
the letter's page (open the public page; approve, reject or merge a signature).

A public page finds its organization from the token and reads everything inside that
organization's scope. It shows the letter and its signatories' names, never anyone's contact
data, in the visitor's language when the letter has that version.
"""

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from salvaguarda.accounts.services import client_address
from salvaguarda.core.access import Policy, active_role, policy, signed_in_user
from salvaguarda.core.forms import RuleForm
from salvaguarda.core.scoping import organization_scope
from salvaguarda.letters import inline, queries, queries_signing, services_signing
from salvaguarda.letters.models import ORGANIZATION_KINDS, Letter, Signatory, SignatureRequest
from salvaguarda.letters.services_signing import MAX_CONTACT, MAX_EMAIL, RateLimited

MAX_BODY = 64 * 1024  # bytes of a signature form: a coalition of a hundred fits many times


class SignForm(RuleForm):
    """The public form. `services_signing.signature_request` checks it again by kind."""

    kind = forms.ChoiceField(
        label=gettext_lazy("I sign as"),
        choices=Signatory.Kind.choices,
        initial=Signatory.Kind.ORGANIZATION,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("The organization's or coalition's name, or yours."),
    )
    acronym = forms.CharField(label=gettext_lazy("Acronym"), max_length=60, required=False)
    country = forms.CharField(label=gettext_lazy("Country"), max_length=80, required=False)
    organization_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of organization"),
        choices=[("", "—"), *ORGANIZATION_KINDS],
        required=False,
    )
    members = forms.CharField(
        label=gettext_lazy("Member organizations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("A coalition's members, one per line (up to 100)."),
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Contact person"),
        max_length=MAX_CONTACT,
        required=False,
        help_text=gettext_lazy("The person who signs on the organization's behalf."),
    )
    authorized = forms.BooleanField(
        label=gettext_lazy("I am authorized to sign for this organization"), required=False
    )
    title = forms.CharField(label=gettext_lazy("Title or position"), max_length=200, required=False)
    affiliation = forms.CharField(label=gettext_lazy("Affiliation"), max_length=300, required=False)
    email = forms.CharField(
        label=gettext_lazy("E-mail"),
        max_length=MAX_EMAIL,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=gettext_lazy("We send the confirmation link here. It is never published."),
    )
    language = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot (services_signing.HONEYPOT), in a hidden block: people never fill it.
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def _interface(language: str) -> str:
    """The interface speaks the letter's language when it can, else the visitor's."""
    return language if language in dict(settings.LANGUAGES) else translation.get_language()


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY
    except ValueError:
        return True


def _answer(request: HttpRequest, answer: str, status: int, **context: Any) -> HttpResponse:
    return render(
        request, "letters/sign_on_answer.html", {"answer": answer, **context}, status=status
    )


@policy(Policy.PUBLIC)
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, token: str) -> HttpResponse:
    """The public page: the letter in the visitor's language, its signatories and the form."""
    page = queries_signing.page_by_token(token)
    posted = request.method == "POST"
    if posted and _too_large(request):
        return _answer(request, "too_large", 413, token=token)
    chosen = request.POST.get("language", "") if posted else request.GET.get("lang", "")
    with organization_scope(page.organization_id):
        shown = queries_signing.public_letter(page, chosen, translation.get_language())
        language = shown.version.language if shown.version else ""
        with translation.override(_interface(language)):
            form = SignForm(
                request.POST if posted and shown.collecting else None,
                initial={"language": language},
            )
            if posted and shown.collecting and form.is_valid():
                try:
                    services_signing.signature_request(
                        page=page,
                        letter=shown.letter,
                        data=form.cleaned_data,
                        address=client_address(request),
                    )
                except RateLimited:
                    return _answer(request, "limited", 429, token=token)
                except ValidationError as exc:
                    form.add_rule_errors(exc)
                else:
                    return _answer(request, "sent", 200, token=token, language=language)
            parts = shown.parts
            return render(
                request,
                "letters/sign_on.html",
                {
                    "token": token,
                    "shown": shown,
                    "parts": parts,
                    "paragraphs": [inline.line_html(p) for p in parts.paragraphs] if parts else [],
                    "form": form,
                },
            )


def _link_page(request: HttpRequest, token: str, purpose: str) -> HttpResponse:
    """The page of an e-mailed link: what the request is, and a button that acts."""
    page = queries_signing.page_of_link(token)
    act = services_signing.LINK_ACTIONS[purpose]
    with organization_scope(page.organization_id):
        signature = queries_signing.request_by_link(page, purpose, token)
        letter = queries_signing.letter_of(page)
        with translation.override(_interface(signature.language)):
            error, acted = "", False
            if request.method == "POST":
                try:
                    signature = act(page=page, token=token)
                    acted = True
                except ValidationError as exc:
                    error = " ".join(exc.messages)
            return render(
                request,
                "letters/sign_on_link.html",
                {
                    "purpose": purpose,
                    "signature": signature,
                    "subject": queries_signing.subject_in(letter, signature.language),
                    "sent": letter.status == Letter.Status.SENT,
                    "page": page,
                    "error": error,
                    "acted": acted,
                },
            )


@policy(Policy.PUBLIC)
@require_http_methods(["GET", "POST"])
def sign_confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _link_page(request, token, "confirm")


@policy(Policy.PUBLIC)
@require_http_methods(["GET", "POST"])
def sign_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    return _link_page(request, token, "withdraw")


# --- The editors' actions (from the letter's page) ---------------------------------------------


def _act(
    request: HttpRequest, letter: Letter, action: Callable[[], Any], done: str
) -> HttpResponse:
    """Run a service; its refusal is shown as a message. Back to the letter's signing part."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(reverse("letters:detail", args=[letter.uuid]) + "#h-signing")


def _letter(request: HttpRequest, letter_uuid: uuid.UUID) -> Letter:
    return queries.letter_to_edit(request.user, active_role(request), letter_uuid)


def _signature(letter: Letter, signature_uuid: uuid.UUID) -> SignatureRequest:
    return queries_signing.request_of(letter, signature_uuid)


@policy(Policy.MEMBER)
@require_POST
def page_open(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    letter = _letter(request, letter_uuid)
    action = partial(services_signing.sign_on_page_open, by=signed_in_user(request), letter=letter)
    return _act(request, letter, action, _("The letter's public page is open: share its address."))


@policy(Policy.MEMBER)
@require_POST
def signature_approve(
    request: HttpRequest, letter_uuid: uuid.UUID, signature_uuid: uuid.UUID
) -> HttpResponse:
    letter = _letter(request, letter_uuid)
    action = partial(
        services_signing.signature_approve,
        by=signed_in_user(request),
        signature=_signature(letter, signature_uuid),
    )
    return _act(request, letter, action, _("The signature was added to the letter."))


@policy(Policy.MEMBER)
@require_POST
def signature_reject(
    request: HttpRequest, letter_uuid: uuid.UUID, signature_uuid: uuid.UUID
) -> HttpResponse:
    letter = _letter(request, letter_uuid)
    action = partial(
        services_signing.signature_reject,
        by=signed_in_user(request),
        signature=_signature(letter, signature_uuid),
    )
    return _act(request, letter, action, _("The signature was rejected."))


@policy(Policy.MEMBER)
@require_POST
def signature_merge(
    request: HttpRequest, letter_uuid: uuid.UUID, signature_uuid: uuid.UUID
) -> HttpResponse:
    letter = _letter(request, letter_uuid)
    signature = _signature(letter, signature_uuid)
    try:
        into = queries.signatory_of(letter, uuid.UUID(request.POST.get("into", "")))
    except ValueError as exc:
        raise Http404 from exc
    action = partial(
        services_signing.signature_merge,
        by=signed_in_user(request),
        signature=signature,
        into=into,
    )
    return _act(request, letter, action, _("The signature was merged into the signatory."))
