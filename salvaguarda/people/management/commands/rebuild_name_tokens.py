from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from salvaguarda.core import audit
from salvaguarda.core.commands import add_organization_option, organizations_chosen
from salvaguarda.core.scoping import organization_scope
from salvaguarda.people.models import NameToken
from salvaguarda.people.search import rebuild_organization_tokens


class Command(BaseCommand):
    help = (
        "Recompute the name-search tokens of every person (or of one organization) after the "
        "search terms or phonetic rules changed. Key rotation does it by itself. Run it with "
        "the app stopped: names registered meanwhile would keep tokens of the former rules."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_organization_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        for organization in organizations_chosen(options["organization"]):
            # The rebuild and its audit entry are one transaction.
            with organization_scope(organization.pk):
                people = rebuild_organization_tokens(organization.pk)
                audit.record(
                    action=audit.Action.UPDATE,
                    organization_id=organization.pk,
                    object_type=NameToken._meta.label_lower,
                    detail={"people": people},
                )
            self.stdout.write(f"{organization.short_name}: name tokens of {people} people rebuilt.")
