"""Calendar feeds: a member's hearings as an iCalendar (RFC 5545) address that calendar apps
subscribe to, with no session.

The address carries a secret of 32 random bytes; only its SHA-256 hash is stored (as for API
tokens: a fast hash cannot be reversed by guessing 256 bits, and the lookup is one indexed
query). The secret is shown once, when the feed is made. A feed works only while it is not
revoked, its account and membership are active, and the membership's role still reads case
files. Event titles carry no name unless the member chose to show names.
"""

import datetime
import hashlib
import secrets
import uuid

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import CLASS, STATUS, Calendar, Event

from salvaguarda.accounts.models import Membership, User
from salvaguarda.core import audit
from salvaguarda.core.access import CASE_ROLES
from salvaguarda.core.scoping import organization_scope
from salvaguarda.court.models import CalendarFeed, Hearing, ImmigrationCase
from salvaguarda.court.times import in_court_time
from salvaguarda.court.vocab import COURTS
from salvaguarda.people.models import Person
from salvaguarda.people.vocab import RETURN_POINTS

SECRET_BYTES = 32
SECRET_LENGTH = 43  # secrets.token_urlsafe(32): 43 characters of [A-Za-z0-9_-]
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
DEFAULT_LANGUAGE = "es"
PRODID = "-//Salvaguarda//Hearings//ES"

# The window of a feed, and how many events it holds at most: the latest of the past month,
# and the soonest of the next six months (a busy organization has more than an app shows).
PAST = datetime.timedelta(days=30)
AHEAD = datetime.timedelta(days=180)
MAX_PAST_EVENTS = 500
MAX_UPCOMING_EVENTS = 2000
REFRESH = datetime.timedelta(hours=1)
ZONE_MARGIN = datetime.timedelta(days=366)

# EOIR gives a start, never an end. A master calendar hearing is a short appearance (many
# respondents in one session); an individual (merits) hearing takes a morning or an
# afternoon. The end only blocks the time in the member's calendar.
LENGTHS: dict[str, datetime.timedelta] = {
    Hearing.Kind.MASTER: datetime.timedelta(hours=1),
    Hearing.Kind.INDIVIDUAL: datetime.timedelta(hours=3),
}
DEFAULT_LENGTH = datetime.timedelta(hours=1)

# Short names of the kinds, for event titles ("Hearing: master calendar · San Diego …").
SHORT_KINDS: dict[str, Promise] = {
    Hearing.Kind.MASTER: gettext_lazy("master calendar"),
    Hearing.Kind.INDIVIDUAL: gettext_lazy("individual (merits)"),
}

# Encrypted values a feed never shows: not even decrypted.
_UNUSED = (
    "result_notes",
    "case__notes",
    "case__status_check_result",
    *(f"case__person__{name}" for name in Person.IDENTIFYING_FIELDS),
)
_NAMES = {
    "case__person__given_names",
    "case__person__first_surname",
    "case__person__second_surname",
}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- the member's feeds ------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(
    *, by: User, membership: Membership, shows_names: bool
) -> tuple[CalendarFeed, str]:
    """A new feed of one of the account's memberships. Returns it and its secret, which is
    never stored and must be shown once (in the feed's address)."""
    if membership.user_id != by.pk or not membership.is_active or membership.role not in CASE_ROLES:
        raise Http404
    secret = secrets.token_urlsafe(SECRET_BYTES)
    feed = CalendarFeed.objects.create(
        user=by, membership=membership, secret_hash=_hash(secret), shows_names=shows_names
    )
    audit.record(
        action=audit.Action.CREATE,
        actor=by,
        organization_id=membership.organization_id,
        obj=feed,
        detail={"shows_names": shows_names, "role": membership.role},
    )
    return feed, secret


@transaction.atomic
def calendar_feed_revoke(*, by: User, feed: CalendarFeed) -> CalendarFeed:
    """End the feed at once: its address answers 404 from now on. Only its owner revokes it."""
    if feed.user_id != by.pk:
        raise Http404
    if feed.revoked_at is not None:
        return feed
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit.record(
        action=audit.Action.UPDATE,
        actor=by,
        organization_id=feed.membership.organization_id,
        obj=feed,
        fields=["revoked_at"],
    )
    return feed


def calendar_feeds_of(user: User) -> list[CalendarFeed]:
    return list(
        CalendarFeed.objects.filter(user=user).select_related("user", "membership__organization")
    )


def calendar_feed_get_for(user: User, feed_uuid: uuid.UUID) -> CalendarFeed:
    """One of this account's feeds; 404 for any other (another account's included)."""
    found = (
        CalendarFeed.objects.select_related("user", "membership__organization")
        .filter(user=user, uuid=feed_uuid)
        .first()
    )
    if found is None:
        raise Http404
    return found


def calendar_feed_works(feed: CalendarFeed) -> bool:
    """Not revoked; account, membership and organization active; a role that reads cases."""
    membership = feed.membership
    return (
        feed.revoked_at is None
        and feed.user.is_active
        and membership.is_active
        and membership.user_id == feed.user_id
        and membership.organization.is_active
        and membership.role in CASE_ROLES
    )


def calendar_feed_resolve(secret: str) -> CalendarFeed | None:
    """The working feed with this secret, or None (unknown and ended alike). Notes when it was
    last used, at most once a minute."""
    if len(secret) != SECRET_LENGTH:
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "membership__organization")
        .filter(secret_hash=_hash(secret))
        .first()
    )
    if feed is None or not calendar_feed_works(feed):
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > LAST_USED_RESOLUTION:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now
    return feed


