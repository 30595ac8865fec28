"""Rules of incidents and of their acts, victims, perpetrators, consents and complaints.

The services call them on every write, whatever it comes from (a page, the API). Each
`*_errors` function returns `{field: [ValidationError, ...]}`, empty when all is well.
"""

import calendar
import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from salvaguarda.incidents import vocab
from salvaguarda.incidents.models import Complaint, Incident, IncidentConsent, Victim
from salvaguarda.people import vocab as people_vocab
from salvaguarda.people.models import Person

Errors = dict[str, list[ValidationError]]

EARLIEST = datetime.date(1990, 1, 1)
SUMMARY_MAX = 500
MAX_PERPETRATORS = 1000


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message))


def period(
    precision: str, start: datetime.date, end: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """The first and last day an incident may have happened on, by the precision of its date:
    a month or a year stands for all its days."""
    if precision == Incident.DatePrecision.MONTH:
        last = calendar.monthrange(start.year, start.month)[1]
        return start.replace(day=1), start.replace(day=last)
    if precision == Incident.DatePrecision.YEAR:
        return datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31)
    if precision == Incident.DatePrecision.RANGE and end is not None:
        return start, end
    return start, start


def incident_errors(values: Mapping[str, Any], *, today: datetime.date) -> Errors:
    errors: Errors = {}
    start, end = values.get("occurred_from"), values.get("occurred_to")
    precision = values.get("date_precision")
    if not isinstance(start, datetime.date):
        _add(errors, "occurred_from", _("Give the date of the incident, even if approximate."))
    elif start < EARLIEST:
        _add(errors, "occurred_from", _("This date is too long ago: check the year."))
    elif start > today:
        _add(errors, "occurred_from", _("The incident cannot have happened after today."))
    if precision == Incident.DatePrecision.RANGE:
        if not isinstance(end, datetime.date):
            _add(errors, "occurred_to", _("Give the last day of the period."))
        elif isinstance(start, datetime.date) and end < start:
            _add(errors, "occurred_to", _("The period ends before it starts."))
        elif end > today:
            _add(errors, "occurred_to", _("The period cannot end after today."))
    country = values.get("country") or ""
    if country not in people_vocab.COUNTRIES:
        _add(errors, "country", _("Choose the country from the list."))
    state = values.get("state") or ""
    if state and country != "MEX":
        _add(errors, "state", _("A Mexican state goes only with an incident in Mexico."))
    elif state and state not in vocab.STATES:
        _add(errors, "state", _("Choose the state from the list."))
    place_type = values.get("place_type") or ""
    if place_type and place_type not in vocab.PLACE_TYPES:
        _add(errors, "place_type", _("Choose the kind of place from the list."))
    errors.update(coordinates_errors(values.get("coordinates")))
    summary = values.get("summary") or ""
    if not summary:
        _add(errors, "summary", _("Write a short summary of what happened."))
    elif len(summary) > SUMMARY_MAX:
        _add(
            errors,
            "summary",
            _("Keep the summary under %(count)d characters: the testimony holds the rest.")
            % {"count": SUMMARY_MAX},
        )
    gbv = values.get("gbv_type") or ""
    if gbv and gbv not in vocab.GBV_TYPES:
        _add(errors, "gbv_type", _("Choose the type of gender-based violence from the list."))
    documented_on = values.get("documented_on")
    if isinstance(documented_on, datetime.date):
        if documented_on > today:
            _add(errors, "documented_on", _("The documentation cannot be dated after today."))
        elif isinstance(start, datetime.date) and documented_on < start <= today:
            _add(
                errors,
                "documented_on",
                _("The incident was documented before it happened: check both dates."),
            )
    return errors


def coordinates_errors(value: Any) -> Errors:
    errors: Errors = {}
    if value in (None, "", {}):
        return errors
    try:
        lat, lon = float(value["lat"]), float(value["lon"])
    except (KeyError, TypeError, ValueError):
        _add(errors, "coordinates", _("Give the coordinates as latitude and longitude."))
        return errors
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        _add(errors, "coordinates", _("These coordinates do not exist: check them."))
    return errors


