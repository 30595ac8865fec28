"""Hearing reminders: when they are due (time zones, daylight saving), at most once, kept in
step with the hearing, and only with consent."""

import contextlib
import datetime
import io
import signal
from collections.abc import Iterator
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.test import TestCase, override_settings
from django_tasks_db.models import DBTaskResult

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person
from salvaguarda.court import reminder_texts, reminders
from salvaguarda.court.channels import ConsoleSender
from salvaguarda.court.models import Hearing, ImmigrationCase, Reminder, ReminderText
from salvaguarda.court.tasks import send_reminder
from salvaguarda.people.models import Consent, Person
from salvaguarda.people.services import Contact, contact_add, person_move
from salvaguarda.people.services.records import consent_record, consent_revoke

UTC = datetime.UTC
CHICAGO = ZoneInfo("America/Chicago")
TIJUANA = ZoneInfo("America/Tijuana")
MEXICO_CITY = ZoneInfo("America/Mexico_City")
NUMBER = "+526641234567"
# Three weeks before the March 2026 change of clocks (Sunday 8 March in the U.S. and Tijuana).
FEBRUARY = datetime.datetime(2026, 2, 16, 12, 0, tzinfo=UTC)
# A Monday 8:00 in Brownsville, the day after the change: 13:00 UTC (CDT, UTC-5).
MARCH_HEARING = datetime.datetime(2026, 3, 9, 8, 0, tzinfo=CHICAGO)


