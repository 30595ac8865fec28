"""The scheduled backup (off unless BACKUP_EVERY_HOURS is set): run by `manage.py db_worker`.

Each run takes a backup, keeps the BACKUP_KEEP newest in BACKUP_DIR, and queues the next run
BACKUP_EVERY_HOURS later, whether this one succeeded or not (a failed run shows in the task's
row with its error). `manage.py backup --schedule` queues the first run. The worker then needs
the backup key and, on PostgreSQL, BACKUP_DATABASE_URL (docs/operations.md).
"""

import datetime

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from salvaguarda.core.backup.service import backup_run
from salvaguarda.core.backup.stream import BackupError


@task
def scheduled_backup() -> str:
    try:
        run = backup_run(keep=settings.SALVAGUARDA_BACKUP_KEEP)
    finally:
        backup_schedule_next()
    return f"{run.made.path.name}: {len(run.removed)} older backups removed"


def backup_next_run() -> datetime.datetime | None:
    """When the next scheduled backup is queued for, if one is (database task queue only)."""
    from django_tasks_db.models import DBTaskResult

    pending = (
        DBTaskResult.objects.filter(task_path=scheduled_backup.module_path, status="READY")
        .order_by("run_after")
        .first()
    )
    return pending.run_after if pending else None


def backup_schedule_next() -> datetime.datetime | None:
    """Queue the next scheduled backup, unless scheduling is off or one is already queued.
    Returns when it will run."""
    hours = settings.SALVAGUARDA_BACKUP_EVERY_HOURS
    if hours <= 0:
        return None
    if not scheduled_backup.get_backend().supports_defer:
        raise BackupError(
            "The task backend (TASKS_BACKEND) cannot run a task later: scheduled backups need "
            "the database queue, django_tasks_db.DatabaseBackend."
        )
    queued = backup_next_run()
    if queued is not None:
        return queued
    run_after = timezone.now() + datetime.timedelta(hours=hours)
    scheduled_backup.using(run_after=run_after).enqueue()
    return run_after
