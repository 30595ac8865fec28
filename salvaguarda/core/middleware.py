from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from salvaguarda.accounts.queries import active_membership
from salvaguarda.core import audit, sqlite_reads
from salvaguarda.core.access import Policy, policy_of, role_allows
from salvaguarda.core.scoping import organization_scope

Handler = Callable[[HttpRequest], HttpResponse]


class NoStoreMiddleware:
    """No page of this app may be kept by the browser or a proxy (only static assets may)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response


class OrganizationScopeMiddleware:
    """Resolve the active organization and run the request inside its scope and transaction.
    The request's audit entries are appended to the chain as the transaction's last step."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership, memberships = active_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.memberships = memberships  # type: ignore[attr-defined]
        request.organization = membership.organization if membership else None  # type: ignore[attr-defined]
        if membership is None:
            return self.get_response(request)
        timezone.activate(ZoneInfo(membership.organization.time_zone))
        try:
            if sqlite_reads.applies(request):  # reads side by side on SQLite (see the module)
                return sqlite_reads.read_request(
                    membership.organization_id, lambda: self.get_response(request)
                )
            with organization_scope(membership.organization_id), audit.deferred():
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
        finally:
            timezone.deactivate()
        return response


class AccessPolicyMiddleware:
    """Enforce the policy each view declares. Refuse views that declare none."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        required = policy_of(view)
        if required is None:
            raise ImproperlyConfigured(f"The view {view!r} declares no access policy.")
        if required is Policy.PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)  # never the query: it may hold a name
        if required is Policy.SIGNED_IN:
            return None
        membership = getattr(request, "membership", None)
        if not role_allows(membership.role if membership else None, required):
            # 404, not 403: do not reveal that the page or record exists.
            raise Http404
        return None


# Formats that are compressed already: gzip would spend the server's time for nothing.
_COMPRESSED_FAMILIES = ("image/", "audio/", "video/")
_COMPRESSED_TYPES = {
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/x-7z-compressed",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.text",
}
_TEXT_IMAGES = {"image/svg+xml"}


class PageCompressionMiddleware(GZipMiddleware):
    """Django's gzip, for pages and text only: files streamed from disk (`FileResponse`) and
    formats compressed already (photos, audio, video, PDF, XLSX, ZIP) leave as they are."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if isinstance(response, FileResponse) or _compressed_already(response):
            return response
        return super().process_response(request, response)


def _compressed_already(response: HttpResponseBase) -> bool:
    kind = response.get("Content-Type", "").split(";")[0].strip().lower()
    if kind in _TEXT_IMAGES:
        return False
    return kind in _COMPRESSED_TYPES or kind.startswith(_COMPRESSED_FAMILIES)
