"""A letter as it leaves: one language version as Markdown or as a web page, and the
signatories as CSV. Numbers come from the order; a coalition's members are listed under it.

The headings of the signatory lists are part of the letter, in its language (not the
interface's), so they are data here rather than translated messages.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import formats, translation

from salvaguarda.letters import figures, member_roles, queries_figures
from salvaguarda.letters.models import Letter, LetterVersion, Signatory
from salvaguarda.letters.queries import Entry, version_lists
from salvaguarda.letters.reading import dates
from salvaguarda.letters.reading.lists import organization

HEADINGS = {
    "es": ("Organizaciones firmantes", "Personas firmantes"),
    "en": ("Signatory organizations", "Individual signatories"),
    "pt": ("Organizações signatárias", "Pessoas signatárias"),
    "fr": ("Organisations signataires", "Signataires individuels"),
}
DATE_FORMATS = {"es": r"j \d\e F \d\e Y", "en": "F j, Y", "pt": r"j \d\e F \d\e Y", "fr": "j F Y"}
SUBJECT_LABELS = {"es": "Asunto", "en": "Subject", "pt": "Assunto", "fr": "Objet"}


@dataclass
class Member:
    """A coalition's member as the outputs print it: its name, then its role or representative
    apart ("Casa X, A.C." — "representada por Hna. Leticia Mora"), each output in its own way."""

    name: str
    role: str = ""

    @property
    def line(self) -> str:
        """Name and role on one plain line: "Casa X, A.C. — representada por Hna. Leticia Mora"."""
        return f"{self.name} — {self.role}" if self.role else self.name


def member_of(entry: Entry) -> Member:
    """A member's name and role as its version writes them ("Casa X, representada por Ana
    Ruiz"), else its row's title (an entry changed by hand is written from its row)."""
    name, role = member_roles.member_parts(entry.written)
    return Member(name, role or entry.title)


@dataclass
class Parts:
    """A version as every output lays it out, in order."""

    subject: str
    subject_label: str  # "Asunto:", "Subject:", "Objet :": the version's language, its colon
    date_line: str
    addressees: list[list[str]]  # the lines of each addressee
    formula: str  # the line under the addressees (`printed_formula`: "Presente"), or ""
    paragraphs: list[str]  # as written (Markdown links in them), figures' marks as their values
    headings: tuple[str, str]  # of the organizations and of the individuals, in its language
    organizations: list[tuple[str, list[Member]]]  # "1. Name (ACRONYM), Country", its members
    individuals: list[str]  # "1. Name, title, affiliation"


def typography(text: str, language: str) -> str:
    """A label the app writes, with its language's spacing before punctuation: French puts a
    no-break space before ":" and a narrow no-break space before ";", "?" and "!" ("Objet :");
    the other languages none. For labels only (a link's "?" is not punctuation)."""
    if language != "fr":
        return text
    text = re.sub(r"[ \u00a0\u202f]*:(?=\s|$)", "\u00a0:", text)
    return re.sub(r"[ \u00a0\u202f]*([;?!])(?=\s|$)", "\u202f\\1", text)


def labelled(label: str, language: str) -> str:
    """ "Asunto:", "Subject:", "Objet :": a label and its colon, as its language writes them."""
    return typography(f"{label}:", language)


@dataclass
class Heading:
    """What a version says before its body: place and date, its addressees (each its lines:
    name, title, institution), the formula under them ("PRESENTES"), its subject."""

    language: str
    date_line: str
    addressees: list[list[str]]
    formula: str
    subject_label: str  # with its colon, in the version's typography ("Objet :")
    subject: str


# A word written with its letters spaced out ("P R E S E N T E S", "P R E S E N T"): one
# letter, one space, at least four letters.
_SPACED_OUT = re.compile(r"^(?:\w )+\w(?=[.:\-–]*$)")


def printed_formula(formula: str) -> str:
    """The formula under the addressees as every output prints it (page, PDF, Word, Markdown):
    as written, except a word whose letters are spaced out ("P R E S E N T E S"), printed as
    the word ("PRESENTES"). Spaced letters are a typist's emphasis, not a spelling; a PDF reader
    copies a line of evenly spaced letters as the word, so only the word reads the same in
    every output."""
    spaced = _SPACED_OUT.match(formula)
    if spaced is None or len(spaced.group()) < 7:
        return formula
    return spaced.group().replace(" ", "") + formula[spaced.end() :]


def addressee_lines(version: LetterVersion) -> list[list[str]]:
    return [
        [line for line in (a.get(k, "") for k in ("name", "title", "institution")) if line]
        for a in version.addressees
    ]


def heading_of(letter: Letter, version: LetterVersion) -> Heading:
    return Heading(
        language=version.language,
        date_line=date_line(letter, version),
        addressees=addressee_lines(version),
        formula=printed_formula(version.formula),
        subject_label=labelled(SUBJECT_LABELS.get(version.language, "Subject"), version.language),
        subject=version.subject or letter.subject,
    )


