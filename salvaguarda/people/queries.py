"""Reads of people. Every function runs inside the request's organization scope."""

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.people import safeguard_applies, safeguard_proofs, search, vocab
from salvaguarda.people.models import (
    Consent,
    ContactChannel,
    IdentityDocument,
    Person,
    PersonLocation,
    ReturnEvent,
    Screening,
    SpecificNeed,
)
from salvaguarda.people.prepared import UUID_MARK, Prepared
from salvaguarda.people.queries_records import (
    documents_expiring,
    migration_document_among,
    safeguard_checks,
    safeguard_lines,
)
from salvaguarda.people.queries_screening import most_pressing_first
from salvaguarda.people.search import BirthQuery
from salvaguarda.people.search import ranking as search_ranking

PAGE_SIZE = 20

# Age bands of the list filter: (code, youngest, oldest) in years.
AGE_BANDS = (
    ("0-4", 0, 4),
    ("5-11", 5, 11),
    ("12-17", 12, 17),
    ("18-59", 18, 59),
    ("60+", 60, 130),
)


@dataclass(frozen=True)
class PersonFilters:
    """What the list can be narrowed by. None of it identifies a person alone.

    `birth` is given with a name only: it ranks the people found, it never filters them out.
    """

    name: str = ""
    birth: BirthQuery | None = None
    city: str = ""
    returned_from: datetime.date | None = None
    returned_to: datetime.date | None = None
    program_phase: str = ""
    need: str = ""
    nationality: str = ""
    age_band: str = ""
    priority: str = ""

    def used(self) -> list[str]:
        """Names of the filters in use (for the audit trail: names, never values)."""
        return [name for name, value in vars(self).items() if value not in ("", None)]


@dataclass
class PersonPage:
    people: list[Person]
    number: int
    has_next: bool
    # A name search's weak matches, shown under its last page as "other possible matches".
    others: list[Person] = field(default_factory=list)


def person_count() -> int:
    """An aggregate: allowed for every role of the organization."""
    return Person.objects.count()


def _birth_years(band: str, today: datetime.date) -> tuple[int, int] | None:
    for code, youngest, oldest in AGE_BANDS:
        if code == band:
            return today.year - oldest - 1, today.year - youngest
    return None


def _returns_matching(filters: PersonFilters) -> QuerySet[ReturnEvent] | None:
    if not (filters.program_phase or filters.returned_from or filters.returned_to):
        return None
    returns = ReturnEvent.objects.all()
    if filters.program_phase:
        returns = returns.filter(program_phase=filters.program_phase)
    if filters.returned_from:
        returns = returns.filter(returned_on__gte=filters.returned_from)
    if filters.returned_to:
        returns = returns.filter(returned_on__lte=filters.returned_to)
    return returns


def _needs_matching(filters: PersonFilters) -> QuerySet[SpecificNeed] | None:
    if not filters.need:
        return None
    return SpecificNeed.objects.filter(code=filters.need, resolved_on__isnull=True)


def persons_for(
    user: Any, filters: PersonFilters, *, between: tuple[int, int] | None = None
) -> QuerySet[Person]:
    """People of the active organization narrowed by every filter but the name (and to the
    ids `between`, their returns and needs included)."""
    queryset = Person.objects.all()
    if between:
        queryset = queryset.filter(pk__range=between)
    if filters.city:
        queryset = queryset.filter(current_city=filters.city)
    if filters.nationality:
        queryset = queryset.filter(nationality=filters.nationality)
    if filters.priority:
        queryset = queryset.filter(priority=filters.priority)
    years = _birth_years(filters.age_band, timezone.localdate())
    if years:
        # By year of birth: a band is exact to within the months of one birthday. A name
        # search keeps the people whose age is unknown: the person sought may be one of them.
        in_band = Q(birth_year__range=years)
        if filters.name:
            in_band |= Q(birth_year__isnull=True)
        queryset = queryset.filter(in_band)
    for related in (_needs_matching(filters), _returns_matching(filters)):
        if related is not None:
            if between and connection.vendor == "postgresql":
                # PostgreSQL may merge-join the whole person index of the related table
                # instead of probing it per person: bound that side too. (SQLite would then
                # probe the bounded range instead of the person.)
                related = related.filter(person__gte=between[0], person__lte=between[1])
            queryset = queryset.filter(Exists(related.filter(person=OuterRef("pk"))))
    return queryset


