"""The at-risk list's kept scores (`court/risk.py`): written by the services, equal to the old
way's scores, scored again when their days are over, rebuilt for data written before them."""

import datetime
import io
import random
from unittest import mock

import time_machine
from django.core.management import call_command
from django.test import TestCase

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, InOrganizationScope, make_person
from salvaguarda.court import queries, reminders, risk, services
from salvaguarda.court.channels import ConsoleSender, Delivery
from salvaguarda.court.models import Hearing, HearingRisk, HearingRiskRebuild, Reminder
from salvaguarda.court.queries import HearingFilters
from salvaguarda.court.risk import Reason
from salvaguarda.court.tests.factories import make_case, make_hearing
from salvaguarda.people.models import Consent
from salvaguarda.people.services import Contact, contact_add, person_move
from salvaguarda.people.services.records import consent_record, consent_revoke

NOW = datetime.datetime(2026, 2, 2, 18, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 2, 2)


def days(n: float) -> datetime.datetime:
    return NOW + datetime.timedelta(days=n)


def listed(now: datetime.datetime, *, stored: bool, court: str = "") -> list[tuple[int, list[str]]]:
    """Every line of the list at `now`, read from the kept scores or scored the old way."""
    pages = queries._stored_pages if stored else queries._live_pages
    lines = pages(now, HearingFilters(court=court), 0, 10_000)
    return [(line.hearing.pk, line.reasons) for line in lines]


