"""Background tasks of referrals (run by `manage.py db_worker`). Each takes ids only."""

from django.tasks import task

from salvaguarda.referrals.directory import imports


@task
def directory_import_task(import_id: int) -> str:
    """Read an uploaded HSDS package into the directory, all or nothing."""
    return imports.directory_import_run(import_id)