def at(moment: datetime.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


@contextlib.contextmanager
def console() -> Iterator[io.StringIO]:
    """What the console channel prints (one line per message)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        yield printed


def messages_in(printed: io.StringIO) -> list[str]:
    return [line for line in printed.getvalue().splitlines() if line.startswith("reminder ")]


class ReminderTestCase(TestCase):
    """A person staying in Tijuana, with a phone and consent to reminders, and an MPP case at
    the Brownsville hearing facility (Central time)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with at(FEBRUARY):
            cls.person = cls.contactable(cls.cast.org, city="tijuana")
            with organization_scope(cls.cast.org.pk):
                cls.case = ImmigrationCase.objects.create(
                    organization=cls.cast.org,
                    person=cls.person,
                    court="BRO_IHF",
                    created_by=cls.cast.caseworker,
                    modified_by=cls.cast.caseworker,
                )

    @classmethod
    def contactable(
        cls,
        org: object,
        *,
        city: str,
        language: str = "spa",
        kind: str = "phone",
        consent: bool = True,
    ) -> Person:
        by = cls.cast.caseworker if org == cls.cast.org else cls.cast.outsider
        person = make_person(org, by, preferred_language=language)  # type: ignore[arg-type]
        with organization_scope(person.organization_id):
            person_move(
                by=by, person=person, city=city, shelter="", since=datetime.date(2026, 1, 10)
            )
            contact_add(by=by, person=person, contact=Contact(kind, NUMBER, is_preferred=True))
            if consent:
                consent_record(
                    by=by,
                    person=person,
                    purpose=Consent.Purpose.REMINDERS,
                    given_by="self",
                    language=language,
                )
        return person

    def setUp(self) -> None:
        self.clock = at(FEBRUARY)
        self.clock.start()
        self.addCleanup(self.clock.stop)
        self.scope = organization_scope(self.cast.org.pk)
        self.scope.__enter__()
        self.addCleanup(self.scope.__exit__, None, None, None)

    def hearing(
        self, starts_at: datetime.datetime = MARCH_HEARING, case: ImmigrationCase | None = None
    ) -> Hearing:
        case = case or self.case
        return Hearing.objects.create(
            organization_id=case.organization_id,
            case=case,
            court=case.court,
            starts_at=starts_at,
            kind=Hearing.Kind.MASTER,
            port="BRO",
            report_at=starts_at - datetime.timedelta(hours=3),
            report_place="Puente Nuevo, lado mexicano",
            created_by=self.cast.legal,
            modified_by=self.cast.legal,
        )

    def due(self, hearing: Hearing) -> dict[int, datetime.datetime]:
        return {
            r.days_before: r.due_at
            for r in Reminder.objects.filter(hearing=hearing, status=Reminder.Status.PENDING)
        }

    def pending(self, hearing: Hearing) -> list[Reminder]:
        return list(Reminder.objects.filter(hearing=hearing, status=Reminder.Status.PENDING))


class DueTimeTest(ReminderTestCase):
    def test_tijuana_gets_each_reminder_at_ten_across_the_march_change_of_clocks(self) -> None:
        hearing = self.hearing()
        reminders.reminders_schedule(hearing, by=self.cast.legal)
        due = self.due(hearing)
        self.assertEqual(
            due,
            {
                # Before the change Tijuana is UTC-8 (10:00 PST = 18:00 UTC) ...
                7: datetime.datetime(2026, 3, 2, 18, 0, tzinfo=UTC),
                2: datetime.datetime(2026, 3, 7, 18, 0, tzinfo=UTC),
                # ... and on Sunday 8 March it is already UTC-7 (10:00 PDT = 17:00 UTC).
                1: datetime.datetime(2026, 3, 8, 17, 0, tzinfo=UTC),
            },
        )
        self.assertEqual({m.astimezone(TIJUANA).hour for m in due.values()}, {10})

    def test_tijuana_gets_each_reminder_at_ten_across_the_november_change_of_clocks(
        self,
    ) -> None:
        # Clocks go back on Sunday 1 November 2026; the hearing is Monday 2 November, 8:00 CST.
        hearing_at = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=CHICAGO)
        with at(datetime.datetime(2026, 10, 1, 12, 0, tzinfo=UTC)):
            hearing = self.hearing(hearing_at)
            reminders.reminders_schedule(hearing)
        self.assertEqual(hearing_at.astimezone(UTC).hour, 14)
        self.assertEqual(
            self.due(hearing),
            {
                7: datetime.datetime(2026, 10, 26, 17, 0, tzinfo=UTC),  # PDT, UTC-7
                2: datetime.datetime(2026, 10, 31, 17, 0, tzinfo=UTC),  # PDT, UTC-7
                1: datetime.datetime(2026, 11, 1, 18, 0, tzinfo=UTC),  # PST, UTC-8
            },
        )

    def test_mexico_city_keeps_one_offset_all_year(self) -> None:
        case = ImmigrationCase.objects.create(
            organization=self.cast.org,
            person=self.contactable(self.cast.org, city="cdmx"),
            court="BRO_IHF",
            created_by=self.cast.caseworker,
            modified_by=self.cast.caseworker,
        )
        hearing = self.hearing(case=case)
        reminders.reminders_schedule(hearing)
        # No daylight saving in Mexico City since 2022: 10:00 is 16:00 UTC on both sides.
        self.assertEqual(
            set(self.due(hearing).values()),
            {
                datetime.datetime(2026, 3, 2, 16, 0, tzinfo=UTC),
                datetime.datetime(2026, 3, 7, 16, 0, tzinfo=UTC),
                datetime.datetime(2026, 3, 8, 16, 0, tzinfo=UTC),
            },
        )

    def test_a_hearing_closer_than_the_first_step_gets_only_the_steps_still_ahead(self) -> None:
        with at(datetime.datetime(2026, 3, 6, 12, 0, tzinfo=UTC)):
            hearing = self.hearing()
            reminders.reminders_schedule(hearing)
        self.assertEqual(sorted(self.due(hearing)), [1, 2])

    def test_the_plan_of_the_organization_gives_the_days_and_the_hour(self) -> None:
        reminders.reminder_plan_set(by=self.cast.coordinator, days_before=[3, 1], send_hour=8)
        hearing = self.hearing()
        reminders.reminders_schedule(hearing)
        self.assertEqual(
            self.due(hearing),
            {
                3: datetime.datetime(2026, 3, 6, 16, 0, tzinfo=UTC),  # 8:00 PST
                1: datetime.datetime(2026, 3, 8, 15, 0, tzinfo=UTC),  # 8:00 PDT
            },
        )