@time_machine.travel(NOW, tick=False)
class KeptScoresTest(InOrganizationScope, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def prepared(self) -> Hearing:
        """Reachable, consenting, represented, settled: no reason at all."""
        by = self.cast.caseworker
        person = make_person(self.cast.org, by)
        contact_add(by=by, person=person, contact=Contact("whatsapp", "+526641234567", True))
        consent_record(by=by, person=person, purpose="reminders", given_by="self", language="spa")
        person_move(by=by, person=person, city="tijuana", shelter="", since=TODAY.replace(2025))
        case = make_case(self.cast.org, self.cast.legal, person=person)
        services.representation_record(
            by=self.cast.legal,
            case=case,
            data={"kind": "attorney", "representative": "Lic. Ruiz", "since": TODAY.replace(2025)},
        )
        return make_hearing(case, self.cast.legal, days(20), plan_confirmed=True)

    def kept(self, hearing: Hearing) -> list[str] | None:
        row = HearingRisk.objects.filter(hearing=hearing).first()
        if row is None:
            return None
        near = row.starts_at < NOW + datetime.timedelta(days=risk.PLAN_NEEDED_DAYS)
        return risk.row_reasons(row, plan_counts=near)

    def test_a_scheduled_hearing_gets_its_row_with_the_persons_reasons(self) -> None:
        bare = make_hearing(make_case(self.cast.org, self.cast.legal), self.cast.legal, days(3))
        self.assertEqual(
            self.kept(bare),
            [Reason.NO_CHANNEL, Reason.NO_CONSENT, Reason.NO_LAWYER, Reason.LOCATION, "no_plan"],
        )
        self.assertEqual(self.kept(self.prepared()), [])

    def test_the_persons_consent_channel_and_move_change_the_rows_of_their_hearings(self) -> None:
        hearing = self.prepared()
        person = hearing.case.person
        consent = Consent.objects.get(person=person, purpose="reminders")
        consent_revoke(by=self.cast.caseworker, consent=consent)
        self.assertEqual(self.kept(hearing), [Reason.NO_CONSENT])
        consent_record(
            by=self.cast.caseworker, person=person, purpose="reminders", given_by="self",
            language="spa",
        )  # fmt: skip
        person_move(by=self.cast.caseworker, person=person, city="monterrey", shelter="",
                    since=TODAY - datetime.timedelta(days=2))  # fmt: skip
        self.assertEqual(self.kept(hearing), [Reason.LOCATION])

    def test_a_lawyer_whose_last_day_passes_becomes_a_reason_that_day(self) -> None:
        hearing = self.prepared()
        [representation] = hearing.case.representations.all()
        last_day = TODAY + datetime.timedelta(days=4)
        services.representation_update(
            by=self.cast.legal, representation=representation, data={"until": last_day}
        )
        row = HearingRisk.objects.get(hearing=hearing)
        self.assertEqual(
            (self.kept(hearing), row.valid_until), ([], last_day + datetime.timedelta(1))
        )
        later = days(5)
        self.assertEqual(listed(later, stored=True), [(hearing.pk, [Reason.NO_LAWYER])])
        self.assertEqual(listed(later, stored=True), listed(later, stored=False))
        with time_machine.travel(later, tick=False):
            done = risk.refresh_stale()
        self.assertEqual(done["refreshed"], 1)
        row.refresh_from_db()
        self.assertEqual((row.reasons, row.valid_until), (risk.BITS[Reason.NO_LAWYER], None))

    def test_cancelled_moved_away_or_held_hearings_leave_the_list(self) -> None:
        cancelled, moved, held = (self.prepared() for _ in range(3))
        services.hearing_update(
            by=self.cast.legal, hearing=moved, data={"starts_at": days(2), "plan_confirmed": False}
        )
        self.assertEqual(listed(NOW, stored=True), [(moved.pk, [Reason.NO_PLAN])])
        services.hearing_update(by=self.cast.legal, hearing=moved, data={"starts_at": days(45)})
        self.assertEqual(HearingRisk.objects.get(hearing=moved).starts_at, days(45))
        services.hearing_cancel(by=self.cast.legal, hearing=cancelled)
        with time_machine.travel(days(21), tick=False):  # attendance once it was held
            services.hearing_attendance(by=self.cast.legal, hearing=held, attendance="attended")
        self.assertFalse(HearingRisk.objects.filter(hearing__in=[cancelled, held]).exists())
        self.assertEqual(listed(NOW, stored=True), [])

    def test_a_missed_hearing_marks_the_other_hearings_of_the_case(self) -> None:
        hearing = self.prepared()
        past = make_hearing(hearing.case, self.cast.legal, days(-40), attendance="attended")
        self.assertEqual(self.kept(hearing), [])
        services.hearing_attendance(by=self.cast.legal, hearing=past, attendance="missed")
        self.assertEqual(self.kept(hearing), [Reason.MISSED_BEFORE])

    def test_a_failed_reminder_is_a_reason_of_its_hearing(self) -> None:
        hearing = self.prepared()
        first = Reminder.objects.filter(hearing=hearing).order_by("due_at").first()
        assert first is not None
        failing = Delivery(ok=False, error="no signal")
        with mock.patch.object(ConsoleSender, "send", return_value=failing):
            reminders.reminder_send(self.cast.org.pk, first.pk, now=first.due_at)
        self.assertEqual(self.kept(hearing), [Reason.REMINDER_FAILED])

    def test_a_marked_organization_is_scored_the_old_way_until_rebuilt(self) -> None:
        hearing = make_hearing(make_case(self.cast.org, self.cast.legal), self.cast.legal, days(4))
        HearingRisk.objects.all().delete()  # as if written before the rows existed
        HearingRiskRebuild.objects.create(organization=self.cast.org)
        lines, _more = queries.at_risk_for(self.cast.caseworker, HearingFilters())
        self.assertEqual([line.hearing.pk for line in lines], [hearing.pk])
        out = io.StringIO()
        call_command("hearing_risk_rebuild", "--check", stdout=out)
        self.assertIn("1 row", out.getvalue())
        self.assertIn("0 difference", out.getvalue())
        self.assertFalse(HearingRiskRebuild.objects.exists())
        self.assertEqual((self.kept(hearing) or [])[:1], [Reason.NO_CHANNEL])

    def test_the_check_finds_a_row_that_says_something_else(self) -> None:
        hearing = self.prepared()
        HearingRisk.objects.filter(hearing=hearing).update(reasons=risk.BITS[Reason.NO_LAWYER])
        [found] = risk.differences(now=NOW)
        self.assertEqual(found["hearing"], hearing.pk)

    def test_another_organization_sees_no_row(self) -> None:
        make_hearing(make_case(self.cast.org, self.cast.legal), self.cast.legal, days(4))
        with organization_scope(self.cast.other_org.pk):
            self.assertFalse(HearingRisk.objects.filter(organization=self.cast.org).exists())
            self.assertEqual(listed(NOW, stored=True), [])


@time_machine.travel(NOW, tick=False)
class SameAsTheOldWayTest(InOrganizationScope, TestCase):
    """A randomized network: the kept scores equal the old way's, now and on later days."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        rng = random.Random(16)  # noqa: S311 - a test network, not a secret
        by, legal = cls.cast.caseworker, cls.cast.legal
        failing = Delivery(ok=False, error="no signal")
        with organization_scope(cls.cast.org.pk):
            for n in range(18):
                person = make_person(cls.cast.org, by, given_names=f"Persona {n}")
                if rng.random() < 0.7:
                    kind = rng.choice(["whatsapp", "phone", "signal"])
                    contact_add(by=by, person=person, contact=Contact(kind, "+526641234567", True))
                if rng.random() < 0.6:
                    consent = consent_record(
                        by=by, person=person, purpose="reminders", given_by="self",
                        language="spa",
                    )  # fmt: skip
                    if rng.random() < 0.2:
                        consent_revoke(by=by, consent=consent)
                if rng.random() < 0.8:
                    since = TODAY - datetime.timedelta(days=rng.choice([3, 20, 29, 30, 31, 45]))
                    person_move(by=by, person=person, city="tijuana", shelter="", since=since)
                case = make_case(
                    cls.cast.org, legal, person=person, court=rng.choice(["SDI", "ELP"])
                )
                lawyer = rng.random()
                if lawyer < 0.5:
                    until = rng.choice([None, TODAY + datetime.timedelta(days=rng.randint(0, 20))])
                    services.representation_record(
                        by=legal,
                        case=case,
                        data={"kind": "attorney", "representative": "Lic. Ruiz",
                              "since": TODAY.replace(2025), "until": until},
                    )  # fmt: skip
                for _ in range(rng.randint(1, 3)):
                    when = days(rng.uniform(-45, 40))
                    plan = rng.random() < 0.5
                    held = {}
                    if when < NOW:  # a hearing past is written with its attendance
                        held = {"attendance": rng.choice(["missed", "attended", "continued"])}
                    hearing = make_hearing(case, legal, when, plan_confirmed=plan, **held)
                    if when > NOW and rng.random() < 0.15:
                        services.hearing_cancel(by=legal, hearing=hearing)
                    elif when > NOW:
                        due = Reminder.objects.filter(hearing=hearing, due_at__lte=NOW).first()
                        if due is not None and rng.random() < 0.5:
                            with mock.patch.object(ConsoleSender, "send", return_value=failing):
                                reminders.reminder_send(cls.cast.org.pk, due.pk, now=NOW)

    def test_the_kept_scores_are_the_old_ways_today(self) -> None:
        self.assertEqual(risk.differences(now=NOW), [])
        self.assertGreater(len(listed(NOW, stored=True)), 5)
        self.assertEqual(listed(NOW, stored=True), listed(NOW, stored=False))
        self.assertEqual(
            listed(NOW, stored=True, court="ELP"), listed(NOW, stored=False, court="ELP")
        )

    def test_on_later_days_the_list_is_the_same_before_and_after_the_upkeep(self) -> None:
        for later in (days(0.3), days(3), days(9), days(21), days(31)):
            with self.subTest(later=later):
                self.assertEqual(listed(later, stored=True), listed(later, stored=False))
                with time_machine.travel(later, tick=False):
                    risk.refresh_stale()
                self.assertEqual(risk.differences(now=later), [])
                self.assertEqual(listed(later, stored=True), listed(later, stored=False))

    def test_pages_read_from_the_kept_scores_are_the_old_pages(self) -> None:
        with mock.patch.object(queries, "PAGE_SIZE", 2):
            for n in range(1, 8):
                stored = queries._stored_pages(NOW, HearingFilters(), (n - 1) * 2, 3)
                live = queries._live_pages(NOW, HearingFilters(), (n - 1) * 2, 3)
                self.assertEqual(
                    [(x.hearing.pk, x.reasons) for x in stored],
                    [(x.hearing.pk, x.reasons) for x in live],
                )

    def test_a_rebuild_writes_the_same_rows(self) -> None:
        before = sorted(HearingRisk.objects.values_list("hearing_id", "reasons", "plan_open"))
        risk.rebuild()
        after = sorted(HearingRisk.objects.values_list("hearing_id", "reasons", "plan_open"))
        self.assertEqual(before, after)
