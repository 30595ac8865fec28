"""Searches of the people list kept on the server for a short while (post, redirect, get).

The list's form is posted; what was typed is saved encrypted (`SavedSearch`) and the browser
is sent to a results page addressed by the search's random id, which holds no name. Back and
reload then show the results again, without resubmitting a form. Only the person who searched
may open it, and only for `LIFETIME`.
"""

import datetime
import uuid
from typing import Any

from django.http import Http404
from django.utils import timezone

from salvaguarda.core.scoping import current_organization_id
from salvaguarda.people.models import SavedSearch

LIFETIME = datetime.timedelta(hours=1)


def saved_search_create(*, by: Any, data: dict[str, str]) -> SavedSearch:
    """Keep what was typed in the list's form; the author's expired searches go at once."""
    org_id = current_organization_id()
    assert org_id is not None  # noqa: S101 - the scope middleware guarantees it
    now = timezone.now()
    SavedSearch.objects.filter(created_by=by, expires_at__lte=now).delete()
    return SavedSearch.objects.create(
        organization_id=org_id,
        created_by=by,
        modified_by=by,
        query=data,
        expires_at=now + LIFETIME,
    )


def saved_search_for(user: Any, search_uuid: uuid.UUID) -> dict[str, str]:
    """What was typed, for its author while it lasts; 404 otherwise (whoever else asks)."""
    saved = SavedSearch.objects.filter(
        uuid=search_uuid, created_by=user, expires_at__gt=timezone.now()
    ).first()
    if saved is None:
        raise Http404
    return dict(saved.query)


def expired_searches_delete() -> int:
    """Delete every organization's expired searches (the periodic upkeep task)."""
    deleted, _ = SavedSearch.unscoped.filter(expires_at__lte=timezone.now()).delete()
    return deleted
