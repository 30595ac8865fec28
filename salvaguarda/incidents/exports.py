"""Exports of incidents: for analysis, for Uwazi, and identifying ones for a legal use.

Nothing leaves the organization without the matching, unrevoked consent of the incident:
- the analysis CSV (no identifying field: no summary, testimony, locality, coordinates, name or
  identifying detail) holds incidents with a consent to anonymous statistics;
- the Uwazi CSV (the same, shaped for Uwazi's CSV import, coordinates coarsened) holds
  incidents with a consent to public advocacy;
- the identifying CSV holds incidents with a consent to legal action, or to sharing with the
  organization named; only coordinators make it, after typing their password again.
Each export is one audited EXPORT entry (its kind, filters and count), written before the rows
leave. Rows are written as they are read (`iterator`), so a large export keeps little memory.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from salvaguarda.core import audit
from salvaguarda.core.scoping import organization_scope
from salvaguarda.incidents import vocab
from salvaguarda.incidents.models import (
    Act,
    Complaint,
    Incident,
    IncidentConsent,
    Perpetrator,
    Victim,
)
from salvaguarda.incidents.queries import IncidentFilters, incidents_matching
from salvaguarda.lib.normalize import fold_text

CHUNK = 2000
SEPARATOR = "|"  # between the values of one cell (Uwazi's separator for several values)

ANALYSIS = "analysis"
UWAZI = "uwazi"
IDENTIFYING = "identifying"


def _consented(found: QuerySet[Incident], purpose: str, recipient: str = "") -> QuerySet[Incident]:
    consents = IncidentConsent.objects.filter(
        incident=OuterRef("pk"), purpose=purpose, revoked_on__isnull=True
    )
    if recipient:
        consents = consents.filter(recipient_key=fold_text(recipient))
    return found.filter(Exists(consents))


def _rows(found: QuerySet[Incident], *related: Any) -> Iterator[Incident]:
    return found.order_by("occurred_from", "id").prefetch_related(*related).iterator(CHUNK)


def _lines(organization_id: int, header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text, one line at a time, with a byte-order mark so spreadsheets read UTF-8.

    A response streams after its view has returned, outside the request's organization scope:
    the rows are read inside a scope (and transaction) of their own."""
    with organization_scope(organization_id):
        yield from _csv_lines(header, rows)


def _csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe(value) for value in row])
        yield buffer.getvalue()


def _safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _joined(values: Iterable[str]) -> str:
    return SEPARATOR.join(dict.fromkeys(v for v in values if v))


def _victim_counts(victims: list[Victim]) -> list[int]:
    hurt = [v for v in victims if v.role == Victim.Role.VICTIM]
    children = {Victim.AgeBand.CHILD_0_11, Victim.AgeBand.CHILD_12_17}
    return [
        len(hurt),
        len(victims) - len(hurt),
        sum(v.sex == "female" for v in hurt),
        sum(v.sex == "male" for v in hurt),
        sum(v.age_band in children for v in hurt),
    ]


def _audit(
    user: Any, organization_id: int, kind: str, filters: IncidentFilters, **extra: Any
) -> None:
    audit.record(
        action=audit.Action.EXPORT,
        actor=user,
        organization_id=organization_id,
        object_type="incidents.incident",
        detail={"export": kind, "filters": filters.used(), **extra},
    )


# --- analysis ----------------------------------------------------------------------------------

ANALYSIS_HEADER = [
    "incident",
    "date_from",
    "date_to",
    "date_precision",
    "country",
    "state",
    "municipality",
    "place_type",
    "source",
    "gbv_type",
    "caused_missed_hearing",
    "return_point",
    "days_since_return",
    "victims",
    "witnesses",
    "victims_female",
    "victims_male",
    "victims_children",
    "victim_nationalities",
    "perpetrator_types",
    "redodem_categories",
    "act_huridocs",
    "act_short_list",
    "act_label",
]


