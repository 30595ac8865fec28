"""Writes of a letter's cited figures: add one (optionally turning a number already in the text
into its mark, in every version), change it, refresh a network count, remove it (its marks
become its last value, so the text loses nothing).

A figure is a count from the network's own data (`measures`: its value and date are taken when
it is added or refreshed, never typed) or an outside figure, which needs its value, its source
and the date it holds for. A network figure without a label takes its count's name (in the
language of the editor who adds it). Its key, the mark's name, comes from its label unless
given (lower-cased, accents dropped, made unique in the letter). Each write checks the
model's fields, is audited (`core.writes`) and changes the text of a version in one write per
changed version. A sent letter's figures no longer change.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import User
from salvaguarda.core.writes import Errors, checked, create, prepared, remove, update
from salvaguarda.letters import figures, measures
from salvaguarda.letters.models import Figure, Letter, LetterVersion

FIGURE_FIELDS = ("key", "label", "kind", "measure", "value", "source", "source_url", "as_of")


@dataclass
class Written:
    """A figure as saved, and how many numbers of each version's text became its mark."""

    figure: Figure
    marked: dict[str, int] = field(default_factory=dict)


def _not_sent(letter: Letter) -> None:
    if letter.status == Letter.Status.SENT:
        raise ValidationError(_("This letter was sent or published: its figures no longer change."))


def _number(raw: Any, name: str, errors: Errors) -> Decimal | None:
    """A value typed as text ("71,071"), or given as a number; None when empty or wrong (then
    `errors` says so under `name`)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, Decimal | int):
        return Decimal(raw)
    number = figures.parse_number(str(raw))
    if number is None:
        errors[name] = [ValidationError(_("Write a number, such as 71,071 or 12.5."))]
    return number


def _network(
    values: dict[str, Any], letter: Letter, current: Figure | None, errors: Errors
) -> None:
    """A network figure's value and date: counted now when it is new or its count changed,
    else kept (`figure_refresh` counts again)."""
    values["source"] = values["source_url"] = ""
    if values["measure"] not in measures.MEASURES:
        errors["measure"] = [ValidationError(_("Choose one of the network's counts."))]
        values["value"] = current.value if current else Decimal(0)
        return
    if current is None or values["measure"] != current.measure:
        count = measures.count(values["measure"], organization_id=letter.organization_id)
        values["value"], values["as_of"] = Decimal(count), timezone.localdate()
    else:
        values["value"], values["as_of"] = current.value, current.as_of
    if not values["label"]:
        values["label"] = measures.label_of(values["measure"])[:200]


def _outside(values: dict[str, Any], written: Decimal | None, errors: Errors) -> None:
    """An outside figure needs its value (else the number the text writes), source and date."""
    values["measure"] = ""
    if values["value"] is None and written is not None and "value" not in errors:
        values["value"] = written
    if values["value"] is None and "value" not in errors:
        errors["value"] = [ValidationError(_("Give the figure's value."))]
    if not values["source"]:
        errors["source"] = [ValidationError(_("Say where the figure comes from."))]
    if values["as_of"] is None:
        errors["as_of"] = [ValidationError(_("Give the date the figure holds for."))]
    elif isinstance(values["as_of"], datetime.date) and values["as_of"] > timezone.localdate():
        errors["as_of"] = [ValidationError(_("This date is in the future."))]


def _key(values: dict[str, Any], letter: Letter, current: Figure | None, errors: Errors) -> None:
    """The key as given (checked), or made from the label; unique among the letter's figures."""
    others = letter.figures.all() if current is None else letter.figures.exclude(pk=current.pk)
    taken = set(others.values_list("key", flat=True))
    values["key"] = values["key"].lower()
    if not values["key"]:
        values["key"] = figures.key_from(values["label"], taken)
    elif not figures.valid_key(values["key"]):
        errors["key"] = [
            ValidationError(
                _(
                    "Write the mark with lower-case letters without accents, digits and hyphens "
                    "(at most 40), such as devoluciones-2019."
                )
            )
        ]
    elif values["key"] in taken:
        errors["key"] = [ValidationError(_("Another figure of this letter has this mark."))]


def _values(
    letter: Letter, data: Mapping[str, Any], current: Figure | None, written: Decimal | None
) -> tuple[dict[str, Any], Errors]:
    """What the figure will hold, and the rules it breaks (by field)."""
    values = prepared(FIGURE_FIELDS, data, current, defaults={}, nullable=("value", "as_of"))
    errors: Errors = {}
    values["value"] = _number(values["value"], "value", errors)
    if values["kind"] == Figure.Kind.NETWORK:
        _network(values, letter, current, errors)
    elif values["kind"] == Figure.Kind.OUTSIDE:
        _outside(values, written, errors)
    if values["value"] is None:
        values["value"] = Decimal(0)  # an error says why; the model's own would only confuse
    _key(values, letter, current, errors)
    return values, errors


