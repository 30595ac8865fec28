"""The restore's staging folders: one restore at a time, and what a killed one left removed.

A restore decrypts the whole backup into a staging folder beside the evidence folder
(`.salvaguarda-restore-…`: the database and the evidence files in clear) and removes it when it
ends. A restore killed half-way (SIGKILL, a power cut) cannot remove it: the next restore removes
it before it makes its own, and so does every backup run (`archive.backup_make`), so that no clear
copy stays on the disk for long. Both take the same lock, `.salvaguarda-restore.lock` beside the
staging folders, for the time they look at them: a staging folder found while holding it belongs
to no running restore (the lock is released by the system when its process dies, however it dies).
"""

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from salvaguarda.core.backup.stream import BackupError

PREFIX = ".salvaguarda-restore-"
LOCK = ".salvaguarda-restore.lock"


def _leftovers_remove(parent: Path) -> list[Path]:
    removed = []
    for stale in sorted(parent.glob(PREFIX + "*")):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
        removed.append(stale)
    return removed


@contextmanager
def _locked(parent: Path, *, wait: bool) -> Iterator[bool]:
    """The restore lock of PARENT: yields whether it was taken (False: a restore is running)."""
    lock = os.open(parent / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(lock)


@contextmanager
def only_restore(parent: Path) -> Iterator[list[Path]]:
    """For the whole of a restore: no other restore beside the same evidence folder, and the
    staging folders earlier restores left removed first (yielded: what was removed)."""
    parent.mkdir(parents=True, exist_ok=True)
    with _locked(parent, wait=False) as taken:
        if not taken:
            raise BackupError(f"Another restore is running into {parent}.")
        yield _leftovers_remove(parent)


def leftovers_remove(parent: Path) -> list[Path]:
    """What killed restores left in PARENT, removed unless a restore is running there now."""
    if not parent.is_dir() or not any(parent.glob(PREFIX + "*")):
        return []
    with _locked(parent, wait=False) as taken:
        return _leftovers_remove(parent) if taken else []
