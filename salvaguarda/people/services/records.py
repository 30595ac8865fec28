"""Writes of returns, documents, consents and the safeguards checklist, and consent enforcement.

Every write runs in one transaction, checks its values again (`validation_records`: a write
that does not come through a form is held to the same rules), and is audited with the names of
the fields it set or changed, never their values. A value that breaks a rule raises a
`ValidationError` whose `error_dict` names the field, and nothing is saved.

Other features that need a person's consent call `consent_require` (or `has_consent`) first;
`ConsentMissing` carries a translated sentence that says which consent is missing.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import User
from salvaguarda.core import audit
from salvaguarda.core.models import OrgScopedModel
from salvaguarda.core.writes import create, update
from salvaguarda.lib.normalize import fold_text
from salvaguarda.people import dependents, safeguard_applies
from salvaguarda.people import validation_records as rules
from salvaguarda.people.models import (
    Consent,
    IdentityDocument,
    Person,
    ReturnEvent,
    SafeguardCheck,
)

RETURN_FIELDS = (
    "program_phase",
    "returned_on",
    "return_point",
    "mexican_city",
    "report_back_at",
    "report_back_place",
    "nta_date",
    "received_by",
    "reception_documents",
    "informed_of_rights",
    "offered_screening",
    "fear_of_mexico",
    "exclusion_claimed",
    "exclusion_outcome",
    "notes",
)
DOCUMENT_FIELDS = ("doc_type", "number", "issuer", "issued_on", "expires_on", "holds_original")
CONSENT_FIELDS = ("purpose", "recipient", "given_at", "given_by", "language")
SAFEGUARD_FIELDS = ("item", "done_on", "note")

_NULLABLE = frozenset({"returned_on", "report_back_at", "nta_date", "issued_on", "expires_on"})
_LISTS = {
    "reception_documents": list(ReturnEvent.RECEPTION_DOCUMENTS),
    "exclusion_claimed": list(rules.ExclusionGround.values),
}


# --- helpers -----------------------------------------------------------------------------------


def _zone(person: Person) -> ZoneInfo:
    return ZoneInfo(person.organization.time_zone)


def person_today(person: Person) -> datetime.date:
    """Today where the organization works."""
    return timezone.localdate(timezone=_zone(person))


def _ordered(values: Any, order: list[str]) -> Any:
    """A list of codes in the vocabulary's order, without repeats (so equal lists compare)."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple | set):
        return values  # not a list: the model's checks refuse it
    return sorted(set(values), key=lambda v: (order.index(v) if v in order else len(order), v))


def _prepared(
    fields: Iterable[str], data: Mapping[str, Any], current: models.Model | None, person: Person
) -> dict[str, Any]:
    """The values a write will hold: what `data` gives, else what the row has, else empty."""
    values: dict[str, Any] = {}
    for field in fields:
        if field in data:
            value = data[field]
        elif current is not None:
            value = getattr(current, field)
        else:
            value = [] if field in _LISTS else None if field in _NULLABLE else ""
        if isinstance(value, str):
            value = value.strip()
        elif value is None and field not in _NULLABLE:
            value = ""
        if field in _LISTS:
            value = _ordered(value or [], _LISTS[field])
        if isinstance(value, datetime.datetime) and timezone.is_naive(value):
            value = timezone.make_aware(value, _zone(person))
        values[field] = value
    return values


def _checked[M: OrgScopedModel](
    model: type[M],
    person: Person,
    values: dict[str, Any],
    check: Callable[[dict[str, Any]], rules.Errors],
) -> dict[str, Any]:
    """Run the model's own field checks (type, length, choices), then the rules; raise if any.

    The checks run on a throwaway instance, so a refused update leaves the row untouched.
    """
    candidate = model(organization_id=person.organization_id)
    for field, value in values.items():
        setattr(candidate, field, value)
    exclude = [f.name for f in model._meta.fields if f.name not in values]
    errors: rules.Errors = {}
    try:
        candidate.clean_fields(exclude=exclude)
    except ValidationError as exc:
        errors = {field: list(found) for field, found in exc.error_dict.items()}
    cleaned = {field: getattr(candidate, field) for field in values}
    # One explanation per field: the rule's, more precise than the model's generic one.
    errors.update(check(cleaned))
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- returns -----------------------------------------------------------------------------------


