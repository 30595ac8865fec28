"""Reads of access to rights: a person's rights at a glance (one line each: the latest
observation, or nothing recorded), a right's history, and the school of each child of a family.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from salvaguarda.people.models import IdentityDocument, Person
from salvaguarda.people.prepared import Prepared, keep, take
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


# The reads of the file's panel (and of the school proof), their SQL built once per process
# (people/prepared.py): on a page this small, building a query costs more than running it.
_RECORDS = Prepared(
    lambda person_id: RightRecord.objects.filter(person_id=person_id).order_by("-as_of", "-id")
)
# The person's documents that allow working, whatever their expiry (`work_document` keeps the
# valid ones, in this order).
_WORK_DOCUMENTS = Prepared(
    lambda person_id: IdentityDocument.objects.filter(
        person_id=person_id, doc_type__in=WORK_DOCUMENTS
    ).order_by(F("expires_on").desc(nulls_first=True))
)
_FAMILY = Prepared(
    lambda household_id: Person.objects.filter(household_id=household_id).order_by("id")
)
_FAMILY_SCHOOL = Prepared(
    lambda household_id: RightRecord.objects.filter(
        person_id__in=Person.objects.filter(household_id=household_id).values("id"),
        right=Right.SCHOOL,
    ).order_by("-as_of", "-id")
)


_KEPT = "_rights_records"


def records_of(person: Person) -> list[RightRecord]:
    """Every record of the person's rights, newest first (one query)."""
    return _RECORDS.rows(person.pk)


def records_for_proof(person: Person) -> list[RightRecord]:
    """`records_of`, kept on the person for the file's panel of the same page
    (`records_for_panel`): the file reads the person's records of rights once."""
    return keep(person, _KEPT, records_of(person))


def records_for_panel(person: Person) -> list[RightRecord]:
    """The person's records of rights for the file's panel: those the proof of "School place
    for a child" read for the same page (the same person, in the same scope), else read now."""
    return take(person, _KEPT, lambda: records_of(person))


def _latest(records: list[RightRecord]) -> dict[str, RightRecord]:
    """The latest record of each right, of a person's records newest first."""
    found: dict[str, RightRecord] = {}
    for record in records:
        found.setdefault(record.right, record)
    return found


def rights_glance(
    person: Person,
    today: datetime.date | None = None,
    *,
    records: list[RightRecord] | None = None,
) -> list[RightLine]:
    """One line per right that applies to the person (school for a child 3–17, work from 15;
    services for gender-based violence once something is recorded). `records`: the person's
    records newest first, when already read (else read here)."""
    today = today or timezone.localdate()
    latest = _latest(records_of(person) if records is None else records)
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
    return next(
        (
            document
            for document in _WORK_DOCUMENTS.rows(person.pk)
            if document.expires_on is None or document.expires_on >= today
        ),
        None,
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
        for member in _FAMILY.rows(person.household_id)
        if school_year_age(member, today) is not None and applies(Right.SCHOOL, member, today)
    ]
    if not children:
        return []
    ids = {member.pk for member, _age in children}
    latest: dict[int, RightRecord] = {}
    for record in _FAMILY_SCHOOL.rows(person.household_id):
        if record.person_id in ids:
            latest.setdefault(record.person_id, record)
    return [ChildSchool(member, age, latest.get(member.pk)) for member, age in children]
