"""Incidents for tests, written through the services (so they are valid and audited)."""

import datetime
from collections.abc import Sequence
from typing import Any

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core.scoping import organization_scope
from salvaguarda.incidents import services
from salvaguarda.incidents.models import Incident
from salvaguarda.people.models import Person


def make_incident(
    org: Organization,
    by: User,
    *,
    person: Person | None = None,
    acts: Sequence[dict[str, str]] = ({"common": "kidnapping"},),
    victims: Sequence[dict[str, Any]] | None = None,
    perpetrators: Sequence[dict[str, Any]] = (),
    consents: Sequence[dict[str, Any]] = (),
    uploads: Sequence[services.Upload] = (),
    **data: Any,
) -> Incident:
    data.setdefault("occurred_from", datetime.date(2025, 3, 10))
    data.setdefault("source", "direct_testimony")
    data.setdefault("summary", "Secuestro al salir del albergue.")
    data.setdefault("state", "02")
    data.setdefault("municipality", "Tijuana")
    if victims is None:
        victims = [{"person": person}] if person else [{"sex": "female", "age_band": "26-40"}]
    with organization_scope(org.pk):
        return services.incident_document(
            by=by,
            organization=org,
            data=data,
            acts=acts,
            victims=victims,
            perpetrators=perpetrators,
            consents=consents,
            uploads=uploads,
        )
