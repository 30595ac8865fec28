"""Background tasks of core (run by `manage.py db_worker`)."""

from typing import Any

from django.tasks import task

from salvaguarda.core import upkeep


@task
def database_upkeep() -> dict[str, Any]:
    """Refresh the planner's statistics and run the registered housekeeping, then queue the
    next run (`upkeep.EVERY` later): the chain keeps itself going while a worker runs."""
    try:
        return upkeep.periodic_upkeep()
    finally:  # the next run is queued even if this one failed
        upkeep.upkeep_schedule(after=upkeep.EVERY)


@task
def audit_anchor() -> str:
    """Write the audit chains' heads outside the database (core.anchors) when they moved, then
    queue the next run AUDIT_ANCHOR_EVERY_MINUTES later, whether this one succeeded or not."""
    from salvaguarda.core import anchors

    try:
        written = anchors.anchor_write("periodic")
    finally:
        anchors.anchor_schedule()
    return f"{len(written.heads)} chains anchored" if written else "no head moved"
