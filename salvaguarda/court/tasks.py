"""Background tasks of the court app (run by `manage.py db_worker`). Each takes ids only."""

from django.tasks import task

from salvaguarda.court import reminders


@task
def send_reminder(organization_id: int, reminder_id: int) -> str:
    """Send one hearing reminder at most once (see `reminders.reminder_send`)."""
    return reminders.reminder_send(organization_id, reminder_id)


@task
def reschedule_reminders(organization_id: int) -> int:
    """After a change of the reminder plan: bring the coming hearings' reminders in step."""
    return reminders.reminders_reschedule_upcoming(organization_id)
