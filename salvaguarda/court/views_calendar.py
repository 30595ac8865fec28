"""Calendar feeds: the member's page to make and revoke them, and the feed itself.

The feed is read by calendar apps with no session (policy PUBLIC): its secret is the only
credential. It is in the address by nature, so this module keeps it out of the application's
own logs: its refusals are marked as logged (Django would log "Not Found: <path>") and a
failure is logged with the feed's uuid, not the path. The web server's access log is outside
the application (see docs/security.md).
"""

import logging
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salvaguarda.accounts.forms import ConfirmPasswordForm
from salvaguarda.accounts.models import Membership
from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.court import calendar
from salvaguarda.court.models import CalendarFeed

logger = logging.getLogger(__name__)

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


class CalendarFeedForm(ConfirmPasswordForm):
    """A new feed: whether event titles show names, and the password (as for an API token)."""

    shows_names = forms.BooleanField(
        label=gettext_lazy("Show the names of the people in the event titles"),
        required=False,
        help_text=gettext_lazy(
            "Anyone who sees your calendar, its notifications or your phone's lock screen would "
            "read who has a hearing, when and where. Leave it unchecked unless that calendar is "
            "yours alone: the events then show only the person's reference."
        ),
    )
    field_order = ["shows_names", "current"]


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return membership


def _feed_lines(request: HttpRequest) -> list[tuple[CalendarFeed, bool]]:
    return [
        (feed, calendar.calendar_feed_works(feed))
        for feed in calendar.calendar_feeds_of(signed_in_user(request))
    ]


@policy(Policy.CASE_DATA)
def calendar_feeds(request: HttpRequest) -> HttpResponse:
    """The member's feeds; POST makes one, whose address is shown on this answer only."""
    user = signed_in_user(request)
    form = CalendarFeedForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        feed, secret = calendar.calendar_feed_create(
            by=user, membership=_membership(request), shows_names=form.cleaned_data["shows_names"]
        )
        address = request.build_absolute_uri(reverse("court:calendar_feed", args=[secret]))
        # Rendered, not redirected: the secret is never kept anywhere (and pages are no-store).
        return render(
            request, "court/calendar_feed_created.html", {"feed": feed, "address": address}
        )
    context: dict[str, Any] = {
        "form": form,
        "feeds": _feed_lines(request),
        "membership": _membership(request),
    }
    return render(request, "court/calendar_feeds.html", context)


@policy(Policy.CASE_DATA)
@require_POST
def calendar_feed_revoke(request: HttpRequest, feed_uuid: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    feed = calendar.calendar_feed_get_for(user, feed_uuid)
    calendar.calendar_feed_revoke(by=user, feed=feed)
    messages.success(request, _("The calendar address was revoked: it no longer works."))
    return redirect("court:calendar_feeds")


def _quiet(response: HttpResponse) -> HttpResponse:
    """Keep Django from logging the answer with the path (which holds the secret)."""
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _refusal(status: int) -> HttpResponse:
    return _quiet(HttpResponse(b"", status=status, content_type="text/plain; charset=utf-8"))


@policy(Policy.PUBLIC)
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed, for calendar apps. An unknown secret and an ended feed get the same 404."""
    if request.method not in ("GET", "HEAD"):
        response = _refusal(405)
        response["Allow"] = "GET, HEAD"
        return response
    feed = calendar.calendar_feed_resolve(secret)
    if feed is None:
        return _refusal(404)
    try:
        body = calendar.calendar_render(feed, now=timezone.now())
    except Exception:
        logger.exception("The calendar feed %s could not be made.", feed.uuid)
        return _refusal(500)
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = 'inline; filename="salvaguarda.ics"'
    return response


urlpatterns: list[URLPattern] = [
    path("calendario/", calendar_feeds, name="calendar_feeds"),
    path("calendario/<uuid:feed_uuid>/revocar/", calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendario/<str:secret>.ics", calendar_feed, name="calendar_feed"),
]
