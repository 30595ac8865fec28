"""A sign-on letter as read from a text, before it is stored: the shapes the parser gives and
the drift and duplicate checks read. No models here."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, override


def _render(template: str, params: Mapping[str, Any] | None) -> str:
    text = gettext(template)
    if params is None:
        return text
    return text % {k: _param(v) for k, v in params.items()}


def _param(value: Any) -> Any:
    """A parameter as the message shows it, in the active language: a lazy or reader's message
    said again, a list of them joined with semicolons ("an addressee; a salutation")."""
    if isinstance(value, list | tuple):
        return "; ".join(str(_param(v)) for v in value)
    if isinstance(value, Promise | Said):
        return str(value)
    return value


class Said(str):
    """A message of the reader, as text in the language active when it was made, that says
    itself again in the language active when ``str()`` is called: the import report keeps it
    in each interface language, so that it is read in the reader's. ``Said("Line %(line)s…") %
    {"line": 3}`` works as with a translated string (``Said`` is the reader's ``_``)."""

    template: str
    params: Mapping[str, Any] | None

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None) -> "Said":
        said = super().__new__(cls, _render(template, params))
        said.template, said.params = template, params
        return said

    def __mod__(self, params: Any) -> "Said":
        return Said(self.template, params)

    def __str__(self) -> str:
        return _render(self.template, self.params)

    def in_language(self, language: str) -> str:
        with override(language):
            return str(self)


def in_language(message: str, language: str) -> str:
    """A problem's message in an interface language (a plain string as it is)."""
    return message.in_language(language) if isinstance(message, Said) else str.__str__(message)


@dataclass(frozen=True)
class Problem:
    """Something the parser or a check could not read or found wrong, with where it is."""

    line: int  # 1-based line of the source text; 0 when it concerns the whole text
    code: str  # a short stable code, e.g. "broken_numbering"
    message: str  # translated, for the report


@dataclass(frozen=True)
class Addressee:
    name: str
    title: str = ""
    institution: str = ""


@dataclass
class Signatory:
    """An organization, a coalition signing as a block (with its members), or a person."""

    kind: str  # "organization" | "coalition" | "individual"
    name: str
    acronym: str = ""
    country: str = ""
    affiliation: str = ""  # individuals
    title: str = ""  # individuals
    members: list[str] = field(default_factory=list)  # coalitions: member organizations
    line: int = 0
    written: str = ""  # the entry as the version writes it, without numbering and Markdown


@dataclass
class ParsedVersion:
    """One language version of a letter, as read from its text."""

    language: str  # ISO 639-1: "es", "en", "pt", "fr"
    subject: str = ""
    date_text: str = ""
    place: str = ""
    addressees: list[Addressee] = field(default_factory=list)
    formula: str = ""  # the line under the addressees as written: "Presente", "PRESENTES"
    paragraphs: list[str] = field(default_factory=list)  # the body, Markdown kept as written
    organizations: list[Signatory] = field(default_factory=list)  # in order; coalitions too
    individuals: list[Signatory] = field(default_factory=list)  # in order
    problems: list[Problem] = field(default_factory=list)
    # The headings of its lists as the version writes them: "organization", "individual".
    headings: dict[str, str] = field(default_factory=dict)