def _return_values(
    person: Person, data: Mapping[str, Any], current: ReturnEvent | None
) -> dict[str, Any]:
    values = _prepared(RETURN_FIELDS, data, current, person)
    if not values["mexican_city"] and isinstance(values["return_point"], str):
        values["mexican_city"] = rules.default_city(values["return_point"])
    return _checked(
        ReturnEvent,
        person,
        values,
        lambda v: rules.return_errors(
            v, today=person_today(person), born=rules.born_on(person), time_zone=_zone(person)
        ),
    )


@transaction.atomic
def return_record(
    *, by: User, person: Person, data: Mapping[str, Any], group: Sequence[Person] = ()
) -> ReturnEvent:
    """Record one return to Mexico of `person` (keys of `data`: `RETURN_FIELDS`) and, the
    same return, of the members of their family group in `group` (returned together): all of
    them, or none. Each is checked against its own person (a date of return before a child's
    birth is refused, naming the child).

    An empty Mexican city is taken from the port (DOMAIN.md 1.3).
    """
    values = _return_values(person, data, None)
    others = []
    for other in group:
        if other.pk == person.pk or other.household_id is None:
            continue
        if other.household_id != person.household_id:
            raise ValidationError(_("Only members of the same family group share a return."))
        try:
            others.append((other, _return_values(other, data, None)))
        except ValidationError as exc:
            raise ValidationError(
                _("The return cannot be recorded for %(name)s: %(reasons)s")
                % {"name": other.full_name or other.reference, "reasons": " ".join(exc.messages)},
                code="group_member",
            ) from exc
    record = create(ReturnEvent, by=by, org_id=person.organization_id, person=person, **values)
    for other, other_values in others:
        create(ReturnEvent, by=by, org_id=other.organization_id, person=other, **other_values)
    return record


@transaction.atomic
def return_update(*, by: User, record: ReturnEvent, data: Mapping[str, Any]) -> ReturnEvent:
    """Change the fields of a return that `data` gives; the others keep their value."""
    person = record.person
    values = _return_values(person, data, record)
    update(record, by=by, values=values)
    return record


# --- documents ---------------------------------------------------------------------------------


def _document_values(
    person: Person, data: Mapping[str, Any], current: IdentityDocument | None
) -> dict[str, Any]:
    values = _prepared(DOCUMENT_FIELDS, data, current, person)
    if current is None and "holds_original" not in data:
        values["holds_original"] = True

    def check(cleaned: dict[str, Any]) -> rules.Errors:
        errors = rules.document_errors(
            cleaned, today=person_today(person), born=rules.born_on(person)
        )
        try:
            cleaned["number"] = rules.document_number(
                str(cleaned["doc_type"]), str(cleaned["number"] or "")
            )
        except ValidationError as exc:
            errors.setdefault("number", []).append(exc)
        return errors

    return _checked(IdentityDocument, person, values, check)


def safeguard_mark_once(*, by: User, person: Person, item: str, done_on: datetime.date) -> None:
    """Mark a safeguard done on `done_on` if it is not marked yet (a later, automatic step)."""
    if SafeguardCheck.objects.filter(person=person, item=item).exists():
        return
    create(
        SafeguardCheck,
        by=by,
        org_id=person.organization_id,
        person=person,
        item=item,
        done_on=done_on,
    )


def _mark_migration_document(by: User, person: Person, document: IdentityDocument) -> None:
    if document.doc_type not in rules.MIGRATION_DOCUMENT_TYPES:
        return
    safeguard_mark_once(
        by=by,
        person=person,
        item=SafeguardCheck.Item.MIGRATION_DOCUMENT,
        done_on=document.issued_on or person_today(person),
    )