def analysis_csv(user: Any, organization_id: int, filters: IncidentFilters) -> Iterator[str]:
    """One row per act, with its incident's columns (count incidents by distinct `incident`).

    Only incidents with an unrevoked consent to anonymous statistics; no identifying field.
    """
    found = _consented(incidents_matching(filters), IncidentConsent.Purpose.STATISTICS)
    _audit(user, organization_id, ANALYSIS, filters, count=found.count())

    def rows() -> Iterator[list[Any]]:
        for incident in _rows(found, "acts", "victims", "perpetrators"):
            victims = list(incident.victims.all())
            kinds = [p.kind for p in incident.perpetrators.all()]
            common = [
                incident.reference,
                incident.occurred_from.isoformat(),
                incident.occurred_to.isoformat(),
                incident.date_precision,
                incident.country,
                incident.state,
                incident.municipality,
                incident.place_type,
                incident.source,
                incident.gbv_type,
                incident.caused_missed_hearing,
                incident.return_point,
                incident.days_since_return,
                *_victim_counts(victims),
                _joined(sorted({v.nationality for v in victims})),
                _joined(kinds),
                _joined(vocab.redodem_category(k) for k in kinds),
            ]
            for act in incident.acts.all():
                label = (
                    vocab.COMMON_ACTS.label(act.common)
                    if act.common
                    else vocab.ACTS.label(act.huridocs)
                )
                yield [*common, act.huridocs, act.common, label]

    return _lines(organization_id, ANALYSIS_HEADER, rows())


# --- Uwazi -------------------------------------------------------------------------------------

UWAZI_HEADER = [
    "title",
    "date_from",
    "date_to",
    "date_precision",
    "country",
    "state",
    "municipality",
    "place_type",
    "acts",
    "gbv_type",
    "perpetrator_types",
    "victims",
    "witnesses",
    "victims_sex",
    "victims_age",
    "victims_nationality",
    "days_since_return",
    "port_of_return",
    "caused_missed_hearing",
    "geolocation",
]


def _uwazi_act(act: Act) -> str:
    """A thesaurus value as Uwazi's import names it: `Group::Value`, the group being the act's
    top-level HURIDOCS category."""
    label = vocab.COMMON_ACTS.label(act.common) if act.common else vocab.ACTS.label(act.huridocs)
    ancestors = vocab.ACTS.ancestors(act.huridocs)
    group = ancestors[0].label if ancestors else vocab.ACTS.label(act.huridocs)
    return f"{group}::{label}"


def uwazi_csv(user: Any, organization_id: int, filters: IncidentFilters) -> Iterator[str]:
    """`import.csv` for Uwazi (one entity per incident, labels in the active language, several
    values separated by `|`, dates as YYYY-MM-DD, geolocation as `lat|lon` rounded to about
    11 km). Only incidents with an unrevoked consent to public advocacy; nothing identifying.
    """
    found = _consented(incidents_matching(filters), IncidentConsent.Purpose.ADVOCACY)
    _audit(user, organization_id, UWAZI, filters, count=found.count())
    sexes = dict(Victim._meta.get_field("sex").flatchoices)
    bands = dict(Victim.AgeBand.choices)

    def rows() -> Iterator[list[Any]]:
        for incident in _rows(found, "acts", "victims", "perpetrators"):
            victims = list(incident.victims.all())
            hurt = [v for v in victims if v.role == Victim.Role.VICTIM]
            yield [
                incident.reference,
                incident.occurred_from.isoformat(),
                incident.occurred_to.isoformat(),
                incident.get_date_precision_display(),
                incident.country,
                vocab.STATES.label(incident.state) if incident.state else "",
                incident.municipality,
                vocab.PLACE_TYPES.label(incident.place_type) if incident.place_type else "",
                _joined(_uwazi_act(act) for act in incident.acts.all()),
                vocab.GBV_TYPES.label(incident.gbv_type) if incident.gbv_type else "",
                _joined(vocab.perpetrator_label(p.kind) for p in incident.perpetrators.all()),
                len(hurt),
                len(victims) - len(hurt),
                _joined(str(sexes.get(v.sex, v.sex)) for v in hurt),
                _joined(str(bands.get(v.age_band, "")) for v in hurt),
                _joined(v.nationality for v in hurt),
                incident.days_since_return if incident.days_since_return is not None else "",
                incident.return_point,
                incident.get_caused_missed_hearing_display()
                if incident.caused_missed_hearing
                else "",
                SEPARATOR.join(map(str, incident.coarse_coordinates or ())),
            ]

    return _lines(organization_id, UWAZI_HEADER, rows())