def acts_errors(acts: Sequence[Mapping[str, str]]) -> Errors:
    errors: Errors = {}
    if not acts:
        _add(errors, "acts", _("Choose at least one act."))
    for act in acts:
        common, huridocs = act.get("common") or "", act.get("huridocs") or ""
        if common and common not in vocab.COMMON_ACTS:
            _add(errors, "acts", _("This act is not on the short list: choose one from it."))
        elif huridocs not in vocab.ACTS:
            _add(errors, "acts", _("This act is not in the HURIDOCS list: choose one from it."))
    return errors


def victim_errors(values: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    person = values.get("person")
    if values.get("role") not in Victim.Role.values:
        _add(errors, "role", _("Say whether the person is a victim or a witness."))
    if person is None:
        if values.get("sex", "") not in Person.Sex.values:
            _add(errors, "sex", _("Choose the sex from the list."))
        if values.get("age_band", "") not in Victim.AgeBand.values:
            _add(errors, "age_band", _("Choose the age band from the list."))
        nationality = values.get("nationality") or ""
        if nationality and nationality not in people_vocab.COUNTRIES:
            _add(errors, "nationality", _("Choose the nationality from the list."))
    status = values.get("status") or ""
    if status and status not in vocab.VICTIM_STATUS:
        _add(errors, "status", _("Choose the status as victim from the list."))
    return errors


def victims_errors(victims: Sequence[Mapping[str, Any]]) -> Errors:
    errors: Errors = {}
    if not victims:
        _add(errors, "victims", _("Add at least one victim or witness, even anonymous."))
    people = [v["person"].pk for v in victims if v.get("person") is not None]
    if len(people) != len(set(people)):
        _add(errors, "victims", _("The same person is listed twice."))
    for victim in victims:
        for field, messages in victim_errors(victim).items():
            errors.setdefault("victims" if field != "person" else field, []).extend(messages)
    return errors


def perpetrator_errors(values: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    kind = values.get("kind") or ""
    if not kind:
        _add(errors, "kind", _("Choose the type of perpetrator, or 'unknown'."))
    elif kind not in vocab.PERPETRATORS and kind not in vocab.LOCAL_PERPETRATORS:
        _add(errors, "kind", _("Choose the type of perpetrator from the list."))
    involvement = values.get("involvement") or ""
    if involvement and involvement not in vocab.INVOLVEMENT:
        _add(errors, "involvement", _("Choose the degree of involvement from the list."))
    how_many = values.get("how_many")
    if how_many is not None and not 1 <= how_many <= MAX_PERPETRATORS:
        _add(
            errors,
            "how_many",
            _("Give a number between 1 and %(most)d, or leave it empty if not known.")
            % {"most": MAX_PERPETRATORS},
        )
    return errors


def consent_errors(values: Mapping[str, Any], *, today: datetime.date) -> Errors:
    errors: Errors = {}
    purpose = values.get("purpose")
    if purpose not in IncidentConsent.Purpose.values:
        _add(errors, "purpose", _("Choose the use from the list."))
    if purpose == IncidentConsent.Purpose.SHARING and not values.get("recipient"):
        _add(errors, "recipient", _("Name the organization the documentation may go to."))
    if purpose != IncidentConsent.Purpose.SHARING and values.get("recipient"):
        _add(errors, "recipient", _("An organization is named only for the use 'sharing'."))
    given_on = values.get("given_on")
    if not isinstance(given_on, datetime.date):
        _add(errors, "given_on", _("Give the date the consent was given."))
    elif given_on > today:
        _add(errors, "given_on", _("The consent cannot be dated after today."))
    return errors


def complaint_errors(values: Mapping[str, Any], *, today: datetime.date) -> Errors:
    errors: Errors = {}
    if values.get("authority") not in Complaint.Authority.values:
        _add(errors, "authority", _("Choose the authority from the list."))
    filed_on = values.get("filed_on")
    if not isinstance(filed_on, datetime.date):
        _add(errors, "filed_on", _("Give the date the complaint was filed."))
    elif filed_on > today:
        _add(errors, "filed_on", _("The complaint cannot be dated after today."))
    elif filed_on < EARLIEST:
        _add(errors, "filed_on", _("This date is too long ago: check the year."))
    if values.get("status") not in Complaint.Status.values:
        _add(errors, "status", _("Choose the status from the list."))
    return errors
