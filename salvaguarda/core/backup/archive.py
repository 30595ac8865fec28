"""What a backup holds, and taking one.

Inside the encrypted stream (stream.py) is a tar archive of:

    database.sqlite3 | database.pgdump   the database (sqlite.py, postgres.py)
    evidence/<organization id>/<name>    every evidence file, as stored (each is already
                                         encrypted with its own key, kept in the database)
    manifest.json                        last: the engine, the time, every table's row count,
                                         the evidence files the database refers to, the ids of
                                         the master keys that wrap the data keys, the applied
                                         migrations, and the size and SHA-256 of every part

The database is copied first and the evidence folder after it: a file is written before the
row that names it is committed, so every file the copy refers to is already on disk when the
folder is read. A file the copy refers to but the folder no longer holds (a photo replaced by
its copy without location while the backup ran) fails the backup; run it again.
"""

import datetime
import fcntl
import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.db import connections
from django.utils import timezone

from salvaguarda.core.backup import postgres, sqlite
from salvaguarda.core.backup.staging import leftovers_remove as restore_leftovers_remove
from salvaguarda.core.backup.stream import (
    CHUNK_SIZE,
    BackupDamaged,
    BackupError,
    DecryptingReader,
    EncryptingWriter,
)

FORMAT = "salvaguarda-backup"
VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
EVIDENCE_NAME = re.compile(r"evidence/(\d+)/([0-9a-f]{32})")
STORED_NAME = re.compile(r"[0-9a-f]{32}")
BACKUP_NAME = re.compile(r"salvaguarda-(\d{8}T\d{6}Z)\.sgbackup")


@dataclass(frozen=True)
class Made:
    path: Path
    manifest: dict[str, Any]
    seconds: float


