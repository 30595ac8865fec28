"""Calendar feeds: the iCalendar file calendar apps read with a secret address, and the page
where a member makes and revokes them."""

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.http import Http404
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar, Event

from salvaguarda.accounts.models import Membership, Organization, Role, User
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import PASSWORD, Cast, make_person, member, sign_in
from salvaguarda.court import calendar
from salvaguarda.court.models import CalendarFeed, Hearing, ImmigrationCase
from salvaguarda.people.models import Person

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime.datetime(2025, 10, 20, 15, 0, tzinfo=datetime.UTC)
GIVEN, SURNAME = "Yesenia Marisol", "Quintanilla"
OTHER_GIVEN = "Otraorganización"


def open_case(person: Person, by: User, **fields: Any) -> ImmigrationCase:
    fields.setdefault("court", "BRO_IHF")
    with organization_scope(person.organization_id):
        return ImmigrationCase.objects.create(
            organization_id=person.organization_id,
            person=person,
            created_by=by,
            modified_by=by,
            **fields,
        )


def add_hearing(
    case: ImmigrationCase, by: User, starts_at: datetime.datetime, **fields: Any
) -> Hearing:
    fields.setdefault("court", case.court)
    fields.setdefault("kind", Hearing.Kind.MASTER)
    with organization_scope(case.organization_id):
        return Hearing.objects.create(
            organization_id=case.organization_id,
            case=case,
            starts_at=starts_at,
            created_by=by,
            modified_by=by,
            **fields,
        )


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def events(body: bytes) -> dict[str, Event]:
    return {str(event["UID"]): event for event in parse(body).events}


def unfolded(body: bytes) -> str:
    """The text with its folded lines joined (a name could be split across two lines)."""
    return re.sub(r"\r\n[ \t]", "", body.decode())


def uid(hearing: Hearing) -> str:
    return f"{hearing.uuid}@salvaguarda"


