"""SQLite: a consistent copy through the online backup API, and its restore.

The copy is taken in one step (`pages=-1`): SQLite holds a read snapshot for the whole copy,
so in WAL mode writers go on and the copy is the database as it was at one instant, every
table from the same moment. Counts and the evidence files' names are then read from the copy
itself: the manifest describes exactly what the backup holds.
"""

import os
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from salvaguarda.core.backup.stream import BackupError

PART = "database.sqlite3"


def copy_database(source: Any, target: Path) -> None:
    """Copy the open sqlite3 connection SOURCE into a new file TARGET, then check it."""
    destination = sqlite3.connect(target)
    try:
        source.backup(destination, pages=-1)
        result = destination.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        destination.close()
    if result != "ok":
        raise BackupError(f"The copy of the database fails SQLite's integrity check: {result}")


def tables(path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
    return [row[0] for row in rows]


def read(path: Path, query: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            table: int(db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608
            for table in tables(path)
        }
    finally:
        db.close()


def is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    return not tables(path)


def restore_database(part: Path, target: Path) -> None:
    """Write the backed-up database PART into TARGET (empty: checked by the caller). It is
    written to a temporary file beside TARGET and renamed over it only once whole and checked:
    a restore that fails (a full disk, a damaged part, the process stopped) leaves TARGET as it
    was, and no partly written database anywhere."""
    temporary = target.with_name(f".{target.name}.restoring-{secrets.token_hex(4)}")
    try:
        source = sqlite3.connect(f"file:{part}?mode=ro", uri=True)
        destination = sqlite3.connect(temporary)
        try:
            source.backup(destination, pages=-1)
            destination.execute("PRAGMA journal_mode=WAL")
            result = destination.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            source.close()
            destination.close()  # the last connection: the WAL is checkpointed and removed
        if result != "ok":
            raise BackupError(f"The restored database fails SQLite's check: {result}")
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        # The empty TARGET's own journal must not be replayed into the restored file.
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, target)
    finally:
        for name in (str(temporary), f"{temporary}-wal", f"{temporary}-shm"):
            Path(name).unlink(missing_ok=True)
