"""A child's school records decide the safeguard "School place for a child" (Amparo 302/2020
checklist; it applies to children 3–17, `people.safeguard_applies`): the latest school record
"has access" ticks it; a later one of a barrier, of a process or of no need turns it back into
an omission, and outweighs a check recorded by hand before it. Registered with people's
`safeguard_proofs`.
"""

from typing import Any

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from salvaguarda.people.models import SafeguardCheck
from salvaguarda.people.safeguard_proofs import Latest, Proof, Source
from salvaguarda.referrals.rights import queries
from salvaguarda.referrals.rights.models import Right, RightRecord, State


def _proof(person: Any) -> Proof | None:
    # The person's records as the file's rights panel shows them (one query, its SQL built
    # once, and read once for the page).
    records = queries.records_for_proof(person)
    latest = next((r for r in records if r.right == Right.SCHOOL), None)
    if latest is None:
        return None
    day = date_format(latest.as_of, "SHORT_DATE_FORMAT")
    state = latest.get_state_display().lower()
    if latest.barrier:
        state = f"{state}: {latest.get_barrier_display().lower()}"
    return Proof(
        done_on=latest.as_of,
        text=_("School record of %(day)s: %(state)s.") % {"day": day, "state": state},
        url=reverse(
            "referrals:right_history", kwargs={"person_uuid": person.uuid, "right": Right.SCHOOL}
        ),
        done=latest.state == State.ACCESS,
    )


def _latest_school(column: str) -> Subquery:
    return Subquery(
        RightRecord.objects.filter(person=OuterRef("pk"), right=Right.SCHOOL)
        .order_by("-as_of", "-id")
        .values(column)[:1]
    )


def _latest() -> Latest:
    # No school record: "" (not NULL, which negated would count nobody as an omission).
    state = Coalesce(_latest_school("state"), Value(""))
    return Latest(day=_latest_school("as_of"), shows_done=Q(Exact(state, State.ACCESS)))


SOURCE = Source(
    item=SafeguardCheck.Item.CHILD_SCHOOLING,
    proof=_proof,
    done=lambda: _latest().shows_done,
    latest=_latest,
)
