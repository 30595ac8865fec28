"""What management commands share."""

from django.core.management.base import CommandError, CommandParser
from django.db.models import QuerySet

from salvaguarda.accounts.models import Organization


def add_organization_option(parser: CommandParser) -> None:
    parser.add_argument("--organization", help="short name of one organization")


def organizations_chosen(short_name: str | None) -> QuerySet[Organization]:
    """Every organization, or the one `--organization` names (an error if there is none)."""
    organizations = Organization.objects.order_by("short_name")
    if short_name:
        organizations = organizations.filter(short_name=short_name)
        if not organizations.exists():
            raise CommandError(f"No organization is called {short_name!r}.")
    return organizations