# --- the feed ----------------------------------------------------------------------------------


def _hearings(feed: CalendarFeed, now: datetime.datetime) -> list[Hearing]:
    """The organization's hearings of the window, cancelled ones included (inside its scope)."""
    unused = [f for f in _UNUSED if not (feed.shows_names and f in _NAMES)]
    hearings = (
        Hearing.objects.filter(case__deleted_at__isnull=True, case__person__deleted_at__isnull=True)
        .select_related("case__person")
        .defer(*unused)
    )
    past = hearings.filter(starts_at__gte=now - PAST, starts_at__lt=now).order_by(
        "-starts_at", "-id"
    )[:MAX_PAST_EVENTS]
    upcoming = hearings.filter(starts_at__gte=now, starts_at__lt=now + AHEAD).order_by(
        "starts_at", "id"
    )[:MAX_UPCOMING_EVENTS]
    found = [*reversed(list(past)), *upcoming]
    riders = ImmigrationCase.objects.filter(person__deleted_at__isnull=True).select_related(
        "person"
    )
    prefetch_related_objects(
        found,
        Prefetch(
            "case__riders",
            queryset=riders.only("id", "lead_case", "person", "person__reference").order_by(
                "person__reference"
            ),
        ),
    )
    return found


def _summary(hearing: Hearing, feed: CalendarFeed) -> str:
    values = {
        "kind": SHORT_KINDS.get(hearing.kind, hearing.get_kind_display()),
        "court": COURTS.label(hearing.court),
    }
    cancelled = hearing.status == Hearing.Status.CANCELLED
    if feed.shows_names:
        values["name"] = hearing.case.person.full_name or hearing.case.person.reference
        if cancelled:
            return _("Cancelled hearing of %(name)s: %(kind)s · %(court)s") % values
        return _("Hearing of %(name)s: %(kind)s · %(court)s") % values
    if cancelled:
        return _("Cancelled hearing: %(kind)s · %(court)s") % values
    return _("Hearing: %(kind)s · %(court)s") % values


def _moment(moment: datetime.datetime, court: str) -> str:
    local = in_court_time(moment, court)
    return f"{local:%Y-%m-%d %H:%M} ({local.tzname()})"


def _description(hearing: Hearing) -> str:
    lines = [_("Person: %(reference)s") % {"reference": hearing.case.person.reference}]
    riders = [rider.person.reference for rider in hearing.case.riders.all()]
    if riders:
        lines.append(
            _("Family members on this case: %(references)s") % {"references": ", ".join(riders)}
        )
    lines.append(_("Type: %(kind)s") % {"kind": hearing.get_kind_display()})
    lines.append(_("In person or by video: %(mode)s") % {"mode": hearing.get_mode_display()})
    if hearing.port:
        lines.append(
            _("Port where to report: %(port)s") % {"port": RETURN_POINTS.label(hearing.port)}
        )
    if hearing.report_at:
        lines.append(
            _("Report at: %(moment)s") % {"moment": _moment(hearing.report_at, hearing.court)}
        )
    if hearing.report_place:
        lines.append(_("Where to report: %(place)s") % {"place": hearing.report_place})
    if hearing.status == Hearing.Status.CANCELLED:
        lines.append(_("This hearing was cancelled."))
    elif hearing.attendance:
        lines.append(
            _("Attendance: %(attendance)s") % {"attendance": hearing.get_attendance_display()}
        )
    return "\n".join(lines)


def _event(hearing: Hearing, feed: CalendarFeed, now: datetime.datetime) -> Event:
    start = in_court_time(hearing.starts_at, hearing.court)
    cancelled = hearing.status == Hearing.Status.CANCELLED
    return Event.new(
        uid=f"{hearing.uuid}@salvaguarda",
        start=start,
        end=start + LENGTHS.get(hearing.kind, DEFAULT_LENGTH),
        stamp=now,
        last_modified=hearing.modified_at,
        sequence=hearing.version,
        summary=_summary(hearing, feed),
        location=COURTS.label(hearing.court),
        description=_description(hearing),
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        classification=CLASS.PRIVATE,
    )


def calendar_render(feed: CalendarFeed, *, now: datetime.datetime) -> bytes:
    """The feed's iCalendar file: the organization's hearings from 30 days ago to 180 days
    ahead, in the feed owner's language, each at its court's time zone. Cancelled hearings
    stay in it as cancelled, so that subscribed calendars remove them. Audited as one list."""
    organization = feed.membership.organization
    language = feed.user.language or DEFAULT_LANGUAGE
    with organization_scope(organization.pk), translation.override(language):
        hearings = _hearings(feed, now)
        calendar = Calendar.new(
            prodid=PRODID,
            uid=feed.uuid,
            name=_("Hearings · %(organization)s") % {"organization": organization.short_name},
            refresh_interval=REFRESH,
            subcomponents=[_event(hearing, feed, now) for hearing in hearings],
        )
        # The zones' rules over the feed's window (and beyond), not the library's 1970-2038.
        calendar.add_missing_timezones(
            first_date=(now - PAST).date() - ZONE_MARGIN,
            last_date=(now + AHEAD).date() + ZONE_MARGIN,
        )
        audit.record(
            action=audit.Action.LIST,
            actor=feed.user,
            organization_id=organization.pk,
            object_type="hearing",
            detail={"via": "calendar_feed", "feed": str(feed.uuid), "count": len(hearings)},
        )
        return calendar.to_ical()