class ScheduleTest(ReminderTestCase):
    def test_scheduling_twice_creates_nothing_new(self) -> None:
        hearing = self.hearing()
        first = reminders.reminders_schedule(hearing, by=self.cast.legal)
        entries = AuditEvent.objects.count()
        second = reminders.reminders_schedule(hearing, by=self.cast.legal)
        self.assertEqual(len(first), 3)
        self.assertEqual([r.pk for r in first], [r.pk for r in second])
        self.assertEqual(Reminder.objects.count(), 3)
        self.assertEqual(AuditEvent.objects.count(), entries)  # nothing changed, nothing written
        reminder = first[0]
        self.assertEqual((reminder.channel, reminder.language), ("sms", "spa"))
        self.assertEqual((reminder.person, reminder.version), (self.person, 1))

    def test_the_schedule_is_audited_without_identifying_values(self) -> None:
        hearing = self.hearing()
        reminders.reminders_schedule(hearing, by=self.cast.legal)
        event = AuditEvent.objects.filter(object_uuid=hearing.uuid).get()
        self.assertEqual((event.actor, event.fields), (self.cast.legal, ["reminders"]))
        self.assertEqual(event.detail["reminders_created"], 3)
        self.assertNotIn(NUMBER[-7:], str(event.detail))

    def test_a_moved_hearing_cancels_the_old_reminders_and_schedules_new_ones(self) -> None:
        hearing = self.hearing()
        old = {r.pk for r in reminders.reminders_schedule(hearing)}
        hearing.starts_at = datetime.datetime(2026, 3, 16, 8, 0, tzinfo=CHICAGO)
        hearing.version += 1
        hearing.save()
        new = reminders.reminders_schedule(hearing)
        self.assertFalse(old & {r.pk for r in new})
        self.assertEqual({r.version for r in new}, {2})
        self.assertEqual(self.due(hearing)[1], datetime.datetime(2026, 3, 15, 17, 0, tzinfo=UTC))
        cancelled = Reminder.objects.filter(pk__in=old)
        self.assertEqual(
            set(cancelled.values_list("status", "error")),
            {(Reminder.Status.CANCELLED, reminders.HEARING_MOVED)},
        )

    def test_a_cancelled_hearing_cancels_all_its_pending_reminders(self) -> None:
        hearing = self.hearing()
        reminders.reminders_schedule(hearing)
        hearing.status = Hearing.Status.CANCELLED
        hearing.save()
        self.assertEqual(reminders.reminders_schedule(hearing), [])
        self.assertEqual(self.pending(hearing), [])
        self.assertEqual(
            set(Reminder.objects.values_list("status", flat=True)), {Reminder.Status.CANCELLED}
        )

    def test_attendance_recorded_cancels_what_is_left(self) -> None:
        hearing = self.hearing()
        reminders.reminders_schedule(hearing)
        hearing.attendance = Hearing.Attendance.RESCHEDULED
        hearing.save()
        reminders.reminders_schedule(hearing)
        self.assertEqual(self.pending(hearing), [])

    def test_whatsapp_preferred_goes_by_whatsapp_in_the_persons_language(self) -> None:
        person = self.contactable(self.cast.org, city="matamoros", language="hat", kind="whatsapp")
        case = ImmigrationCase.objects.create(
            organization=self.cast.org,
            person=person,
            court="BRO_IHF",
            created_by=self.cast.caseworker,
            modified_by=self.cast.caseworker,
        )
        [first, *_] = reminders.reminders_schedule(self.hearing(case=case))
        self.assertEqual((first.channel, first.language), ("whatsapp", "hat"))

    def test_a_language_without_a_text_falls_back_to_spanish_until_one_is_written(self) -> None:
        person = self.contactable(self.cast.org, city="tijuana", language="quc")
        case = ImmigrationCase.objects.create(
            organization=self.cast.org,
            person=person,
            court="BRO_IHF",
            created_by=self.cast.caseworker,
            modified_by=self.cast.caseworker,
        )
        hearing = self.hearing(case=case)
        self.assertEqual({r.language for r in reminders.reminders_schedule(hearing)}, {"spa"})
        reminder_texts.reminder_text_set(
            by=self.cast.coordinator, language="quc", kind="ahead", text="{days} q'ij: {date}"
        )
        other = self.hearing(datetime.datetime(2026, 3, 20, 8, 0, tzinfo=CHICAGO), case=case)
        self.assertEqual({r.language for r in reminders.reminders_schedule(other)}, {"quc"})

    def test_the_lead_services_schedule_reminders_with_the_hearing(self) -> None:
        from salvaguarda.court import services

        hearing = services.hearing_schedule(
            by=self.cast.legal,
            case=self.case,
            data={"starts_at": MARCH_HEARING, "kind": Hearing.Kind.MASTER, "court": "BRO_IHF"},
        )
        self.assertEqual(sorted(self.due(hearing)), [1, 2, 7])


