from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from salvaguarda.core import anchors


class Command(BaseCommand):
    help = (
        "Write the audit chains' heads now to AUDIT_ANCHOR_FILE (and AUDIT_ANCHOR_SYSLOG). "
        "With --schedule, queue the periodic anchoring run by the task worker instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schedule", action="store_true", help="Queue the periodic run.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            when = anchors.anchor_schedule()
            if when is None:
                self.stdout.write(
                    "Nothing queued: anchoring is off, a run is queued already, or the task "
                    "queue cannot run tasks later (TASKS_BACKEND)."
                )
            else:
                self.stdout.write(f"The next anchor will be written at {when.isoformat()}.")
            return
        try:
            written = anchors.anchor_write("manual")
        except (OSError, anchors.AnchorError) as error:
            raise CommandError(f"The anchor could not be written: {error}") from error
        if written is None:
            raise CommandError(
                "Anchoring is off: set AUDIT_ANCHOR_FILE or AUDIT_ANCHOR_SYSLOG "
                "(docs/configuration.md)."
            )
        self.stdout.write(
            f"Anchored {len(written.heads)} chains at {written.at.isoformat()} in {written.source}."
        )
