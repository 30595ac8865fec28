from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from salvaguarda.accounts import services
from salvaguarda.accounts.models import Organization


class Command(BaseCommand):
    help = "Create the network's organization and its first administrator (once per deployment)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="Name of the network's organization.")
        parser.add_argument("--short-name", required=True)
        parser.add_argument("--city", required=True)
        parser.add_argument("--state", required=True)
        parser.add_argument("--email", required=True, help="E-mail of the first network admin.")
        parser.add_argument("--full-name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        data = {
            "name": options["name"],
            "short_name": options["short_name"],
            "kind": Organization.Kind.DOCUMENTATION_NETWORK,
            "city": options["city"],
            "state": options["state"],
        }
        try:
            path = services.network_bootstrap(
                data=data, email=options["email"], full_name=options["full_name"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            "Give this link to the network administrator; it works once, to choose a password:\n"
            f"{settings.SALVAGUARDA_BASE_URL}{path}\n"
        )