# A filter on returns or needs that matches at most this many rows is read whole first.
FEW_RELATED = 1000


def _person_bounds(matching: QuerySet[Any], *, period: bool) -> tuple[int | None, int | None]:
    """The first and last person of matching returns or needs."""
    if period:
        # The rows of a period are read from the date index ("+ 0": PostgreSQL and SQLite
        # would otherwise walk the person index from each end, checking every date).
        bounds = matching.order_by().aggregate(
            first=Min(F("person_id") + 0), last=Max(F("person_id") + 0)
        )
        return bounds["first"], bounds["last"]
    # A code or a program: each end is the first row of an index in person order (one query
    # with MIN and MAX would read every row).
    ids = matching.values_list("person_id", flat=True)
    return ids.order_by("person_id").first(), ids.order_by("-person_id").first()


def _newest_first(user: Any, filters: PersonFilters, offset: int, count: int) -> list[Person]:
    """The newest registered people the filters match, `count` from `offset`.

    Walking the people from the newest and asking each whether it has a matching return or
    need would cross most of a large network when the returns sought are old (an early
    program phase, a period years ago). So a filter on returns or needs is looked up in its
    own index first: when it matches few rows, the page is chosen among those people; when it
    matches many, the walk is kept between its first and last person.
    """
    related: list[tuple[QuerySet[Any], bool]] = []
    if (needs := _needs_matching(filters)) is not None:
        related.append((needs, False))
    if (returns := _returns_matching(filters)) is not None:
        related.append((returns, bool(filters.returned_from or filters.returned_to)))
    for matching, _ in related:
        some = matching.order_by().values_list("person_id", flat=True)[: FEW_RELATED + 1]
        people = set(some)
        if len(people) <= FEW_RELATED:
            chosen = persons_for(user, filters).filter(pk__in=people).order_by("-id")
            return list(chosen[offset : offset + count])
    between: tuple[int, int] | None = None
    for matching, is_period in related:
        first, last = _person_bounds(matching, period=is_period)
        if first is None or last is None:
            return []
        between = (
            (first, last) if between is None else (max(between[0], first), min(between[1], last))
        )
    if between and between[0] > between[1]:
        return []
    newest = persons_for(user, filters, between=between).order_by("-id")
    return list(newest[offset : offset + count])


def persons_page_for(user: Any, filters: PersonFilters, *, page: int = 1) -> PersonPage:
    """One page of the list, best name match first when a name is given. Audited."""
    org_id = current_organization_id()
    assert org_id is not None  # noqa: S101 - the scope middleware guarantees it
    page = max(page, 1)
    offset = (page - 1) * PAGE_SIZE
    others: list[Person] = []
    if filters.name:
        people, others = _search_page(user, filters, org_id, offset)
    else:
        people = _newest_first(user, filters, offset, PAGE_SIZE + 1)
    has_next = len(people) > PAGE_SIZE
    people = people[:PAGE_SIZE]
    detail: dict[str, Any] = {"count": len(people), "filters": filters.used(), "page": page}
    if filters.name:
        detail["others"] = len(others)
    audit.record(
        action=audit.Action.SEARCH if filters.name else audit.Action.LIST,
        actor=user,
        organization_id=org_id,
        object_type=Person._meta.label_lower,
        detail=detail,
    )
    return PersonPage(people, page, has_next, others)


