"""Reads of incidents: the accessors, the incident file, the testimony, and the filtered list.

Every function runs inside the request's organization scope. The accessors audit the read of
one record; the testimony is read apart, only by the roles allowed to, and audited as such;
the list audits one LIST entry with its filter names and count.
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404

from salvaguarda.accounts.models import Role
from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.incidents import vocab
from salvaguarda.incidents.models import (
    Act,
    Complaint,
    EvidenceFile,
    Incident,
    IncidentConsent,
    Perpetrator,
    Victim,
)
from salvaguarda.lib.normalize import fold_text
from salvaguarda.people.models import Person

PAGE_SIZE = 25
TESTIMONY_ROLES = frozenset({Role.LEGAL, Role.COORDINATOR})


def _org_id() -> int:
    org_id = current_organization_id()
    if org_id is None:
        raise Http404
    return org_id


def _get[M](
    model: type[M],
    user: Any,
    row_uuid: uuid.UUID,
    *related: str,
    fields: tuple[str, ...] = (),
    detail: dict[str, Any] | None = None,
) -> M:
    """One row of the organization, its read audited (with the fields read, if named)."""
    row = model.objects.filter(uuid=row_uuid).select_related(*related).first()  # type: ignore[attr-defined]
    if row is None:
        raise Http404
    audit.record(
        action=audit.Action.VIEW,
        actor=user,
        organization_id=_org_id(),
        obj=row,
        fields=fields,
        detail=detail,
    )
    return row


# --- one incident ------------------------------------------------------------------------------


def incident_get_for(user: Any, incident_uuid: uuid.UUID) -> Incident:
    """One incident of the active organization, audited as a view (its testimony apart)."""
    return _get(Incident, user, incident_uuid, "documented_by")


def victim_get_for(user: Any, victim_uuid: uuid.UUID) -> Victim:
    return _get(Victim, user, victim_uuid, "incident", "person")


def victims_to_review() -> QuerySet[Victim]:
    """The active organization's victims marked for review (see `Victim.to_review`), with
    their incident, oldest incident first. They hold no identifying data."""
    return (
        Victim.objects.filter(to_review=True)
        .select_related("incident", "created_by")
        .order_by("incident__occurred_from", "id")
    )


def victim_counts(incident_ids: list[int]) -> dict[int, int]:
    """How many victims and witnesses each of these incidents has, in one query."""
    rows = (
        Victim.objects.filter(incident_id__in=incident_ids)
        .values("incident_id")
        .annotate(count=Count("id"))
    )
    return {row["incident_id"]: row["count"] for row in rows}


def perpetrator_get_for(user: Any, perpetrator_uuid: uuid.UUID) -> Perpetrator:
    return _get(Perpetrator, user, perpetrator_uuid, "incident")


def consent_get_for(user: Any, consent_uuid: uuid.UUID) -> IncidentConsent:
    return _get(IncidentConsent, user, consent_uuid, "incident")


def complaint_get_for(user: Any, complaint_uuid: uuid.UUID) -> Complaint:
    return _get(Complaint, user, complaint_uuid, "incident")


def evidence_get_for(user: Any, evidence_uuid: uuid.UUID) -> EvidenceFile:
    return _get(EvidenceFile, user, evidence_uuid, "incident", "location_removed_by")


def evidence_download_for(user: Any, evidence_uuid: uuid.UUID, *, copy: str) -> EvidenceFile:
    """A file about to be downloaded: the read of its content is audited with the copy asked
    for ("kept": the file as kept; "to_share": a photo without its metadata)."""
    return _get(
        EvidenceFile, user, evidence_uuid, "incident", fields=("content",), detail={"copy": copy}
    )


def may_read_testimony(role: str | None, user: Any, incident: Incident) -> bool:
    """Legal staff and coordinators read testimonies; so does whoever documented this one."""
    return role in TESTIMONY_ROLES or incident.documented_by_id == getattr(user, "pk", None)


def testimony_for(user: Any, role: str | None, incident: Incident) -> str:
    """The testimony in clear, audited as its own read; 404 for a role that may not read it."""
    if not may_read_testimony(role, user, incident):
        raise Http404
    audit.record(
        action=audit.Action.VIEW,
        actor=user,
        organization_id=incident.organization_id,
        obj=incident,
        fields=["testimony"],
    )
    return incident.testimony or ""


@dataclass
class IncidentFile:
    incident: Incident
    acts: list[Act]
    victims: list[Victim]
    perpetrators: list[Perpetrator]
    consents: list[IncidentConsent]
    complaints: list[Complaint]
    files: list[EvidenceFile]

    @property
    def active_uses(self) -> set[str]:
        return {c.purpose for c in self.consents if c.revoked_on is None}


def incident_file_for(user: Any, incident_uuid: uuid.UUID) -> IncidentFile:
    """Everything documented with one incident, for its page (one audited read)."""
    incident = incident_get_for(user, incident_uuid)
    return IncidentFile(
        incident=incident,
        acts=list(incident.acts.all()),
        victims=list(incident.victims.select_related("person")),
        perpetrators=list(incident.perpetrators.all()),
        consents=list(incident.consents.all()),
        complaints=list(incident.complaints.all()),
        files=list(incident.files.select_related("location_removed_by")),
    )


def incidents_of_person(user: Any, person: Person) -> list[Incident]:
    """The incidents a person suffered or witnessed, for their file (read within it)."""
    # The ids first (the victims' person index), then those rows by key, sorted here: asked
    # in date order, SQLite walks every incident of the organization to find these few.
    ids = list(Victim.objects.filter(person=person).values_list("incident_id", flat=True))
    found = Incident.objects.filter(pk__in=ids).order_by().prefetch_related("acts")
    return sorted(found, key=lambda i: (i.occurred_from, i.pk), reverse=True)


# --- the list ----------------------------------------------------------------------------------


@dataclass
class IncidentFilters:
    act: str = ""  # a short-list code or a HURIDOCS code (its sub-acts included)
    perpetrator: str = ""  # a local type or a HURIDOCS code (the types under it included)
    state: str = ""
    municipality: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    use: str = ""  # an IncidentConsent.Purpose the incident has an unrevoked consent for
    gbv_type: str = ""

    def used(self) -> list[str]:
        names = ("act", "perpetrator", "state", "municipality", "start", "end", "use", "gbv_type")
        return [name for name in names if getattr(self, name)]


@dataclass
class IncidentPage:
    incidents: list[Incident]
    number: int
    has_next: bool


def _perpetrator_kinds(code: str) -> set[str]:
    """A local type alone; a HURIDOCS type with the types under it, local ones included."""
    if code in vocab.LOCAL_PERPETRATORS:
        return {code}
    under = set(vocab.PERPETRATORS.descendants(code)) if code in vocab.PERPETRATORS else set()
    local = {c for c in vocab.LOCAL_PERPETRATORS.codes() if vocab.perpetrator_huridocs(c) in under}
    return under | local


def incidents_matching(filters: IncidentFilters) -> QuerySet[Incident]:
    """The organization's incidents that match every filter given."""
    found = Incident.objects.all()
    if filters.act:
        acts = Act.objects.filter(incident=OuterRef("pk"))
        if filters.act in vocab.COMMON_ACTS:
            acts = acts.filter(common=filters.act)
        else:
            acts = acts.filter(huridocs__in=sorted(vocab.ACTS.descendants(filters.act)))
        found = found.filter(Exists(acts))
    if filters.perpetrator:
        kinds = sorted(_perpetrator_kinds(filters.perpetrator))
        found = found.filter(
            Exists(Perpetrator.objects.filter(incident=OuterRef("pk"), kind__in=kinds))
        )
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.municipality:
        found = found.filter(municipality_key=fold_text(filters.municipality))
    if filters.start:
        found = found.filter(occurred_to__gte=filters.start)
    if filters.end:
        found = found.filter(occurred_from__lte=filters.end)
    if filters.use:
        found = found.filter(
            Exists(
                IncidentConsent.objects.filter(
                    incident=OuterRef("pk"), purpose=filters.use, revoked_on__isnull=True
                )
            )
        )
    if filters.gbv_type:
        found = found.filter(gbv_type=filters.gbv_type)
    return found


def incidents_page_for(user: Any, filters: IncidentFilters, *, page: int = 1) -> IncidentPage:
    """One page of the list, newest first, audited as one LIST entry."""
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        incidents_matching(filters)
        .order_by("-occurred_from", "-id")
        .prefetch_related("acts", "perpetrators")[offset : offset + PAGE_SIZE + 1]
    )
    audit.record(
        action=audit.Action.LIST,
        actor=user,
        organization_id=_org_id(),
        object_type="incidents.incident",
        detail={"count": min(len(rows), PAGE_SIZE), "filters": filters.used(), "page": page},
    )
    return IncidentPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)
