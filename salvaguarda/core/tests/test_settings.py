"""Production settings: refuse to start without secrets, and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from salvaguarda.lib.crypto import encode_key, new_key


def manage(*args: str, env: dict[str, str], tmp: Path) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SALVAGUARDA_", "DATABASE_URL", "SECRET_KEY"))
    }
    base.update({"SALVAGUARDA_VAR_DIR": str(tmp), "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3"})
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


class ProductionSettingsTest(SimpleTestCase):
    def setUp(self) -> None:
        import tempfile

        self.tmp = Path(tempfile.mkdtemp())
        self.secrets = {
            "SALVAGUARDA_ENV": "production",
            "SECRET_KEY": "x" * 10 + encode_key(new_key()),
            "SALVAGUARDA_MASTER_KEY": encode_key(new_key()),
            "SALVAGUARDA_AUDIT_KEY": encode_key(new_key()),
            "ALLOWED_HOSTS": "salvaguarda.example.org",
        }

    def test_production_refuses_to_start_without_secrets(self) -> None:
        result = manage("check", env={"SALVAGUARDA_ENV": "production"}, tmp=self.tmp)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY", result.stderr)
        self.assertFalse((self.tmp / "secrets").exists())

    def test_deploy_check_passes_on_production_settings(self) -> None:
        result = manage(
            "check", "--deploy", "--fail-level", "WARNING", env=self.secrets, tmp=self.tmp
        )
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)

    def test_secrets_can_come_from_files(self) -> None:
        master = self.tmp / "master.key"
        master.write_text(self.secrets.pop("SALVAGUARDA_MASTER_KEY"))
        env = {**self.secrets, "SALVAGUARDA_MASTER_KEY_FILE": str(master)}
        result = manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp=self.tmp)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_development_generates_its_secrets_into_var(self) -> None:
        result = manage("check", env={"SALVAGUARDA_ENV": "development"}, tmp=self.tmp)
        self.assertEqual(result.returncode, 0, result.stderr)
        secret_files = sorted(p.name for p in (self.tmp / "secrets").iterdir())
        self.assertEqual(
            secret_files,
            [
                "salvaguarda_audit_key",
                "salvaguarda_backup_key",
                "salvaguarda_master_key",
                "secret_key",
            ],
        )
        secrets = self.tmp / "secrets"
        self.assertNotEqual(
            (secrets / "salvaguarda_backup_key").read_text(),
            (secrets / "salvaguarda_master_key").read_text(),
        )
        self.assertEqual((self.tmp / "secrets" / "secret_key").stat().st_mode & 0o777, 0o600)
