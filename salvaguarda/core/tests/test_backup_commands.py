"""`manage.py backup` and `manage.py restore` as an operator runs them, and the scheduled backup."""

import datetime
import io
from pathlib import Path

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from salvaguarda.core.backup import archive, tasks
from salvaguarda.core.backup.stream import BackupError
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.test_backup import BACKUP_KEY, BackupCase, live_counts
from salvaguarda.lib import crypto

NOW = datetime.datetime(2026, 5, 4, 2, 0, tzinfo=datetime.UTC)


class CommandTests(BackupCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(override_settings(SALVAGUARDA_BACKUP_KEY=crypto.encode_key(BACKUP_KEY)))

    def run_command(self, *args: object, **options: object) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out, stderr=out, **options)
        return out.getvalue()

    def test_backup_then_restore_from_the_command_line(self) -> None:
        counts = live_counts()
        output = self.run_command("backup", output_dir=self.folder / "backups")
        self.assertIn("rows (counted against the live database)", output)
        self.assertIn("4 evidence files", output)
        [path] = archive.backups_in(self.folder / "backups")
        entry = AuditEvent.objects.filter(object_type="core.backup").get()
        self.assertEqual((entry.action, entry.organization_id), ("export", None))
        self.assertEqual(entry.detail["backup"], path.name)
        self.assertIn(
            "The backup can be restored.", self.run_command("restore", path, verify_only=True)
        )
        with self.restored():
            output = self.run_command("restore", path)
            self.assertIn("Every check passed.", output)
            self.assertEqual(live_counts(), counts)

    def test_restore_of_a_damaged_backup_fails_and_restores_nothing(self) -> None:
        self.run_command("backup", output_dir=self.folder / "backups")
        [path] = archive.backups_in(self.folder / "backups")
        data = bytearray(path.read_bytes())
        data[len(data) // 3] ^= 0x80
        path.write_bytes(bytes(data))
        with self.restored(), self.assertRaisesMessage(CommandError, "altered or is damaged"):
            self.run_command("restore", path)


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    SALVAGUARDA_BACKUP_EVERY_HOURS=24,
)
@time_machine.travel(NOW, tick=False)
class ScheduleTests(TestCase):
    def test_the_schedule_queues_one_run_at_a_time(self) -> None:
        output = io.StringIO()
        call_command("backup", schedule=True, stdout=output)
        self.assertIn("2026-05-05 02:00", output.getvalue())
        call_command("backup", schedule=True, stdout=io.StringIO())
        [queued] = DBTaskResult.objects.filter(task_path=tasks.scheduled_backup.module_path)
        self.assertEqual(queued.run_after, NOW + datetime.timedelta(hours=24))

    @override_settings(SALVAGUARDA_BACKUP_EVERY_HOURS=0)
    def test_scheduling_is_off_by_default(self) -> None:
        with self.assertRaisesMessage(CommandError, "scheduled backups are off"):
            call_command("backup", schedule=True, stdout=io.StringIO())
        self.assertIsNone(tasks.backup_schedule_next())
        self.assertFalse(DBTaskResult.objects.exists())

    @override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    )
    def test_a_task_backend_that_cannot_wait_is_refused(self) -> None:
        with self.assertRaisesMessage(CommandError, "cannot run a task later"):
            call_command("backup", schedule=True, stdout=io.StringIO())

    def test_a_failed_run_still_queues_the_next(self) -> None:
        with override_settings(SALVAGUARDA_BACKUP_KEY=""), self.assertRaises(BackupError):
            tasks.scheduled_backup.call()
        self.assertEqual(tasks.backup_next_run(), timezone.now() + datetime.timedelta(hours=24))


class ScheduledRunTests(BackupCase):
    def test_a_scheduled_run_backs_up_and_keeps_the_newest(self) -> None:
        folder = self.folder / "backups"
        folder.mkdir()
        for day in range(1, 5):
            (folder / f"salvaguarda-2026010{day}T020000Z.sgbackup").write_bytes(b"old")
        with override_settings(
            SALVAGUARDA_BACKUP_KEY=crypto.encode_key(BACKUP_KEY),
            SALVAGUARDA_BACKUP_DIR=folder,
            SALVAGUARDA_BACKUP_KEEP=3,
            SALVAGUARDA_BACKUP_EVERY_HOURS=0,
        ):
            result = tasks.scheduled_backup.call()
        self.assertIn("2 older backups removed", result)
        kept = [path.name for path in archive.backups_in(folder)]
        self.assertEqual(
            kept[:2],
            ["salvaguarda-20260103T020000Z.sgbackup", "salvaguarda-20260104T020000Z.sgbackup"],
        )
        self.assertEqual(len(kept), 3)
        self.assertGreater(Path(folder / kept[2]).stat().st_size, 1000)
