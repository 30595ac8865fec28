"""Pages about one's own account: sessions, password, authenticator, recovery codes and keys."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from salvaguarda.accounts import mfa, queries, services
from salvaguarda.accounts.forms import ChangePasswordForm, ConfirmPasswordForm, SecurityKeyForm
from salvaguarda.accounts.models import SecurityKey
from salvaguarda.accounts.views import CLEAR_SITE_DATA
from salvaguarda.core.access import Policy, policy, signed_in_user

# --- Sessions ----------------------------------------------------------------------------------


@policy(Policy.SIGNED_IN)
def session_list(request: HttpRequest) -> HttpResponse:
    current_key = request.session.session_key
    # Session keys stay on the server: the page only learns which row is this browser.
    sessions = [
        (session, session.session_key == current_key)
        for session in queries.open_sessions_of(signed_in_user(request))
    ]
    return render(request, "accounts/session_list.html", {"sessions": sessions})


@policy(Policy.SIGNED_IN)
@require_POST
def session_end(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    found = queries.open_session_get_for(user, request.POST.get("session", ""))
    if found.session_key == request.session.session_key:
        # Ending this browser's own session is signing out.
        services.sign_out(request)
        response = render(request, "accounts/logged_out.html")
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
    services.end_session(user=user, session_id=found.pk)
    messages.success(request, _("The session was ended."))
    return redirect("accounts:session_list")


@policy(Policy.SIGNED_IN)
@require_POST
def session_end_others(request: HttpRequest) -> HttpResponse:
    ended = services.end_other_sessions(request, signed_in_user(request))
    messages.success(
        request,
        ngettext(
            "%(count)d other session was ended.", "%(count)d other sessions were ended.", ended
        )
        % {"count": ended},
    )
    return redirect("accounts:session_list")


# --- Password, authenticator and recovery codes ------------------------------------------------


def render_security_page(
    request: HttpRequest,
    *,
    form: ChangePasswordForm | None = None,
    codes_form: ConfirmPasswordForm | None = None,
    remove_form: tuple[SecurityKey, ConfirmPasswordForm] | None = None,
) -> HttpResponse:
    user = signed_in_user(request)
    keys = [
        (
            key,
            remove_form[1]
            if remove_form and remove_form[0].pk == key.pk
            else ConfirmPasswordForm(user=user, prefix="remove"),
        )
        for key in queries.security_keys_of(user)
    ]
    for key, key_form in keys:
        key_form.auto_id = f"id_{key.uuid}_%s"  # one password field per key: unique ids
    return render(
        request,
        "accounts/security.html",
        {
            "form": form or ChangePasswordForm(user=user),
            "codes_form": codes_form or ConfirmPasswordForm(user=user, prefix="codes"),
            "has_authenticator": queries.has_authenticator(user),
            "recovery_codes_left": mfa.unused_recovery_codes(user),
            "security_keys": keys,
            "key_form": SecurityKeyForm(user=user, prefix="key"),
        },
    )


@policy(Policy.SIGNED_IN)
def security(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ChangePasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.change_password(request, user, form.cleaned_data["password1"])
        messages.success(request, _("Your password was changed and your other sessions ended."))
        return redirect("accounts:security")
    return render_security_page(request, form=form)


@policy(Policy.SIGNED_IN)
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    codes_form = ConfirmPasswordForm(request.POST, user=user, prefix="codes")
    if not codes_form.is_valid():
        return render_security_page(request, codes_form=codes_form)
    codes = services.recovery_codes_regenerate(request, user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})
