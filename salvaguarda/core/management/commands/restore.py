from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from salvaguarda.core.backup.restore import backup_restore
from salvaguarda.core.backup.service import backup_key
from salvaguarda.core.backup.stream import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database and evidence "
        "folder, both empty, then check it: row counts against the manifest, audit_verify, a "
        "sample of encrypted values and evidence files decrypted. Needs the backup key and the "
        "master key of the backup. On PostgreSQL run it as the tables' owner role, then "
        "grant_app_role. docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="The .sgbackup file.")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Only decrypt the backup and check every part's SHA-256; restore nothing.",
        )
        parser.add_argument(
            "--sample",
            type=int,
            default=20,
            help="Rows of each kind, and evidence files, to decrypt per organization (20).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(
                options["backup"],
                key=backup_key(),
                sample=options["sample"],
                pg_bin_dir=settings.SALVAGUARDA_BACKUP_PG_BIN_DIR,
                verify_only=options["verify_only"],
                say=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verify_only"]:
            self.stdout.write(self.style.SUCCESS("The backup can be restored."))
            return
        self.stdout.write(
            f"Restored {report.rows:,} rows in {report.tables} tables and "
            f"{report.files_restored:,} evidence files; decrypted {report.values_decrypted:,} "
            f"values and {report.files_checked:,} evidence files as a sample."
        )
        for note in report.notes:
            self.stdout.write(note)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"The restored data fails {len(report.problems)} checks: do not put it in "
                "service. Keep it for investigation, and try an earlier backup."
            )
        if report.migrations_to_apply:
            self.stdout.write(
                f"{report.migrations_to_apply} migrations are newer than the backup: run "
                "`manage.py migrate` now."
            )
        self.stdout.write(self.style.SUCCESS("Every check passed."))
        if report.manifest["engine"] == "postgresql":
            self.stdout.write(
                "Now grant the application's role its privileges: "
                "`manage.py grant_app_role <app role>`."
            )
