"""Sections other apps add to a person's file, so that people does not import the apps above it
(ENGINEERING.md, "The person file is composed, not imported").

An app registers a `Panel` in its `AppConfig.ready`; the file page shows the registered panels
in their order, each its template with what its `context` function returns for the person.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from salvaguarda.people.models import Person


@dataclass(frozen=True)
class Panel:
    order: int
    template: str
    context: Callable[[Any, Person], dict[str, Any]]


@dataclass(frozen=True)
class Shown:
    template: str
    context: dict[str, Any]


_PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    """Add a section to every person's file (once, however often an app is set up)."""
    if all(p.template != panel.template for p in _PANELS):
        _PANELS.append(panel)
        _PANELS.sort(key=lambda p: p.order)


def panels_for(user: Any, person: Person) -> list[Shown]:
    return [Shown(p.template, p.context(user, person)) for p in _PANELS]
