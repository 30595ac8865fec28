"""Registration of people and family groups. Audited with the names of changed fields only."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.people import dependents, validation, vocab
from salvaguarda.people.models import (
    Consent,
    ContactChannel,
    Household,
    Person,
    PersonLocation,
)
from salvaguarda.people.search import name_tokens_refresh

Relationship = Person.Relationship
ChildStatus = Person.ChildStatus

# The fields of Person that registration and editing set from a form or the API.
EDITABLE = (
    "given_names",
    "first_surname",
    "second_surname",
    "other_names",
    "sex",
    "gender_identity",
    "date_of_birth",
    "birth_precision",
    "nationality",
    "other_nationalities",
    "languages",
    "preferred_language",
    "needs_interpreter",
    "indigenous",
    "indigenous_people",
    "a_number",
    "relationship",
    "is_legal_guardian",
)
NAME_FIELDS = ("given_names", "first_surname", "second_surname", "other_names")
# A parent at least this much older than their child; anything less is a typing error.
MIN_PARENT_GAP_YEARS = 12
# Relationships to the head that make the head a parent or step-parent of the member.
HEAD_IS_PARENT = {Relationship.CHILD, Relationship.STEPCHILD}


@dataclass
class Contact:
    kind: str
    number: str
    is_preferred: bool = False


@dataclass
class MemberData:
    """One person of a registration: Person fields (see EDITABLE) and their contact channels."""

    fields: dict[str, Any]
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class Arrival:
    """Where the group stays now, and who gave consent to be registered, in which language."""

    city: str
    consent_given: bool
    shelter: str = ""
    since: datetime.date | None = None
    consent_language: str = "spa"
    # The other members take the head's nationality and languages where theirs are left empty.
    share_nationality: bool = False
    share_languages: bool = False


CHOICES = {
    "sex": Person.Sex.values,
    "relationship": Relationship.values,
    "birth_precision": Person.BirthPrecision.values,
    "indigenous": Person.Indigenous.values,
}


def coarsen(day: datetime.date, precision: str) -> datetime.date:
    """A date known only to the month or the year is stored as its first day."""
    if precision == Person.BirthPrecision.MONTH:
        return day.replace(day=1)
    if precision == Person.BirthPrecision.YEAR:
        return day.replace(month=1, day=1)
    return day


def _org_id() -> int:
    org_id = current_organization_id()
    if org_id is None:
        raise PermissionError("No organization scope.")
    return org_id


# Key of the PostgreSQL advisory lock that numbers an organization's references one at a time.
REFERENCE_LOCK = 16_0001


def _next_reference(model: type[models.Model], prefix: str, org_id: int) -> str:
    """The organization's next reference. On PostgreSQL two registrations at once would both
    read the same last one: a lock held until the transaction ends numbers them in turn
    (SQLite's write transactions already run one at a time)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::int4, %s::int4)", [REFERENCE_LOCK, org_id]
            )
    last = (
        model._base_manager.filter(organization_id=org_id)
        .order_by("-id")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.split("-")[-1]) + 1 if last else 1
    return f"{prefix}-{number:06d}"


