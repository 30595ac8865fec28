"""Tokens of the REST API, on one's own account: made for the active membership, shown once."""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from salvaguarda.accounts import api_tokens
from salvaguarda.accounts.forms import ConfirmPasswordForm
from salvaguarda.accounts.models import Membership
from salvaguarda.core.access import Policy, policy, signed_in_user

STATE_LABELS = {
    api_tokens.TokenState.ACTIVE: gettext_lazy("Works"),
    api_tokens.TokenState.REVOKED: gettext_lazy("Revoked"),
    api_tokens.TokenState.EXPIRED: gettext_lazy("Expired"),
    api_tokens.TokenState.CREDENTIALS_CHANGED: gettext_lazy(
        "Ended: the password, a second factor or the role changed"
    ),
    api_tokens.TokenState.MEMBERSHIP_ENDED: gettext_lazy("Ended: the membership ended"),
}


def _lifetimes() -> list[tuple[int, str]]:
    """Labelled when a form is made, in the language of the request."""
    return [
        (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
        for days in api_tokens.LIFETIMES_DAYS
    ]


class ApiTokenForm(ConfirmPasswordForm):
    """A new token: what it is for, how long it works, and the password (as for a factor)."""

    name = forms.CharField(
        label=gettext_lazy("Name of the token"),
        max_length=60,
        help_text=gettext_lazy("What it is for, for example: monthly report script."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Works for"),
        coerce=int,
        choices=_lifetimes,
        initial=max(api_tokens.LIFETIMES_DAYS),
    )
    field_order = ["name", "days", "current"]


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return membership


def _list_page(request: HttpRequest, form: ApiTokenForm) -> HttpResponse:
    tokens = [
        (token, STATE_LABELS[state], state is api_tokens.TokenState.ACTIVE)
        for token in api_tokens.api_tokens_of(signed_in_user(request))
        for state in [api_tokens.api_token_state(token)]
    ]
    context: dict[str, Any] = {"form": form, "tokens": tokens, "membership": _membership(request)}
    return render(request, "accounts/token_list.html", context)


@policy(Policy.MEMBER)
def token_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ApiTokenForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        token, secret = api_tokens.api_token_create(
            by=user,
            membership=_membership(request),
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
        )
        # Rendered, not redirected: the secret is never kept anywhere (and pages are no-store).
        return render(request, "accounts/token_created.html", {"token": token, "secret": secret})
    return _list_page(request, form)


@policy(Policy.MEMBER)
@require_POST
def token_revoke(request: HttpRequest, token_uuid: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    token = api_tokens.api_token_get_for(user, token_uuid)
    api_tokens.api_token_revoke(by=user, token=token)
    messages.success(request, _("The token was revoked: it no longer works."))
    return redirect("accounts:token_list")
