from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from salvaguarda.core.commands import add_organization_option, organizations_chosen
from salvaguarda.core.scoping import organization_scope
from salvaguarda.incidents import services
from salvaguarda.lib import crypto


class Command(BaseCommand):
    help = (
        "Look again at every evidence photo and PDF (or one organization's) for active content "
        "and data after an image's end, and save what is found, as an upload does. For files "
        "uploaded before that check existed; run it once after upgrading. The files are not "
        "changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_organization_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        for organization in organizations_chosen(options["organization"]):
            try:
                with organization_scope(organization.pk):
                    read, flagged = services.evidence_check_hidden(organization.pk)
            except crypto.DecryptionError:
                self.stdout.write(f"{organization.short_name}: its files cannot be read.")
                continue
            self.stdout.write(f"{organization.short_name}: {read} files read, {flagged} flagged.")
