"""Score every coming hearing again for the at-risk list (`court/risk.py`), and check it."""

from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from salvaguarda.accounts.models import Organization
from salvaguarda.core.scoping import organization_scope
from salvaguarda.court import risk


class Command(BaseCommand):
    help = (
        "Write again the kept scores of the at-risk list for every coming hearing (after data "
        "was loaded without the services, or to repair them), one organization at a time; "
        "with --check, compare them with the scores computed from the records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organization", type=int, default=None, help="Only this organization (its id)."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="After the rebuild, compare the next 30 days' rows with the scores computed "
            "from the records, and fail if any differs.",
        )
        parser.add_argument(
            "--check-only", action="store_true", help="Compare only; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = Organization.objects.filter(is_active=True).order_by("pk")
        if options["organization"] is not None:
            organizations = organizations.filter(pk=options["organization"])
        differing = 0
        for org_id, name, zone in organizations.values_list("pk", "name", "time_zone"):
            with organization_scope(org_id), timezone.override(ZoneInfo(zone)):
                if not options["check_only"]:
                    rows = risk.rebuild()
                    self.stdout.write(f"{name}: {rows} row(s) written.")
                if options["check"] or options["check_only"]:
                    found = risk.differences(now=timezone.now())
                    differing += len(found)
                    self.stdout.write(f"{name}: {len(found)} difference(s).")
                    for difference in found[:20]:
                        self.stdout.write(f"  {difference}")
        if differing:
            raise CommandError(f"{differing} kept score(s) differ from the records.")
