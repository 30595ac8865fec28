"""Verifying the audit trail: every chain recomputed, then held against every anchor.

Per entry: its position, its link to the entry before, and its hash (an HMAC under the audit
key that made it; plain SHA-256 for an entry written without the key — before the trail was
keyed, or by a bulk loader — which a keyed entry after it must seal: a chain must end keyed).

Per anchor (core.anchors): the entry at the anchored length must carry the anchored hash. A
rewritten entry contradicts every anchor written after it: the earliest is named. A chain that
ends before an anchor's length lost entries at its end, which is a problem, except in two cases:
- a "restored" anchor was written later for that chain (`manage.py restore` writes one once
  the restored trail passed its checks): the anchors before it that recorded more entries than
  the restored chain held describe entries lost with that restore, and are reported as such;
- verification runs with `restored_from`, the time the backup being restored was taken: an
  anchor written after that time may be ahead of the restored database (the entries written
  after the backup were lost), but an anchor written before it must be matched in full, and
  any entry the database does hold must match every anchor.
So a database restored from an older backup is not reported as forged, while one rewritten
(before or after the backup) contradicts an anchor.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from salvaguarda.core import anchors, audit_seal
from salvaguarda.core.models import AuditChain, AuditEvent


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    sequence: int
    reason: str
    # True when the entry could not be checked because its audit key is not configured: a
    # problem of the settings (a restore without the key file's audit key), not of the trail.
    missing_key: bool = False


@dataclass
class Report:
    checked: int = 0
    anchors: int = 0
    anchor_files: list[str] = field(default_factory=list)
    problems: list[ChainProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Expected:
    anchor: anchors.Anchor
    length: int
    hash: str


def _when(anchor: anchors.Anchor) -> str:
    return f"the anchor of {anchor.at.isoformat(timespec='seconds')} ({anchor.source})"


def _load(report: Report, paths: list[Path]) -> list[anchors.Anchor]:
    found: list[anchors.Anchor] = []
    for anchor, problem, source in anchors.read(paths):
        if anchor is None:
            report.problems.append(ChainProblem("anchors", 0, f"anchor {source} is {problem}"))
        else:
            found.append(anchor)
    found.sort(key=lambda a: a.at)
    report.anchors = len(found)
    return found


def _expectations(report: Report, found: list[anchors.Anchor]) -> dict[str, list[_Expected]]:
    by_chain: dict[str, list[_Expected]] = defaultdict(list)
    for anchor in found:
        for chain, (length, last_hash) in anchor.heads.items():
            by_chain[chain].append(_Expected(anchor, length, last_hash))
    for chain, expected in by_chain.items():
        restores = [e for e in expected if e.anchor.kind == "restored"]
        if not restores:
            continue
        restore = restores[-1]
        lost = [
            e for e in expected if e.anchor.at < restore.anchor.at and e.length > restore.length
        ]
        if lost:
            report.notes.append(
                f"chain {chain}: {len(lost)} anchors before the restore recorded in "
                f"{_when(restore.anchor)} hold entries lost with that restore (up to entry "
                f"{max(e.length for e in lost)}; the restored chain held {restore.length})."
            )
        lost_ids = {id(e) for e in lost}
        by_chain[chain] = [e for e in expected if id(e) not in lost_ids]
    return by_chain


def _check_entries(report: Report, chain: AuditChain, expected: list[_Expected]) -> int:
    """Recompute CHAIN and hold it against its anchors. Returns the last sequence found."""
    chain_keys = audit_seal.keys_for("chain")
    wanted: dict[int, list[_Expected]] = defaultdict(list)
    for item in expected:
        wanted[item.length].append(item)
    contradicted: list[tuple[_Expected, str]] = []
    previous, expected_sequence = audit_seal.GENESIS, 1
    # The first of the unkeyed entries since the last keyed one (0: none). An unkeyed entry is
    # safe once a keyed entry follows it: that entry's HMAC covers the hash before it.
    unsealed_from = 0
    unknown_keys: set[str] = set()
    queryset = AuditEvent.objects.filter(chain=chain).order_by("sequence")
    for event in queryset.iterator(chunk_size=5000):
        report.checked += 1
        problems = report.problems
        if event.sequence != expected_sequence:
            problems.append(ChainProblem(chain.key, expected_sequence, "missing entry"))
            expected_sequence = event.sequence
        if event.previous_hash != previous:
            problems.append(ChainProblem(chain.key, event.sequence, "broken link"))
        payload = audit_seal.payload_of(event)
        if not event.key_id:
            unsealed_from = unsealed_from or event.sequence
            digest = audit_seal.legacy_digest(event.previous_hash, payload)
        elif event.key_id in chain_keys:
            unsealed_from = 0
            digest = audit_seal.keyed_digest(chain_keys[event.key_id], event.previous_hash, payload)
        else:
            unsealed_from = 0
            digest = event.hash
            if event.key_id not in unknown_keys:
                unknown_keys.add(event.key_id)
                problems.append(
                    ChainProblem(
                        chain.key,
                        event.sequence,
                        f"made with audit key {event.key_id}, which is not configured "
                        "(SALVAGUARDA_AUDIT_KEY / SALVAGUARDA_PREVIOUS_AUDIT_KEYS): not verified",
                        missing_key=True,
                    )
                )
        if digest != event.hash:
            problems.append(ChainProblem(chain.key, event.sequence, "altered entry"))
        for item in wanted.get(event.sequence, ()):
            if item.hash != event.hash:
                contradicted.append((item, event.hash))
        previous = event.hash
        expected_sequence += 1
    last = expected_sequence - 1
    if unsealed_from:
        report.problems.append(
            ChainProblem(
                chain.key,
                unsealed_from,
                f"entries {unsealed_from} to {last}, at the end of the chain, are not sealed by "
                "the audit key (written or rewritten without it)",
            )
        )
    if chain.length != last or chain.last_hash != previous:
        report.problems.append(ChainProblem(chain.key, last, "entries removed at the end"))
    if contradicted:
        contradicted.sort(key=lambda pair: pair[0].anchor.at)
        first, found_hash = contradicted[0]
        later = len(contradicted) - 1
        report.problems.append(
            ChainProblem(
                chain.key,
                first.length,
                f"hash {found_hash[:16]}… contradicts {_when(first.anchor)}, which recorded "
                f"{first.hash[:16]}…: the trail was rewritten after that anchor"
                + (f" (and {later} later anchors disagree too)" if later else ""),
            )
        )
    return last


def _judge_behind(
    report: Report,
    chain: str,
    last: int,
    expected: list[_Expected],
    restored_from: datetime.datetime | None,
) -> None:
    """The anchors that recorded more entries than the chain holds."""
    ahead = [e for e in expected if e.length > last]
    if not ahead:
        return
    if restored_from is not None:
        after = [e for e in ahead if e.anchor.at > restored_from]
        if after:
            report.notes.append(
                f"chain {chain}: {len(after)} anchors written after the backup record up to "
                f"entry {max(e.length for e in after)}; the restored chain holds {last} "
                "(entries written after the backup are lost with the restore)."
            )
        ahead = [e for e in ahead if e.anchor.at <= restored_from]
        if not ahead:
            return
        reason = "before the backup was taken"
    else:
        reason = "earlier"
    first = ahead[0]
    report.problems.append(
        ChainProblem(
            chain,
            last,
            f"the chain ends at entry {last}, but {_when(first.anchor)}, written {reason}, "
            f"recorded {first.length} entries: entries were removed at the end",
        )
    )


def anchor_paths(extra: Iterable[Path] = (), *, configured: bool = True) -> list[Path]:
    paths = []
    path = anchors.anchor_file() if configured else None
    if path is not None and path.is_file():
        paths.append(path)
    return paths + [Path(p) for p in extra]


def verify(
    *,
    configured_anchors: bool = True,
    extra_anchor_files: Iterable[Path] = (),
    restored_from: datetime.datetime | None = None,
) -> Report:
    """Recompute every chain and hold it against the anchors (the configured file unless
    CONFIGURED_ANCHORS is false, and EXTRA_ANCHOR_FILES). RESTORED_FROM: see the module doc."""
    report = Report()
    paths = anchor_paths(extra_anchor_files, configured=configured_anchors)
    report.anchor_files = [str(p) for p in paths]
    expectations = _expectations(report, _load(report, paths))
    seen = set()
    for chain in AuditChain.objects.order_by("key"):
        seen.add(chain.key)
        expected = expectations.get(chain.key, [])
        last = _check_entries(report, chain, expected)
        _judge_behind(report, chain.key, last, expected, restored_from)
    for chain_key in sorted(set(expectations) - seen):
        _judge_behind(report, chain_key, 0, expectations[chain_key], restored_from)
    return report
