"""Rate limits of the REST API: per token and per client address, answered 429 with Retry-After.

Every request under /api/ counts against its client address (`addresses.client_address`) and,
when it carries `Authorization: Bearer ...`, against that token (a hash of the value sent, so
a wrong token counts too, and guessing tokens is held by the address's limit). Past either
limit within the window, the request is answered 429 before anything else is done, with
`Retry-After` (seconds to the window's end) and a message. The counts are shared by every
worker process (`rate_limits`). A limit of 0 turns that limit off.

Settings: API_RATE_PER_TOKEN, API_RATE_PER_ADDRESS, API_RATE_WINDOW_SECONDS (docs/configuration.md).
The middleware stands before ApiTokenMiddleware and the organization's transaction, so each
count is committed at once.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext

from salvaguarda.accounts import rate_limits
from salvaguarda.accounts.addresses import client_address
from salvaguarda.accounts.middleware import API_PATH_PREFIX, BEARER


def _limited_keys(request: HttpRequest) -> list[tuple[str, int]]:
    """(key, limit) of each limit this request counts against."""
    keys = []
    per_address = settings.SALVAGUARDA_API_RATE_PER_ADDRESS
    if per_address > 0:
        keys.append((rate_limits.key_of("api-address", client_address(request)), per_address))
    header = request.headers.get("Authorization", "")
    per_token = settings.SALVAGUARDA_API_RATE_PER_TOKEN
    if per_token > 0 and header[: len(BEARER)].lower() == BEARER:
        token = header[len(BEARER) :].strip()
        keys.append((rate_limits.key_of("api-token", token), per_token))
    return keys


def too_many(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {
            "detail": ngettext(
                "Too many requests. Wait %(seconds)d second before sending more.",
                "Too many requests. Wait %(seconds)d seconds before sending more.",
                retry_after,
            )
            % {"seconds": retry_after}
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PATH_PREFIX):
            return self.get_response(request)
        limited = _limited_keys(request)
        if limited:
            window = rate_limits.Window.current(settings.SALVAGUARDA_API_RATE_WINDOW_SECONDS)
            counts = rate_limits.hit([key for key, _limit in limited], window)
            if any(count > limit for count, (_key, limit) in zip(counts, limited, strict=True)):
                return too_many(window.seconds_left())
        return self.get_response(request)
