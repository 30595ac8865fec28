from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from salvaguarda.accounts.api_tokens import api_token_authenticate
from salvaguarda.accounts.models import UserSession
from salvaguarda.accounts.services import SIGNED_IN_AT_KEY
from salvaguarda.core.access import Policy, policy_of, role_allows

LAST_SEEN_RESOLUTION = timedelta(minutes=1)


class SessionPolicyMiddleware:
    """Sessions end after SESSION_MAX_HOURS in all and after SESSION_IDLE_MINUTES without a
    request (the session's expiry, renewed with a minute's resolution),
    when they were ended from another browser, and they follow the user's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A request made with an API token has no session to check (see ApiTokenMiddleware).
        if request.user.is_authenticated and getattr(request, "api_token", None) is None:
            signed_in_at = request.session.get(SIGNED_IN_AT_KEY)
            limit = settings.SALVAGUARDA_SESSION_MAX_HOURS * 3600
            tracked = UserSession.objects.filter(
                session_key=request.session.session_key, ended_at__isnull=True
            ).first()
            if (
                signed_in_at is None
                or timezone.now().timestamp() - signed_in_at > limit
                or tracked is None
            ):
                if tracked is not None:
                    tracked.ended_at = timezone.now()
                    tracked.save(update_fields=["ended_at"])
                auth.logout(request)
            else:
                if timezone.now() - tracked.last_seen_at > LAST_SEEN_RESOLUTION:
                    tracked.last_seen_at = timezone.now()
                    tracked.save(update_fields=["last_seen_at"])
                    # Renews the idle expiry, once a minute rather than on every request.
                    request.session.modified = True
                language = request.user.language
                if language:
                    translation.activate(language)
                    request.LANGUAGE_CODE = language
        return self.get_response(request)


API_PATH_PREFIX = "/api/"
BEARER = "bearer "


class DetachedSession(SessionBase):
    """The session of a request made with an API token: always empty, never read or stored,
    so a token request can neither create a session nor use or change the browser's one."""

    def is_empty(self) -> bool:
        return True

    def exists(self, session_key: str) -> bool:
        return False

    def create(self) -> None:
        return None

    def save(self, must_create: bool = False) -> None:
        return None

    def delete(self, session_key: str | None = None) -> None:
        return None

    def load(self) -> dict[str, Any]:
        return {}

    @classmethod
    def clear_expired(cls) -> None:
        return None


def api_refusal(status: int, *, invalid_token: bool = False) -> JsonResponse:
    """The JSON answer of the API to a request it refuses before any of its views runs."""
    if status == 401:
        detail = _("Sign in or send a valid API token (Authorization: Bearer <token>).")
    else:
        detail = _("Not found")  # 404, not 403: do not reveal that the record exists
    response = JsonResponse({"detail": detail}, status=status)
    if status == 401:
        error = ', error="invalid_token"' if invalid_token else ""
        response["WWW-Authenticate"] = f'Bearer realm="salvaguarda"{error}'
    add_never_cache_headers(response)
    return response


class ApiTokenMiddleware:
    """API requests sent with `Authorization: Bearer <token>` act as the token's membership.

    Placed right after AuthenticationMiddleware: the request gets the token's account as
    `request.user` and the token as `request.api_token`, so the scope middleware resolves the
    token's membership (its organization and role) and the request runs in that organization's
    scope exactly like a browser request. The session is detached (nothing is read, created or
    stored), the session cookie is ignored, and CSRF does not apply: no browser sends the
    header on its own. A token that is not valid gets 401 at once, never a fallback to the
    session. Elsewhere than under /api/ the header is ignored: tokens do not open HTML pages.

    For API views (marked `api_view`) that are not public, an anonymous request gets a JSON 401
    and a role the view's policy does not allow a JSON 404, before AccessPolicyMiddleware (which
    would answer with a redirect to the sign-in page or an HTML page, and stays as the
    backstop).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.api_token = None  # type: ignore[attr-defined]
        header = request.headers.get("Authorization", "")
        if not (request.path_info.startswith(API_PATH_PREFIX) and _is_bearer(header)):
            return self.get_response(request)
        request.session = DetachedSession()
        request.COOKIES = {
            name: value
            for name, value in request.COOKIES.items()
            if name != settings.SESSION_COOKIE_NAME
        }
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        token = api_token_authenticate(header[len(BEARER) :].strip())
        if token is None:
            request.user = AnonymousUser()
            return api_refusal(401, invalid_token=True)
        user = token.user

        async def auser() -> Any:
            return user

        request.user = user
        request.auser = auser
        request.api_token = token  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        required = policy_of(view)
        if not getattr(view, "api_view", False) or required is Policy.PUBLIC:
            return None  # not the API's, or refuses no one (a letter's public sign-on page)
        if not request.user.is_authenticated:
            return api_refusal(401)
        membership = getattr(request, "membership", None)
        role = membership.role if membership else None
        if required is not None and not role_allows(role, required):
            return api_refusal(404)
        return None


def _is_bearer(header: str) -> bool:
    return header[: len(BEARER)].lower() == BEARER
