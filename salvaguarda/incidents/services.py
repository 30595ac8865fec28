"""Writes of incidents and of everything documented with them.

Each function runs in one transaction, checks the rules again (`validation`) and is audited
with the names of the fields it set, never their values. A broken rule raises a
`ValidationError` by field and nothing is saved: an incident documented in one flow (its acts,
victims, perpetrators, consents and files) is saved whole or not at all, and an evidence file
written to disk before a failure is removed.
"""

import base64
import datetime
import io
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core import audit
from salvaguarda.core.writes import Errors, checked, create, prepared, remove, update
from salvaguarda.incidents import validation as rules
from salvaguarda.incidents import vocab
from salvaguarda.incidents.files import hidden, images, sealed, sniff
from salvaguarda.incidents.models import (
    Act,
    Complaint,
    EvidenceFile,
    Incident,
    IncidentConsent,
    Perpetrator,
    Victim,
)
from salvaguarda.lib import crypto
from salvaguarda.lib.normalize import fold_text
from salvaguarda.people.models import Person, ReturnEvent

INCIDENT_FIELDS = (
    "date_precision",
    "occurred_from",
    "occurred_to",
    "country",
    "state",
    "municipality",
    "locality",
    "place_type",
    "place_detail",
    "coordinates",
    "summary",
    "testimony",
    "source",
    "documented_on",
    "caused_missed_hearing",
    "gbv_type",
)
VICTIM_FIELDS = ("role", "sex", "age_band", "nationality", "status")
PERPETRATOR_FIELDS = ("kind", "involvement", "how_many", "identifying_details")
CONSENT_FIELDS = ("purpose", "recipient", "given_on", "given_by")
COMPLAINT_FIELDS = (
    "authority",
    "authority_detail",
    "filed_on",
    "reference_number",
    "status",
    "next_step",
    "next_step_on",
)

_DEFAULTS: dict[str, Any] = {
    "date_precision": Incident.DatePrecision.EXACT,
    "country": "MEX",
    "role": Victim.Role.VICTIM,
    "sex": Person.Sex.NOT_RECORDED,
    "given_by": IncidentConsent.GivenBy.SELF,
    "status": "",
}
_NULLABLE = frozenset(
    {
        "occurred_from",
        "occurred_to",
        "coordinates",
        "documented_on",
        "how_many",
        "given_on",
        "filed_on",
        "next_step_on",
    }
)


_PHOTO_KINDS = {kind.media_type: kind for kind in sniff.PILLOW_FORMATS}


@dataclass(frozen=True)
class Upload:
    """A file as it arrived, before it is checked: its bytes, its name and what it shows."""

    source: BinaryIO
    name: str
    description: str = ""


def _today(organization: Organization) -> datetime.date:
    return timezone.localdate(timezone=ZoneInfo(organization.time_zone))


def _values(
    fields: Iterable[str], data: Mapping[str, Any], current: Any, defaults: Mapping[str, Any]
) -> dict[str, Any]:
    return prepared(fields, data, current, defaults=defaults, nullable=_NULLABLE)


def _prefixed(prefix: str, errors: Errors) -> Errors:
    """Errors of a part (a victim, a consent) under the part's name, for the one-flow form."""
    merged: Errors = {}
    for messages in errors.values():
        merged.setdefault(prefix, []).extend(messages)
    return merged


def _check(
    model: type[Any],
    org_id: int,
    values: dict[str, Any],
    errors: Errors,
    found: list[Errors],
    *,
    prefix: str = "",
) -> dict[str, Any]:
    """`checked`, collecting the errors in `found` instead of raising them at once, so the
    one-flow form shows every problem of every part together."""
    try:
        return checked(model, org_id, values, errors)
    except ValidationError as exc:
        found.append(_prefixed(prefix, exc.error_dict) if prefix else exc.error_dict)
        return values


def _without_person(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "person"}


def _raise_all(*parts: Errors) -> None:
    found: Errors = {}
    for part in parts:
        for field, messages in part.items():
            found.setdefault(field, []).extend(messages)
    if found:
        raise ValidationError(found)


# --- incidents ---------------------------------------------------------------------------------


