"""The application keeps the planner's statistics fresh by itself, and runs its housekeeping."""

import datetime
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.tasks import default_task_backend
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from salvaguarda.core import upkeep
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tasks import database_upkeep
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.people import saved_searches
from salvaguarda.people.models import SavedSearch

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def statistics_rows() -> int:
    """Rows of planner statistics the database holds for a table that always has rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'django_migrations'")
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'django_migrations'")
        return int(cursor.fetchone()[0])


class StatisticsTest(TestCase):
    def test_migrations_leave_statistics(self) -> None:
        # The test database was just migrated: post_migrate analyzed it.
        self.assertGreater(statistics_rows(), 0)
        self.assertEqual(upkeep.database_optimize(full=True), "ANALYZE")

    def test_sqlite_without_statistics_is_analyzed_whole_then_optimized(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("PostgreSQL always runs ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
        self.assertEqual(statistics_rows(), 0)
        self.assertEqual(upkeep.database_optimize(), "ANALYZE")
        self.assertGreater(statistics_rows(), 0)
        self.assertEqual(upkeep.database_optimize(), "PRAGMA optimize")


class PeriodicUpkeepTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            cls.old = saved_searches.saved_search_create(by=cls.cast.caseworker, data={"name": "x"})
            cls.new = saved_searches.saved_search_create(by=cls.cast.legal, data={"name": "y"})
        SavedSearch.unscoped.filter(pk=cls.old.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )

    def test_the_periodic_upkeep_deletes_expired_searches(self) -> None:
        done = upkeep.periodic_upkeep()
        self.assertIn(done["statistics"], {"ANALYZE", "PRAGMA optimize"})
        self.assertEqual(done["salvaguarda.people.saved_searches.expired_searches_delete"], 1)
        self.assertEqual(list(SavedSearch.unscoped.all()), [self.new])

    def test_a_failing_step_is_logged_and_the_others_still_run(self) -> None:
        def broken() -> None:
            raise RuntimeError("mail server down")

        with (
            mock.patch.object(upkeep, "PERIODIC", [broken, *upkeep.PERIODIC]),
            self.assertLogs("salvaguarda.core.upkeep", "ERROR") as logged,
        ):
            done = upkeep.periodic_upkeep()
        self.assertEqual(done[f"{__name__}.broken"], "failed")
        self.assertEqual(done["salvaguarda.people.saved_searches.expired_searches_delete"], 1)
        self.assertIn("mail server down", "\n".join(logged.output))

    def test_the_tests_queue_cannot_wait_so_nothing_is_scheduled(self) -> None:
        self.assertFalse(default_task_backend.supports_defer)
        self.assertFalse(upkeep.upkeep_schedule())

    @override_settings(TASKS=DATABASE_QUEUE)
    def test_the_worker_s_queue_holds_one_upkeep_run_at_a_time(self) -> None:
        self.assertTrue(upkeep.upkeep_schedule())
        self.assertFalse(upkeep.upkeep_schedule())  # one is waiting already
        waiting = DBTaskResult.objects.get(task_path=upkeep.TASK_PATH)
        self.assertLessEqual(waiting.run_after, timezone.now())

    @override_settings(TASKS=DATABASE_QUEUE)
    def test_each_run_queues_the_next_one(self) -> None:
        before = timezone.now()
        done = database_upkeep.call()
        self.assertIn("statistics", done)
        following = DBTaskResult.objects.get(task_path=upkeep.TASK_PATH)
        self.assertGreaterEqual(following.run_after, before + upkeep.EVERY)

    @override_settings(TASKS=DATABASE_QUEUE)
    def test_a_run_that_fails_still_queues_the_next_one(self) -> None:
        with (
            mock.patch.object(upkeep, "database_optimize", side_effect=RuntimeError("disk")),
            self.assertRaises(RuntimeError),
        ):
            database_upkeep.call()
        self.assertTrue(DBTaskResult.objects.filter(task_path=upkeep.TASK_PATH).exists())

    def test_the_command_runs_it_by_hand(self) -> None:
        out = StringIO()
        call_command("optimize_database", "--full", stdout=out)
        self.assertIn("expired_searches_delete: 1", out.getvalue())