@time_machine.travel(NOW, tick=False)
class CalendarFeedTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.legal
        cls.person = make_person(cls.cast.org, by, given_names=GIVEN, first_surname=SURNAME)
        cls.case = open_case(cls.person, by)
        cls.rider = open_case(make_person(cls.cast.org, by), by, lead_case=cls.case)
        cls.soon = add_hearing(
            cls.case,
            by,
            NOW + datetime.timedelta(days=3),
            port="BRO",
            report_at=NOW + datetime.timedelta(days=3, hours=-3),
            report_place="Puente Internacional Gateway",
            version=2,
        )
        cls.cancelled = add_hearing(
            cls.case, by, NOW + datetime.timedelta(days=20), status=Hearing.Status.CANCELLED
        )
        cls.last_week = add_hearing(
            cls.case,
            by,
            NOW - datetime.timedelta(days=7),
            kind=Hearing.Kind.INDIVIDUAL,
            attendance=Hearing.Attendance.MISSED,
        )
        cls.too_old = add_hearing(cls.case, by, NOW - datetime.timedelta(days=31))
        cls.too_far = add_hearing(cls.case, by, NOW + datetime.timedelta(days=181))
        other = make_person(cls.cast.other_org, cls.cast.outsider, given_names=OTHER_GIVEN)
        cls.theirs = add_hearing(
            open_case(other, cls.cast.outsider), cls.cast.outsider, NOW + datetime.timedelta(days=3)
        )

    def new_feed(
        self, user: User | None = None, *, shows_names: bool = False
    ) -> tuple[CalendarFeed, str]:
        user = user or self.cast.legal
        return calendar.calendar_feed_create(
            by=user, membership=user.memberships.get(), shows_names=shows_names
        )

    def fetch(self, secret: str, client: Any = None) -> Any:
        return (client or self.client).get(reverse("court:calendar_feed", args=[secret]))

    # --- the file ------------------------------------------------------------------------------

    def test_the_feed_parses_and_holds_the_hearings_of_the_window(self) -> None:
        _feed, secret = self.new_feed()
        response = self.fetch(secret)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertIn("no-store", response["Cache-Control"])
        found = events(response.content)
        self.assertEqual(set(found), {uid(self.soon), uid(self.cancelled), uid(self.last_week)})
        soon = found[uid(self.soon)]
        self.assertEqual(soon["SEQUENCE"], 2)
        self.assertEqual(soon["STATUS"], "CONFIRMED")
        self.assertEqual(soon.end - soon.start, datetime.timedelta(hours=1))
        last_week = found[uid(self.last_week)]
        self.assertEqual(last_week.end - last_week.start, datetime.timedelta(hours=3))
        self.assertEqual(found[uid(self.cancelled)]["STATUS"], "CANCELLED")

    def test_the_feed_speaks_the_owners_language_spanish_by_default(self) -> None:
        _feed, secret = self.new_feed()  # the legal member chose no language
        soon = events(self.fetch(secret).content)[uid(self.soon)]
        self.assertEqual(
            str(soon["LOCATION"]), "Instalación de audiencias de Brownsville, TX (MPP, carpas)"
        )
        english = member(self.cast.org, Role.CASEWORKER, language="en")
        _feed, secret = self.new_feed(english)
        soon = events(self.fetch(secret).content)[uid(self.soon)]
        court = "Brownsville Immigration Hearing Facility, TX (MPP tent court)"
        self.assertEqual(str(soon["LOCATION"]), court)
        self.assertEqual(str(soon["SUMMARY"]), f"Hearing: master calendar · {court}")
        description = str(soon["DESCRIPTION"])
        self.assertIn(self.person.reference, description)
        self.assertIn(self.rider.person.reference, description)
        self.assertIn("Brownsville → Matamoros", description)
        self.assertIn("Puente Internacional Gateway", description)
        # 12:00 UTC on 23 October is 07:00 in Brownsville (CDT, UTC-5).
        self.assertIn("2025-10-23 07:00 (CDT)", description)

    def test_names_are_absent_unless_the_member_opts_in(self) -> None:
        _feed, secret = self.new_feed()
        body = self.fetch(secret).content
        for text in (body.decode(), unfolded(body)):
            self.assertNotIn(GIVEN, text)
            self.assertNotIn(SURNAME, text)
        _feed, secret = self.new_feed(shows_names=True)
        body = self.fetch(secret).content
        summary = str(events(body)[uid(self.soon)]["SUMMARY"])
        self.assertIn(f"{GIVEN} {SURNAME}", summary)

    def test_another_organizations_hearings_never_appear(self) -> None:
        _feed, secret = self.new_feed(shows_names=True)
        body = self.fetch(secret).content
        self.assertNotIn(uid(self.theirs), events(body))
        self.assertNotIn(OTHER_GIVEN, unfolded(body))
        _feed, theirs = self.new_feed(self.cast.outsider, shows_names=True)
        self.assertEqual(set(events(self.fetch(theirs).content)), {uid(self.theirs)})

    def test_the_feed_is_read_in_its_own_organization_even_from_another_session(self) -> None:
        _feed, secret = self.new_feed()
        client = sign_in(self.client_class(), self.cast.outsider)
        found = events(self.fetch(secret, client).content)
        self.assertIn(uid(self.soon), found)
        self.assertNotIn(uid(self.theirs), found)

    def test_a_hearing_after_the_november_change_is_at_nine_in_chicago(self) -> None:
        # Clocks went back on Sunday 2 November 2025; 9:00 CST on Monday is 15:00 UTC.
        monday = datetime.datetime(2025, 11, 3, 9, 0, tzinfo=CHICAGO)
        hearing = add_hearing(self.case, self.cast.legal, monday)
        self.assertEqual(hearing.starts_at.astimezone(datetime.UTC).hour, 15)
        _feed, secret = self.new_feed()
        body = self.fetch(secret).content
        self.assertIn("DTSTART;TZID=America/Chicago:20251103T090000", unfolded(body))
        self.assertIn("BEGIN:VTIMEZONE", unfolded(body))
        start = events(body)[uid(hearing)].start
        self.assertEqual(
            (start.hour, start.minute, start.utcoffset()), (9, 0, datetime.timedelta(hours=-6))
        )
        self.assertEqual(start.tzinfo, CHICAGO)

    def test_one_list_entry_is_audited_per_read_without_the_secret(self) -> None:
        feed, secret = self.new_feed()
        created = AuditEvent.objects.get(object_uuid=feed.uuid)
        self.assertEqual((created.action, created.actor_id), ("create", self.cast.legal.pk))
        self.fetch(secret)
        entry = AuditEvent.objects.get(action="list", object_type="hearing")
        self.assertEqual(entry.actor_id, self.cast.legal.pk)
        self.assertEqual(entry.organization_id, self.cast.org.pk)
        self.assertEqual(entry.detail, {"via": "calendar_feed", "feed": str(feed.uuid), "count": 3})
        every = str(list(AuditEvent.objects.values_list("detail", "fields")))
        self.assertNotIn(secret, every)
        self.assertNotIn(feed.secret_hash, every)

    def test_only_a_hash_of_the_secret_is_kept(self) -> None:
        feed, secret = self.new_feed()
        self.assertEqual(len(secret), calendar.SECRET_LENGTH)
        self.assertFalse(CalendarFeed.objects.filter(secret_hash=secret).exists())
        self.assertEqual(calendar.calendar_feed_resolve(secret), feed)

    def test_reading_the_feed_costs_the_same_queries_whatever_the_number_of_hearings(self) -> None:
        _feed, secret = self.new_feed(shows_names=True)
        feed = calendar.calendar_feed_resolve(secret)
        assert feed is not None
        with CaptureQueriesContext(connection) as few:
            calendar.calendar_render(feed, now=NOW)
        for days in range(4, 10):
            rider = open_case(make_person(self.cast.org, self.cast.legal), self.cast.legal)
            add_hearing(rider, self.cast.legal, NOW + datetime.timedelta(days=days))
        with CaptureQueriesContext(connection) as many:
            body = calendar.calendar_render(feed, now=NOW)
        self.assertEqual(len(events(body)), 9)
        self.assertEqual(len(many), len(few))

    # --- when the feed stops working -----------------------------------------------------------

    def assert_gone(self, secret: str) -> None:
        with self.assertNoLogs("django.request", level="WARNING"):
            response = self.fetch(secret)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.content, b"")

    def test_an_unknown_or_revoked_feed_gets_the_same_quiet_404(self) -> None:
        feed, secret = self.new_feed()
        self.assert_gone("x" * calendar.SECRET_LENGTH)
        self.assert_gone("short")
        calendar.calendar_feed_revoke(by=self.cast.legal, feed=feed)
        self.assert_gone(secret)
        self.assertFalse(AuditEvent.objects.filter(action="list").exists())

    def test_a_feed_ends_with_its_membership_its_account_or_a_role_without_case_files(self) -> None:
        membership = self.cast.legal.memberships.get()
        _feed, secret = self.new_feed()
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
        self.assert_gone(secret)
        Membership.objects.filter(pk=membership.pk).update(is_active=True)
        self.assertEqual(self.fetch(secret).status_code, 200)
        Membership.objects.filter(pk=membership.pk).update(role=Role.ANALYST)
        self.assert_gone(secret)
        Membership.objects.filter(pk=membership.pk).update(role=Role.LEGAL)
        User.objects.filter(pk=self.cast.legal.pk).update(is_active=False)
        self.assert_gone(secret)
        User.objects.filter(pk=self.cast.legal.pk).update(is_active=True)
        Organization.objects.filter(pk=self.cast.org.pk).update(is_active=False)
        self.assert_gone(secret)

    def test_only_reads_are_answered(self) -> None:
        _feed, secret = self.new_feed()
        url = reverse("court:calendar_feed", args=[secret])
        with self.assertNoLogs("django.request", level="WARNING"):
            response = self.client.post(url)
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.client.head(url).status_code, 200)

    def test_last_use_is_noted_at_most_once_a_minute(self) -> None:
        feed, secret = self.new_feed()
        self.fetch(secret)
        feed.refresh_from_db()
        self.assertEqual(feed.last_used_at, NOW)
        with time_machine.travel(NOW + datetime.timedelta(seconds=30), tick=False):
            self.fetch(secret)
        feed.refresh_from_db()
        self.assertEqual(feed.last_used_at, NOW)
        later = NOW + datetime.timedelta(minutes=2)
        with time_machine.travel(later, tick=False):
            self.fetch(secret)
        feed.refresh_from_db()
        self.assertEqual(feed.last_used_at, later)

    # --- the member's page ---------------------------------------------------------------------

    def test_a_member_makes_a_feed_sees_its_address_once_and_revokes_it(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        page = reverse("court:calendar_feeds")
        self.assertEqual(client.get(page).status_code, 200)
        refused = client.post(page, {"current": "not the password"})
        self.assertEqual(refused.status_code, 200)
        self.assertFalse(CalendarFeed.objects.exists())
        made = client.post(page, {"current": PASSWORD, "shows_names": "on"})
        self.assertEqual(made.status_code, 200)
        address = made.context["address"]
        self.assertTrue(address.startswith("http://testserver/corte/calendario/"))
        self.assertContains(made, address)
        feed = CalendarFeed.objects.get()
        self.assertEqual((feed.user, feed.shows_names), (self.cast.caseworker, True))
        secret = address.rsplit("/", 1)[1].removesuffix(".ics")
        self.assertEqual(self.client_class().get(address).status_code, 200)
        listed = client.get(page)
        self.assertNotContains(listed, secret)
        self.assertContains(listed, 'data-testid="calendar-feed"', count=1)
        revoke = reverse("court:calendar_feed_revoke", args=[feed.uuid])
        self.assertRedirects(client.post(revoke), page)
        self.assertEqual(self.client_class().get(address).status_code, 404)

    def test_names_stay_hidden_unless_the_box_is_checked(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        client.post(reverse("court:calendar_feeds"), {"current": PASSWORD})
        self.assertFalse(CalendarFeed.objects.get().shows_names)

    def test_an_analyst_has_no_feed_page_and_cannot_make_a_feed(self) -> None:
        client = sign_in(self.client, self.cast.analyst)
        page = reverse("court:calendar_feeds")
        self.assertEqual(client.get(page).status_code, 404)
        self.assertEqual(client.post(page, {"current": PASSWORD}).status_code, 404)
        self.assertFalse(CalendarFeed.objects.exists())

    def test_no_one_revokes_or_sees_another_members_feed(self) -> None:
        feed, secret = self.new_feed()
        for user in (self.cast.caseworker, self.cast.coordinator, self.cast.outsider):
            client = sign_in(self.client_class(), user)
            revoke = reverse("court:calendar_feed_revoke", args=[feed.uuid])
            self.assertEqual(client.post(revoke).status_code, 404)
            self.assertNotContains(client.get(reverse("court:calendar_feeds")), str(feed.uuid))
        self.assertEqual(self.fetch(secret).status_code, 200)

    def test_a_feed_is_made_only_for_ones_own_active_case_role(self) -> None:
        with self.assertRaises(Http404):
            calendar.calendar_feed_create(
                by=self.cast.caseworker,
                membership=self.cast.legal.memberships.get(),
                shows_names=False,
            )
        with self.assertRaises(Http404):
            calendar.calendar_feed_create(
                by=self.cast.analyst,
                membership=self.cast.analyst.memberships.get(),
                shows_names=False,
            )
        self.assertFalse(CalendarFeed.objects.exists())
