"""The second-factor command that `make run` prints works when typed as printed, in a shell
where nothing (no Makefile) has set the environment to development."""

import os
import re
import shlex
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase

from salvaguarda.accounts import demo

# What the shell of someone who did not go through the Makefile holds: none of the app's own
# settings (the test run's are development ones).
APP_VARIABLES = ("SALVAGUARDA_", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")


def _shell_environment(var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(APP_VARIABLES)}
    # Only the data directory is set apart, so the run touches nothing of the developer's.
    env["SALVAGUARDA_VAR_DIR"] = var_dir
    return env


class DemoCodeCommandTest(SimpleTestCase):
    def printed_command(self, var_dir: str) -> str:
        (Path(var_dir) / "demo-logins.txt").write_text("Password: x\n", encoding="utf-8")
        out = StringIO()
        with (
            self.settings(VAR_DIR=var_dir),
            mock.patch.object(demo, "demo_exists", return_value=True),
        ):
            call_command("seed_demo", "--if-empty", stdout=out)
        commands = re.findall(r"`([^`]*demo_code[^`]*)`", out.getvalue())
        self.assertEqual(len(commands), 1, out.getvalue())
        return commands[0]

    def test_the_printed_command_runs_outside_the_makefile(self) -> None:
        with tempfile.TemporaryDirectory() as var_dir:
            command = self.printed_command(var_dir)
            env = _shell_environment(var_dir)
            python = shlex.quote(sys.executable)
            # The command as printed, with the project's interpreter and an address in place
            # of EMAIL; its database is made first, empty, with the same environment prefix.
            typed = command.replace(".venv/bin/python", python).replace(
                "EMAIL", "caso.tij@demo.example.org"
            )
            migrate = typed.split(" manage.py ")[0] + " manage.py migrate --noinput -v0"
            for line in (migrate, typed):
                ran = subprocess.run(  # noqa: S603 - our own command, from our own output
                    ["/bin/sh", "-c", line],  # noqa: S607
                    cwd=settings.BASE_DIR,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
                self.assertNotIn("is required in production", ran.stderr)
            # It reached the command itself: the empty database has no demo account.
            self.assertIn("No demo account matches.", ran.stderr)

    def test_without_the_prefix_the_command_is_refused_as_production(self) -> None:
        # The failure the printed prefix avoids: the bare command, in the same shell.
        with tempfile.TemporaryDirectory() as var_dir:
            ran = subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", "demo_code", "caso.tij@demo.example.org"],
                cwd=settings.BASE_DIR,
                env=_shell_environment(var_dir),
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
        self.assertIn("SECRET_KEY (or SECRET_KEY_FILE) is required in production", ran.stderr)
