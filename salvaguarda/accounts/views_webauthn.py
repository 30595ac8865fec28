"""Security keys and passkeys: the JSON steps static/js/webauthn.js takes, and removing a key.

Adding a key and signing in with one are two requests each: the options (with a challenge kept
in the session), then the browser's signed answer. Errors come back as translated messages.
"""

import json
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salvaguarda.accounts import queries, services, webauthn
from salvaguarda.accounts.forms import ConfirmPasswordForm, SecurityKeyForm
from salvaguarda.accounts.views import _next_url
from salvaguarda.accounts.views_self import render_security_page
from salvaguarda.core.access import Policy, policy, signed_in_user

KEY_FORM_PREFIX = "key"


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:  # also UnicodeDecodeError
        return {}
    return data if isinstance(data, dict) else {}


def _refuse(message: str, *, fields: dict[str, list[str]] | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "fields": fields or {}}, status=400)


def _refuse_form(form: forms.Form) -> JsonResponse:
    fields = {
        form.add_prefix(name): [str(message) for message in errors]
        for name, errors in form.errors.items()
    }
    return _refuse(_("Check the fields marked below."), fields=fields)


def _options(content: str) -> HttpResponse:
    return HttpResponse(content, content_type="application/json")


# --- Adding and removing a key (signed in; the password is asked each time) -------------------


@policy(Policy.SIGNED_IN)
@require_POST
def security_key_registration_options(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = SecurityKeyForm(_body(request), user=user, prefix=KEY_FORM_PREFIX)
    if not form.is_valid():
        return _refuse_form(form)
    try:
        return _options(webauthn.registration_options(request, user))
    except webauthn.SecurityKeyError as error:
        return _refuse(str(error))


@policy(Policy.SIGNED_IN)
@require_POST
def security_key_register(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    body = _body(request)
    form = SecurityKeyForm(body, user=user, prefix=KEY_FORM_PREFIX)
    if not form.is_valid():
        return _refuse_form(form)
    credential = body.get("credential")
    try:
        webauthn.security_key_add(
            request,
            user,
            name=form.cleaned_data["name"],
            credential=credential if isinstance(credential, dict) else {},
        )
    except webauthn.SecurityKeyError as error:
        return _refuse(str(error))
    messages.success(request, _("The security key was added and your other sessions ended."))
    return JsonResponse({"redirect": reverse("accounts:security")})


@policy(Policy.SIGNED_IN)
@require_POST
def security_key_remove(request: HttpRequest, key_uuid: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    key = queries.security_key_get_for(user, key_uuid)
    form = ConfirmPasswordForm(request.POST, user=user, prefix="remove")
    if not form.is_valid():
        return render_security_page(request, remove_form=(key, form))
    webauthn.security_key_remove(request, user, key)
    messages.success(request, _("The security key was removed and your other sessions ended."))
    return redirect("accounts:security")


# --- Signing in with a key (after the password) -----------------------------------------------


def _expired() -> JsonResponse:
    return JsonResponse(
        {"error": _("Your sign-in expired. Start again."), "redirect": reverse("accounts:login")},
        status=400,
    )


@policy(Policy.PUBLIC)
@require_POST
def security_key_sign_in_options(request: HttpRequest) -> HttpResponse:
    user = services.pending_user(request)
    if user is None:
        return _expired()
    try:
        return _options(webauthn.authentication_options(request, user))
    except webauthn.SecurityKeyError as error:
        return _refuse(str(error))


@policy(Policy.PUBLIC)
@require_POST
def security_key_sign_in(request: HttpRequest) -> HttpResponse:
    user = services.pending_user(request)
    if user is None:
        return _expired()
    credential = _body(request).get("credential")
    try:
        webauthn.sign_in_with_key(request, user, credential if isinstance(credential, dict) else {})
    except webauthn.SecurityKeyError as error:
        return _refuse(str(error))
    return JsonResponse({"redirect": _next_url(request)})
