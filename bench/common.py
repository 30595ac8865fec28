"""Paths, database URLs and the environment of the benchmark's processes.

The benchmark never touches the development database: SQLite goes to
`var/bench/bench-<scale>.sqlite3`, PostgreSQL to the database `bench_<scale>`. Each process that
loads Django is started with `env_for(db, scale)`, since settings read DATABASE_URL at import.
"""

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable
DATABASES = ("sqlite", "postgresql")
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
# The web server connects as a plain role, as in production: row-level security applies to it.
PG_APP_ROLE = "salvaguarda_bench_app"


def sqlite_path(scale: int) -> Path:
    return BENCH_DIR / f"bench-{scale}.sqlite3"


def pg_name(scale: int) -> str:
    return f"bench_{scale}"


def database_url(db: str, scale: int, *, app_role: bool = False) -> str:
    if db == "sqlite":
        return f"sqlite:///{sqlite_path(scale)}"
    if app_role:
        host = PG_SERVER.split("@", 1)[1]
        return f"postgres://{PG_APP_ROLE}@{host}/{pg_name(scale)}"
    return f"{PG_SERVER}/{pg_name(scale)}"


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
