"""Court labels and the two clocks of a hearing.

{% load court_tags %}
{{ hearing.court|court_label }}
{{ hearing.starts_at|court_time:hearing.court }}      the court's clock, with its zone
{{ hearing.starts_at|person_time:person }}            the clock where the person stays
"""

import datetime
from typing import Any

from django import template
from django.utils import formats

from salvaguarda.court import times, vocab
from salvaguarda.people.models import Person

register = template.Library()


def _format(moment: datetime.datetime) -> str:
    return f"{formats.date_format(moment, 'SHORT_DATETIME_FORMAT')} {moment.tzname()}"


@register.filter
def court_label(code: Any) -> str:
    return vocab.COURTS.label(str(code)) if code else ""


@register.filter
def court_time(moment: datetime.datetime | None, court: str) -> str:
    if moment is None:
        return ""
    return _format(times.in_court_time(moment, court))


@register.filter
def person_time(moment: datetime.datetime | None, person: Person) -> str:
    if moment is None:
        return ""
    return _format(moment.astimezone(times.person_zone(person)))


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, [])