class ConsentTest(ReminderTestCase):
    def test_without_consent_no_reminder_is_scheduled(self) -> None:
        person = self.contactable(self.cast.org, city="tijuana", consent=False)
        case = ImmigrationCase.objects.create(
            organization=self.cast.org,
            person=person,
            court="BRO_IHF",
            created_by=self.cast.caseworker,
            modified_by=self.cast.caseworker,
        )
        self.assertEqual(reminders.reminders_schedule(self.hearing(case=case)), [])
        self.assertFalse(Reminder.objects.exists())

    def test_without_a_phone_or_whatsapp_no_reminder_is_scheduled(self) -> None:
        person = self.contactable(self.cast.org, city="tijuana", kind="signal")
        case = ImmigrationCase.objects.create(
            organization=self.cast.org,
            person=person,
            court="BRO_IHF",
            created_by=self.cast.caseworker,
            modified_by=self.cast.caseworker,
        )
        self.assertEqual(reminders.reminders_schedule(self.hearing(case=case)), [])

    def test_consent_revoked_after_scheduling_cancels_the_send_and_nothing_leaves(self) -> None:
        hearing = self.hearing()
        [seven, *_] = reminders.reminders_schedule(hearing)
        consent = Consent.objects.get(person=self.person, purpose=Consent.Purpose.REMINDERS)
        consent_revoke(by=self.cast.caseworker, consent=consent)
        with console() as printed:
            status = reminders.reminder_send(self.cast.org.pk, seven.pk, now=seven.due_at)
        self.assertEqual(status, Reminder.Status.CANCELLED)
        self.assertEqual(messages_in(printed), [])
        seven.refresh_from_db()
        self.assertEqual(seven.error, reminders.NO_CONSENT)
        self.assertIsNone(seven.sent_at)


