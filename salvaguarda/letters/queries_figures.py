"""Reads of a letter's cited figures: one figure of the letter, and the figures with where each
is used (which versions carry its mark) and the marks no figure answers."""

import uuid
from dataclasses import dataclass

from django.http import Http404

from salvaguarda.letters import figures, measures
from salvaguarda.letters.models import Figure, Letter, LetterVersion


def figure_of(letter: Letter, figure_uuid: uuid.UUID) -> Figure:
    """A figure of `letter` (already fetched with its access checked); 404 otherwise."""
    figure = letter.figures.filter(uuid=figure_uuid).first()
    if figure is None:
        raise Http404
    return figure


def values_of(letter: Letter) -> dict[str, str]:
    """Each figure's key and its value as every version writes it."""
    return {f.key: figures.written(f.value) for f in letter.figures.all()}


@dataclass
class Cited:
    figure: Figure
    mark: str
    written: str
    measure: str  # the label of a network figure's count, "" for an outside figure
    languages: list[str]  # the versions whose text carries the mark
    missing: list[str]  # the versions whose text does not


@dataclass
class Unknown:
    language: str
    mark: str  # as written


@dataclass
class LetterFigures:
    cited: list[Cited]
    unknown: list[Unknown]  # marks in the text that no figure answers
    sent: bool  # a sent letter's figures no longer change


def figures_of(letter: Letter, versions: list[LetterVersion] | None = None) -> LetterFigures:
    """The letter's figures and where each is used, in two queries (one if `versions` are
    given)."""
    if versions is None:
        versions = list(letter.versions.all())
    keys = {v.language: set(figures.keys_in("\n".join(v.paragraphs))) for v in versions}
    rows = list(letter.figures.all())
    values = {f.key: figures.written(f.value) for f in rows}
    cited = [
        Cited(
            figure=f,
            mark=figures.mark(f.key),
            written=values[f.key],
            measure=measures.label_of(f.measure) if f.kind == Figure.Kind.NETWORK else "",
            languages=[v.language for v in versions if f.key in keys[v.language]],
            missing=[v.language for v in versions if f.key not in keys[v.language]],
        )
        for f in rows
    ]
    unknown = [
        Unknown(v.language, found)
        for v in versions
        for found in figures.replaced("\n".join(v.paragraphs), values).unknown
    ]
    return LetterFigures(cited, unknown, letter.status == Letter.Status.SENT)
