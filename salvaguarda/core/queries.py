"""Reads of core records: the organization's audit trail."""

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core import audit
from salvaguarda.core.models import AuditEvent

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    """What a coordinator may narrow the audit trail by. Dates are days in the org's time zone."""

    actor: User | None = None
    action: str = ""
    object_type: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def names(self) -> list[str]:
        """Which filters are in use (their names only, never their values: for the audit)."""
        return [name for name, value in vars(self).items() if value not in (None, "")]


def _start_of_day(day: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def audit_events_for(
    organization: Organization, *, filters: AuditFilters | None = None
) -> QuerySet[AuditEvent]:
    """The organization's own audit entries, newest first, with their actors."""
    filters = filters or AuditFilters()
    events = AuditEvent.objects.filter(organization_id=organization.pk).select_related("actor")
    if filters.actor is not None:
        events = events.filter(actor_id=filters.actor.pk)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    zone = ZoneInfo(organization.time_zone)
    if filters.date_from is not None:
        events = events.filter(at__gte=_start_of_day(filters.date_from, zone))
    if filters.date_to is not None:
        next_day = filters.date_to + datetime.timedelta(days=1)
        events = events.filter(at__lt=_start_of_day(next_day, zone))
    return events.order_by("-at", "-sequence")


def audit_actors_for(organization: Organization) -> QuerySet[User]:
    """Everyone who is or was a member of the organization (former members stay in the trail)."""
    return (
        User.objects.filter(memberships__organization_id=organization.pk)
        .distinct()
        .order_by("full_name", "email")
    )


def audit_page_for(
    user: Any,
    organization: Organization,
    *,
    filters: AuditFilters | None = None,
    page_number: Any = 1,
) -> Page[AuditEvent]:
    """One page of the audit trail. Reading it is itself audited (filter names, not values)."""
    filters = filters or AuditFilters()
    paginator = Paginator(audit_events_for(organization, filters=filters), AUDIT_PAGE_SIZE)
    page = paginator.get_page(page_number)
    page.object_list = list(page.object_list)
    audit.record(
        action=audit.Action.LIST,
        actor=user,
        organization_id=organization.pk,
        object_type=AuditEvent._meta.label_lower,
        detail={"count": len(page.object_list), "filters": filters.names()},
    )
    return page
