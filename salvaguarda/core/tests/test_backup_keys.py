"""The backup key is never the master key; the master key leaves only wrapped, on request."""

import io
import json
import stat
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, override_settings

from salvaguarda.core.backup import keyfile
from salvaguarda.core.backup.service import backup_key
from salvaguarda.core.backup.stream import BackupError
from salvaguarda.lib import crypto

MASTER = crypto.encode_key(crypto.new_key())
FORMER = crypto.encode_key(crypto.new_key())
AUDIT = crypto.encode_key(crypto.new_key())
PASSPHRASE = "caballo correcto grapa batería"


@override_settings(
    SALVAGUARDA_MASTER_KEY=MASTER,
    SALVAGUARDA_PREVIOUS_MASTER_KEYS=[FORMER],
    SALVAGUARDA_AUDIT_KEY=AUDIT,
    SALVAGUARDA_PREVIOUS_AUDIT_KEYS=[],
)
class MasterKeyExportTests(SimpleTestCase):
    def setUp(self) -> None:
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (self.folder / "passphrase").write_text(PASSPHRASE + "\n")

    def export(self, name: str = "master-key.json") -> Path:
        path = self.folder / name
        call_command(
            "backup",
            export_master_key=path,
            passphrase_file=self.folder / "passphrase",
            stdout=io.StringIO(),
        )
        return path

    def test_the_exported_file_opens_with_its_passphrase_only(self) -> None:
        text = self.export().read_text()
        self.assertNotIn(MASTER, text)
        self.assertNotIn(FORMER, text)
        self.assertNotIn(AUDIT, text)
        self.assertEqual(
            keyfile.unwrap_master_keys(text, PASSPHRASE),
            {"current": MASTER, "previous": [FORMER], "audit": {"current": AUDIT, "previous": []}},
        )
        with self.assertRaisesMessage(keyfile.KeyFileError, "Wrong passphrase"):
            keyfile.unwrap_master_keys(text, PASSPHRASE.replace("grapa", "grapas"))

    def test_the_file_is_readable_by_its_owner_only_and_never_overwritten(self) -> None:
        path = self.export()
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
        before = path.read_text()
        with self.assertRaisesMessage(CommandError, "exists already"):
            self.export()
        self.assertEqual(path.read_text(), before)

    def test_changed_parameters_do_not_open(self) -> None:
        document = json.loads(self.export().read_text())
        document["key_ids"] = ["0123456789abcdef"]
        with self.assertRaisesMessage(keyfile.KeyFileError, "altered"):
            keyfile.unwrap_master_keys(json.dumps(document), PASSPHRASE)

    def test_a_short_passphrase_is_refused(self) -> None:
        (self.folder / "passphrase").write_text("corta")
        with self.assertRaisesMessage(CommandError, "at least 16 characters"):
            self.export()
        self.assertFalse((self.folder / "master-key.json").exists())

    def test_it_opens_without_django_settings_from_the_command_line(self) -> None:
        path = self.export()
        out = io.StringIO()
        with (
            mock.patch("getpass.getpass", return_value=PASSPHRASE),
            mock.patch("sys.stdout", out),
        ):
            self.assertEqual(keyfile.main([str(path)]), 0)
        self.assertIn(f"SALVAGUARDA_MASTER_KEY={MASTER}", out.getvalue())
        self.assertIn(f"SALVAGUARDA_PREVIOUS_MASTER_KEYS={FORMER}", out.getvalue())
        self.assertIn(f"SALVAGUARDA_AUDIT_KEY={AUDIT}", out.getvalue())


@override_settings(SALVAGUARDA_MASTER_KEY=MASTER, SALVAGUARDA_PREVIOUS_MASTER_KEYS=[FORMER])
class BackupKeyTests(SimpleTestCase):
    def test_the_master_key_or_a_former_one_is_refused_as_backup_key(self) -> None:
        for key in (MASTER, FORMER):
            with (
                self.subTest(key=key),
                override_settings(SALVAGUARDA_BACKUP_KEY=key),
                self.assertRaisesMessage(BackupError, "is a master key"),
            ):
                backup_key()

    def test_a_missing_or_malformed_backup_key_is_refused(self) -> None:
        for value, message in (("", "is not set"), ("not-a-key", "32 bytes")):
            with (
                self.subTest(value=value),
                override_settings(SALVAGUARDA_BACKUP_KEY=value),
                self.assertRaisesMessage(BackupError, message),
            ):
                backup_key()

    def test_a_key_of_its_own_is_taken(self) -> None:
        key = crypto.new_key()
        with override_settings(SALVAGUARDA_BACKUP_KEY=crypto.encode_key(key)):
            self.assertEqual(backup_key(), key)
