"""The people endpoints of the REST API (mounted by `salvaguarda.api`).

Each operation reads through `queries*` (audited there) and writes through `services` only, as
the pages do; the schemas only check the shape and the format of each value, with the same
`validation` rules the forms use, so that a bad value is reported at its exact place
(`members.1.contacts.0.number`). Every operation declares its access policy like a view.

Names are never sent in a URL: GET /people takes every filter but the name, and a search by
name is a POST with the name in the body.
"""

import datetime
import uuid
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from salvaguarda.accounts.models import User
from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.core.paging import Page
from salvaguarda.people import queries, queries_records, queries_screening, validation, vocab
from salvaguarda.people.models import (
    Consent,
    ContactChannel,
    Person,
    ReturnEvent,
    SafeguardCheck,
    SpecificNeed,
)
from salvaguarda.people.models.reception import Answer
from salvaguarda.people.search import UNREADABLE_BIRTH, parse_birth
from salvaguarda.people.services import Arrival, Contact, MemberData, needs, records
from salvaguarda.people.services import screening as screening_services
from salvaguarda.people.services.persons import contact_add as contact_add_service
from salvaguarda.people.services.persons import household_register, person_move, person_update

router = Router()

PERSON = "/people/{uuid:person_uuid}"


# --- Value rules (the same functions the forms call) ------------------------------------------


