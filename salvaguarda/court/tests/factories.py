"""Cases and hearings for tests, written through the services (so they are valid and audited)."""

import datetime
from typing import Any

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import make_person
from salvaguarda.court import services
from salvaguarda.court.models import Hearing, ImmigrationCase
from salvaguarda.people.models import Person


def make_case(
    org: Organization, by: User, person: Person | None = None, **data: Any
) -> ImmigrationCase:
    person = person or make_person(org, by)
    data.setdefault("court", "SDI")
    lead = data.pop("lead_case", None)
    with organization_scope(org.pk):
        return services.case_open(by=by, person=person, data=data, lead_case=lead)


def make_hearing(
    case: ImmigrationCase, by: User, starts_at: datetime.datetime, **data: Any
) -> Hearing:
    data.setdefault("court", case.court)
    data.setdefault("kind", Hearing.Kind.MASTER)
    with organization_scope(case.organization_id):
        return services.hearing_schedule(by=by, case=case, data={"starts_at": starts_at, **data})
