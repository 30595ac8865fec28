"""The organization's data keys, checked as a request begins (core.keys).

- A request that may write case data (any method but GET, HEAD and OPTIONS, on a case-data
  page or operation) takes its organization's key lock before the view runs, so it takes it
  before any other lock of its transaction (the audit chain's head): a key rotation, which takes
  the key lock first too, then never waits in the opposite order (no deadlock), and the request
  waits for the rotation and writes under the new key.
- An organization whose data keys were destroyed (core.shredding): its pages and API calls
  answer a clear 410 saying so and when, not a server error. A decryption that fails that way
  anywhere else is answered the same.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from salvaguarda.core import keys
from salvaguarda.core.access import Policy, policy_of
from salvaguarda.core.keys import KeyShredded

GONE = 410
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class OrganizationKeysMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        """Before a page or an operation on case data runs: checked once per request's scope,
        as the first decryption would (core.keys); locked first if it may write."""
        membership = getattr(request, "membership", None)
        if membership is None or policy_of(view) is not Policy.CASE_DATA:
            return None
        may_write = request.method not in SAFE_METHODS
        try:
            keys.active_key(membership.organization_id, for_write=may_write)
        except KeyShredded as exception:
            return self._gone(request, exception)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, KeyShredded):
            return None
        return self._gone(request, exception)

    def _gone(self, request: HttpRequest, exception: KeyShredded) -> HttpResponse:
        when = (
            formats.date_format(exception.shredded_at, "DATE_FORMAT")
            if exception.shredded_at
            else ""
        )
        message = _(
            "The data of this organization was destroyed on %(date)s at the network's request: "
            "it can no longer be read."
        ) % {"date": when}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "organization_shredded"}, status=GONE)
        return render(request, "core/shredded.html", {"message": message}, status=GONE)
