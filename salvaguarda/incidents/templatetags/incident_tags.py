"""Labels of the incidents' vocabularies, and coordinates shown coarsened, for templates."""

from django import template
from django.utils.formats import date_format

from salvaguarda.incidents import vocab
from salvaguarda.incidents.models import Act, Incident

register = template.Library()


@register.filter
def act_label(act: Act) -> str:
    """A short-list act by its own name; a HURIDOCS act by its path in the list."""
    if act.common:
        return vocab.COMMON_ACTS.label(act.common)
    return vocab.ACTS.path_label(act.huridocs)


@register.filter
def perpetrator_label(code: str) -> str:
    return vocab.perpetrator_label(code)


@register.filter
def incident_vocab(code: str, name: str) -> str:
    """The label of `code` in one of the incidents' lists, by its name in `vocab`."""
    if not code:
        return ""
    return str(getattr(vocab, name).label(code))


@register.filter
def coarse(incident: Incident) -> str:
    """The incident's coordinates as shown: rounded to about 11 km."""
    found = incident.coarse_coordinates
    return f"{found[0]:.1f}, {found[1]:.1f}" if found else ""


@register.filter
def incident_when(incident: Incident) -> str:
    """The incident's date as precise as it is known: a day, a month, a year or a period."""
    start, end = incident.occurred_from, incident.occurred_to
    if incident.date_precision == Incident.DatePrecision.MONTH:
        return date_format(start, "YEAR_MONTH_FORMAT")
    if incident.date_precision == Incident.DatePrecision.YEAR:
        return str(start.year)
    if incident.date_precision == Incident.DatePrecision.RANGE:
        return (
            f"{date_format(start, 'SHORT_DATE_FORMAT')} – {date_format(end, 'SHORT_DATE_FORMAT')}"
        )
    return date_format(start, "SHORT_DATE_FORMAT")
