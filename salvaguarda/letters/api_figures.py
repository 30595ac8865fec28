"""The cited-figure endpoints of the REST API (mounted by `salvaguarda.api`), as on the letter's
page: the figures of a letter with where each is used and the marks no figure answers; a figure
added (optionally turning a number the text writes into its mark in every version), changed,
counted again (a network figure) or removed (its marks become its last value).

Reading is for any member; changes for the letter's editors and the coordinators (403 for other
members). Another organization's letter is a 404. A value that breaks a rule is a 422 by field.
"""

import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from salvaguarda.core.access import Policy, active_role, policy, signed_in_user
from salvaguarda.letters import queries, queries_figures, services_figures
from salvaguarda.letters.models import Letter
from salvaguarda.people.api import REFUSALS, Input

router = Router()

FIGURES = "/letters/{uuid:letter_uuid}/figures"
FIGURE = FIGURES + "/{uuid:figure_uuid}"

Kind = Literal["network", "outside"]


class FigureIn(Input):
    """A network figure needs `measure` (its value and date are counted now); an outside one
    needs `value`, `source` and `as_of`. `key` (the mark's name) is made from `label` when
    empty. `written`: the number as the text writes it now ("71,071"), to become the mark."""

    kind: Kind
    label: str = ""
    key: str = ""
    measure: str = ""
    value: Decimal | str | None = None
    source: str = ""
    source_url: str = ""
    as_of: datetime.date | None = None
    written: str = ""


class FigureChangeIn(Input):
    """Only the fields sent change (`written` as when adding)."""

    kind: Kind | None = None
    label: str | None = None
    key: str | None = None
    measure: str | None = None
    value: Decimal | str | None = None
    source: str | None = None
    source_url: str | None = None
    as_of: datetime.date | None = None
    written: str = ""


class FigureOut(Schema):
    uuid: UUID
    key: str
    mark: str  # as the text carries it: {{cifra:key}}
    label: str
    kind: str
    measure: str
    measure_label: str
    value: Decimal
    written: str  # as every version shows it: "71,071"
    source: str
    source_url: str
    as_of: datetime.date | None
    languages: list[str]  # the versions whose text carries the mark
    missing: list[str]  # the versions whose text does not
    marked: dict[str, int] = {}  # by language: numbers that just became the mark


class UnknownMarkOut(Schema):
    language: str
    mark: str


class FiguresOut(Schema):
    figures: list[FigureOut]
    unknown_marks: list[UnknownMarkOut]  # marks in the text that no figure answers
    sent: bool  # a sent letter's figures no longer change


def _editable(request: HttpRequest, letter_uuid: UUID) -> Letter:
    return queries.letter_to_edit(signed_in_user(request), active_role(request), letter_uuid)


def _figure_out(item: queries_figures.Cited, marked: dict[str, int] | None = None) -> Any:
    f = item.figure
    return {
        "uuid": f.uuid,
        "key": f.key,
        "mark": item.mark,
        "label": f.label,
        "kind": f.kind,
        "measure": f.measure,
        "measure_label": item.measure,
        "value": f.value,
        "written": item.written,
        "source": f.source,
        "source_url": f.source_url,
        "as_of": f.as_of,
        "languages": item.languages,
        "missing": item.missing,
        "marked": marked or {},
    }


def _one(letter: Letter, figure_uuid: UUID, marked: dict[str, int] | None = None) -> Any:
    found = queries_figures.figures_of(letter)
    return _figure_out(next(c for c in found.cited if c.figure.uuid == figure_uuid), marked)


def _all(letter: Letter) -> Any:
    found = queries_figures.figures_of(letter)
    return {
        "figures": [_figure_out(item) for item in found.cited],
        "unknown_marks": [{"language": u.language, "mark": u.mark} for u in found.unknown],
        "sent": found.sent,
    }


@router.get(FIGURES, response={200: FiguresOut, **REFUSALS})
@policy(Policy.MEMBER)
def figure_list(request: HttpRequest, letter_uuid: UUID) -> Any:
    """The letter's figures, where each is used, and the marks without a figure."""
    return _all(queries.letter_get_for(signed_in_user(request), letter_uuid))


@router.post(FIGURES, response={201: FigureOut, **REFUSALS})
@policy(Policy.MEMBER)
def figure_post(request: HttpRequest, letter_uuid: UUID, payload: FigureIn) -> Any:
    """Add a figure (`marked`: how many numbers of each version became its mark)."""
    letter = _editable(request, letter_uuid)
    data = payload.model_dump()
    written = data.pop("written")
    saved = services_figures.figure_add(
        by=signed_in_user(request), letter=letter, data=data, written=written
    )
    return Status(201, _one(letter, saved.figure.uuid, saved.marked))


@router.patch(FIGURE, response={200: FigureOut, **REFUSALS})
@policy(Policy.MEMBER)
def figure_patch(
    request: HttpRequest, letter_uuid: UUID, figure_uuid: UUID, payload: FigureChangeIn
) -> Any:
    """Change a figure; a new key renames its marks in every version."""
    letter = _editable(request, letter_uuid)
    figure = queries_figures.figure_of(letter, figure_uuid)
    data = payload.model_dump(exclude_unset=True)
    written = data.pop("written", "")
    saved = services_figures.figure_update(
        by=signed_in_user(request), figure=figure, data=data, written=written
    )
    return _one(letter, figure_uuid, saved.marked)


@router.delete(FIGURE, response={200: FiguresOut, **REFUSALS})
@policy(Policy.MEMBER)
def figure_delete(request: HttpRequest, letter_uuid: UUID, figure_uuid: UUID) -> Any:
    """Remove a figure: wherever the text carries its mark, its last value is written."""
    letter = _editable(request, letter_uuid)
    services_figures.figure_remove(
        by=signed_in_user(request), figure=queries_figures.figure_of(letter, figure_uuid)
    )
    return _all(letter)


@router.post(FIGURE + "/refresh", response={200: FigureOut, **REFUSALS})
@policy(Policy.MEMBER)
def figure_refresh(request: HttpRequest, letter_uuid: UUID, figure_uuid: UUID) -> Any:
    """Count a network figure again, dated today (422 for an outside figure)."""
    letter = _editable(request, letter_uuid)
    services_figures.figure_refresh(
        by=signed_in_user(request), figure=queries_figures.figure_of(letter, figure_uuid)
    )
    return _one(letter, figure_uuid)
