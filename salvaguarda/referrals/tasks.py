"""Background tasks of referrals (run by `manage.py db_worker`). Each takes ids only."""

from django.tasks import task

from salvaguarda.referrals.directory import imports
from salvaguarda.referrals.referring import reminders


@task
def directory_import_task(import_id: int) -> str:
    """Read an uploaded HSDS package into the directory, all or nothing."""
    return imports.directory_import_run(import_id)


@task
def referral_remind_task(organization_id: int, referral_id: int) -> str:
    """At a referral's deadline: remind the caseworker who referred if no answer came."""
    return reminders.referral_remind(organization_id, referral_id)
