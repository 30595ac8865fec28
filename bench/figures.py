"""The benchmark's figures: which ones, their targets, the committed results and the table.

`bench/results/<part>-<db>.json` holds the figures committed for a part ("reception-<scale>",
"letters") and a database, with the machine, the commit and the date they were measured on;
every run prints its figures beside them with the difference. `python -m bench.run --save`
(`make bench SAVE=1`) writes them. A target is set for one scale (and sometimes one
database) and judged only there.
"""

import datetime
import json
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import common


@dataclass(frozen=True)
class Target:
    """A figure's goal, set for one scale (and sometimes one database) only."""

    limit: float
    scale: int
    at_least: bool = False  # a rate or a recall: the figure must reach the limit
    db: str | None = None
    inclusive: bool = False  # at most the limit (else under it)

    def text(self) -> str:
        sign = "≥" if self.at_least else "≤" if self.inclusive else "<"
        where = f" {'PG' if self.db == 'postgresql' else 'SQLite'}" if self.db else ""
        return f"{sign} {self.limit:g} at {short(self.scale)}{where}"

    def met(self, value: Any) -> bool:
        if self.at_least:
            return bool(value >= self.limit)
        return bool(value <= self.limit if self.inclusive else value < self.limit)


@dataclass(frozen=True)
class Figure:
    key: str  # its name in bench/results/*.json
    title: str
    path: tuple[str, ...]  # where it is in a database's results
    target: Target | None = None
    spread: tuple[str, ...] | None = None  # where the spread of its runs is, in percent


MILLION = 1_000_000


def short(scale: int) -> str:
    return f"{scale // MILLION}M" if scale % MILLION == 0 else f"{scale // 1000}k"


def http_rows(page: str, name: str, p95: Target | None = None) -> list[Figure]:
    return [
        Figure(f"http_{page}_p50_ms", f"{name} p50 (ms)", ("http", page, "latency_ms", "p50")),
        Figure(
            f"http_{page}_p95_ms",
            f"{name} p95 (ms)",
            ("http", page, "latency_ms", "p95"),
            p95,
            spread=("http", page, "spread_pct", "p95"),
        ),
        Figure(
            f"http_{page}_rps",
            f"{name} (req/s)",
            ("http", page, "rps"),
            Target(20, MILLION, at_least=True, db="postgresql") if page == "at_risk" else None,
            spread=("http", page, "spread_pct", "rps"),
        ),
        Figure(f"http_{page}_failed", f"{name}: failed requests", ("http", page, "failed")),
    ]


def floor_rows(page: str, name: str, target: Target | None = None) -> list[Figure]:
    return [
        Figure(
            f"floor_{page}_page_ms", f"{name}: in process p50 (ms)", ("floor", page, "page_p50_ms")
        ),
        Figure(
            f"floor_{page}_sql_ms",
            f"{name}: its SQL alone p50 (ms)",
            ("floor", page, "floor_p50_ms"),
        ),
        Figure(f"floor_{page}_queries", f"{name}: queries", ("floor", page, "queries_p50")),
        Figure(f"floor_{page}_ratio", f"{name}: × its SQL", ("floor", page, "ratio"), target),
    ]