def _clean(data: dict[str, Any], today: datetime.date) -> dict[str, Any]:
    """Checks that do not depend on other people; raises ValidationError by field."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)

    def check(name: str, fn: Any, *args: Any) -> None:
        if cleaned.get(name) in (None, ""):
            return
        try:
            cleaned[name] = fn(cleaned[name], *args)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)

    if not any(cleaned.get(name) for name in ("given_names", "first_surname", "second_surname")):
        errors["given_names"] = [_("Write at least a given name or a surname.")]
    check("date_of_birth", validation.date_of_birth, today)
    check("a_number", validation.a_number)
    check("nationality", validation.in_vocabulary, vocab.COUNTRIES)
    for name, choices in CHOICES.items():
        if cleaned.get(name) not in (None, "") and cleaned[name] not in choices:
            errors.setdefault(name, []).append(_("This is not one of the allowed values."))
    for code in cleaned.get("other_nationalities") or []:
        if code not in vocab.COUNTRIES:
            errors.setdefault("other_nationalities", []).append(
                _("“%(value)s” is not one of the allowed values.") % {"value": code}
            )
    born = cleaned.get("date_of_birth")
    if isinstance(born, datetime.date) and "date_of_birth" not in errors:
        cleaned["date_of_birth"] = coarsen(born, cleaned.get("birth_precision") or "")
    check("preferred_language", validation.language_code)
    languages = []
    for code in cleaned.get("languages") or []:
        try:
            languages.append(validation.language_code(code))
        except ValidationError as exc:
            errors.setdefault("languages", []).extend(exc.messages)
    cleaned["languages"] = sorted(set(languages))
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_family(members: Sequence[dict[str, Any]]) -> None:
    """One person heads the group, and ages fit the relationships: a child is not older than
    the parent who heads the group.

    `members[0]` heads the group; every other member says how they are related to them.
    Raises ValidationError naming the member (by position).
    """
    for position, member in enumerate(members[1:], start=2):
        relation = member.get("relationship")
        if not relation:
            raise ValidationError(
                _("Say how person %(position)s is related to the person who heads the group.")
                % {"position": position},
                code="relationship_missing",
            )
        if relation == Relationship.HEAD:
            raise ValidationError(
                _(
                    "Person %(position)s is marked as heading the group, but a family group has "
                    "one person who heads it, the first one. Choose how person %(position)s is "
                    "related to them."
                )
                % {"position": position},
                code="two_heads",
            )
    head_born = members[0].get("date_of_birth") if members else None
    if not isinstance(head_born, datetime.date):
        return
    for position, member in enumerate(members[1:], start=2):
        born = member.get("date_of_birth")
        if not isinstance(born, datetime.date):
            continue
        relation = member.get("relationship")
        gap = (born - head_born).days / 365.25
        if relation in HEAD_IS_PARENT and gap < MIN_PARENT_GAP_YEARS:
            raise ValidationError(
                _(
                    "Person %(position)s is registered as a child of the person who heads the "
                    "group but would be born less than %(years)s years after them. Check both "
                    "dates of birth."
                )
                % {"position": position, "years": MIN_PARENT_GAP_YEARS},
                code="child_older_than_parent",
            )
        if relation == Relationship.PARENT and -gap < MIN_PARENT_GAP_YEARS:
            raise ValidationError(
                _(
                    "Person %(position)s is registered as a parent of the person who heads the "
                    "group but would be born less than %(years)s years before them. Check both "
                    "dates of birth."
                )
                % {"position": position, "years": MIN_PARENT_GAP_YEARS},
                code="parent_younger_than_child",
            )


def child_statuses(members: Sequence[Person], today: datetime.date) -> list[str]:
    """DOMAIN.md 3.5, for each member: not a child, or an accompanied, separated or unaccompanied
    child. Accompanied: a parent (the head, for the head's children) or an adult marked as legal
    guardian or usual caregiver travels with them. Separated: with adult relatives, but none of
    those. Unaccompanied: no adult relative at all.

    A parent, or a person marked as guardian or caregiver, whose age is not recorded is taken
    for an adult (the relationship says as much): their child is not flagged unaccompanied
    because a date of birth was left empty.
    """
    adults = [p for p in members if not p.is_child_on(today) and p.age_on(today) is not None]
    head = next((p for p in members if p.relationship == Relationship.HEAD), None)
    head_is_adult = head is not None and not head.is_child_on(today)
    guardian = any(p.is_legal_guardian and not p.is_child_on(today) for p in members)
    relatives = [p for p in adults if p.relationship != Relationship.UNRELATED or p is head]
    statuses: list[str] = []
    for person in members:
        if not person.is_child_on(today):
            statuses.append(ChildStatus.NOT_A_CHILD)
        elif (head_is_adult and person.relationship in HEAD_IS_PARENT) or guardian:
            statuses.append(ChildStatus.ACCOMPANIED)
        elif person.relationship != Relationship.UNRELATED and relatives:
            statuses.append(ChildStatus.SEPARATED)
        else:
            statuses.append(ChildStatus.UNACCOMPANIED)
    return statuses


def _same(new: Any, old: Any) -> bool:
    return new == old or (new in (None, "") and old in (None, ""))


def _apply(person: Person, data: dict[str, Any]) -> list[str]:
    """Set the editable fields present in `data`; return the names of those that changed."""
    changed = []
    for name in EDITABLE:
        if name in data and not _same(data[name], getattr(person, name)):
            setattr(person, name, data[name])
            changed.append(name)
    born = person.date_of_birth
    person.birth_year = born.year if isinstance(born, datetime.date) else None
    return changed


def _set_child_statuses(household: Household, today: datetime.date) -> None:
    members = list(Person.objects.filter(household=household).order_by("id"))
    for person, status in zip(members, child_statuses(members, today), strict=True):
        if person.child_status != status:
            Person.objects.filter(pk=person.pk).update(child_status=status)
            person.child_status = status


def _check_contacts(members: Sequence[MemberData]) -> None:
    errors = []
    for position, member in enumerate(members, start=1):
        for contact in member.contacts:
            if contact.kind not in ContactChannel.Kind.values:
                errors.append(
                    _("Person %(position)s: unknown contact channel.") % {"position": position}
                )
                continue
            try:
                validation.phone_number(contact.number)
            except ValidationError as exc:
                errors.extend(
                    _("Person %(position)s: %(message)s") % {"position": position, "message": m}
                    for m in exc.messages
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def household_register(*, by: Any, members: Sequence[MemberData], arrival: Arrival) -> Household:
    """Register a family group (or one person) in one go: all of it is saved, or nothing.

    The first member heads the group. Each member gets a registration consent (given by the
    person, or by their caregiver for a child), the current location, and their contact
    channels. Children are flagged accompanied, separated or unaccompanied.
    """
    org_id = _org_id()
    if not members:
        raise ValidationError(_("Register at least one person."))
    if not arrival.consent_given:
        raise ValidationError(
            {"consent": _("Nobody is registered without their consent (or their caregiver's).")}
        )
    today = timezone.localdate()
    cleaned = [_clean(member.fields, today) for member in members]
    cleaned[0]["relationship"] = Relationship.HEAD
    _share_with_group(cleaned, arrival)
    check_family(cleaned)
    _check_contacts(members)
    validation.in_vocabulary(arrival.city, vocab.CITIES)
    household = Household.objects.create(
        organization_id=org_id,
        reference=_next_reference(Household, "H", org_id),
        created_by=by,
        modified_by=by,
    )
    audit.record(action=audit.Action.CREATE, actor=by, organization_id=org_id, obj=household)
    people = []
    for member, data in zip(members, cleaned, strict=True):
        person = _create_person(by=by, org_id=org_id, data=data, household=household)
        for contact in member.contacts:
            contact_add(by=by, person=person, contact=contact)
        _add_location(
            person, by=by, city=arrival.city, shelter=arrival.shelter, since=arrival.since or today
        )
        people.append(person)
    _set_child_statuses(household, today)
    for person in people:
        Consent.objects.create(
            organization_id=org_id,
            person=person,
            purpose=Consent.Purpose.REGISTRATION,
            given_at=timezone.now(),
            given_by=(
                Consent.GivenBy.CAREGIVER if person.is_child_on(today) else Consent.GivenBy.SELF
            ),
            language=arrival.consent_language,
            created_by=by,
            modified_by=by,
        )
    return household


def _share_with_group(members: list[dict[str, Any]], arrival: Arrival) -> None:
    """Give the other members the head's nationality and languages where theirs are empty,
    when the person registering ticked it (a child born on the way keeps their own)."""
    head = members[0]
    for member in members[1:]:
        if arrival.share_nationality and not member.get("nationality"):
            member["nationality"] = head.get("nationality") or ""
        if arrival.share_languages and not member.get("languages"):
            member["languages"] = list(head.get("languages") or [])


def _create_person(
    *, by: Any, org_id: int, data: dict[str, Any], household: Household | None
) -> Person:
    person = Person(
        organization_id=org_id,
        household=household,
        created_by=by,
        modified_by=by,
        reference=_next_reference(Person, "P", org_id),
    )
    _apply(person, data)
    person.save()
    name_tokens_refresh(person)
    audit.record(
        action=audit.Action.CREATE,
        actor=by,
        organization_id=org_id,
        obj=person,
        fields=[f for f in EDITABLE if data.get(f) not in (None, "", [], False)],
    )
    return person


def _add_location(
    person: Person, *, by: Any, city: str, shelter: str, since: datetime.date
) -> PersonLocation:
    """A new current location, also kept on the person for lists and filters."""
    location = PersonLocation.objects.create(
        organization_id=person.organization_id,
        person=person,
        city=city,
        shelter=shelter,
        since=since,
        created_by=by,
        modified_by=by,
    )
    Person.objects.filter(pk=person.pk).update(current_city=city)
    person.current_city = city
    return location


@transaction.atomic
def person_register(*, by: Any, data: dict[str, Any]) -> Person:
    """One person on their own, without contacts or location (imports and tests)."""
    org_id = _org_id()
    return _create_person(
        by=by, org_id=org_id, data=_clean(data, timezone.localdate()), household=None
    )


def _check_one_head(person: Person, relationship: str) -> None:
    """A family group keeps one person who heads it: nobody else becomes its head, and its
    head is not changed alone (`household_relationships_set` changes who heads it)."""
    if person.household_id is None or relationship == person.relationship:
        return
    other_heads = (
        Person.objects.filter(household_id=person.household_id, relationship=Relationship.HEAD)
        .exclude(pk=person.pk)
        .exists()
    )
    if relationship == Relationship.HEAD and other_heads:
        raise ValidationError(
            {
                "relationship": _(
                    "Another person already heads this family group. To change who heads it, "
                    "change the relationships of the whole group."
                )
            },
            code="two_heads",
        )
    if person.relationship == Relationship.HEAD and not other_heads:
        raise ValidationError(
            {
                "relationship": _(
                    "This person heads the family group, which would be left without anyone "
                    "heading it. To change who heads it, change the relationships of the whole "
                    "group."
                )
            },
            code="no_head",
        )


@transaction.atomic
def person_update(*, by: Any, person: Person, data: dict[str, Any]) -> Person:
    if data.get("relationship"):
        _check_one_head(person, data["relationship"])
    cleaned = _clean({**{f: getattr(person, f) for f in EDITABLE}, **data}, timezone.localdate())
    changed = _apply(person, {k: v for k, v in cleaned.items() if k in data})
    if not changed:
        return person
    person.modified_by = by
    person.save()
    if set(changed) & {*NAME_FIELDS, "date_of_birth", "birth_precision"}:  # search tokens
        name_tokens_refresh(person)
    if person.household is not None:
        _set_child_statuses(person.household, timezone.localdate())
    audit.record(
        action=audit.Action.UPDATE,
        actor=by,
        organization_id=person.organization_id,
        obj=person,
        fields=changed,
    )
    return person


@transaction.atomic
def person_move(
    *, by: Any, person: Person, city: str, shelter: str, since: datetime.date
) -> PersonLocation:
    """A new current location; the former one ends the day before."""
    validation.in_vocabulary(city, vocab.CITIES)
    validation.not_future(since, timezone.localdate())
    PersonLocation.objects.filter(person=person, until__isnull=True).update(
        until=since - datetime.timedelta(days=1)
    )
    location = _add_location(person, by=by, city=city, shelter=shelter, since=since)
    dependents.person_changed(person)
    audit.record(
        action=audit.Action.CREATE,
        actor=by,
        organization_id=person.organization_id,
        obj=location,
        fields=["city", "shelter", "since"],
    )
    return location


@transaction.atomic
def contact_add(*, by: Any, person: Person, contact: Contact) -> ContactChannel:
    if contact.is_preferred:
        ContactChannel.objects.filter(person=person).update(is_preferred=False)
    channel = ContactChannel.objects.create(
        organization_id=person.organization_id,
        person=person,
        kind=contact.kind,
        number=validation.phone_number(contact.number),
        is_preferred=contact.is_preferred,
        created_by=by,
        modified_by=by,
    )
    dependents.person_changed(person)
    audit.record(
        action=audit.Action.CREATE,
        actor=by,
        organization_id=person.organization_id,
        obj=channel,
        fields=["kind", "number"],
    )
    return channel


@transaction.atomic
def household_relationships_set(
    *, by: Any, household: Household, relationships: dict[Person, str]
) -> list[Person]:
    """Set how every member of a family group is related to the one who heads it, at once, so
    that who heads it can change. Exactly one member heads it; the ages must fit (as at
    registration). Each changed member is audited; returns those that changed."""
    members = list(Person.objects.filter(household=household).order_by("id"))
    if {p.pk for p in members} != {p.pk for p in relationships}:
        raise ValidationError(_("Give the relationship of every member of the group."))
    wanted = {p.pk: relationships[p] for p in relationships}
    for value in wanted.values():
        if value not in Relationship.values:
            raise ValidationError(_("This is not one of the allowed values."), code="choice")
    heads = [p for p in members if wanted[p.pk] == Relationship.HEAD]
    if len(heads) != 1:
        raise ValidationError(
            _("Choose exactly one person who heads the family group."), code="one_head"
        )
    ordered = heads + [p for p in members if p not in heads]
    check_family(
        [{"relationship": wanted[p.pk], "date_of_birth": p.date_of_birth} for p in ordered]
    )
    changed = [p for p in members if p.relationship != wanted[p.pk]]
    # The former head steps down before the new one steps up.
    for person in sorted(changed, key=lambda p: wanted[p.pk] == Relationship.HEAD):
        person.relationship = wanted[person.pk]
        person.modified_by = by
        person.save(update_fields=["relationship", "modified_by", "modified_at"])
        audit.record(
            action=audit.Action.UPDATE,
            actor=by,
            organization_id=person.organization_id,
            obj=person,
            fields=["relationship"],
        )
    if changed:
        _set_child_statuses(household, timezone.localdate())
    return changed
