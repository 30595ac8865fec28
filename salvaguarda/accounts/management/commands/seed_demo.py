from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from salvaguarda.accounts import demo

# As typed in a shell: outside the Makefile nothing sets the environment to development, and
# production settings refuse to start without their secrets.
DEMO_CODE_COMMAND = "SALVAGUARDA_ENV=development .venv/bin/python manage.py demo_code EMAIL"


class Command(BaseCommand):
    help = "Create the synthetic demo network (development only) and print how to sign in."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the demo exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEVELOPMENT:
            raise CommandError(
                "The demo network is for development only (SALVAGUARDA_ENV=development)."
            )
        logins_file = Path(settings.VAR_DIR) / "demo-logins.txt"
        if demo.demo_exists():
            if not options["if_empty"]:
                raise CommandError("The demo network already exists.")
        else:
            password = demo.new_password()
            logins = demo.seed(password)
            lines = [
                f"Password for every demo account / Contraseña de todas las cuentas: {password}",
                "",
            ]
            lines += [f"  {login.email:<42} {login.roles}" for login in logins]
            logins_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
            logins_file.chmod(0o600)
        if logins_file.exists():
            self.stdout.write("\nDemo accounts / Cuentas de demostración\n")
            self.stdout.write(logins_file.read_text(encoding="utf-8"))
            self.stdout.write(
                "\nSecond factor / Segundo factor: run `make demo-code` (or "
                f"`{DEMO_CODE_COMMAND}`) to print the current 6-digit code.\n"
            )
