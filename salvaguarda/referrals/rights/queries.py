"""Reads of access to rights: a person's rights at a glance (one line each: the latest
observation, or nothing recorded), a right's history, and the school of each child of a family.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from salvaguarda.people.models import IdentityDocument, Person
from salvaguarda.people.safeguard_applies import age_of, school_year_age
from salvaguarda.referrals.rights.details import DETAILS, applies
from salvaguarda.referrals.rights.models import Right, RightRecord

# The documents that allow working in Mexico (DOMAIN.md §4): the humanitarian visitor card and
# the residence cards, while valid.
WORK_DOCUMENTS = ("TVRH", "RES_TEMP", "RES_PERM")


@dataclass(frozen=True)
class RightLine:
    right: str
    label: str
    latest: RightRecord | None
    # Facts of the latest record, as (label, value shown).
    facts: list[tuple[str, str]]

    @property
    def state(self) -> str:
        return self.latest.state if self.latest is not None else ""


def _shown(kind: str, value: Any) -> str:
    if kind == "yes_no":
        return _("Yes") if value else _("No")
    if kind == "date":
        try:
            return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def facts_of(record: RightRecord) -> list[tuple[str, str]]:
    details = record.details or {}
    return [
        (str(d.label), _shown(d.kind, details[d.code]))
        for d in DETAILS.get(record.right, [])
        if d.code in details
    ]


def _latest(person: Person) -> dict[str, RightRecord]:
    """The latest record of each right of the person (one query, newest first)."""
    found: dict[str, RightRecord] = {}
    for record in RightRecord.objects.filter(person=person).order_by("-as_of", "-id"):
        found.setdefault(record.right, record)
    return found


def rights_glance(person: Person, today: datetime.date | None = None) -> list[RightLine]:
    """One line per right that applies to the person (school for a child 3–17, work from 15;
    services for gender-based violence once something is recorded)."""
    today = today or timezone.localdate()
    latest = _latest(person)
    lines = []
    for right in Right:
        if right == Right.GBV and right not in latest:
            continue
        if not applies(right, person, today) and right not in latest:
            continue
        record = latest.get(right.value)
        lines.append(
            RightLine(
                right=right.value,
                label=str(right.label),
                latest=record,
                facts=facts_of(record) if record is not None else [],
            )
        )
    return lines


def right_history(person: Person, right: str) -> list[RightRecord]:
    return list(
        RightRecord.objects.filter(person=person, right=right)
        .annotate(recorded_by=F("created_by__full_name"))
        .order_by("-as_of", "-id")
    )


def work_document(person: Person, today: datetime.date) -> IdentityDocument | None:
    """A valid document that allows the person to work (TVRH or residence card), if any."""
    return (
        IdentityDocument.objects.filter(person=person, doc_type__in=WORK_DOCUMENTS)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .order_by(F("expires_on").desc(nulls_first=True))
        .first()
    )


@dataclass(frozen=True)
class ChildSchool:
    child: Person
    age: int | None
    latest: RightRecord | None


def family_schooling(person: Person, today: datetime.date | None = None) -> list[ChildSchool]:
    """Each child 3–17 of the person's family group, with their latest school record (two
    queries: the family, then the children's school records)."""
    if person.household_id is None:
        return []
    today = today or timezone.localdate()
    children = [
        (member, age_of(member, today))
        for member in Person.objects.filter(household_id=person.household_id).order_by("id")
        if school_year_age(member, today) is not None and applies(Right.SCHOOL, member, today)
    ]
    latest: dict[int, RightRecord] = {}
    for record in RightRecord.objects.filter(
        person__in=[member for member, _age in children], right=Right.SCHOOL
    ).order_by("-as_of", "-id"):
        latest.setdefault(record.person_id, record)
    return [ChildSchool(member, age, latest.get(member.pk)) for member, age in children]
