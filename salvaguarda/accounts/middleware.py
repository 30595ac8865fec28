from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from salvaguarda.accounts.models import UserSession
from salvaguarda.accounts.services import SIGNED_IN_AT_KEY

LAST_SEEN_RESOLUTION = timedelta(minutes=1)


class SessionPolicyMiddleware:
    """Sessions end after SESSION_MAX_HOURS in all (idle expiry is the session cookie age),
    when they were ended from another browser, and they follow the user's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
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
                language = request.user.language
                if language:
                    translation.activate(language)
                    request.LANGUAGE_CODE = language
        return self.get_response(request)
