"""Send every hearing reminder that is due (cron, or after the worker was down)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from salvaguarda.court.reminders import reminders_dispatch_due


class Command(BaseCommand):
    help = (
        "Send the hearing reminders that are due, in every active organization, at most once "
        "each; mark those a stopped worker left half-sent as failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=None, help="Try at most this many reminders."
        )

    def handle(self, *args: Any, limit: int | None, **options: Any) -> None:
        sent = reminders_dispatch_due(limit=limit)
        self.stdout.write(f"{sent} reminder(s) sent.")