@transaction.atomic
def document_record(*, by: User, person: Person, data: Mapping[str, Any]) -> IdentityDocument:
    """Record an identity or migration document (keys of `data`: `DOCUMENT_FIELDS`).

    The number is stored encrypted and blind-indexed; a CURP is checked and stored upper case.
    A Mexican migration document (FMM, TVRH, residence card, COMAR constancia or CURP) also
    marks the safeguard "migration document issued" as done, on the document's date of issue
    (or today), if the checklist does not have it yet.
    """
    values = _document_values(person, data, None)
    document = create(
        IdentityDocument, by=by, org_id=person.organization_id, person=person, **values
    )
    _mark_migration_document(by, person, document)
    return document


@transaction.atomic
def document_update(
    *, by: User, document: IdentityDocument, data: Mapping[str, Any]
) -> IdentityDocument:
    """Change the fields of a document that `data` gives.

    Like `document_record`, it marks "migration document issued" when the document becomes a
    Mexican migration document and the checklist does not have it yet.
    """
    person = document.person
    values = _document_values(person, data, document)
    if update(document, by=by, values=values):
        _mark_migration_document(by, person, document)
    return document


# --- consents ----------------------------------------------------------------------------------


class ConsentMissing(Exception):
    """The person has not given (or has revoked) the consent an action needs.

    `message` is a whole translated sentence naming the purpose, for the person at the screen.
    """

    def __init__(self, purpose: str, recipient: str = "") -> None:
        super().__init__(purpose, recipient)
        self.purpose = purpose
        self.recipient = recipient

    @property
    def message(self) -> str:
        if self.purpose == Consent.Purpose.SHARING:
            return _(
                "There is no active consent from this person for sharing their data with "
                "%(recipient)s; record it before going on."
            ) % {"recipient": self.recipient}
        label = str(Consent.Purpose(self.purpose).label)
        return _(
            "There is no active consent from this person for %(purpose)s; record it before "
            "going on."
        ) % {"purpose": label[:1].lower() + label[1:]}

    def __str__(self) -> str:
        return self.message


def _active_consent(person: Person, purpose: str, recipient: str = "") -> Consent | None:
    active = Consent.objects.filter(
        person=person, purpose=purpose, revoked_at__isnull=True
    ).order_by("-given_at", "-id")
    if purpose != Consent.Purpose.SHARING:
        return active.first()
    wanted = fold_text(recipient)
    return next((c for c in active if fold_text(c.recipient) == wanted), None)


def _check_purpose(purpose: str, recipient: str) -> None:
    if purpose not in Consent.Purpose.values:
        raise ValueError(f"Unknown consent purpose: {purpose!r}.")
    if purpose == Consent.Purpose.SHARING and not recipient.strip():
        raise ValueError("Sharing needs the organization it is shared with (recipient).")


def consent_require(person: Person, purpose: str, *, recipient: str = "") -> Consent:
    """The person's active consent for `purpose`, or `ConsentMissing`.

    Sharing is allowed only with the organization the person named: pass it as `recipient`
    (compared ignoring case and accents). Call this inside the transaction of the action that
    needs the consent, so a revocation is seen at once. A wrong purpose is a ValueError.
    """
    _check_purpose(purpose, recipient)
    consent = _active_consent(person, purpose, recipient)
    if consent is None:
        raise ConsentMissing(purpose, recipient.strip())
    return consent


def has_consent(person: Person, purpose: str, *, recipient: str = "") -> bool:
    """Whether `consent_require` would pass (to show or hide an action)."""
    _check_purpose(purpose, recipient)
    return _active_consent(person, purpose, recipient) is not None


# The purposes whose consent names who receives the data.
NAMED_RECIPIENT = (Consent.Purpose.SHARING, Consent.Purpose.REFERRAL)


