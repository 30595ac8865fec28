"""Paths, database URLs and the environment of the benchmark's processes.

The benchmark never touches the development database: SQLite goes to
`var/bench/bench-<scale>.sqlite3`, PostgreSQL to the database `bench_<scale>`. Each process that
loads Django is started with `env_for(db, scale)`, since settings read DATABASE_URL at import.
"""

import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# BENCH_NAME keeps one run's data apart from another's on a shared machine: var/bench/<name>/,
# the PostgreSQL databases bench_<name>_<scale>. Empty by default.
NAME = os.environ.get("BENCH_NAME", "")
if not re.fullmatch(r"[a-z0-9]{0,16}", NAME):
    raise SystemExit("BENCH_NAME: up to 16 lower-case letters and digits.")
BENCH_DIR = ROOT / "var" / "bench" / NAME if NAME else ROOT / "var" / "bench"
RESULTS_DIR = ROOT / "bench" / "results"
PYTHON = sys.executable
DATABASES = ("sqlite", "postgresql")
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
# The web server connects as a plain role, as in production: row-level security applies to it.
# Roles belong to the whole PostgreSQL cluster: one per scale (`salvaguarda_bench_app_<scale>`),
# dropped at the end of the run that made it (`drop_app_role`) and by `make bench-clean`.
PG_APP_ROLE = "salvaguarda_bench_app"


def sqlite_path(scale: int) -> Path:
    return BENCH_DIR / f"bench-{scale}.sqlite3"


def pg_name(scale: int | str) -> str:
    """The PostgreSQL database of a scale (or of a part, "letters")."""
    return f"bench_{NAME}_{scale}" if NAME else f"bench_{scale}"


def app_role_name(scale: int) -> str:
    return f"{PG_APP_ROLE}_{NAME}_{scale}" if NAME else f"{PG_APP_ROLE}_{scale}"


def database_url(db: str, scale: int, *, app_role: bool = False) -> str:
    if db == "sqlite":
        return f"sqlite:///{sqlite_path(scale)}"
    if app_role:
        host = PG_SERVER.split("@", 1)[1]
        return f"postgres://{app_role_name(scale)}@{host}/{pg_name(scale)}"
    return f"{PG_SERVER}/{pg_name(scale)}"


def drop_app_role(role: str, databases: list[str]) -> str:
    """Drop a benchmark role (its privileges in `databases` first). Left, with the reason
    returned, while a process is still connected as it (another run)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is None:
            return ""
        busy = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = %s", [role]
        ).fetchone()
        if busy and busy[0]:
            return f"role {role} left: {busy[0]} connection(s) still use it"
        present = {
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname = ANY(%s)", [databases]
            )
        }
    for name in sorted(present):
        with psycopg.connect(f"{PG_SERVER}/{name}", autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{role}"')
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')
    return f"role {role} dropped"


def env_for(db: str, scale: int, *, app_role: bool = False, **extra: str) -> dict[str, str]:
    """The environment of a benchmark process: its own database, no debug, bench secrets."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="salvaguarda.settings",
        SALVAGUARDA_ENV="development",
        # Development secrets (master key, SECRET_KEY) of their own, under var/bench/secrets.
        SALVAGUARDA_VAR_DIR=str(BENCH_DIR),
        DATABASE_URL=database_url(db, scale, app_role=app_role),
        DEBUG="false",
        DB_CONN_MAX_AGE="60",  # as .env.example recommends for production
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def setup_django() -> None:
    """Inside a benchmark process (started with env_for): load Django."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salvaguarda.settings")
    import django

    django.setup()


def seal_audit_chains() -> None:
    """The generators write audit entries hashed the unkeyed way (as fast as a bulk load must
    be); a keyed "sealed" entry then closes each chain, as the migration to the keyed chain
    does (core.audit_seal), so that `audit_verify` accepts the trail. Idempotent."""
    from salvaguarda.core import audit_seal

    audit_seal.seal_open_chains()


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1) of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]