def _incident_values(
    organization: Organization, data: Mapping[str, Any], current: Incident | None
) -> tuple[dict[str, Any], Errors]:
    values = _values(INCIDENT_FIELDS, data, current, _DEFAULTS)
    if values["documented_on"] is None:
        values["documented_on"] = _today(organization)
    errors = rules.incident_errors(values, today=_today(organization))
    if not errors:
        values["occurred_from"], values["occurred_to"] = rules.period(
            values["date_precision"], values["occurred_from"], values["occurred_to"]
        )
    elif not isinstance(values["occurred_to"], datetime.date):
        values["occurred_to"] = values["occurred_from"]
    if values["coordinates"]:
        coords = values["coordinates"]
        try:
            values["coordinates"] = {"lat": float(coords["lat"]), "lon": float(coords["lon"])}
        except (KeyError, TypeError, ValueError):
            pass  # named by the rules
    else:
        values["coordinates"] = None
    return values, errors


def _return_link(incident: Incident) -> dict[str, Any]:
    """The last return to Mexico, before the incident, of its first registered victim."""
    victim = (
        incident.victims.filter(person__isnull=False, role=Victim.Role.VICTIM)
        .order_by("id")
        .first()
    )
    found = None
    if victim is not None:
        found = (
            ReturnEvent.objects.filter(
                person_id=victim.person_id, returned_on__lte=incident.occurred_from
            )
            .order_by("-returned_on", "-id")
            .first()
        )
    if found is None:
        return {"return_event": None, "return_point": "", "days_since_return": None}
    return {
        "return_event": found,
        "return_point": found.return_point,
        "days_since_return": (incident.occurred_from - found.returned_on).days,
    }


def _relink_return(incident: Incident) -> None:
    link = _return_link(incident)
    if any(getattr(incident, name) != value for name, value in link.items()):
        for name, value in link.items():
            setattr(incident, name, value)
        incident.save(update_fields=[*link, "modified_at"])


def _next_reference(org_id: int) -> str:
    last = (
        Incident.unscoped.filter(organization_id=org_id)
        .order_by("-id")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.split("-")[-1]) + 1 if last else 1
    return f"I-{number:06d}"


@transaction.atomic
def incident_document(
    *,
    by: User,
    organization: Organization,
    data: Mapping[str, Any],
    acts: Sequence[Mapping[str, str]],
    victims: Sequence[Mapping[str, Any]],
    perpetrators: Sequence[Mapping[str, Any]] = (),
    consents: Sequence[Mapping[str, Any]] = (),
    uploads: Sequence[Upload] = (),
) -> Incident:
    """Document an incident in one go. A victim's `person` is a registered `Person` (already
    fetched through the organization's accessor) or None for an anonymous victim."""
    today = _today(organization)
    org_id = organization.pk
    values, incident_errors = _incident_values(organization, data, None)
    act_rows = _act_rows(acts)
    victim_rows = [_victim_values(v, values["occurred_from"]) for v in victims]
    found: list[Errors] = [rules.acts_errors(act_rows), rules.victims_errors(victim_rows)]
    values = _check(Incident, org_id, values, incident_errors, found)
    checked_victims = [
        _check(Victim, org_id, _without_person(v), {}, found, prefix="victims") for v in victim_rows
    ]
    perpetrator_rows = [
        _check(Perpetrator, org_id, v, rules.perpetrator_errors(v), found, prefix="perpetrators")
        for v in (_values(PERPETRATOR_FIELDS, p, None, _DEFAULTS) for p in perpetrators)
    ]
    consent_rows = [
        _check(
            IncidentConsent,
            org_id,
            v,
            rules.consent_errors(v, today=today),
            found,
            prefix="consents",
        )
        for v in (_values(CONSENT_FIELDS, c, None, _DEFAULTS) for c in consents)
    ]
    kinds = []
    for upload in uploads:
        try:
            kinds.append(_checked_upload(upload))
        except ValidationError as exc:
            found.append(exc.error_dict)
    _raise_all(*found)
    incident = create(
        Incident,
        by=by,
        org_id=org_id,
        reference=_next_reference(org_id),
        documented_by=by,
        municipality_key=fold_text(values["municipality"]),
        **values,
    )
    for act in act_rows:
        create(Act, by=by, org_id=org_id, incident=incident, **act)
    for victim, fields in zip(victim_rows, checked_victims, strict=True):
        create(Victim, by=by, org_id=org_id, incident=incident, person=victim["person"], **fields)
    for row in perpetrator_rows:
        create(Perpetrator, by=by, org_id=org_id, incident=incident, **row)
    for row in consent_rows:
        create(
            IncidentConsent,
            by=by,
            org_id=org_id,
            incident=incident,
            recipient_key=fold_text(row["recipient"]),
            **row,
        )
    _relink_return(incident)
    _store_files(by=by, incident=incident, uploads=list(zip(uploads, kinds, strict=True)))
    return incident


