"""Database upkeep the application runs itself, so that no query plan depends on an operator.

Both databases choose plans from table statistics. Without them (a fresh SQLite file, a table
just filled by an import) SQLite may walk the wrong index: a common-name search once took 7 s.
So statistics are refreshed:
- after migrations (`post_migrate`, see `CoreConfig.ready`);
- after bulk loads (callers of `database_optimize`: the name-token rebuild, imports);
- periodically by the task worker (`tasks.database_upkeep`, which schedules its next run), with
  the housekeeping other apps register in `PERIODIC` (expired saved searches, ...).

SQLite: `PRAGMA optimize` re-analyzes the tables whose statistics are stale, reading at most
`ANALYSIS_LIMIT` rows per index (approximate statistics are enough to choose a plan), and
`ANALYZE` does so for every table when there are none yet. PostgreSQL: `ANALYZE` (autovacuum
also does it, but only after enough rows changed, which a bulk load of a new table may not
reach before the first searches).
"""

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

log = logging.getLogger(__name__)

ANALYSIS_LIMIT = 1000
EVERY = datetime.timedelta(hours=6)
TASK_PATH = "salvaguarda.core.tasks.database_upkeep"

# Housekeeping run with each periodic upkeep: functions without arguments (registered by apps).
PERIODIC: list[Callable[[], Any]] = []


def database_optimize(*, full: bool = False, using: str = DEFAULT_DB_ALIAS) -> str:
    """Refresh the planner's statistics; `full` analyzes every table. Returns what ran."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if full or cursor.fetchone() is None:
                cursor.execute("ANALYZE")
                return "ANALYZE"
            cursor.execute("PRAGMA optimize")
            return "PRAGMA optimize"
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
            return "ANALYZE"
    return ""


def after_migrate(using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    """`post_migrate`: statistics for the tables just made, and the periodic upkeep queued."""
    database_optimize(full=True, using=using)
    upkeep_schedule()


def periodic_upkeep() -> dict[str, Any]:
    """What the periodic task does: statistics, then each registered housekeeping step. A step
    that fails is logged and the others still run (its result is "failed")."""
    done: dict[str, Any] = {"statistics": database_optimize()}
    for step in PERIODIC:
        name = f"{step.__module__}.{step.__name__}"
        try:
            done[name] = step()
        except Exception:
            log.exception("periodic upkeep: %s failed", name)
            done[name] = "failed"
    return done


def upkeep_schedule(after: datetime.timedelta | None = None) -> bool:
    """Queue the periodic upkeep `after` from now, unless the queue cannot defer tasks (the
    immediate backend of the tests) or a run is already waiting. Returns whether it queued."""
    from django.tasks import default_task_backend
    from django.utils import timezone

    from salvaguarda.core.tasks import database_upkeep

    if not default_task_backend.supports_defer or not _queue_ready() or _waiting():
        return False
    run_after = timezone.now() + (after if after is not None else datetime.timedelta(0))
    database_upkeep.using(run_after=run_after).enqueue()
    return True


def _queue_ready() -> bool:
    """Whether the database backend's table exists (a partial `migrate` may not have made it)."""
    from django.db import connection

    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend keeps its queue elsewhere
        return True
    return DBTaskResult._meta.db_table in connection.introspection.table_names()


def _waiting() -> bool:
    """Whether an upkeep run is already queued (the database backend's own table)."""
    from django.tasks import TaskResultStatus

    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend: one more run does no harm
        return False
    statuses = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status__in=statuses)
    return waiting.exists()
