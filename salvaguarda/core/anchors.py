"""Anchors: the audit chains' heads, written where the database's owner cannot rewrite them.

Someone with full rights on the database (its owner, a superuser, a stolen backup restored
elsewhere) can disable the append-only triggers and rewrite entries. Without the audit key
(core.audit_seal) they cannot make the hashes verify; with it they could. An anchor stops both:
each line records, for every chain, its length and last hash at one moment, outside the
database — appended to a file on another disk (AUDIT_ANCHOR_FILE) and, optionally, to syslog
(AUDIT_ANCHOR_SYSLOG), from where a log server keeps its own copy. `audit_verify` checks the
chains against every anchor: a rewritten entry contradicts each anchor written after it.

A line is one JSON object with an HMAC under the audit key, so a line added by someone without
the key is refused. Kinds: "periodic" (the task worker, every AUDIT_ANCHOR_EVERY_MINUTES, only
when a head moved), "backup" (after each backup), "manual" (`manage.py audit_anchor`) and
"restored" (written by `manage.py restore` once the restored trail passed its checks: the
chains start again from the restored heads, and anchors of the entries lost with the restore
are no longer expected; see core.audit_check).
"""

import datetime
import hashlib
import hmac
import json
import logging
import logging.handlers
import os
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from salvaguarda.core import audit_seal

FORMAT = "salvaguarda-audit-anchor"
VERSION = 1
# A syslog message carries at most this many chains (a datagram must stay small).
SYSLOG_CHAINS = 20
TAIL_BYTES = 4 * 1024 * 1024
TASK_PATH = "salvaguarda.core.tasks.audit_anchor"

Heads = dict[str, tuple[int, str]]


class AnchorError(Exception):
    pass


@dataclass(frozen=True)
class Anchor:
    source: str  # where it was read: "file:line"
    at: datetime.datetime
    kind: str
    heads: Heads
    detail: dict[str, Any]


def anchor_file() -> Path | None:
    path = settings.SALVAGUARDA_AUDIT_ANCHOR_FILE
    return Path(path) if path else None


def current_heads() -> Heads:
    from salvaguarda.core.models import AuditChain

    return {
        key: (int(length), str(last_hash))
        for key, length, last_hash in AuditChain.objects.order_by("key").values_list(
            "key", "length", "last_hash"
        )
    }


def _mac(document: dict[str, Any], key: bytes) -> str:
    body = {k: v for k, v in document.items() if k != "mac"}
    return hmac.new(key, audit_seal.canonical(body).encode(), hashlib.sha256).hexdigest()


def _line(at: datetime.datetime, kind: str, heads: Heads, detail: dict[str, Any]) -> str:
    key_id, key = next(iter(audit_seal.keys_for("anchor").items()))
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "at": at.astimezone(datetime.UTC).isoformat(),
        "kind": kind,
        "heads": {chain: [length, last] for chain, (length, last) in sorted(heads.items())},
        "detail": detail,
        "key_id": key_id,
    }
    document["mac"] = _mac(document, key)
    return audit_seal.canonical(document)


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _syslog_handler(address: str) -> logging.handlers.SysLogHandler:
    if address.startswith("/"):
        return logging.handlers.SysLogHandler(address=address)
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise AnchorError("AUDIT_ANCHOR_SYSLOG must be a socket path (/dev/log) or host:port.")
    return logging.handlers.SysLogHandler(address=(host, int(port)), socktype=socket.SOCK_DGRAM)


def _to_syslog(address: str, at: datetime.datetime, kind: str, heads: Heads, detail: Any) -> None:
    handler = _syslog_handler(address)
    try:
        chains = sorted(heads)
        for start in range(0, max(len(chains), 1), SYSLOG_CHAINS):
            part = {chain: heads[chain] for chain in chains[start : start + SYSLOG_CHAINS]}
            message = f"salvaguarda: {_line(at, kind, part, detail)}"
            record = logging.LogRecord("salvaguarda", logging.INFO, "", 0, message, None, None)
            handler.emit(record)
    finally:
        handler.close()


