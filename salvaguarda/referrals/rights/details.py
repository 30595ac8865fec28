"""The facts each right records besides its state (kept encrypted in `RightRecord.details`),
and for whom each right applies (school: children who turn 3 to 17 that year; work: from 15, the
age Mexico's labour law allows with protections)."""

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salvaguarda.people.models import Person
from salvaguarda.people.safeguard_applies import age_of, school_age, school_year_age
from salvaguarda.referrals.rights.models import Right

WORK_FROM = 15


@dataclass(frozen=True)
class Detail:
    code: str
    label: Promise
    kind: str  # "text", "date" or "yes_no"


DETAILS: dict[str, list[Detail]] = {
    Right.HEALTH: [
        Detail("affiliated", _("Affiliated to IMSS-Bienestar"), "yes_no"),
        Detail("place", _("Where they receive care"), "text"),
        Detail("last_attention", _("Last health visit"), "date"),
    ],
    Right.SCHOOL: [
        Detail("school", _("School"), "text"),
        Detail("grade", _("Grade"), "text"),
        Detail("since", _("Enrolled since"), "date"),
    ],
    Right.WORK: [
        Detail("working", _("Working now"), "yes_no"),
    ],
    Right.MENTAL_HEALTH: [
        Detail("place", _("Where they receive care"), "text"),
    ],
    Right.GBV: [
        Detail("place", _("Where they receive care"), "text"),
    ],
}


def applies(right: str, person: Person, day: datetime.date) -> bool:
    """Whether the right is asked about for `person` on `day` (age not known: asked). School:
    a child who turns 3 to 17 that year (SEP counts ages at 31 December); work: from 15."""
    if right == Right.SCHOOL:
        age = school_year_age(person, day)
        return age is None or school_age(age)
    if right == Right.WORK:
        age = age_of(person, day)
        return age is None or age >= WORK_FROM
    return True