def _search_page(
    user: Any, filters: PersonFilters, org_id: int, offset: int
) -> tuple[list[Person], list[Person]]:
    """One page of good matches (and one more, to know whether a page follows) and, on the
    last page, the weak matches under it."""
    restrict = persons_for(user, filters) if set(filters.used()) - {"name", "birth"} else None
    ranking = search.search_persons(
        organization_id=org_id,
        text=filters.name,
        birth=filters.birth,
        candidates=restrict,
        pool=max(search_ranking.POOL, offset + PAGE_SIZE + 1),
    )
    ids = ranking.strong[offset : offset + PAGE_SIZE + 1]
    weak = ranking.weak[: search_ranking.WEAK_SHOWN] if len(ids) <= PAGE_SIZE else []
    by_id = {p.pk: p for p in Person.objects.filter(pk__in=ids + weak)}
    return [by_id[pk] for pk in ids if pk in by_id], [by_id[pk] for pk in weak if pk in by_id]


def person_get_for(user: Any, person_uuid: uuid.UUID) -> Person:
    """One person of the active organization, audited; 404 if it is not there (or not ours)."""
    return _audited_view(user, Person.objects.filter(uuid=person_uuid).first())


# The person of the file, with the name of who registered them (`recorded_by`).
_PERSON = Prepared(
    lambda person_uuid: Person.objects.filter(uuid=person_uuid).annotate(
        recorded_by=F("created_by__full_name")
    ),
    mark=UUID_MARK,
)


def _audited_view(user: Any, person: Person | None) -> Person:
    """The person found, its view audited; 404 when none was (or not in our organization)."""
    if person is None:
        raise Http404
    audit.record(
        action=audit.Action.VIEW,
        actor=user,
        organization_id=person.organization_id,
        obj=person,
    )
    return person


# The timeline's lines, by kind of entry: translated when shown (a sentence each, built here
# rather than by a template included once per line).
TIMELINE_SENTENCES = {
    "registered": gettext_noop("Registered by %(by)s"),
    "return": gettext_noop("Returned to Mexico (%(what)s)"),
    "document": gettext_noop("Document recorded: %(what)s, by %(by)s"),
    "screening": gettext_noop("Screened by %(by)s"),
    "location": gettext_noop("Staying in %(what)s"),
    "consent": gettext_noop("Consent given: %(what)s (recorded by %(by)s)"),
    "consent_revoked": gettext_noop("Consent revoked: %(what)s (recorded by %(by)s)"),
    "safeguard": gettext_noop("Safeguard done: %(what)s, by %(by)s"),
}


@dataclass(frozen=True)
class TimelineEntry:
    day: datetime.date
    kind: str
    what: str
    by: str

    @property
    def sentence(self) -> str:
        """The line in the active language (plain text: the page escapes it)."""
        return gettext(TIMELINE_SENTENCES[self.kind]) % {"what": self.what, "by": self.by}


@dataclass
class PersonFile:
    """Everything the person's file page shows, read at once (one audit entry: the view)."""

    person: Person
    family: list[Person]
    contacts: list[ContactChannel]
    locations: list[PersonLocation]
    returns: list[ReturnEvent]
    documents: list[Any]
    screenings: list[Screening]
    needs: list[SpecificNeed]
    consents: list[Consent]
    resolved_needs: list[SpecificNeed]
    safeguards: list[Any]
    document_rows: list[IdentityDocument]
    timeline: list[TimelineEntry] = field(default_factory=list)

    @property
    def current_location(self) -> PersonLocation | None:
        return next((loc for loc in self.locations if loc.until is None), None)


def _timeline(file: PersonFile) -> list[TimelineEntry]:
    def who(row: Any) -> str:
        return row.recorded_by

    def local(moment: datetime.datetime) -> datetime.date:
        return timezone.localdate(moment)

    entries = [TimelineEntry(local(file.person.created_at), "registered", "", who(file.person))]
    entries += [
        TimelineEntry(r.returned_on, "return", vocab.PROGRAM_PHASES.label(r.program_phase), who(r))
        for r in file.returns
    ]
    entries += [
        TimelineEntry(
            local(d.created_at), "document", vocab.DOCUMENT_TYPES.label(d.doc_type), who(d)
        )
        for d in file.document_rows
    ]
    entries += [TimelineEntry(s.screened_on, "screening", "", who(s)) for s in file.screenings]
    entries += [
        TimelineEntry(loc.since, "location", vocab.CITIES.label(loc.city), who(loc))
        for loc in file.locations
    ]
    for consent in file.consents:
        purpose = str(Consent.Purpose(consent.purpose).label)
        entries.append(TimelineEntry(local(consent.given_at), "consent", purpose, who(consent)))
        if consent.revoked_at:
            revoked_by = getattr(consent, "revoked_by_name", None) or ""  # an annotation
            entries.append(
                TimelineEntry(local(consent.revoked_at), "consent_revoked", purpose, revoked_by)
            )
    for line in file.safeguards:
        if line.check is not None:
            entries.append(
                TimelineEntry(line.check.done_on, "safeguard", line.label, who(line.check))
            )
    return sorted(entries, key=lambda e: e.day, reverse=True)