@transaction.atomic
def incident_update(
    *,
    by: User,
    incident: Incident,
    data: Mapping[str, Any],
    acts: Sequence[Mapping[str, str]] | None = None,
) -> Incident:
    """Change the fields `data` gives and, if `acts` is given, make them the incident's acts:
    both, or neither."""
    organization = incident.organization
    values, errors = _incident_values(organization, data, incident)
    if acts is not None:
        errors = {**rules.acts_errors(_act_rows(acts)), **errors}
    values = checked(Incident, incident.organization_id, values, errors)
    values["municipality_key"] = fold_text(values["municipality"])
    update(incident, by=by, values=values)
    if acts is not None:
        acts_set(by=by, incident=incident, acts=acts)
    _relink_return(incident)
    return incident


# --- acts --------------------------------------------------------------------------------------


def _act_rows(acts: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """Each act as a HURIDOCS code and, when picked from the short list, its short code."""
    rows: list[dict[str, str]] = []
    for act in acts:
        common = (act.get("common") or "").strip()
        huridocs = (act.get("huridocs") or "").strip()
        if common and not huridocs:
            huridocs = vocab.common_act_huridocs(common)
        row = {"common": common, "huridocs": huridocs}
        if row not in rows:
            rows.append(row)
    return rows


@transaction.atomic
def acts_set(*, by: User, incident: Incident, acts: Sequence[Mapping[str, str]]) -> None:
    """Make the incident's acts exactly `acts`: new ones added, missing ones removed."""
    rows = _act_rows(acts)
    _raise_all(rules.acts_errors(rows))
    current = {(a.huridocs, a.common): a for a in incident.acts.all()}
    wanted = {(r["huridocs"], r["common"]) for r in rows}
    for key, act in current.items():
        if key not in wanted:
            remove(act, by=by)
    for row in rows:
        if (row["huridocs"], row["common"]) not in current:
            create(Act, by=by, org_id=incident.organization_id, incident=incident, **row)


# --- victims -----------------------------------------------------------------------------------


def age_band(person: Person, on: datetime.date) -> str:
    """The person's age band on a day, from the date of birth or else the year of birth."""
    born = person.date_of_birth
    if born is not None:
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    elif person.birth_year:
        age = on.year - person.birth_year
    else:
        return Victim.AgeBand.UNKNOWN
    for band, upper in (
        (Victim.AgeBand.CHILD_0_11, 11),
        (Victim.AgeBand.CHILD_12_17, 17),
        (Victim.AgeBand.ADULT_18_25, 25),
        (Victim.AgeBand.ADULT_26_40, 40),
        (Victim.AgeBand.ADULT_41_60, 60),
    ):
        if age <= upper:
            return band if age >= 0 else Victim.AgeBand.UNKNOWN
    return Victim.AgeBand.ADULT_61


def _victim_values(data: Mapping[str, Any], occurred_from: Any) -> dict[str, Any]:
    """A registered person's sex, nationality and age band (as at the incident) are taken from
    their file; an anonymous victim's are what was given."""
    values = _values(VICTIM_FIELDS, data, None, _DEFAULTS)
    if not values["sex"]:
        values["sex"] = Person.Sex.NOT_RECORDED  # a sex left blank is not recorded
    person = data.get("person")
    values["person"] = person
    if isinstance(person, Person):
        values["sex"] = person.sex
        values["nationality"] = person.nationality
        on = occurred_from if isinstance(occurred_from, datetime.date) else timezone.localdate()
        values["age_band"] = age_band(person, on)
    return values


@transaction.atomic
def victim_add(*, by: User, incident: Incident, data: Mapping[str, Any]) -> Victim:
    values = _victim_values(data, incident.occurred_from)
    errors = rules.victim_errors(values)
    person = values["person"]
    if person is not None and incident.victims.filter(person=person).exists():
        errors.setdefault("person", []).append(
            ValidationError(_("This person is already listed in the incident."))
        )
    _raise_all(errors)
    fields = {k: v for k, v in values.items() if k != "person"}
    fields = checked(Victim, incident.organization_id, fields, {})
    victim = create(
        Victim, by=by, org_id=incident.organization_id, incident=incident, person=person, **fields
    )
    _relink_return(incident)
    return victim


@transaction.atomic
def victim_update(*, by: User, victim: Victim, data: Mapping[str, Any]) -> Victim:
    merged = {f: getattr(victim, f) for f in VICTIM_FIELDS} | dict(data)
    merged["person"] = victim.person
    values = _victim_values(merged, victim.incident.occurred_from)
    _raise_all(rules.victim_errors(values))
    fields = checked(
        Victim, victim.organization_id, {k: v for k, v in values.items() if k != "person"}, {}
    )
    update(victim, by=by, values=fields)
    _relink_return(victim.incident)
    return victim


@transaction.atomic
def victim_remove(*, by: User, victim: Victim) -> None:
    incident = victim.incident
    if incident.victims.count() <= 1:
        raise ValidationError(
            {"victims": [ValidationError(_("An incident keeps at least one victim or witness."))]}
        )
    remove(victim, by=by)
    _relink_return(incident)


@transaction.atomic
def victim_review_remove(*, by: User, victim: Victim) -> None:
    """A coordinator confirms that a victim marked for review (saved from a section of the
    one-flow form left untouched) is no victim: removed as any victim line is, and audited."""
    if not victim.to_review:
        raise ValidationError(_("This victim or witness is not marked for review."))
    victim_remove(by=by, victim=victim)


@transaction.atomic
def victim_review_keep(*, by: User, victim: Victim) -> Victim:
    """A coordinator confirms that a victim marked for review is real: the mark is removed."""
    if not victim.to_review:
        raise ValidationError(_("This victim or witness is not marked for review."))
    update(victim, by=by, values={"to_review": False})
    return victim


# --- perpetrators, consents, complaints --------------------------------------------------------


@transaction.atomic
def perpetrator_add(*, by: User, incident: Incident, data: Mapping[str, Any]) -> Perpetrator:
    values = _values(PERPETRATOR_FIELDS, data, None, _DEFAULTS)
    values = checked(
        Perpetrator, incident.organization_id, values, rules.perpetrator_errors(values)
    )
    return create(Perpetrator, by=by, org_id=incident.organization_id, incident=incident, **values)


@transaction.atomic
def perpetrator_update(
    *, by: User, perpetrator: Perpetrator, data: Mapping[str, Any]
) -> Perpetrator:
    values = _values(PERPETRATOR_FIELDS, data, perpetrator, _DEFAULTS)
    values = checked(
        Perpetrator, perpetrator.organization_id, values, rules.perpetrator_errors(values)
    )
    update(perpetrator, by=by, values=values)
    return perpetrator


@transaction.atomic
def perpetrator_remove(*, by: User, perpetrator: Perpetrator) -> None:
    remove(perpetrator, by=by)


@transaction.atomic
def consent_record(*, by: User, incident: Incident, data: Mapping[str, Any]) -> IncidentConsent:
    values = _values(CONSENT_FIELDS, data, None, _DEFAULTS)
    today = _today(incident.organization)
    values = checked(
        IncidentConsent,
        incident.organization_id,
        values,
        rules.consent_errors(values, today=today),
    )
    return create(
        IncidentConsent,
        by=by,
        org_id=incident.organization_id,
        incident=incident,
        recipient_key=fold_text(values["recipient"]),
        **values,
    )


@transaction.atomic
def consent_revoke(
    *, by: User, consent: IncidentConsent, on: datetime.date | None = None
) -> IncidentConsent:
    today = _today(consent.incident.organization)
    on = on or today
    if on > today or on < consent.given_on:
        raise ValidationError(
            {
                "revoked_on": [
                    ValidationError(
                        _("A consent is revoked on a day between the day it was given and today.")
                    )
                ]
            }
        )
    if consent.revoked_on is None:
        update(consent, by=by, values={"revoked_on": on})
    return consent


@transaction.atomic
def complaint_record(*, by: User, incident: Incident, data: Mapping[str, Any]) -> Complaint:
    values = _values(COMPLAINT_FIELDS, data, None, {"status": Complaint.Status.FILED})
    today = _today(incident.organization)
    values = checked(
        Complaint, incident.organization_id, values, rules.complaint_errors(values, today=today)
    )
    return create(Complaint, by=by, org_id=incident.organization_id, incident=incident, **values)


@transaction.atomic
def complaint_update(*, by: User, complaint: Complaint, data: Mapping[str, Any]) -> Complaint:
    values = _values(COMPLAINT_FIELDS, data, complaint, {})
    today = _today(complaint.incident.organization)
    values = checked(
        Complaint, complaint.organization_id, values, rules.complaint_errors(values, today=today)
    )
    update(complaint, by=by, values=values)
    return complaint


# --- evidence files ----------------------------------------------------------------------------


def evidence_directory(organization_id: int) -> Path:
    return Path(settings.SALVAGUARDA_EVIDENCE_DIR) / str(organization_id)


def evidence_context(evidence_uuid: uuid.UUID) -> bytes:
    """What binds a stored file to its row: a file moved under another row does not open."""
    return f"incidents_evidencefile:{evidence_uuid}".encode()


def _checked_upload(upload: Upload) -> sniff.FileKind:
    try:
        return sniff.check_upload(
            upload.source, max_bytes=settings.SALVAGUARDA_EVIDENCE_MAX_MB * 1024 * 1024
        )
    except sniff.RefusedFile as refused:
        message = _("%(name)s: %(problem)s") % {"name": upload.name, "problem": refused.message}
        raise ValidationError({"files": [ValidationError(message)]}) from refused


def _store_files(
    *, by: User, incident: Incident, uploads: Sequence[tuple[Upload, sniff.FileKind]]
) -> list[EvidenceFile]:
    """Seal each file and record it; if anything fails, remove the files already written."""
    directory = evidence_directory(incident.organization_id)
    written: list[str] = []
    rows: list[EvidenceFile] = []
    try:
        for upload, kind in uploads:
            row_uuid = uuid.uuid4()
            had_location = kind.category == "photo" and images.has_location(upload.source, kind)
            hidden_content = hidden.hidden_content(upload.source, kind)
            stored = sealed.seal_to(
                directory,
                upload.source,
                context=evidence_context(row_uuid),
            )
            written.append(stored.name)
            rows.append(
                create(
                    EvidenceFile,
                    by=by,
                    org_id=incident.organization_id,
                    uuid=row_uuid,
                    incident=incident,
                    category=kind.category,
                    media_type=kind.media_type,
                    size=stored.size,
                    sha256_at_upload=stored.sha256,
                    sha256=stored.sha256,
                    stored_name=stored.name,
                    file_key=base64.b64encode(stored.key).decode("ascii"),
                    original_name=upload.name[:255],
                    description=upload.description.strip(),
                    had_location=had_location,
                    hidden_content=hidden_content,
                )
            )
    except BaseException:
        for name in written:
            sealed.remove_sealed(directory, name)
        raise
    return rows


@transaction.atomic
def evidence_add(*, by: User, incident: Incident, uploads: Sequence[Upload]) -> list[EvidenceFile]:
    """Add files to an incident: all of them, or none if one is refused."""
    kinds = [_checked_upload(upload) for upload in uploads]
    return _store_files(by=by, incident=incident, uploads=list(zip(uploads, kinds, strict=True)))


def evidence_chunks(evidence: EvidenceFile) -> Iterable[bytes]:
    """The clear bytes of a stored file, chunk by chunk (authenticated as they are read).
    A file missing from the folder (a backup restored without it) is a 404."""
    try:
        return sealed.open_sealed(
            evidence_directory(evidence.organization_id),
            evidence.stored_name,
            key=base64.b64decode(evidence.file_key),
            context=evidence_context(evidence.uuid),
        )
    except FileNotFoundError as missing:
        raise Http404 from missing


def evidence_kind(evidence: EvidenceFile) -> sniff.FileKind:
    return sniff.FileKind(media_type=evidence.media_type, extension="", category=evidence.category)


def evidence_without_location(evidence: EvidenceFile) -> bytes:
    """A photo's bytes without its metadata (location included), pixels untouched.

    A photo whose structure cannot be walked is refused on `file` (ValidationError), with the
    message of the image code: the kept file stays as it is."""
    data = b"".join(evidence_chunks(evidence))
    try:
        return images.without_metadata(io.BytesIO(data), _PHOTO_KINDS[evidence.media_type])
    except sniff.RefusedFile as refused:
        raise ValidationError({"file": [ValidationError(refused.message)]}) from None


def evidence_shared_copy(evidence: EvidenceFile) -> bytes | Iterable[bytes]:
    """The copy to share: a photo without its metadata and what follows its end, a PDF
    without its active content (files/hidden.py); recordings and videos as kept. A copy that
    cannot be made (a damaged photo, an unreadable PDF) is refused on `file` (ValidationError)
    with the reason: the kept file stays as it is."""
    if evidence.category not in (EvidenceFile.Category.PHOTO, EvidenceFile.Category.DOCUMENT):
        return evidence_chunks(evidence)
    data = b"".join(evidence_chunks(evidence))
    try:
        copy = hidden.shared_copy(io.BytesIO(data), _kind_of(evidence))
    except sniff.RefusedFile as refused:
        raise ValidationError({"file": [ValidationError(refused.message)]}) from None
    return data if copy is None else copy


def evidence_check_hidden(organization_id: int) -> tuple[int, int]:
    """Look again at what each photo and PDF of the organization carries besides what it shows
    (files uploaded before the check existed have no finding saved), save the findings that
    changed, and audit the reading of their content as one system entry. Returns (files read,
    files flagged). Call it inside the organization's scope."""
    files = EvidenceFile.objects.filter(
        organization_id=organization_id,
        category__in=[EvidenceFile.Category.PHOTO, EvidenceFile.Category.DOCUMENT],
    )
    read = flagged = 0
    for evidence in files.iterator():
        try:
            data = b"".join(evidence_chunks(evidence))
        except (Http404, crypto.DecryptionError):  # missing from its folder, or unreadable
            continue
        read += 1
        found = hidden.hidden_content(io.BytesIO(data), _kind_of(evidence))
        flagged += bool(found)
        if found != evidence.hidden_content:
            EvidenceFile.objects.filter(pk=evidence.pk).update(hidden_content=found)
    audit.record(
        action=audit.Action.UPDATE,
        organization_id=organization_id,
        object_type=EvidenceFile._meta.label_lower,
        fields=["content", "hidden_content"],
        detail={"files_read": read, "flagged": flagged},
    )
    return read, flagged


def _kind_of(evidence: EvidenceFile) -> sniff.FileKind:
    return _PHOTO_KINDS.get(evidence.media_type) or sniff.FileKind(
        media_type=evidence.media_type, extension="", category=evidence.category
    )


@transaction.atomic
def evidence_remove_location(*, by: User, evidence: EvidenceFile) -> EvidenceFile:
    """Replace a photo by the same photo without metadata. The SHA-256 at upload stays on
    record; the new one is recorded with who removed the data and when."""
    if evidence.category != EvidenceFile.Category.PHOTO:
        raise ValidationError(
            {"file": [ValidationError(_("Only a photo's location data can be removed."))]}
        )
    if evidence.location_removed_at is not None:
        return evidence
    clean = evidence_without_location(evidence)
    directory = evidence_directory(evidence.organization_id)
    old_name = evidence.stored_name
    stored = sealed.seal_to(directory, io.BytesIO(clean), context=evidence_context(evidence.uuid))
    try:
        update(
            evidence,
            by=by,
            values={
                "stored_name": stored.name,
                "file_key": base64.b64encode(stored.key).decode("ascii"),
                "sha256": stored.sha256,
                "size": stored.size,
                "location_removed_at": timezone.now(),
                "location_removed_by": by,
            },
        )
    except BaseException:
        sealed.remove_sealed(directory, stored.name)
        raise
    transaction.on_commit(lambda: sealed.remove_sealed(directory, old_name))
    return evidence
