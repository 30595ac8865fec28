"""Which safeguards of the checklist apply to a person (issue 17 §3). Most apply to everyone.
Two depend on the person's profile and appear only where they apply:
- a child's schooling: a child of school age (who turns 3 to 17 this year, as Mexico's schools
  count it);
- the accommodation of a disability: someone with a disability recorded (an open specific need
  "DS", found by a screening's Washington Group or Child Functioning questions, or recorded by
  hand).

Worked out for one person from rows already read (the file) and, for the omission counts, as a
condition on `Person` rows: both from the year of birth (a plain column), so they agree.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.lookups import IsNull

from salvaguarda.people import safeguard_proofs
from salvaguarda.people.models import Person, SafeguardCheck, SpecificNeed
from salvaguarda.people.safeguard_proofs import Proof

Item = SafeguardCheck.Item

SCHOOL_AGES = (3, 17)
DISABILITY_NEED = "DS"
# The items that apply only to some people.
CONDITIONAL = frozenset({Item.CHILD_SCHOOLING, Item.DISABILITY_ACCOMMODATION})


def age_of(person: Person, day: datetime.date) -> int | None:
    """The person's age on `day`, from the date of birth, else the year of birth."""
    age = person.age_on(day)
    if age is None and person.birth_year:
        age = day.year - person.birth_year
    return age


def school_year_age(person: Person, day: datetime.date) -> int | None:
    """The age the person reaches in `day`'s year: Mexico's schools (SEP) count a child's age
    at 31 December of the school year's start, and the counts read the year of birth too."""
    return day.year - person.birth_year if person.birth_year else None


def school_age(age: int | None) -> bool:
    return age is not None and SCHOOL_AGES[0] <= age <= SCHOOL_AGES[1]


def applicable(
    person: Person,
    open_needs: Iterable[Any],
    today: datetime.date,
    proofs: Mapping[str, Proof] | None = None,
) -> set[str]:
    """The items that apply to `person`, from their open specific needs already read and the
    records of other apps (`proofs`): of someone of unknown age, a school record, whatever it
    says, makes their schooling apply."""
    items = {item.value for item in Item if item not in CONDITIONAL}
    age = school_year_age(person, today)
    if school_age(age) or (age is None and Item.CHILD_SCHOOLING in (proofs or {})):
        items.add(Item.CHILD_SCHOOLING)
    if any(need.code == DISABILITY_NEED and need.resolved_on is None for need in open_needs):
        items.add(Item.DISABILITY_ACCOMMODATION)
    return items


def applicable_to(
    person: Person, today: datetime.date, proofs: Mapping[str, Proof] | None = None
) -> set[str]:
    """`applicable`, reading the person's open disability need (one query), and their records
    of other apps unless given."""
    needs = SpecificNeed.objects.filter(
        person=person, code=DISABILITY_NEED, resolved_on__isnull=True
    )
    if proofs is None:
        proofs = safeguard_proofs.proofs_for(person)
    return applicable(person, needs, today, proofs)


def applies(item: str, today: datetime.date) -> Q:
    """The people `item` applies to, as a condition on `Person` rows."""
    if item == Item.CHILD_SCHOOLING:
        school_age_now = Q(
            birth_year__gte=today.year - SCHOOL_AGES[1], birth_year__lte=today.year - SCHOOL_AGES[0]
        )
        latest = safeguard_proofs.latest_of(item)
        if latest is None:
            return school_age_now
        # Of unknown age, with a school record.
        return school_age_now | (Q(birth_year__isnull=True) & Q(IsNull(latest.day, False)))
    if item == Item.DISABILITY_ACCOMMODATION:
        open_need = SpecificNeed.objects.filter(
            person=OuterRef("pk"), code=DISABILITY_NEED, resolved_on__isnull=True
        )
        return Q(Exists(open_need))
    return Q()
