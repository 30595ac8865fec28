"""A child's school place proves the safeguard "School place for a child" (Amparo 302/2020
checklist; it applies to children 3–17 only, `people.safeguard_applies`): the child's latest
school record says they have access. A later record of a barrier or of a process turns it back
into an omission. Registered with people's `safeguard_proofs`.
"""

from typing import Any

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from salvaguarda.people.models import SafeguardCheck
from salvaguarda.people.safeguard_proofs import Proof, Source
from salvaguarda.referrals.rights.models import Right, RightRecord, State


def _proof(person: Any) -> Proof | None:
    latest = (
        RightRecord.objects.filter(person=person, right=Right.SCHOOL).order_by("-as_of", "-id")
    ).first()
    if latest is None or latest.state != State.ACCESS:
        return None
    return Proof(
        done_on=latest.as_of,
        text=_("School record of %(day)s: has access.")
        % {"day": date_format(latest.as_of, "SHORT_DATE_FORMAT")},
        url=reverse(
            "referrals:right_history", kwargs={"person_uuid": person.uuid, "right": Right.SCHOOL}
        ),
    )


def _done() -> Q:
    latest_state = Subquery(
        RightRecord.objects.filter(person=OuterRef("pk"), right=Right.SCHOOL)
        .order_by("-as_of", "-id")
        .values("state")[:1]
    )
    # No school record: "" (not NULL, which negated would count nobody as an omission).
    return Q(Exact(Coalesce(latest_state, Value("")), State.ACCESS))


SOURCE = Source(item=SafeguardCheck.Item.CHILD_SCHOOLING, proof=_proof, done=_done)