def last_written() -> Anchor | None:
    """The last anchor of the configured file (None when there is none or it is unreadable)."""
    path = anchor_file()
    if path is None or not path.is_file():
        return None
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - TAIL_BYTES))
        lines = handle.read().decode("ascii", errors="replace").splitlines()
    for number, text in reversed(list(enumerate(lines))):
        anchor, _ = parse(text, f"{path}:?{number}")
        if anchor is not None:
            return anchor
    return None


def anchor_write(kind: str = "manual", *, detail: dict[str, Any] | None = None) -> Anchor | None:
    """Append the chains' heads to the anchor file (and syslog). A periodic anchor whose heads
    equal the last one's is not written. Returns what was written (None: nothing)."""
    path = anchor_file()
    address = settings.SALVAGUARDA_AUDIT_ANCHOR_SYSLOG
    if path is None and not address:
        return None
    heads = current_heads()
    # Taken after the heads were read: every entry an anchor holds existed at its time.
    at = timezone.now()
    if kind == "periodic":
        last = last_written()
        if last is not None and last.heads == heads:
            return None
    detail = detail or {}
    if path is not None:
        _append(path, _line(at, kind, heads, detail))
    if address:
        _to_syslog(address, at, kind, heads, detail)
    return Anchor(source=str(path or address), at=at, kind=kind, heads=heads, detail=detail)


def parse(text: str, source: str) -> tuple[Anchor | None, str]:
    """(anchor, "") for a valid anchor line; (None, why) for a line that claims to be one but
    is not sealed by a configured audit key; (None, "") for a line that is no anchor."""
    if FORMAT not in text:
        return None, ""
    start = text.find("{")
    try:
        document = json.loads(text[start:])
        keys = audit_seal.keys_for("anchor")
        key = keys.get(str(document.get("key_id")))
        if key is None:
            return None, "sealed by an audit key that is not configured"
        if not hmac.compare_digest(str(document.get("mac")), _mac(document, key)):
            return None, "not sealed by the audit key (forged or damaged)"
        heads = {
            str(chain): (int(length), str(last))
            for chain, (length, last) in document["heads"].items()
        }
        at = datetime.datetime.fromisoformat(document["at"])
        return Anchor(source, at, str(document["kind"]), heads, dict(document["detail"])), ""
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, "damaged (not a complete anchor line)"


def read(paths: Iterable[Path]) -> Iterator[tuple[Anchor | None, str, str]]:
    """(anchor or None, problem, source) for every anchor line of PATHS (others are skipped:
    an export of a syslog server holds other lines too)."""
    for path in paths:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                text = raw.decode("utf-8", errors="replace").strip()
                source = f"{path.name}:{number}"
                anchor, problem = parse(text, source)
                if anchor is not None or problem:
                    yield anchor, problem, source


# --- The periodic task ----------------------------------------------------------------------


def anchor_every() -> datetime.timedelta | None:
    minutes = settings.SALVAGUARDA_AUDIT_ANCHOR_EVERY_MINUTES
    if minutes <= 0 or (anchor_file() is None and not settings.SALVAGUARDA_AUDIT_ANCHOR_SYSLOG):
        return None
    return datetime.timedelta(minutes=minutes)


def anchor_schedule() -> datetime.datetime | None:
    """Queue the next periodic anchor, unless anchoring is off, the queue cannot defer tasks,
    or one is queued already. Returns when it will run."""
    from salvaguarda.core.tasks import audit_anchor

    every = anchor_every()
    if every is None or not audit_anchor.get_backend().supports_defer:
        return None
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend keeps its queue elsewhere
        return None
    from django.db import connection

    if DBTaskResult._meta.db_table not in connection.introspection.table_names():
        return None
    if DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists():
        return None
    run_after = timezone.now() + every
    audit_anchor.using(run_after=run_after).enqueue()
    return run_after


def after_migrate(**_: Any) -> None:
    """`post_migrate`: the periodic anchoring queued (as the periodic upkeep is)."""
    anchor_schedule()