@transaction.atomic
def consent_record(
    *,
    by: User,
    person: Person,
    purpose: str,
    given_by: str,
    language: str,
    recipient: str = "",
    given_at: datetime.datetime | None = None,
) -> Consent:
    """Record a consent for one purpose. Sharing needs the named organization (`recipient`);
    a referral's consent names the provider too.

    If the same consent is already active (same purpose, and for sharing the same recipient),
    it is returned unchanged and nothing is written; a referral's consent is always new.
    """
    now = timezone.now()
    values = _prepared(
        CONSENT_FIELDS,
        {
            "purpose": purpose,
            "recipient": recipient if purpose in NAMED_RECIPIENT else "",
            "given_at": given_at or now,
            "given_by": given_by,
            "language": (language or "").strip().lower(),
        },
        None,
        person,
    )
    values = _checked(
        Consent, person, values, lambda v: rules.consent_errors(v, now=now, person=person)
    )
    # A referral's consent is its own (it names the data it lets cross): never one shared.
    if values["purpose"] != Consent.Purpose.REFERRAL:
        existing = _active_consent(person, values["purpose"], values["recipient"])
        if existing is not None:
            return existing
    consent = create(Consent, by=by, org_id=person.organization_id, person=person, **values)
    if consent.purpose == Consent.Purpose.REMINDERS:
        dependents.person_changed(person)
    return consent


@transaction.atomic
def consent_revoke(*, by: User, consent: Consent) -> Consent:
    """Revoke at once: from the moment this returns, `consent_require` refuses the purpose.

    Revoking a consent that is already revoked changes nothing.
    """
    now = timezone.now()
    revoked = Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by, modified_by=by, modified_at=now
    )
    consent.refresh_from_db()
    if revoked:
        audit.record(
            action=audit.Action.UPDATE,
            actor=by,
            organization_id=consent.organization_id,
            obj=consent,
            fields=["revoked_at", "revoked_by"],
        )
        if consent.purpose == Consent.Purpose.REMINDERS:
            dependents.person_changed(consent.person)
        dependents.consent_revoked(by, consent)
    return consent


# --- safeguards --------------------------------------------------------------------------------


def _not_applicable(person: Person, item: str) -> str:
    if item == SafeguardCheck.Item.CHILD_SCHOOLING:
        ages = {"low": safeguard_applies.SCHOOL_AGES[0], "high": safeguard_applies.SCHOOL_AGES[1]}
        age = safeguard_applies.school_year_age(person, person_today(person))
        if age is None:
            return (
                _(
                    "This safeguard is for children from %(low)d to %(high)d years old: record the "
                    "person's date or year of birth first."
                )
                % ages
            )
        return _(
            "This safeguard is for children who turn %(low)d to %(high)d years old this year; "
            "this person turns %(age)d."
        ) % {**ages, "age": age}
    return _(
        "This safeguard is for someone with a disability recorded: record it first, as a "
        "specific need (a screening finds it, or add it by hand)."
    )


@transaction.atomic
def safeguard_record(
    *, by: User, person: Person, item: str, done_on: datetime.date, note: str = ""
) -> SafeguardCheck:
    """Mark one safeguard of the checklist done (DOMAIN.md 5), or change its date or note."""
    values = _checked(
        SafeguardCheck,
        person,
        _prepared(SAFEGUARD_FIELDS, {"item": item, "done_on": done_on, "note": note}, None, person),
        lambda v: rules.safeguard_errors(v, today=person_today(person), born=rules.born_on(person)),
    )
    existing = (
        SafeguardCheck.objects.select_for_update()
        .filter(person=person, item=values["item"])
        .first()
    )
    if existing is None and values["item"] not in safeguard_applies.applicable_to(
        person, person_today(person)
    ):
        raise ValidationError({"item": ValidationError(_not_applicable(person, values["item"]))})
    if existing is None:
        return create(SafeguardCheck, by=by, org_id=person.organization_id, person=person, **values)
    update(existing, by=by, values={k: values[k] for k in ("done_on", "note")})
    return existing