class SendTest(ReminderTestCase):
    def scheduled(self) -> list[Reminder]:
        return reminders.reminders_schedule(self.hearing())

    def test_a_due_reminder_is_sent_once_however_often_it_is_asked(self) -> None:
        [seven, *_] = self.scheduled()
        with at(seven.due_at), console() as printed:
            first = reminders.reminder_send(self.cast.org.pk, seven.pk)
            second = reminders.reminder_send(self.cast.org.pk, seven.pk)
            send_reminder.call(self.cast.org.pk, seven.pk)  # the task, as a worker would run it
        self.assertEqual((first, second), (Reminder.Status.SENT, Reminder.Status.SENT))
        [line] = messages_in(printed)
        self.assertIn("***567", line)
        self.assertNotIn(NUMBER, line)
        self.assertIn("en 7 días, el lunes 9 de marzo", line)
        self.assertIn("a las 08:00 (hora de la corte)", line)
        seven.refresh_from_db()
        self.assertEqual(seven.status, Reminder.Status.SENT)
        self.assertEqual(seven.sent_at, seven.due_at)
        self.assertTrue(seven.provider_reference.startswith("console-"))
        self.assertEqual(seven.delivery_status, "logged")
        event = AuditEvent.objects.filter(object_uuid=seven.uuid).get()
        self.assertEqual((event.action, event.actor), ("update", None))
        self.assertEqual(event.detail, {"status": "sent", "channel": "sms"})

    def test_a_reminder_is_not_sent_before_its_time(self) -> None:
        [seven, *_] = self.scheduled()
        early = seven.due_at - datetime.timedelta(minutes=1)
        with console() as printed:
            status = reminders.reminder_send(self.cast.org.pk, seven.pk, now=early)
        self.assertEqual(status, Reminder.Status.PENDING)
        self.assertEqual(messages_in(printed), [])

    def test_the_day_before_carries_the_reporting_instructions_in_local_time(self) -> None:
        [*_, one] = self.scheduled()
        with console() as printed:
            reminders.reminder_send(self.cast.org.pk, one.pk, now=one.due_at)
        [line] = messages_in(printed)
        # Reporting at 5:00 Brownsville time is 5:00 in Matamoros, where people queue.
        self.assertIn("Mañana, lunes 9 de marzo", line)
        self.assertIn("Dónde presentarse: Puente Nuevo, lado mexicano (Brownsville)", line)
        self.assertIn("A qué hora: 05:00, hora local", line)

    def test_a_reminder_of_a_moved_hearing_found_by_an_old_task_is_cancelled(self) -> None:
        hearing = self.hearing()
        [seven, *_] = reminders.reminders_schedule(hearing)
        Hearing.objects.filter(pk=hearing.pk).update(version=2)  # moved, not yet rescheduled
        with console() as printed:
            status = reminders.reminder_send(self.cast.org.pk, seven.pk, now=seven.due_at)
        self.assertEqual(status, Reminder.Status.CANCELLED)
        self.assertEqual(messages_in(printed), [])

    def test_a_worker_that_died_while_sending_never_sends_it_again(self) -> None:
        [seven, *_] = self.scheduled()

        class WorkerKilled(BaseException):
            pass

        with (
            mock.patch.object(ConsoleSender, "send", side_effect=WorkerKilled),
            self.assertRaises(WorkerKilled),
        ):
            reminders.reminder_send(self.cast.org.pk, seven.pk, now=seven.due_at)
        seven.refresh_from_db()
        self.assertEqual(seven.status, Reminder.Status.SENDING)
        soon = seven.due_at + datetime.timedelta(minutes=5)
        later = seven.due_at + reminders.STALE_AFTER + datetime.timedelta(minutes=1)
        with console() as printed:
            # The restarted worker runs the same task again: taken, nothing sent.
            again = reminders.reminder_send(self.cast.org.pk, seven.pk, now=soon)
            self.assertEqual(reminders.reminders_dispatch_due(now=soon), 0)
            seven.refresh_from_db()
            self.assertEqual(seven.status, Reminder.Status.SENDING)  # not stale yet
            self.assertEqual(reminders.reminders_dispatch_due(now=later), 0)
            self.assertEqual(
                reminders.reminder_send(self.cast.org.pk, seven.pk, now=later), "failed"
            )
        self.assertEqual(again, Reminder.Status.SENDING)
        self.assertEqual(messages_in(printed), [])
        seven.refresh_from_db()
        self.assertEqual((seven.status, seven.error), ("failed", reminders.OUTCOME_UNKNOWN))
        self.assertIsNone(seven.sent_at)

    def test_dispatch_sends_what_is_due_in_every_organization(self) -> None:
        [seven, *_] = self.scheduled()
        other = self.contactable(self.cast.other_org, city="tijuana")
        with organization_scope(self.cast.other_org.pk):
            case = ImmigrationCase.objects.create(
                organization=self.cast.other_org,
                person=other,
                court="BRO_IHF",
                created_by=self.cast.outsider,
                modified_by=self.cast.outsider,
            )
            theirs = reminders.reminders_schedule(self.hearing(case=case))
        with console() as printed:
            sent = reminders.reminders_dispatch_due(now=seven.due_at)
            again = reminders.reminders_dispatch_due(now=seven.due_at)
        self.assertEqual((sent, again), (2, 0))
        self.assertEqual(len(messages_in(printed)), 2)
        with organization_scope(self.cast.other_org.pk):
            self.assertEqual(Reminder.objects.get(pk=theirs[0].pk).status, Reminder.Status.SENT)

    def test_after_a_day_long_outage_stale_steps_fail_and_the_current_one_goes(self) -> None:
        seven, two, one = self.scheduled()
        after_two = two.due_at + datetime.timedelta(minutes=30)
        with console() as printed:
            self.assertEqual(reminders.reminders_dispatch_due(now=after_two), 1)
        [line] = messages_in(printed)
        self.assertIn("en 2 días", line)
        seven.refresh_from_db()
        self.assertEqual((seven.status, seven.error), ("failed", reminders.NOT_ON_ITS_DAY))

    def test_the_catch_up_command_says_how_many_were_sent(self) -> None:
        [seven, *_] = self.scheduled()
        out = io.StringIO()
        with at(seven.due_at + datetime.timedelta(minutes=1)), console() as printed:
            call_command("send_due_reminders", stdout=out)
        self.assertEqual(out.getvalue().strip(), "1 reminder(s) sent.")
        self.assertEqual(len(messages_in(printed)), 1)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