@dataclass
class _Rewrite:
    version: LetterVersion
    paragraphs: list[str]
    count: int  # of numbers or marks changed


Change = Callable[[str], tuple[str, int]]  # a paragraph -> its new text, how many changes


def _rewritten(letter: Letter, change: Change) -> list[_Rewrite]:
    """Each version whose paragraphs `change` changes, with its new paragraphs."""
    out = []
    for version in letter.versions.all():
        results = [change(paragraph) for paragraph in version.paragraphs]
        paragraphs = [text for text, _n in results]
        if paragraphs != list(version.paragraphs):
            out.append(_Rewrite(version, paragraphs, sum(n for _t, n in results)))
    return out


def _save_versions(by: User, rewrites: list[_Rewrite]) -> dict[str, int]:
    """One write per changed version; how many changes each had, by language."""
    for rewrite in rewrites:
        update(rewrite.version, by=by, values={"paragraphs": rewrite.paragraphs})
    return {r.version.language: r.count for r in rewrites if r.count}


def _marking(
    letter: Letter, number: Decimal | None, old: str, new: str, errors: Errors
) -> list[_Rewrite]:
    """The versions where marks of `old` are renamed `new` and `number`, as the text writes it,
    becomes the mark of `new` (an error if it is found nowhere)."""

    def change(paragraph: str) -> tuple[str, int]:
        text = figures.renamed(paragraph, old, new) if old and old != new else paragraph
        return figures.with_marks(text, number, new) if number is not None else (text, 0)

    rewrites = _rewritten(letter, change)
    if number is not None and not any(r.count for r in rewrites):
        errors["written"] = [ValidationError(_("This number is not in the text of any version."))]
    return rewrites


def _written_number(written: str, errors: Errors) -> Decimal | None:
    return _number(written.strip(), "written", errors) if written.strip() else None


@transaction.atomic
def figure_add(*, by: User, letter: Letter, data: Mapping[str, Any], written: str = "") -> Written:
    """Add a figure to the letter. `written`: a number as the text writes it now ("71,071"):
    its literal forms become the figure's mark in every version (an outside figure without a
    value takes it from there)."""
    _not_sent(letter)
    errors: Errors = {}
    number = _written_number(written, errors)
    values, rule_errors = _values(letter, data, None, number)
    errors.update(rule_errors)
    rewrites = _marking(letter, number, "", values["key"], errors) if "key" not in errors else []
    values = checked(Figure, letter.organization_id, values, errors)
    figure = create(Figure, by=by, org_id=letter.organization_id, letter=letter, **values)
    return Written(figure, _save_versions(by, rewrites))


@transaction.atomic
def figure_update(
    *, by: User, figure: Figure, data: Mapping[str, Any], written: str = ""
) -> Written:
    """Change a figure. A new key renames its marks in every version; a new count of the
    network takes its value now; `written` turns that number in the text into the mark, as
    when adding (a version that writes another number keeps it: a drift still to fix)."""
    letter = figure.letter
    _not_sent(letter)
    errors: Errors = {}
    number = _written_number(written, errors)
    values, rule_errors = _values(letter, data, figure, number)
    errors.update(rule_errors)
    rewrites = (
        _marking(letter, number, figure.key, values["key"], errors) if "key" not in errors else []
    )
    values = checked(Figure, figure.organization_id, values, errors)
    update(figure, by=by, values=values)
    return Written(figure, _save_versions(by, rewrites))


@transaction.atomic
def figure_refresh(*, by: User, figure: Figure) -> Figure:
    """Count a network figure's measure again, dated today."""
    _not_sent(figure.letter)
    if figure.kind != Figure.Kind.NETWORK or figure.measure not in measures.MEASURES:
        raise ValidationError(
            _("Only a count from the network's own data is refreshed; edit an outside figure.")
        )
    value = measures.count(figure.measure, organization_id=figure.organization_id)
    update(figure, by=by, values={"value": Decimal(value), "as_of": timezone.localdate()})
    return figure


@transaction.atomic
def figure_remove(*, by: User, figure: Figure) -> dict[str, int]:
    """Remove a figure: wherever the text carries its mark, its last value is written instead
    (one write per changed version). Returns how many marks each changed version had."""
    _not_sent(figure.letter)
    value = {figure.key: figures.written(figure.value)}

    def unmarked(paragraph: str) -> tuple[str, int]:
        count = sum(1 for m in figures.MARK.finditer(paragraph) if m[1].lower() == figure.key)
        return figures.replaced(paragraph, value).text, count

    done = _save_versions(by, _rewritten(figure.letter, unmarked))
    remove(figure, by=by, detail={"key": figure.key})
    return done