# The family as the file (and the API's summary of each member) shows it.
FAMILY_COLUMNS = (
    "id", "uuid", "organization_id", "household_id", "reference", "relationship",
    "child_status", "given_names", "first_surname", "second_surname", "sex", "birth_year",
    "nationality", "current_city", "priority", "created_at",
)  # fmt: skip


def _of_person(model: Any) -> Prepared:
    """A person's rows of `model` in its usual order, with the name of who recorded each."""
    return Prepared(
        lambda person_id: model.objects.filter(person_id=person_id).annotate(
            recorded_by=F("created_by__full_name")
        )
    )


# The file's reads, their SQL built once per process (prepared.py): on a page this small,
# building a query costs more than running it.
_FAMILY = Prepared(
    lambda household_id: (
        Person.objects.filter(household_id=household_id).only(*FAMILY_COLUMNS).order_by("id")
    )
)
_CONTACTS = Prepared(lambda person_id: ContactChannel.objects.filter(person_id=person_id))
_LOCATIONS = _of_person(PersonLocation)
_RETURNS = _of_person(ReturnEvent)
_DOCUMENTS = _of_person(IdentityDocument)
_SCREENINGS = _of_person(Screening)
# Open and resolved: the file lists the resolved ones apart.
_NEEDS = Prepared(lambda person_id: SpecificNeed.objects.filter(person_id=person_id))
_CONSENTS = Prepared(
    lambda person_id: Consent.objects.filter(person_id=person_id).annotate(
        recorded_by=F("created_by__full_name"), revoked_by_name=F("revoked_by__full_name")
    )
)
_SAFEGUARDS = Prepared(safeguard_checks)


def person_file_for(user: Any, person_uuid: uuid.UUID) -> PersonFile:
    """The whole file of a person: audited as one view of the person.

    One query per kind of record, each built once per process; of the staff who recorded a
    row, the name only (`recorded_by`); the safeguards are worked out from the documents and
    returns read here."""
    person = _audited_view(user, next(iter(_PERSON.rows(person_uuid)), None))
    family = _FAMILY.rows(person.household_id) if person.household_id is not None else []
    documents = _DOCUMENTS.rows(person.pk)
    returns = _RETURNS.rows(person.pk)
    all_needs = _NEEDS.rows(person.pk)
    needs = [need for need in all_needs if need.resolved_on is None]
    today = timezone.localdate()
    proofs = safeguard_proofs.proofs_for(person)
    file = PersonFile(
        person=person,
        family=family,
        contacts=_CONTACTS.rows(person.pk),
        locations=_LOCATIONS.rows(person.pk),
        returns=returns,
        documents=documents_expiring(documents, today),
        screenings=_SCREENINGS.rows(person.pk),
        needs=most_pressing_first(needs),
        resolved_needs=sorted(
            (need for need in all_needs if need.resolved_on is not None),
            key=lambda need: need.resolved_on or datetime.date.min,
            reverse=True,
        ),
        consents=_CONSENTS.rows(person.pk),
        safeguards=safeguard_lines(
            _SAFEGUARDS.rows(person.pk),
            migration_document_among(documents, returns),
            proofs,
            safeguard_applies.applicable(person, needs, today, proofs),
        ),
        document_rows=documents,
    )
    file.timeline = _timeline(file)
    return file
