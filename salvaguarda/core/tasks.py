"""Background tasks of core (run by `manage.py db_worker`)."""

from typing import Any

from django.tasks import task

from salvaguarda.core import upkeep


@task
def database_upkeep() -> dict[str, Any]:
    """Refresh the planner's statistics and run the registered housekeeping, then queue the
    next run (`upkeep.EVERY` later): the chain keeps itself going while a worker runs."""
    done = upkeep.periodic_upkeep()
    upkeep.upkeep_schedule(after=upkeep.EVERY)
    return done
