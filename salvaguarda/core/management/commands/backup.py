import getpass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from salvaguarda.core.backup.service import backup_run, master_key_export
from salvaguarda.core.backup.stream import BackupError
from salvaguarda.core.backup.tasks import backup_schedule_next


class Command(BaseCommand):
    help = (
        "Take an encrypted backup (database, evidence files, a manifest of counts and SHA-256 "
        "digests) into BACKUP_DIR, sealed with SALVAGUARDA_BACKUP_KEY. On PostgreSQL it dumps "
        "as BACKUP_DATABASE_URL's role, which must bypass row-level security. The master key "
        "is never in a backup: export it apart with --export-master-key. docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output-dir", type=Path, help="Instead of BACKUP_DIR.")
        parser.add_argument(
            "--keep", type=int, help="Then remove all but this many newest backups there."
        )
        parser.add_argument(
            "--export-master-key",
            type=Path,
            metavar="FILE",
            help="Take no backup: write the master key(s) to FILE, wrapped under a passphrase.",
        )
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="With --export-master-key: read the passphrase from this file, not a prompt.",
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Take no backup: queue the scheduled backup (BACKUP_EVERY_HOURS) for the worker.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["export_master_key"]:
                self._export(options["export_master_key"], options["passphrase_file"])
            elif options["schedule"]:
                self._schedule()
            else:
                self._backup(options["output_dir"], options["keep"])
        except BackupError as error:
            raise CommandError(str(error)) from error

    def _backup(self, directory: Path | None, keep: int | None) -> None:
        run = backup_run(directory=directory, keep=keep)
        manifest = run.made.manifest
        size = run.made.path.stat().st_size
        self.stdout.write(f"Backup written: {run.made.path} ({size:,} bytes)")
        self.stdout.write(
            f"{manifest['engine']}: {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values()):,} rows (counted against the live database); "
            f"{manifest['evidence']['files_stored']:,} evidence files "
            f"({manifest['evidence']['bytes']:,} bytes); {run.made.seconds:.1f} s."
        )
        for path in run.removed:
            self.stdout.write(f"Removed an older backup: {path.name}")
        self.stdout.write(
            self.style.SUCCESS(
                "Done. Keep the backup key apart from the backups, and the master key (exported "
                "with --export-master-key) apart from both."
            )
        )

    def _export(self, path: Path, passphrase_file: Path | None) -> None:
        if passphrase_file:
            passphrase = passphrase_file.read_text(encoding="utf-8").strip()
        else:
            passphrase = getpass.getpass("Passphrase for the key file: ")
            if getpass.getpass("The same passphrase again: ") != passphrase:
                raise CommandError("The two passphrases differ; nothing was written.")
        key_ids = master_key_export(path, passphrase)
        self.stdout.write(f"Master key(s) {', '.join(key_ids)} written to {path}, wrapped.")
        self.stdout.write(
            "Keep the file offline (paper, a USB stick in a safe) and the passphrase with "
            "someone else. Open it with: python -m salvaguarda.core.backup.keyfile FILE"
        )

    def _schedule(self) -> None:
        if settings.SALVAGUARDA_BACKUP_EVERY_HOURS <= 0:
            raise CommandError("BACKUP_EVERY_HOURS is 0: scheduled backups are off.")
        when = backup_schedule_next()
        self.stdout.write(f"The next scheduled backup runs after {when:%Y-%m-%d %H:%M %Z}.")
