from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from salvaguarda.accounts import mfa
from salvaguarda.accounts.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current second-factor code of demo accounts (development only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email", nargs="?", help="One demo account; all of them if omitted.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEVELOPMENT:
            raise CommandError("Demo codes exist only in development.")
        devices = (
            TOTPDevice.objects.filter(is_demo=True).select_related("user").order_by("user__email")
        )
        if options["email"]:
            devices = devices.filter(user__email=options["email"].strip().lower())
        if not devices:
            raise CommandError("No demo account matches.")
        now = timezone.now()
        for device in devices:
            self.stdout.write(f"{mfa.code_at(mfa.open_secret(device), now)}  {device.user.email}")
