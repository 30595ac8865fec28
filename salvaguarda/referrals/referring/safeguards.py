"""A completed referral proves the safeguard "Referrals made" (Amparo 302/2020 checklist):
the service received, fully or partly. Registered with people's `safeguard_proofs`.

(It does not prove "Accommodation of a disability": a service open to people with
disabilities, cash assistance say, is no accommodation. That one is recorded by hand, with its
evidence.)

It reads the sender's own records (`ReferredPerson`) and the shared row's status and outcome,
in the sender's scope: what the receiver recorded is seen, nothing is written into the sender's
checklist by the receiver.
"""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from salvaguarda.people.models import SafeguardCheck
from salvaguarda.people.safeguard_proofs import Proof, Source
from salvaguarda.referrals.referring import queries
from salvaguarda.referrals.referring.models import Outcome, ReferredPerson, Status

COMPLETED = {
    "referral__status": Status.CLOSED,
    "referral__outcome__in": [Outcome.RECEIVED, Outcome.PARTLY],
}


def _proof(person: Any) -> Proof | None:
    # The person's referrals as their file's panel shows them (one query, its SQL built once,
    # and read once for the page): the first completed, by the day of its outcome.
    completed = [
        link
        for link in queries.referrals_for_proof(person)
        if link.referral.status == Status.CLOSED
        and link.referral.outcome in COMPLETED["referral__outcome__in"]
    ]
    if not completed:
        return None
    link = min(completed, key=lambda link: (link.referral.outcome_on or datetime.date.min, link.pk))
    referral = link.referral
    assert referral.outcome_on is not None  # noqa: S101 - a closed referral has its date
    return Proof(
        done_on=referral.outcome_on,
        text=_("Referral %(reference)s: %(outcome)s (%(service)s).")
        % {
            "reference": referral.reference,
            "outcome": referral.get_outcome_display().lower(),
            "service": referral.service.name,
        },
        url=reverse("referrals:referral_detail", kwargs={"referral_uuid": referral.uuid}),
    )


def _done() -> Q:
    return Q(Exists(ReferredPerson.objects.filter(person=OuterRef("pk"), **COMPLETED)))


SOURCE = Source(item=SafeguardCheck.Item.REFERRALS_MADE, proof=_proof, done=_done)