class _Hashing:
    """Reads through to a file, keeping the SHA-256 and size of what was read."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _evidence_table() -> str | None:
    try:
        return str(apps.get_model("incidents", "EvidenceFile")._meta.db_table)
    except LookupError:
        return None


@dataclass
class _Database:
    """The database part, and what the manifest says of it."""

    engine: str
    part: Path
    tables: dict[str, int]
    evidence: list[tuple[int, str]]
    master_key_ids: list[str]
    migrations: dict[str, list[str]]
    details: dict[str, str]


def _migrations(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for app, name in rows:
        found.setdefault(str(app), []).append(str(name))
    return {app: sorted(names) for app, names in sorted(found.items())}


def _sqlite_part(staging: Path) -> _Database:
    connection = connections["default"]
    connection.ensure_connection()
    part = staging / sqlite.PART
    sqlite.copy_database(connection.connection, part)
    evidence_table = _evidence_table()
    evidence = (
        sqlite.read(part, f'SELECT organization_id, stored_name FROM "{evidence_table}"')  # noqa: S608
        if evidence_table
        else []
    )
    return _Database(
        engine="sqlite",
        part=part,
        tables=sqlite.counts(part),
        evidence=[(int(org), str(name)) for org, name in evidence],
        master_key_ids=[
            str(row[0])
            for row in sqlite.read(part, "SELECT DISTINCT master_key_id FROM core_organizationkey")
        ],
        migrations=_migrations(sqlite.read(part, "SELECT app, name FROM django_migrations")),
        details={"sqlite_version": str(sqlite.read(part, "SELECT sqlite_version()")[0][0])},
    )


def _postgres_part(staging: Path, settings_dict: dict[str, Any], bin_dir: str) -> _Database:
    part = staging / postgres.PART
    with postgres.snapshot(settings_dict) as snap:
        pg_dump_version = postgres.dump(snap, settings_dict, part, bin_dir)
        tables = snap.counts()
        evidence_table = _evidence_table()
        evidence = (
            snap.query(f'SELECT organization_id, stored_name FROM "{evidence_table}"')  # noqa: S608
            if evidence_table
            else []
        )
        master_key_ids = [
            str(row[0])
            for row in snap.query("SELECT DISTINCT master_key_id FROM core_organizationkey")
        ]
        migrations = _migrations(snap.query("SELECT app, name FROM django_migrations"))
        major, server_version = snap.major, snap.version
    dumped = postgres.dump_counts(part, major, bin_dir)
    differences = [
        f"{table}: {count} in the database, {dumped.get(table, 0)} in the dump"
        for table, count in tables.items()
        if dumped.get(table, 0) != count
    ]
    if differences:
        raise BackupError(
            "The dump does not hold every row of the database; nothing was kept. "
            + "; ".join(differences[:10])
        )
    return _Database(
        engine="postgresql",
        part=part,
        tables=tables,
        evidence=[(int(org), str(name)) for org, name in evidence],
        master_key_ids=master_key_ids,
        migrations=migrations,
        details={"server_version": server_version, "pg_dump": pg_dump_version},
    )


def _add(archive: tarfile.TarFile, name: str, source: IO[bytes], size: int) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    hashing = _Hashing(source)
    archive.addfile(info, hashing)
    return {"name": name, "size": hashing.size, "sha256": hashing.digest.hexdigest()}


def _evidence_files(evidence_dir: Path) -> list[tuple[int, str, Path]]:
    found: list[tuple[int, str, Path]] = []
    if not evidence_dir.is_dir():
        return found
    for folder in sorted(evidence_dir.iterdir()):
        if not (folder.is_dir() and folder.name.isdigit()):
            continue
        for file in sorted(folder.iterdir()):
            if STORED_NAME.fullmatch(file.name) and file.is_file():
                found.append((int(folder.name), file.name, file))
    return found


@contextmanager
def _only_backup(directory: Path) -> Iterator[None]:
    """One backup at a time into DIRECTORY; what a backup killed half-way left there (a clear
    copy of the database in a staging folder, an unfinished file) is removed first."""
    lock = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BackupError(f"Another backup is being written into {directory}.") from exc
        for stale in directory.glob(".staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for unfinished in directory.glob(".salvaguarda-*.partial"):
            unfinished.unlink(missing_ok=True)
        yield
    finally:
        os.close(lock)


def backup_name(now: Any) -> str:
    return f"salvaguarda-{now.strftime('%Y%m%dT%H%M%SZ')}.sgbackup"


def backup_make(
    *,
    directory: Path,
    key: bytes,
    evidence_dir: Path,
    postgres_settings: dict[str, Any] | None = None,
    pg_bin_dir: str = "",
    chunk_size: int = CHUNK_SIZE,
) -> Made:
    """Take a backup into DIRECTORY. Nothing is left there unless it is complete."""
    started = time.monotonic()
    now = timezone.now().astimezone(datetime.UTC)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _only_backup(directory):
        # A restore killed half-way left its clear copy beside the evidence folder: removed.
        restore_leftovers_remove(evidence_dir.parent)
        path = directory / backup_name(now)
        if path.exists():
            raise BackupError(f"{path} exists already; wait a second and run the backup again.")
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))
        try:
            if connections["default"].vendor == "postgresql":
                settings_dict = postgres_settings or connections["default"].settings_dict
                database = _postgres_part(staging, settings_dict, pg_bin_dir)
            else:
                database = _sqlite_part(staging)
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": now.isoformat(),
                "engine": database.engine,
                "database": {"part": database.part.name, **database.details},
                "tables": database.tables,
                "master_key_ids": sorted(set(database.master_key_ids)),
                "migrations": database.migrations,
            }
            with EncryptingWriter(path, key, chunk_size=chunk_size) as writer:
                _write_archive(writer, database, evidence_dir, manifest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Made(path=path, manifest=manifest, seconds=time.monotonic() - started)


def _write_archive(
    writer: EncryptingWriter, database: _Database, evidence_dir: Path, manifest: dict[str, Any]
) -> None:
    """The database part, every evidence file, then MANIFEST completed with the parts."""
    parts: list[dict[str, Any]] = []
    stored: set[tuple[int, str]] = set()
    evidence_bytes = 0
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as archive:  # type: ignore[call-overload]
        with database.part.open("rb") as source:
            size = os.fstat(source.fileno()).st_size
            parts.append(_add(archive, database.part.name, source, size))
        database.part.unlink()
        for organization_id, name, file in _evidence_files(evidence_dir):
            try:
                source = file.open("rb")
            except FileNotFoundError:
                continue  # removed since the folder was listed
            with source:
                size = os.fstat(source.fileno()).st_size
                parts.append(_add(archive, f"evidence/{organization_id}/{name}", source, size))
            stored.add((organization_id, name))
            evidence_bytes += size
        missing = sorted(set(database.evidence) - stored)
        if missing:
            raise BackupError(
                f"{len(missing)} evidence files the database refers to are not in "
                f"{evidence_dir} (e.g. {missing[0][0]}/{missing[0][1]}). If files changed "
                "while the backup ran, run it again; otherwise restore the folder from an "
                "earlier backup."
            )
        manifest["evidence"] = {
            "files_referenced": len(database.evidence),
            "files_stored": len(stored),
            "bytes": evidence_bytes,
        }
        manifest["parts"] = parts
        encoded = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(encoded), 0o600, int(time.time())
        archive.addfile(info, _BytesSource(encoded))


class _BytesSource:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.position + size
        chunk = self.data[self.position : end]
        self.position += len(chunk)
        return chunk


def backup_open(path: Path, key: bytes, staging: Path) -> dict[str, Any]:
    """Decrypt the whole backup into STAGING and check every part against the manifest.
    Returns the manifest; raises WrongBackupKey or BackupDamaged (nothing trusted yet)."""
    received: dict[str, dict[str, Any]] = {}
    with DecryptingReader(path, key) as reader:
        try:
            with tarfile.open(fileobj=reader, mode="r|") as archive:  # type: ignore[call-overload]
                manifest = _receive(path, archive, staging, received)
        except (tarfile.TarError, EOFError, ValueError) as exc:
            # Authenticated bytes that are not a well-formed archive: not made by this command.
            raise BackupDamaged(f"{path} holds no archive this version can read: {exc}") from exc
    if manifest is None or manifest.get("format") != FORMAT:
        raise BackupDamaged(f"{path} has no manifest: it is incomplete.")
    if manifest.get("version") != VERSION:
        raise BackupDamaged(f"{path} is of a backup format this version does not read.")
    listed = {part["name"]: part for part in manifest["parts"]}
    if set(listed) != set(received):
        raise BackupDamaged(
            f"{path}: its parts differ from those its manifest lists "
            f"({len(received)} found, {len(listed)} listed)."
        )
    for name, found in received.items():
        if found["size"] != listed[name]["size"] or found["sha256"] != listed[name]["sha256"]:
            raise BackupDamaged(f"{path}: {name} does not match its SHA-256 in the manifest.")
    return manifest


def _receive(
    path: Path, archive: tarfile.TarFile, staging: Path, received: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    """Write each part of the archive into STAGING, noting its size and SHA-256 in RECEIVED.
    Returns the manifest, if the archive has one."""
    manifest: dict[str, Any] | None = None
    for member in archive:
        if not member.isreg():
            raise BackupDamaged(f"{path} holds an unexpected entry ({member.name!r}).")
        source = archive.extractfile(member)
        assert source is not None  # noqa: S101 - a regular file has contents
        if member.name == MANIFEST:
            if member.size > MAX_MANIFEST_BYTES:
                raise BackupDamaged(f"{path}: its manifest is too large.")
            manifest = json.loads(source.read())  # a JSONDecodeError is a ValueError
            continue
        known = member.name in {sqlite.PART, postgres.PART} or EVIDENCE_NAME.fullmatch(member.name)
        if not known:
            raise BackupDamaged(f"{path} holds an unexpected entry ({member.name!r}).")
        if member.name in received:
            raise BackupDamaged(f"{path} holds {member.name!r} twice.")
        target = staging / member.name
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        hashing = _Hashing(source)
        with target.open("xb") as out:
            os.fchmod(out.fileno(), 0o600)
            shutil.copyfileobj(hashing, out, 1024 * 1024)
        received[member.name] = {"size": hashing.size, "sha256": hashing.digest.hexdigest()}
    return manifest


def backups_in(directory: Path) -> list[Path]:
    """The backups this command made in DIRECTORY, oldest first (by the time in their name)."""
    if not directory.is_dir():
        return []
    return sorted(
        (path for path in directory.iterdir() if BACKUP_NAME.fullmatch(path.name)),
        key=lambda path: path.name,
    )


def backups_prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the KEEP newest backups of DIRECTORY. Returns those removed."""
    if keep < 1:
        raise BackupError("At least one backup must be kept.")
    found = backups_in(directory)
    removed = found[:-keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
