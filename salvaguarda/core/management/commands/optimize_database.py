from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from salvaguarda.core import upkeep


class Command(BaseCommand):
    help = (
        "Refresh the database's planner statistics (SQLite PRAGMA optimize or ANALYZE, "
        "PostgreSQL ANALYZE) and run the periodic housekeeping. The task worker does it every "
        "six hours and migrations do it too; run it after loading data by other means."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="analyze every table")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["full"]:
            upkeep.database_optimize(full=True)
        done = upkeep.periodic_upkeep()
        self.stdout.write(", ".join(f"{step}: {result}" for step, result in done.items()))
