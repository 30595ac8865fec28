"""The court endpoints of the REST API (mounted by `salvaguarda.api`).

Immigration cases, their representation, interviews and hearings; the hearing calendar and
the lists that warn; the figures; the import of hearing lists; and the reminder settings.
As in `people.api`: reads go through `queries` (audited there), writes through the services
only, and the schemas check only the shape and format of each value (the services check the
rules again and answer 422 by field).

Times of hearings:
- In requests, a hearing's moment is given as the court's clock shows it (as on the notice to
  appear and the tear sheet): `date` (YYYY-MM-DD) and `time` (HH:MM, no offset), read in the
  court's time zone. The time to report at the port is `report_date` and `report_time`, on the
  same clock. A time that does not exist (the hour skipped when clocks go forward) is refused
  on its field; a time that happens twice (clocks go back) is the first one.
- In responses, every moment is given in UTC (`starts_at`, `report_at`: ISO 8601 with `Z`)
  and on the court's clock with its offset (`court_time`, `report_court_time`) and the name of
  the court's zone (`court_zone`). In a case file, `person_time` and `person_zone` show it on
  the clock of the place where the person stays.

Names are only in the responses about one case (its file, its writes). The lists give the
person's uuid and reference: a client reads the case for the rest.

The package: `base` (the router, the paths, the refusals), `schemas` (values, requests,
responses), `responses` (records as the responses give them), and the operations by subject:
`cases`, `hearings`, `lists`, `figures`, `imports`, `reminder_settings`.
"""

# isort: off
# Each module adds its operations to the router when imported: this order is the order of the
# operations in the OpenAPI document.
from salvaguarda.court.api.base import router
from salvaguarda.court.api import cases, hearings, lists  # noqa: F401
from salvaguarda.court.api import figures, imports, reminder_settings  # noqa: F401

# isort: on

__all__ = ["router"]


def _keep_operation_ids() -> None:
    """ninja names an operation in the OpenAPI document after its function's module: keep the
    names it had when the court API was one module (`salvaguarda_court_api_<function>`), so
    that clients generated from the document keep working."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            if operation.operation_id is None:
                name = operation.view_func.__name__
                operation.operation_id = f"salvaguarda_court_api_{name}"


_keep_operation_ids()