# The targets (ENGINEERING.md, issue 16) are for 1,000,000 people on the 2-core machine, but
# the person page's own cost, set at 10,000 people on PostgreSQL.
FIGURES: list[Figure] = [
    Figure("generation_people_per_s", "generation (people/s)", ("generation", "people_per_second")),
    Figure("generation_s", "generation (s)", ("generation", "generation_seconds")),
    Figure(
        "size_mb_per_100k", "database size (MB per 100k people)", ("size", "mb_per_100k_people")
    ),
    Figure(
        "registration_families_per_s",
        "registration (families/s)",
        ("registration", "families_per_second"),
    ),
    Figure(
        "registration_people_per_s",
        "registration (people/s)",
        ("registration", "people_per_second"),
    ),
    Figure("search_exact_p50_ms", "search exact p50 (ms)", ("search", "exact", "p50_ms")),
    Figure(
        "search_exact_p95_ms",
        "search exact p95 (ms)",
        ("search", "exact", "p95_ms"),
        Target(100, MILLION),
    ),
    Figure("search_tolerant_p50_ms", "search tolerant p50 (ms)", ("search", "tolerant", "p50_ms")),
    Figure(
        "search_tolerant_p95_ms",
        "search tolerant p95 (ms)",
        ("search", "tolerant", "p95_ms"),
        Target(100, MILLION),
    ),
    Figure(
        "search_exact_page_1",
        "search found on page 1, exact",
        ("search", "exact", "found_on_first_page"),
    ),
    Figure(
        "search_tolerant_page_1",
        "search found on page 1, tolerant",
        ("search", "tolerant", "found_on_first_page"),
    ),
    Figure(
        "quality_recall_at_1",
        "search quality: recall@1",
        ("search_quality", "page", "recall_at_1"),
        Target(0.90, MILLION, at_least=True),
    ),
    Figure(
        "quality_recall_page_1",
        "search quality: on page 1",
        ("search_quality", "page", "recall_at_page_1"),
        Target(0.99, MILLION, at_least=True),
    ),
    Figure(
        "quality_p95_ms",
        "search quality: p95 (ms)",
        ("search_quality", "page", "p95_ms"),
        Target(100, MILLION),
    ),
    *floor_rows("person", "person page", Target(3, 10_000, db="postgresql", inclusive=True)),
    *floor_rows("list", "people list"),
    *floor_rows("at_risk", "at-risk list"),
    *http_rows("person", "HTTP person page", Target(100, MILLION)),
    Figure(
        "http_person_p95_over_p50",
        "HTTP person page p95 / p50",
        ("http", "person", "p95_over_p50"),
        Target(3, MILLION, db="sqlite", inclusive=True),
    ),
    *http_rows("list", "HTTP list page", Target(150, MILLION)),
    *http_rows("search", "HTTP list search", Target(100, MILLION)),
    Figure(
        "court_generation_s", "court: generation (s)", ("court", "generation", "generation_seconds")
    ),
    Figure(
        "court_hearings", "court: hearings generated", ("court", "generation", "counts", "hearings")
    ),
    Figure(
        "court_at_risk_p95_ms",
        "court: at-risk query p95 (ms)",
        ("court", "queries", "at_risk", "p95_ms"),
    ),
    Figure(
        "court_week_p95_ms", "court: week query p95 (ms)", ("court", "queries", "week", "p95_ms")
    ),
    *http_rows("at_risk", "HTTP at-risk list", Target(400, MILLION, db="postgresql")),
    *http_rows("at_risk_court", "HTTP at-risk, one court"),
    *http_rows("week", "HTTP week calendar"),
    *http_rows("week_port", "HTTP week, one port"),
    Figure("reminders_per_s", "reminders dispatched (per s)", ("court", "dispatch", "per_second")),
    Figure(
        "incidents_generation_s",
        "incidents: generation (s)",
        ("incidents", "generation", "generation_seconds"),
    ),
    Figure(
        "incidents_list_p50_ms", "incidents: list query p50 (ms)", ("incidents", "list", "p50_ms")
    ),
    Figure(
        "incidents_list_p95_ms", "incidents: list query p95 (ms)", ("incidents", "list", "p95_ms")
    ),
    *http_rows("incidents", "HTTP incident list"),
    Figure(
        "upload_pdf_mb_per_s",
        "evidence upload, 20 MB PDFs (MB/s)",
        ("incidents", "uploads", "document_20mb", "mb_per_second"),
    ),
    Figure(
        "upload_photo_mb_per_s",
        "evidence upload, 4 MB photos (MB/s)",
        ("incidents", "uploads", "photo_4mb", "mb_per_second"),
    ),
    Figure("load_rps", "load test (req/s)", ("load", "rps")),
    Figure("load_p95_ms", "load test p95 (ms)", ("load", "p95_ms"), Target(500, MILLION)),
    Figure("load_errors", "load test errors", ("load", "errors")),
]

# Figures of the generation: measured only by a run that generated (not one that reused).
GENERATION_KEYS = {
    "generation_people_per_s",
    "generation_s",
    "court_generation_s",
    "incidents_generation_s",
}


LETTER_FIGURES: list[Figure] = [
    Figure("import_ms", "import of both versions (ms)", ("import_ms",)),
    Figure("letter_file_queries", "letter file read: queries", ("letter_file_queries",)),
    Figure("letter_file_p50_ms", "letter file read p50 (ms)", ("letter_file", "p50_ms")),
    Figure("letter_file_p95_ms", "letter file read p95 (ms)", ("letter_file", "p95_ms")),
    Figure("public_letter_p50_ms", "public page's letter p50 (ms)", ("public_letter", "p50_ms")),
    Figure("markdown_p50_ms", "Markdown p50 (ms)", ("markdown", "p50_ms")),
    Figure("csv_p50_ms", "signatories CSV p50 (ms)", ("csv", "p50_ms")),
    Figure("pdf_p50_ms", "PDF p50 (ms)", ("pdf", "p50_ms")),
    Figure("docx_p50_ms", "Word p50 (ms)", ("docx", "p50_ms")),
    Figure("requests_per_s", "public signatures asked for (per s)", ("requests_per_s",)),
    Figure("approvals_per_s", "approvals (per s)", ("approvals_per_s",)),
]