def _rule(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A pydantic validator from a rule of `validation`; empty values are left to the services."""

    def validate(value: Any) -> Any:
        if value in (None, ""):
            return value
        try:
            check(value)
        except ValidationError as exc:
            raise PydanticCustomError(
                "salvaguarda", "{message}", {"message": " ".join(exc.messages)}
            ) from None
        return value

    return validate


def _in(vocabulary: Any) -> Callable[[Any], Any]:
    return _rule(lambda code: validation.in_vocabulary(code, vocabulary))


def _consented(value: bool) -> bool:
    if not value:
        raise PydanticCustomError(
            "salvaguarda",
            "{message}",
            {
                "message": _(
                    "Register people only once the purpose of the registration was explained "
                    "and they agreed (a parent or caregiver for the children): send true."
                )
            },
        )
    return value


def _blank_if_none(value: Any) -> Any:
    """Encrypted fields read an empty value as None: the API always gives text."""
    return "" if value is None else value


Text = Annotated[str, BeforeValidator(_blank_if_none)]
Phone = Annotated[str, Field(max_length=32), AfterValidator(_rule(validation.phone_number))]
ANumber = Annotated[str, Field(max_length=16), AfterValidator(_rule(validation.a_number))]
LanguageCode = Annotated[str, Field(max_length=8), AfterValidator(_rule(validation.language_code))]


def codes_schema(codes: Iterable[str]) -> WithJsonSchema:
    """The OpenAPI schema of a value taken from a list of codes: the document lists them (and
    the empty value, which the filters take for "any" and the services judge on their own)."""
    return WithJsonSchema({"type": "string", "enum": ["", *(code for code in codes if code)]})


ListedLanguage = Annotated[
    str, AfterValidator(_in(vocab.LANGUAGES)), codes_schema(vocab.LANGUAGES.codes())
]
Country = Annotated[
    str, AfterValidator(_in(vocab.COUNTRIES)), codes_schema(vocab.COUNTRIES.codes())
]
City = Annotated[str, AfterValidator(_in(vocab.CITIES)), codes_schema(vocab.CITIES.codes())]
PastDate = Annotated[
    datetime.date,
    AfterValidator(_rule(lambda day: validation.not_future(day, timezone.localdate()))),
]
BirthDate = Annotated[
    datetime.date,
    AfterValidator(_rule(lambda day: validation.date_of_birth(day, timezone.localdate()))),
]
ShortText = Annotated[str, Field(max_length=150)]


class Input(Schema):
    """Request bodies: an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# --- Output -----------------------------------------------------------------------------------


class PersonSummaryOut(Schema):
    uuid: uuid.UUID
    reference: str
    given_names: Text
    first_surname: Text
    second_surname: Text
    sex: str
    birth_year: int | None
    nationality: str
    current_city: str
    relationship: str
    child_status: str
    priority: str
    created_at: datetime.datetime


class PersonOut(PersonSummaryOut):
    household: str | None
    other_names: Text
    gender_identity: Text
    date_of_birth: datetime.date | None
    birth_precision: str
    other_nationalities: list[str]
    languages: list[str]
    preferred_language: str
    needs_interpreter: bool
    indigenous: str
    indigenous_people: Text
    a_number: Text
    is_legal_guardian: bool

    @staticmethod
    def resolve_household(person: Person) -> str | None:
        return person.household.reference if person.household is not None else None


class PersonPageOut(Schema):
    page: int
    has_next: bool
    results: list[PersonSummaryOut]
    # A name search's weak matches ("other possible matches"), with its last page only.
    others: list[PersonSummaryOut] = []


class HouseholdOut(Schema):
    reference: str
    people: list[PersonSummaryOut]


class ContactOut(Schema):
    uuid: uuid.UUID
    kind: str
    number: Text
    is_preferred: bool


class LocationOut(Schema):
    uuid: uuid.UUID
    city: str
    shelter: Text
    since: datetime.date
    until: datetime.date | None


class ReturnOut(Schema):
    uuid: uuid.UUID
    program_phase: str
    returned_on: datetime.date
    return_point: str
    mexican_city: str
    report_back_at: datetime.datetime | None
    report_back_place: str
    nta_date: datetime.date | None
    received_by: str
    reception_documents: list[str]
    informed_of_rights: str
    offered_screening: str
    fear_of_mexico: str
    exclusion_claimed: list[str]
    exclusion_outcome: str
    notes: Text


class DocumentOut(Schema):
    """A document with its whole number: only from its own (audited) read."""

    uuid: uuid.UUID
    doc_type: str
    number: Text
    issuer: str
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    holds_original: bool


class DocumentLineOut(Schema):
    """A document as the file lists it: the number masked, and whether it is expiring."""

    uuid: uuid.UUID
    doc_type: str
    masked_number: str
    issuer: str
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    holds_original: bool
    state: str
    days_left: int | None


class ScreeningOut(Schema):
    uuid: uuid.UUID
    questionnaire: str
    screened_on: datetime.date
    language: str
    age_band: str
    has_disability: bool | None
    priority: str
    protection_flags: list[str]


class NeedOut(Schema):
    uuid: uuid.UUID
    code: str
    subcode: str
    priority: str
    identified_on: datetime.date
    resolved_on: datetime.date | None


class NeedRecordedOut(NeedOut):
    """A need as written by hand or resolved: with its note, and whether a screening found it."""

    recorded_by_hand: bool
    note: str

    @staticmethod
    def resolve_recorded_by_hand(need: SpecificNeed) -> bool:
        return need.screening_id is None

    @staticmethod
    def resolve_note(need: SpecificNeed) -> str:
        return needs.note_of(need)


class ScreeningDetailOut(ScreeningOut):
    answers: dict[str, str | int]
    needs: list[NeedOut]


class ConsentOut(Schema):
    uuid: uuid.UUID
    purpose: str
    recipient: str
    given_at: datetime.datetime
    given_by: str
    language: str
    revoked_at: datetime.datetime | None
    is_active: bool


class SafeguardOut(Schema):
    uuid: uuid.UUID
    item: str
    done_on: datetime.date
    note: str

    @staticmethod
    def resolve_note(check: SafeguardCheck) -> str:
        return check.note or ""  # an empty note is stored as nothing at all


class SafeguardLineOut(Schema):
    """One item of the checklist; `done_on` empty is an omission."""

    item: str
    label: str
    done_on: datetime.date | None
    note: str


class PersonFileOut(Schema):
    person: PersonOut
    family: list[PersonSummaryOut]
    contacts: list[ContactOut]
    locations: list[LocationOut]
    returns: list[ReturnOut]
    documents: list[DocumentLineOut]
    screenings: list[ScreeningOut]
    # Open needs, the most pressing first; then those resolved, the latest first.
    needs: list[NeedRecordedOut]
    resolved_needs: list[NeedRecordedOut]
    consents: list[ConsentOut]
    safeguards: list[SafeguardLineOut]


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str


REFUSALS: dict[int, Any] = {401: DetailOut, 403: DetailOut, 404: DetailOut, 422: ErrorsOut}


# --- Input ------------------------------------------------------------------------------------


def choices_schema(choices: type[models.Choices]) -> WithJsonSchema:
    """The OpenAPI schema of a model's choices, written out where a `type` alias names them:
    models' choices often share a class name (`Kind`), which would otherwise share one entry
    of the document."""
    return WithJsonSchema({"type": "string", "enum": list(choices.values)})


# A contact channel's kinds, named after it in the OpenAPI document (other models have a `Kind`).
type ContactKind = Annotated[ContactChannel.Kind, choices_schema(ContactChannel.Kind)]


class PersonFiltersIn(Input):
    """Filters of the list. None of them identifies a person alone."""

    city: City = ""
    returned_from: datetime.date | None = None
    returned_to: datetime.date | None = None
    program_phase: Annotated[
        str,
        AfterValidator(_in(vocab.PROGRAM_PHASES)),
        codes_schema(vocab.PROGRAM_PHASES.codes()),
    ] = ""
    need: Annotated[
        str,
        AfterValidator(_in(vocab.SPECIFIC_NEEDS)),
        codes_schema(vocab.SPECIFIC_NEEDS.codes()),
    ] = ""
    nationality: Country = ""
    age_band: Annotated[
        str,
        AfterValidator(_rule(lambda band: validation.in_vocabulary(band, _AgeBands()))),
        codes_schema(band for band, _young, _old in queries.AGE_BANDS),
    ] = ""
    priority: Annotated[
        str,
        AfterValidator(_rule(lambda p: validation.in_vocabulary(p, _Priorities()))),
        codes_schema(Person.Priority.values),
    ] = ""
    page: Page = 1


class _AgeBands:
    """The age bands of `queries.AGE_BANDS`, as a vocabulary for `validation.in_vocabulary`."""

    def __contains__(self, code: object) -> bool:
        return any(code == band for band, _young, _old in queries.AGE_BANDS)


class _Priorities:
    def __contains__(self, code: object) -> bool:
        return code in Person.Priority.values and code != ""


class PersonSearchIn(PersonFiltersIn):
    name: Annotated[str, Field(min_length=1, max_length=150)]
    # A date (12/03/1985 or 1985-03-12), a month (03/1985), a year or an age: it ranks the
    # people found, it never leaves anyone out.
    birth: Annotated[str, Field(max_length=20)] = ""


class ContactIn(Input):
    kind: ContactKind
    number: Phone
    is_preferred: bool = False


class PersonFieldsIn(Input):
    """The fields of a person that registration and editing set (`services.EDITABLE`)."""

    given_names: ShortText = ""
    first_surname: ShortText = ""
    second_surname: ShortText = ""
    other_names: ShortText = ""
    relationship: Person.Relationship | None = None
    is_legal_guardian: bool = False
    sex: Person.Sex = Person.Sex.NOT_RECORDED
    gender_identity: Annotated[str, Field(max_length=80)] = ""
    date_of_birth: BirthDate | None = None
    birth_precision: Person.BirthPrecision = Person.BirthPrecision.EXACT
    nationality: Country = ""
    other_nationalities: list[Country] = []
    languages: list[LanguageCode] = []
    preferred_language: LanguageCode = ""
    needs_interpreter: bool = False
    indigenous: Person.Indigenous = Person.Indigenous.NOT_ASKED
    indigenous_people: Annotated[str, Field(max_length=80)] = ""
    a_number: ANumber = ""


class MemberIn(PersonFieldsIn):
    """One person of a family group. The first one heads the group."""

    contacts: list[ContactIn] = []


class ArrivalIn(Input):
    city: City
    shelter: Annotated[str, Field(max_length=160)] = ""
    since: PastDate | None = None
    consent: Annotated[bool, AfterValidator(_consented)]
    consent_language: ListedLanguage = "spa"


class HouseholdIn(Input):
    members: list[MemberIn]
    arrival: ArrivalIn


class LocationIn(Input):
    city: City
    shelter: Annotated[str, Field(max_length=160)] = ""
    since: PastDate


class ReturnIn(Input):
    program_phase: str
    returned_on: datetime.date
    return_point: str
    mexican_city: str = ""
    report_back_at: datetime.datetime | None = None
    report_back_place: str = ""
    nta_date: datetime.date | None = None
    received_by: ReturnEvent.ReceivedBy = ReturnEvent.ReceivedBy.UNKNOWN
    reception_documents: list[str] = []
    informed_of_rights: Answer = Answer.UNKNOWN
    offered_screening: Answer = Answer.UNKNOWN
    fear_of_mexico: Answer = Answer.UNKNOWN
    exclusion_claimed: list[str] = []
    exclusion_outcome: ReturnEvent.ExclusionOutcome = ReturnEvent.ExclusionOutcome.NOT_CLAIMED
    notes: str = ""


class DocumentIn(Input):
    doc_type: str
    number: str = ""
    issuer: str = ""
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    holds_original: bool = True


class ConsentIn(Input):
    purpose: Consent.Purpose
    given_by: Consent.GivenBy = Consent.GivenBy.SELF
    language: str
    recipient: str = ""
    given_at: datetime.datetime | None = None


class SafeguardIn(Input):
    item: SafeguardCheck.Item
    done_on: datetime.date
    note: Annotated[str, Field(max_length=200)] = ""


class NeedIn(Input):
    # A code of the specific-needs list: a detailed one ("DS-PM") or a main one alone ("DS").
    code: Annotated[str, codes_schema(vocab.SPECIFIC_NEEDS.codes())]
    priority: SpecificNeed.Priority
    identified_on: datetime.date | None = None  # today where the organization works
    note: Annotated[str, Field(max_length=needs.NOTE_MAX_LENGTH)] = ""


class NeedResolveIn(Input):
    resolved_on: datetime.date | None = None  # today where the organization works


class ScreeningIn(Input):
    answers: dict[str, str | int | None]
    screened_on: datetime.date
    language: str = ""
    # Required when the person's file has no date of birth: "0-1", "2-4", "5-9", "10-14",
    # "15-17" or "18+" (the questions asked depend on it).
    age_band: str = ""


# --- Helpers ----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return signed_in_user(request)


def _filters(data: PersonFiltersIn, name: str = "") -> queries.PersonFilters:
    if data.returned_from and data.returned_to and data.returned_from > data.returned_to:
        raise ValidationError({"returned_to": [_("The end of the period is before its start.")]})
    values = data.model_dump(exclude={"page", "name", "birth"})
    birth = None
    if isinstance(data, PersonSearchIn) and data.birth.strip():
        birth = parse_birth(data.birth)
        if birth is None:
            raise ValidationError({"birth": [str(UNREADABLE_BIRTH)]})
    return queries.PersonFilters(name=name, birth=birth, **values)


def _page(page: queries.PersonPage) -> dict[str, Any]:
    return {
        "page": page.number,
        "has_next": page.has_next,
        "results": page.people,
        "others": page.others,
    }


def _document_line(line: Any) -> dict[str, Any]:
    document = line.document
    return {
        "uuid": document.uuid,
        "doc_type": document.doc_type,
        "masked_number": line.masked_number,
        "issuer": document.issuer,
        "issued_on": document.issued_on,
        "expires_on": document.expires_on,
        "holds_original": document.holds_original,
        "state": str(line.state),
        "days_left": line.days_left,
    }


def _safeguard_line(line: Any) -> dict[str, Any]:
    check = line.check
    return {
        "item": line.item,
        "label": line.label,
        "done_on": line.done_on,
        "note": (check.note or "") if check is not None else "",
    }


# --- People -----------------------------------------------------------------------------------


@router.get("/people", response={200: PersonPageOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def person_list(request: HttpRequest, filters: Query[PersonFiltersIn]) -> Any:
    """One page (20 people) of the list, newest first, narrowed by the filters. Audited.

    The name is not a filter here (a URL would carry it into logs): use POST /people/search.
    """
    if "name" in request.GET:
        raise ValidationError(
            {"name": [_("A name never goes into a URL: search with POST /people/search.")]}
        )
    page = queries.persons_page_for(_user(request), _filters(filters), page=filters.page)
    return _page(page)


@router.post("/people/search", response={200: PersonPageOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def person_search(request: HttpRequest, payload: PersonSearchIn) -> Any:
    """People whose names match `name` best first (and `birth`, when given, closest first),
    narrowed by the same filters, as the list page finds them. Audited."""
    filters = _filters(payload, name=payload.name)
    return _page(queries.persons_page_for(_user(request), filters, page=payload.page))


@router.post("/households", response={201: HouseholdOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def household_create(request: HttpRequest, payload: HouseholdIn) -> Any:
    """Register a family group (or one person): all of it is saved, or nothing.

    The first member heads the group; each other member says how they are related to them.
    Each member gets the registration consent, the current location and their contacts.
    """
    missing = {
        f"members.{position}.relationship": [
            _("Say how this person is related to the person who heads the group.")
        ]
        for position, member in enumerate(payload.members)
        if position > 0 and member.relationship is None
    }
    if missing:
        raise ValidationError(missing)
    members = [
        MemberData(
            fields=member.model_dump(exclude={"contacts"}, exclude_none=True),
            contacts=[Contact(c.kind, c.number, c.is_preferred) for c in member.contacts],
        )
        for member in payload.members
    ]
    arrival = payload.arrival
    household = household_register(
        by=_user(request),
        members=members,
        arrival=Arrival(
            city=arrival.city,
            consent_given=arrival.consent,
            shelter=arrival.shelter,
            since=arrival.since,
            consent_language=arrival.consent_language,
        ),
    )
    people = list(household.members.order_by("id"))
    return Status(201, {"reference": household.reference, "people": people})


@router.get(PERSON, response={200: PersonFileOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def person_get(request: HttpRequest, person_uuid: uuid.UUID) -> Any:
    """The whole file of a person (document numbers masked). Audited as one view."""
    file = queries.person_file_for(_user(request), person_uuid)
    return {
        "person": file.person,
        "family": file.family,
        "contacts": file.contacts,
        "locations": file.locations,
        "returns": file.returns,
        "documents": [_document_line(line) for line in file.documents],
        "screenings": file.screenings,
        "needs": file.needs,
        "resolved_needs": file.resolved_needs,
        "consents": file.consents,
        "safeguards": [_safeguard_line(line) for line in file.safeguards],
    }


class PersonPatchIn(PersonFieldsIn):
    """Only the fields sent are changed."""


@router.patch(PERSON, response={200: PersonOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def person_patch(request: HttpRequest, person_uuid: uuid.UUID, payload: PersonPatchIn) -> Any:
    """Change the fields sent; the others keep their value. Audited with the field names."""
    person = queries.person_get_for(_user(request), person_uuid)
    data = payload.model_dump(exclude_unset=True)
    if data.get("relationship", "") is None:
        del data["relationship"]
    return person_update(by=_user(request), person=person, data=data)


@router.post(PERSON + "/contacts", response={201: ContactOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def contact_create(request: HttpRequest, person_uuid: uuid.UUID, payload: ContactIn) -> Any:
    person = queries.person_get_for(_user(request), person_uuid)
    contact = Contact(payload.kind, payload.number, payload.is_preferred)
    return Status(201, contact_add_service(by=_user(request), person=person, contact=contact))


@router.post(PERSON + "/locations", response={201: LocationOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def location_create(request: HttpRequest, person_uuid: uuid.UUID, payload: LocationIn) -> Any:
    """Where the person stays from `since`; the former location ends the day before."""
    person = queries.person_get_for(_user(request), person_uuid)
    location = person_move(
        by=_user(request),
        person=person,
        city=payload.city,
        shelter=payload.shelter,
        since=payload.since,
    )
    return Status(201, location)


# --- Returns, documents, consents, safeguards, screenings -------------------------------------


@router.post(PERSON + "/returns", response={201: ReturnOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def return_create(request: HttpRequest, person_uuid: uuid.UUID, payload: ReturnIn) -> Any:
    """One return to Mexico. An empty Mexican city is taken from the port."""
    person = queries.person_get_for(_user(request), person_uuid)
    data = payload.model_dump(exclude_unset=True)
    return Status(201, records.return_record(by=_user(request), person=person, data=data))


@router.post(PERSON + "/documents", response={201: DocumentOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def document_create(request: HttpRequest, person_uuid: uuid.UUID, payload: DocumentIn) -> Any:
    person = queries.person_get_for(_user(request), person_uuid)
    data = payload.model_dump(exclude_unset=True)
    return Status(201, records.document_record(by=_user(request), person=person, data=data))


@router.get(PERSON + "/documents/{uuid:document_uuid}", response={200: DocumentOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def document_get(request: HttpRequest, person_uuid: uuid.UUID, document_uuid: uuid.UUID) -> Any:
    """One document with its whole number. Audited."""
    person = queries.person_get_for(_user(request), person_uuid)
    return queries_records.document_get_for(_user(request), person, document_uuid)


@router.post(PERSON + "/consents", response={201: ConsentOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def consent_create(request: HttpRequest, person_uuid: uuid.UUID, payload: ConsentIn) -> Any:
    """A consent for one purpose (sharing names the organization, as `recipient`).

    The same consent already active is returned unchanged.
    """
    person = queries.person_get_for(_user(request), person_uuid)
    consent = records.consent_record(
        by=_user(request),
        person=person,
        purpose=payload.purpose,
        given_by=payload.given_by,
        language=payload.language,
        recipient=payload.recipient,
        given_at=payload.given_at,
    )
    return Status(201, consent)


@router.post(
    PERSON + "/consents/{uuid:consent_uuid}/revoke", response={200: ConsentOut, **REFUSALS}
)
@policy(Policy.CASE_DATA)
def consent_revoke(request: HttpRequest, person_uuid: uuid.UUID, consent_uuid: uuid.UUID) -> Any:
    """Revoke at once: from now on nothing that needs this consent is done."""
    person = queries.person_get_for(_user(request), person_uuid)
    consent = queries_records.consent_get_for(_user(request), person, consent_uuid)
    return records.consent_revoke(by=_user(request), consent=consent)


@router.post(PERSON + "/safeguards", response={201: SafeguardOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def safeguard_create(request: HttpRequest, person_uuid: uuid.UUID, payload: SafeguardIn) -> Any:
    """Mark one safeguard of the checklist done (or change its date or note)."""
    person = queries.person_get_for(_user(request), person_uuid)
    check = records.safeguard_record(
        by=_user(request),
        person=person,
        item=payload.item,
        done_on=payload.done_on,
        note=payload.note,
    )
    return Status(201, check)


@router.post(PERSON + "/needs", response={201: NeedRecordedOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def need_create(request: HttpRequest, person_uuid: uuid.UUID, payload: NeedIn) -> Any:
    """A specific need recorded by hand (a later screening keeps it). A second open need of
    the same code recorded by hand is refused. The person's priority follows their open needs."""
    person = queries.person_get_for(_user(request), person_uuid)
    data = payload.model_dump()
    return Status(201, needs.need_record(by=_user(request), person=person, data=data))


@router.post(
    PERSON + "/needs/{uuid:need_uuid}/resolve", response={200: NeedRecordedOut, **REFUSALS}
)
@policy(Policy.CASE_DATA)
def need_resolve(
    request: HttpRequest, person_uuid: uuid.UUID, need_uuid: uuid.UUID, payload: NeedResolveIn
) -> Any:
    """Mark an open need (found by a screening or recorded by hand) resolved on a day."""
    person = queries.person_get_for(_user(request), person_uuid)
    need = needs.need_get_for(_user(request), person, need_uuid)
    return needs.need_resolve(by=_user(request), need=need, resolved_on=payload.resolved_on)


@router.post(PERSON + "/screenings", response={201: ScreeningDetailOut, **REFUSALS})
@policy(Policy.CASE_DATA)
def screening_create(request: HttpRequest, person_uuid: uuid.UUID, payload: ScreeningIn) -> Any:
    """A screening: the answers keyed by question, and the needs they give the person."""
    person = queries.person_get_for(_user(request), person_uuid)
    screening = screening_services.screening_record(
        by=_user(request),
        person=person,
        answers=payload.answers,
        screened_on=payload.screened_on,
        language=payload.language,
        age_band=payload.age_band,
    )
    return Status(201, _screening(person, screening))


@router.get(
    PERSON + "/screenings/{uuid:screening_uuid}", response={200: ScreeningDetailOut, **REFUSALS}
)
@policy(Policy.CASE_DATA)
def screening_get(request: HttpRequest, person_uuid: uuid.UUID, screening_uuid: uuid.UUID) -> Any:
    """One screening with its answers and the needs it gave. Audited."""
    person = queries.person_get_for(_user(request), person_uuid)
    screening = queries_screening.screening_get_for(_user(request), person, screening_uuid)
    return _screening(person, screening)


def _screening(person: Person, screening: Any) -> dict[str, Any]:
    return {
        "uuid": screening.uuid,
        "questionnaire": screening.questionnaire,
        "screened_on": screening.screened_on,
        "language": screening.language,
        "age_band": screening.age_band,
        "has_disability": screening.has_disability,
        "priority": screening.priority,
        "protection_flags": screening.protection_flags or [],
        "answers": screening.answers or {},
        "needs": queries_screening.needs_of(person, screening=screening),
    }
