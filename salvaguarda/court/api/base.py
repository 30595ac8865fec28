"""What the modules of the court API share: the router their operations are added to, the
paths of the records (a uuid, never a name), the refusals every operation may answer, and how a
moment, a court's time zone and a service's errors are given in a response.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router

from salvaguarda.court import times
from salvaguarda.court import vocab as court_vocab
from salvaguarda.people.api import DetailOut, ErrorsOut

router = Router()

PERSON = "/people/{uuid:person_uuid}"
CASE = "/cases/{uuid:case_uuid}"
REPRESENTATION = CASE + "/representations/{uuid:representation_uuid}"
HEARING = CASE + "/hearings/{uuid:hearing_uuid}"
IMPORT = "/court/imports/{uuid:import_uuid}"

REFUSALS: dict[int, Any] = {401: DetailOut, 404: DetailOut, 422: ErrorsOut}


def utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    return moment.astimezone(datetime.UTC) if moment is not None else None


def zone_name(court: str) -> str:
    zone = court_vocab.court_zone(court)
    return zone.key if zone is not None else "UTC"


def court_time(moment: datetime.datetime | None, court: str) -> datetime.datetime | None:
    return times.in_court_time(moment, court) if moment is not None else None


def renamed_errors(
    exc: ValidationError, names: Mapping[str, str], prefix: str = ""
) -> ValidationError:
    """The service's errors under the names of the request's fields."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {prefix + names.get(field, field): found for field, found in exc.error_dict.items()}
    )
