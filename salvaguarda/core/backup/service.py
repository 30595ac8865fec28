"""The backup as the commands and the scheduled task run it, with its settings."""

import datetime
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.utils import timezone

from salvaguarda.core import anchors, audit, keys
from salvaguarda.core.backup import keyfile
from salvaguarda.core.backup.archive import Made, backup_make, backups_prune
from salvaguarda.core.backup.stream import BackupError
from salvaguarda.lib import crypto

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Run:
    made: Made
    removed: list[Path]


def backup_key() -> bytes:
    """The configured backup key: 32 bytes, and never the master key."""
    text = settings.SALVAGUARDA_BACKUP_KEY
    if not text:
        raise BackupError(
            "SALVAGUARDA_BACKUP_KEY (or SALVAGUARDA_BACKUP_KEY_FILE) is not set. "
            "See docs/configuration.md."
        )
    try:
        key = crypto.decode_key(text)
    except ValueError as exc:
        raise BackupError("SALVAGUARDA_BACKUP_KEY must be 32 bytes in URL-safe base64.") from exc
    if crypto.key_fingerprint(key) in keys.master_keys():
        raise BackupError(
            "SALVAGUARDA_BACKUP_KEY is a master key: a backup must be sealed with a key of its "
            "own, so that the backup and its key never hold the master key."
        )
    return key


def _postgres_settings() -> dict[str, Any] | None:
    url = settings.SALVAGUARDA_BACKUP_DATABASE_URL
    return dict(dj_database_url.parse(url)) if url else None


def backup_run(*, directory: Path | None = None, keep: int | None = None) -> Run:
    """Take a backup, then (with KEEP) remove all but the KEEP newest ones of the folder."""
    folder = directory or Path(settings.SALVAGUARDA_BACKUP_DIR)
    made = backup_make(
        directory=folder,
        key=backup_key(),
        evidence_dir=Path(settings.SALVAGUARDA_EVIDENCE_DIR),
        postgres_settings=_postgres_settings(),
        pg_bin_dir=settings.SALVAGUARDA_BACKUP_PG_BIN_DIR,
    )
    # A backup is a copy of every organization's data: it is on the network's audit trail
    # (after the copy, so it is not in the backup itself).
    audit.record(
        action=audit.Action.EXPORT,
        object_type="core.backup",
        detail={
            "backup": made.path.name,
            "engine": made.manifest["engine"],
            "rows": sum(made.manifest["tables"].values()),
            "evidence_files": made.manifest["evidence"]["files_stored"],
        },
    )
    # The chains' heads as the backup left them, outside the database (core.anchors): a backup
    # restored later is judged against them. A failure to write it does not undo the backup.
    try:
        anchors.anchor_write("backup", detail={"backup": made.path.name})
    except (OSError, anchors.AnchorError):
        log.exception("The audit anchor after backup %s could not be written.", made.path.name)
    removed = backups_prune(folder, keep) if keep else []
    return Run(made=made, removed=removed)


def master_key_export(path: Path, passphrase: str) -> list[str]:
    """Write the configured master key(s), wrapped under PASSPHRASE, to a new file PATH
    (mode 0600). Returns the ids of the keys written."""
    current = settings.SALVAGUARDA_MASTER_KEY
    previous = list(settings.SALVAGUARDA_PREVIOUS_MASTER_KEYS)
    key_ids = list(keys.master_keys())
    now = timezone.now().astimezone(datetime.UTC).isoformat()
    try:
        text = keyfile.wrap_master_keys(
            current,
            previous,
            passphrase,
            key_ids=key_ids,
            created_at=now,
            audit={
                "current": settings.SALVAGUARDA_AUDIT_KEY,
                "previous": list(settings.SALVAGUARDA_PREVIOUS_AUDIT_KEYS),
            },
        )
    except keyfile.KeyFileError as error:
        raise BackupError(str(error)) from error
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupError(f"{path} exists already: choose a new file.") from exc
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    return key_ids
