"""Sign-in (password, then second factor), enrollment, sign-out, quick exit, language."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from salvaguarda.accounts import mfa, queries, services
from salvaguarda.accounts.forms import CodeForm, EnrollForm, LoginForm
from salvaguarda.core.access import Policy, policy

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


@policy(Policy.PUBLIC)
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_step(
                request, form.cleaned_data["email"], form.cleaned_data["password"]
            )
        except services.LoginError as error:
            form.add_error(None, str(error))
        else:
            has_factor = queries.has_authenticator(user)
            target = "accounts:second_factor" if has_factor else "accounts:enroll"
            return redirect(f"{reverse(target)}?next={_next_url(request)}")
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@policy(Policy.PUBLIC)
def second_factor(request: HttpRequest) -> HttpResponse:
    user = services.pending_user(request)
    if user is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_step(request, user, form.cleaned_data["code"])
        except services.LoginError as error:
            form.add_error("code", str(error))
        else:
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/second_factor.html",
        {
            "form": form,
            "next": _next_url(request),
            "has_security_keys": queries.has_security_keys(user),
        },
    )


@policy(Policy.PUBLIC)
def enroll(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: for a new account during sign-in, or to replace one."""
    user = request.user if request.user.is_authenticated else services.pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if not request.user.is_authenticated and queries.has_authenticator(user):
        return redirect("accounts:second_factor")  # enrolling again needs a full sign-in
    form = EnrollForm(request.POST or None, user=user if request.user.is_authenticated else None)
    secret = services.enrollment_secret(request, user)
    if request.method == "POST" and form.is_valid() and secret is not None:
        try:
            codes = services.confirm_enrollment(request, user, form.cleaned_data["code"])
        except services.LoginError as error:
            form.add_error("code", str(error))
        else:
            if request.user.is_authenticated:
                services.after_credential_change(request, user)
            else:
                services.sign_in(request, user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    if secret is None:
        secret = services.start_enrollment(request, user)
    uri = mfa.provisioning_uri(user, secret)
    return render(
        request,
        "accounts/enroll.html",
        {
            "form": form,
            "qr": mfa.qr_svg(uri),
            "secret": mfa.secret_text(secret),
            "next": _next_url(request),
        },
    )


def _leave(request: HttpRequest, respond: Callable[[], HttpResponse]) -> HttpResponse:
    """Sign out first, then answer, so the answer shows nothing of the account."""
    services.sign_out(request)
    response = respond()
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@policy(Policy.PUBLIC)
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    return _leave(request, lambda: render(request, "accounts/logged_out.html"))


@policy(Policy.PUBLIC)
@require_POST
def quick_exit(request: HttpRequest) -> HttpResponse:
    """End the session, wipe this site's data in the browser, and go somewhere unremarkable."""
    return _leave(request, lambda: HttpResponseRedirect(settings.SALVAGUARDA_QUICK_EXIT_URL))


@policy(Policy.SIGNED_IN)
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    services.choose_organization(request, request.POST.get("membership", ""))
    return redirect("core:home")


@policy(Policy.PUBLIC)
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    response = redirect(_next_url(request))
    if translation.check_for_language(language) and language in dict(settings.LANGUAGES):
        services.set_language(request, language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response
