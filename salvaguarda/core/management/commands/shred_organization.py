import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from salvaguarda.accounts.models import Organization
from salvaguarda.core import shredding


class Command(BaseCommand):
    help = (
        "Destroy an organization's data keys (crypto-shredding): its identifying data and "
        "evidence files become unreadable for good, even with the master key. Two network "
        "administrators take part: one runs `request`, another `confirm` (each gives their "
        "password and a second-factor code). `cancel` withdraws a request; `status` shows it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("step", choices=["request", "confirm", "cancel", "status"])
        parser.add_argument("organization", help="The organization's short name.")
        parser.add_argument("--by", help="The e-mail address of the network administrator.")
        parser.add_argument("--reason", default="", help="Why (with request; on the trail).")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(short_name=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization has the short name {options['organization']}.")
        request = shredding.open_request(organization)
        if options["step"] == "status":
            self._status(organization, request)
            return
        if not options["by"]:
            raise CommandError("Say who you are: --by your-address@example.org")
        try:
            user = shredding.network_admin(options["by"])
            shredding.check_credentials(
                user, getpass.getpass("Password: "), getpass.getpass("Second-factor code: ")
            )
            if options["step"] == "request":
                shredding.shredding_request(
                    organization=organization, by=user, reason=options["reason"]
                )
                self.stdout.write(
                    f"Asked. Another network administrator confirms within "
                    f"{shredding.REQUEST_DAYS} days: manage.py shred_organization confirm "
                    f"{organization.short_name} --by THEIR-ADDRESS"
                )
            elif options["step"] == "cancel":
                shredding.shredding_cancel(organization=organization, by=user)
                self.stdout.write("The request is withdrawn.")
            else:
                self._confirm(organization, user)
        except shredding.ShreddingRefused as error:
            raise CommandError(str(error)) from error

    def _confirm(self, organization: Organization, user: Any) -> None:
        self.stdout.write(
            f"This destroys every data key of {organization.name} ({organization.short_name}). "
            "Its people, cases and evidence files can never be read again."
        )
        typed = input(f"Type the short name ({organization.short_name}) to go on: ")
        if typed.strip() != organization.short_name:
            raise CommandError("The short name was not typed: nothing was destroyed.")
        done = shredding.shredding_confirm(organization=organization, by=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"The data keys of {organization.short_name} were destroyed at "
                f"{done.shredded_at:%Y-%m-%d %H:%M:%S} UTC."
            )
        )
        self.stdout.write(
            "Backups taken before now still hold them: see docs/operations.md "
            '("Destroying an organization\'s data") for what to do with them and the master key.'
        )

    def _status(self, organization: Organization, request: Any) -> None:
        if request is None:
            self.stdout.write(f"No request to destroy the keys of {organization.short_name}.")
        elif request.shredded_at is not None:
            self.stdout.write(
                f"Destroyed at {request.shredded_at:%Y-%m-%d %H:%M} UTC: asked by "
                f"{request.requested_by.email}, confirmed by {request.confirmed_by.email}."
            )
        else:
            self.stdout.write(
                f"Asked by {request.requested_by.email} at "
                f"{request.requested_at:%Y-%m-%d %H:%M} UTC; waiting for a second administrator."
            )