class DatabaseWorkerTest(ReminderTestCase):
    """The real worker (`manage.py db_worker`) runs the queued tasks at their time."""

    def run_worker(self) -> None:
        """One `db_worker --batch` run, in this test's transaction.

        The worker closes "old" connections between tasks; inside a test transaction that would
        close the test's own connection (on PostgreSQL), so that step is left out here.
        """
        handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
                call_command(
                    "db_worker",
                    "--batch",
                    "--no-startup-delay",
                    "--no-reload",
                    "--interval=0",
                    verbosity=0,
                    stdout=io.StringIO(),
                )
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)

    def test_the_worker_sends_a_due_reminder_once_even_run_twice_with_a_duplicate_task(
        self,
    ) -> None:
        hearing = self.hearing()
        with self.captureOnCommitCallbacks(execute=True):
            seven, two, one = reminders.reminders_schedule(hearing)
        queued = DBTaskResult.objects.order_by("run_after")
        self.assertEqual(
            [(t.args_kwargs["args"], t.run_after) for t in queued],
            [([self.cast.org.pk, r.pk], r.due_at) for r in (seven, two, one)],
        )
        # The same task queued twice (a retry, a second scheduler): still one message.
        send_reminder.using(run_after=seven.due_at).enqueue(self.cast.org.pk, seven.pk)
        with at(seven.due_at + datetime.timedelta(minutes=1)), console() as printed:
            self.run_worker()
            self.run_worker()
        [line] = messages_in(printed)
        self.assertIn("en 7 días", line)
        self.assertEqual(
            list(Reminder.objects.order_by("due_at").values_list("status", flat=True)),
            ["sent", "pending", "pending"],
        )
        self.assertEqual(DBTaskResult.objects.filter(status="SUCCESSFUL").count(), 2)
        self.assertEqual(DBTaskResult.objects.filter(status="READY").count(), 2)


class TextsTest(ReminderTestCase):
    def test_every_default_text_is_valid_short_enough_and_names_nobody(self) -> None:
        for language, texts in reminder_texts.DEFAULT_TEXTS.items():
            for kind, text in texts.items():
                with self.subTest(language=language, kind=kind):
                    self.assertEqual(reminder_texts.text_errors(text), [])
                    self.assertLessEqual(len(text), reminder_texts.MAX_TEXT_LENGTH)
        self.assertEqual(set(reminder_texts.DEFAULT_TEXTS), {"spa", "eng", "hat", "por", "fra"})

    def test_an_organizations_own_text_replaces_the_default_and_reset_brings_it_back(
        self,
    ) -> None:
        own = "Audiencia en {days} días: {date}, {time} (hora de la corte)."
        reminder_texts.reminder_text_set(
            by=self.cast.coordinator, language="spa", kind="ahead", text=own
        )
        self.assertEqual(reminder_texts.text_for("spa", "ahead"), own)
        self.assertEqual(
            reminder_texts.text_for("eng", "ahead"), reminder_texts.DEFAULT_TEXTS["eng"]["ahead"]
        )
        self.assertTrue(
            reminder_texts.reminder_text_reset(
                by=self.cast.coordinator, language="spa", kind="ahead"
            )
        )
        self.assertEqual(
            reminder_texts.text_for("spa", "ahead"), reminder_texts.DEFAULT_TEXTS["spa"]["ahead"]
        )
        actions = list(
            AuditEvent.objects.filter(object_type="court.remindertext")
            .order_by("sequence")
            .values_list("action", "fields")
        )
        self.assertEqual(actions, [("create", ["text"]), ("delete", ["text"])])
        self.assertFalse(ReminderText.objects.exists())

    def test_a_text_with_a_name_placeholder_or_broken_braces_is_refused(self) -> None:
        for text, code in [
            ("Hola {name}, audiencia el {date}", "placeholder"),
            ("A-number {a_number}", "placeholder"),
            ("Audiencia el {date", "braces"),
            ("{court.__class__}", "placeholder"),
            ("{days!r}", "braces"),
            ("   ", "required"),
            ("x" * (reminder_texts.MAX_TEXT_LENGTH + 1), "max_length"),
        ]:
            with self.subTest(text=text[:20]):
                codes = [e.code for e in reminder_texts.text_errors(text)]
                self.assertIn(code, codes)

    def test_dates_and_times_are_written_the_way_each_language_writes_them(self) -> None:
        facts = reminder_texts.HearingFacts(
            starts_at=datetime.datetime(2026, 3, 9, 13, 30, tzinfo=CHICAGO), court="BRO_IHF"
        )
        written = {
            language: reminder_texts.message_values(facts, language=language, days=2)
            for language in ("spa", "eng", "fra", "por", "hat", "quc")
        }
        self.assertEqual(written["spa"]["date"], "lunes 9 de marzo")
        self.assertEqual(written["eng"]["date"], "Monday, March 9")
        self.assertEqual(written["eng"]["time"], "1:30 PM")
        self.assertEqual(written["fra"]["time"], "13 h 30")
        self.assertEqual(written["por"]["date"], "segunda-feira, 9 de março")
        self.assertEqual(written["hat"]["date"], "lendi 9 mas")
        self.assertEqual(written["quc"]["date"], "lunes 9 de marzo")  # no default: Spanish
        self.assertEqual(written["spa"]["report_time"], "la hora de su hoja de citación")