def value_at(result: dict[str, Any] | None, path: tuple[str, ...]) -> Any:
    value: Any = result
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def figures_of(result: dict[str, Any]) -> dict[str, Any]:
    """The flat figures of one database's results (None where not measured)."""
    found = {f.key: value_at(result, f.path) for f in FIGURES}
    if result.get("generation", {}).get("reused"):
        for key in GENERATION_KEYS:
            found[key] = None
    return found


def spreads_of(result: dict[str, Any]) -> dict[str, Any]:
    return {f.key: value_at(result, f.spread) for f in FIGURES if f.spread}


def results_path(part: str, db: str) -> Path:
    return common.RESULTS_DIR / f"{part}-{db}.json"


def committed(part: str, db: str) -> dict[str, Any] | None:
    path = results_path(part, db)
    return json.loads(path.read_text()) if path.exists() else None


def git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=common.ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "salvaguarda", "bench")
    return commit + (" with uncommitted changes" if changed else "")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration, ValueError):
        memory_kb = 0
    found: dict[str, Any] = {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    import sqlite3

    found["sqlite"] = sqlite3.sqlite_version
    try:
        import psycopg

        with psycopg.connect(f"{common.PG_SERVER}/postgres", connect_timeout=5) as conn:
            found["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    except Exception:  # noqa: BLE001 - only a description of the machine
        found["postgresql"] = None
    return found


def save(part: str, db: str, figures: dict[str, Any], spreads: dict[str, Any], **more: Any) -> Path:
    """This run's figures as the committed reference of `part` (a scale, or "letters").
    Generation figures a reused database did not measure are kept from the file before."""
    before = committed(part, db) or {}
    kept = {
        key: before.get("figures", {}).get(key)
        for key, value in figures.items()
        if value is None and before.get("figures", {}).get(key) is not None
    }
    data = {
        "part": part,
        "db": db,
        "date": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        "commit": git_commit(),
        "machine": machine(),
        "figures": {**figures, **kept},
        "spread_pct": {k: v for k, v in spreads.items() if v is not None},
        "kept_from_before": {k: before.get("date") for k in kept},
        **more,
    }
    path = results_path(part, db)
    common.write_json(path, data)
    return path


def shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float) and 0 < value < 1:
        return f"{value:.3f}"
    return f"{value:,.1f}"


def difference(now: Any, before: Any) -> str:
    if now is None or before is None:
        return ""
    if before == 0:
        return "=" if now == 0 else "new"
    return f"{(now - before) / abs(before) * 100:+.0f}%"


def table(
    scale: int,
    title: str,
    figures: list[Figure],
    now: dict[str, dict[str, Any]],
    spreads: dict[str, dict[str, Any]],
    before: dict[str, dict[str, Any] | None],
) -> str:
    """One line per figure: for each database this run's value (± its runs' spread), the
    committed one and the difference; then the target and, at its scale only, whether met."""
    dbs = list(now)
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    header = f"{title:<38}"
    for db in dbs:
        header += f" {names[db]:>15} {'results':>9} {'Δ':>5}"
    header += "  target            met?"
    lines = [header, "-" * len(header)]
    for figure in figures:
        values = [now[db].get(figure.key) for db in dbs]
        olds = [((before[db] or {}).get("figures") or {}).get(figure.key) for db in dbs]
        if all(v is None for v in values) and all(o is None for o in olds):
            continue
        line = f"{figure.title:<38}"
        for db, value, old in zip(dbs, values, olds, strict=True):
            cell = shown(value)
            spread = spreads[db].get(figure.key)
            if spread is not None and value is not None:
                cell += f" ±{spread / 2:.0f}%"
            line += f" {cell:>15} {shown(old):>9} {difference(value, old):>5}"
        target = figure.target
        met = ""
        if target is not None:
            judged = [
                ("—" if v is None else "yes" if target.met(v) else "NO")
                if target.scale == scale and target.db in (None, db)
                else ""
                for db, v in zip(dbs, values, strict=True)
            ]
            met = " ".join(j for j in judged if j)
        line += f"  {target.text() if target else '':<17} {met}"
        lines.append(line.rstrip())
    lines.append(
        "(value ±half its runs' spread; results: bench/results/, committed; Δ: this run against "
        "it. A target is judged only at its scale; met?: each database judged, in column order.)"
    )
    return "\n".join(lines)
