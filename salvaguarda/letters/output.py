"""A letter as it leaves: one language version as Markdown or as a web page, and the
signatories as CSV. Numbers come from the order; a coalition's members are listed under it.

The headings of the signatory lists are part of the letter, in its language (not the
interface's), so they are data here rather than translated messages.
"""

import csv
import io
import re
from collections.abc import Iterator

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from salvaguarda.letters.models import Letter, LetterVersion, Signatory
from salvaguarda.letters.queries import Numbered, numbered

HEADINGS = {
    "es": ("Organizaciones firmantes", "Personas firmantes"),
    "en": ("Signatory organizations", "Individual signatories"),
    "pt": ("Organizações signatárias", "Pessoas signatárias"),
    "fr": ("Organisations signataires", "Signataires individuels"),
}
LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")


def _lists(letter: Letter) -> tuple[list[Numbered], list[Numbered]]:
    return numbered(list(letter.signatories.all()))


def _organization_line(signatory: Signatory) -> str:
    line = signatory.name
    if signatory.acronym:
        line += f" ({signatory.acronym})"
    if signatory.country:
        line += f", {signatory.country}"
    return line


def _individual_line(signatory: Signatory) -> str:
    return ", ".join(p for p in (signatory.name, signatory.title, signatory.affiliation) if p)


def markdown_of(letter: Letter, version: LetterVersion) -> str:
    """The version as Markdown: subject, date line, addressees, paragraphs as written, then
    the numbered signatories."""
    organizations, individuals = _lists(letter)
    heading_organizations, heading_individuals = HEADINGS.get(version.language, HEADINGS["en"])
    parts = [f"# {version.subject or letter.subject}"]
    date_line = ", ".join(p for p in (version.place, version.date_text) if p)
    if date_line:
        parts.append(date_line)
    for addressee in version.addressees:
        lines = [addressee.get(k, "") for k in ("name", "title", "institution")]
        parts.append("  \n".join(line for line in lines if line))
    parts.extend(version.paragraphs)
    if organizations:
        lines = []
        for item in organizations:
            lines.append(f"{item.number}. {_organization_line(item.signatory)}")
            lines.extend(f"    - {member.name}" for member in item.members)
        parts.append(f"## {heading_organizations}\n\n" + "\n".join(lines))
    if individuals:
        lines = [f"{item.number}. {_individual_line(item.signatory)}" for item in individuals]
        parts.append(f"## {heading_individuals}\n\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"


def paragraph_html(text: str) -> SafeString:
    """A paragraph as HTML: everything escaped, Markdown links to http(s) kept as links, line
    breaks kept. No other markup is interpreted."""
    out, last = [], 0
    for found in LINK.finditer(text):
        out.append(escape(text[last : found.start()]))
        out.append(format_html('<a href="{}" rel="noopener noreferrer">{}</a>', found[2], found[1]))
        last = found.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - every part is escaped


def signatories_csv(letter: Letter) -> Iterator[str]:
    """number, kind, name, acronym, country, coalition, title, affiliation: one row each, in
    order, members right after their coalition (their number is the coalition's)."""
    organizations, individuals = _lists(letter)
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
        s = item.signatory
        yield line([item.number, s.kind, s.name, s.acronym, s.country, "", "", ""])
        for member in item.members:
            yield line([item.number, member.kind, member.name, "", "", s.name, "", ""])
    for item in individuals:
        s = item.signatory
        yield line([item.number, s.kind, s.name, "", "", "", s.title, s.affiliation])