def parts_of(
    letter: Letter,
    version: LetterVersion,
    signatories: list[Signatory] | None = None,
) -> Parts:
    """The version laid out with its own signatory lists (`queries.version_lists`: its entries
    as it writes them, its numbering, its headings); each figure's mark in its paragraphs is
    replaced by the figure's value, written the same in every version (a mark without a
    figure stays as written). `signatories`: the letter's rows, read already."""
    organizations, individuals = version_lists(letter, version, signatories)
    values = queries_figures.values_of(letter)
    return Parts(
        subject=version.subject or letter.subject,
        subject_label=labelled(SUBJECT_LABELS.get(version.language, "Subject"), version.language),
        date_line=date_line(letter, version),
        addressees=addressee_lines(version),
        formula=printed_formula(version.formula),
        paragraphs=[figures.replaced(p, values).text for p in version.paragraphs],
        headings=headings_of(version),
        organizations=[
            (f"{item.number}. {item.written}", [member_of(m) for m in item.members])
            for item in organizations
        ],
        individuals=[f"{item.number}. {item.written}" for item in individuals],
    )


def headings_of(version: LetterVersion) -> tuple[str, str]:
    """The headings of the version's lists as it writes them, else in its language."""
    written = (version.signatory_lists or {}).get("headings", {})
    default = HEADINGS.get(version.language, HEADINGS["en"])
    return (written.get("organization") or default[0], written.get("individual") or default[1])


def date_line(letter: Letter, version: LetterVersion) -> str:
    """Place and date as the version writes them: the letter's date, when set, in the
    version's language (so every version has the same one), else the version's own text (kept
    as written when it names the letter's date: "1er mars 2026")."""
    written = version.date_text
    if letter.date is not None and dates.date_of(written) != letter.date:
        with translation.override(version.language):
            written = formats.date_format(
                letter.date, DATE_FORMATS.get(version.language, DATE_FORMATS["en"])
            )
    return ", ".join(p for p in (version.place, written) if p)


def markdown_of(letter: Letter, version: LetterVersion) -> str:
    """The version as Markdown: subject as its title, date line, addressees, their formula,
    the subject's line ("**Asunto:** …"), paragraphs as written (with the figures' values),
    then the numbered signatories."""
    parts = parts_of(letter, version)
    out = [f"# {parts.subject}"]
    if parts.date_line:
        out.append(parts.date_line)
    out.extend("  \n".join(lines) for lines in parts.addressees)
    if parts.formula:
        out.append(parts.formula)
    out.append(f"**{parts.subject_label}** {parts.subject}")
    out.extend(parts.paragraphs)
    if parts.organizations:
        lines = []
        for line, members in parts.organizations:
            lines.append(line)
            lines.extend(
                f"    - {m.name} — *{m.role}*" if m.role else f"    - {m.name}" for m in members
            )
        out.append(f"## {parts.headings[0]}\n\n" + "\n".join(lines))
    if parts.individuals:
        out.append(f"## {parts.headings[1]}\n\n" + "\n".join(parts.individuals))
    return "\n\n".join(out) + "\n"


def _name_parts(entry: Entry) -> tuple[str, str, str]:
    """An organization's name, acronym and country, each in its own column: read from the
    entry as the version writes it ("Centro X, A.C. (CX)", "Asylum Access México – AAMX"),
    the row's acronym and country where the version writes none."""
    read = organization(entry.written)
    row = entry.row
    return (
        read.name,
        read.acronym or (row.acronym if row is not None else ""),
        read.country or (row.country if row is not None else ""),
    )


def signatories_csv(letter: Letter, version: LetterVersion | None = None) -> Iterator[str]:
    """number, kind, name, acronym, country, coalition, title, affiliation: one row each, as
    the version lists them (its own numbers and spelling; the reference version's when none
    is given), members right after their coalition (their number is the coalition's)."""
    if version is None:
        version = letter.versions.get(language=letter.reference_language)
    organizations, individuals = version_lists(letter, version)

    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in values])
        return buffer.getvalue()

    yield "\ufeff" + line(
        ["number", "kind", "name", "acronym", "country", "coalition", "title", "affiliation"]
    )
    for item in organizations:
        name, acronym, country = _name_parts(item)
        yield line([item.number, item.kind, name, acronym, country, "", "", ""])
        for member in item.members:
            shown = member_of(member)  # "(coordinación)", "representada por …": the title column
            read = organization(shown.name)
            row = member.row
            yield line(
                [
                    item.number,
                    member.kind,
                    read.name,
                    read.acronym or (row.acronym if row is not None else ""),
                    read.country or (row.country if row is not None else ""),
                    name,
                    shown.role,
                    "",
                ]
            )
    for item in individuals:
        yield line([item.number, item.kind, item.name, "", "", "", item.title, item.affiliation])