# --- identifying -------------------------------------------------------------------------------

IDENTIFYING_HEADER = [
    "incident",
    "date_from",
    "date_to",
    "state",
    "municipality",
    "locality",
    "place",
    "latitude",
    "longitude",
    "acts",
    "summary",
    "testimony",
    "victims",
    "perpetrators",
    "complaints",
    "documented_by",
    "documented_on",
]


def identifying_count(filters: IncidentFilters, purpose: str, recipient: str = "") -> int:
    return _consented(incidents_matching(filters), purpose, recipient).count()


def identifying_csv(
    user: Any, organization_id: int, filters: IncidentFilters, *, purpose: str, recipient: str = ""
) -> Iterator[str]:
    """Everything documented, for a legal action or for the organization named in a sharing
    consent. The caller checks the role and the password again; this reads the consents."""
    if purpose not in (IncidentConsent.Purpose.LEGAL_ACTION, IncidentConsent.Purpose.SHARING):
        raise ValueError(f"No identifying export for the use {purpose!r}.")
    if purpose == IncidentConsent.Purpose.SHARING and not recipient.strip():
        raise ValueError(_("Name the organization the documentation goes to."))
    found = _consented(incidents_matching(filters), purpose, recipient)
    _audit(
        user,
        organization_id,
        IDENTIFYING,
        filters,
        count=found.count(),
        purpose=purpose,
        recipient=recipient.strip(),
    )

    def person(victim: Victim) -> str:
        who = (
            f"{victim.person.reference} {victim.person.full_name}".strip()
            if victim.person
            else _("Anonymous")
        )
        return f"{who} ({victim.get_role_display()})"

    def rows() -> Iterator[list[Any]]:
        related = (
            "acts",
            "perpetrators",
            Prefetch("victims", queryset=Victim.objects.select_related("person")),
            Prefetch("complaints", queryset=Complaint.objects.order_by("filed_on")),
            "documented_by",
        )
        for incident in _rows(found, *related):
            coordinates = incident.coordinates or {}
            yield [
                incident.reference,
                incident.occurred_from.isoformat(),
                incident.occurred_to.isoformat(),
                vocab.STATES.label(incident.state) if incident.state else "",
                incident.municipality,
                incident.locality,
                incident.place_detail,
                coordinates.get("lat", ""),
                coordinates.get("lon", ""),
                _joined(
                    vocab.COMMON_ACTS.label(a.common) if a.common else vocab.ACTS.label(a.huridocs)
                    for a in incident.acts.all()
                ),
                incident.summary or "",
                incident.testimony or "",
                _joined(person(v) for v in incident.victims.all()),
                _joined(_perpetrator_text(p) for p in incident.perpetrators.all()),
                _joined(_complaint_text(c) for c in incident.complaints.all()),
                incident.documented_by.full_name,
                incident.documented_on.isoformat(),
            ]

    return _lines(organization_id, IDENTIFYING_HEADER, rows())


def _perpetrator_text(perpetrator: Perpetrator) -> str:
    parts = [vocab.perpetrator_label(perpetrator.kind)]
    if perpetrator.how_many:
        parts.append(str(perpetrator.how_many))
    if perpetrator.identifying_details:
        parts.append(perpetrator.identifying_details)
    return " · ".join(parts)


def _complaint_text(complaint: Complaint) -> str:
    parts = [str(complaint.get_authority_display()), complaint.filed_on.isoformat()]
    if complaint.reference_number:
        parts.append(complaint.reference_number)
    parts.append(str(complaint.get_status_display()))
    return " · ".join(parts)
