"""Figures cited in a letter's text: the mark a paragraph carries where a figure goes, the value
written in its place (the same in every version), and a number already in the text turned
into a mark. Pure functions, no models.

The mark is ``{{cifra:KEY}}``, KEY being the figure's key: lower-case letters, digits and
hyphens (``{{cifra:devoluciones-2019}}``). It is the same in every language version, so a
letter's versions say one value. It was chosen to survive what happens to a text:

* Markdown gives braces, colons and hyphens no meaning inside a line, so the mark is kept as
  written by the letter's parser and by any Markdown editor;
* it is typed on any keyboard and reads as a placeholder to an editor, in plain text too;
* translation tools usually keep double-brace placeholders; when one is touched, the finder
  still reads it: spaces inside the braces (French typography puts a no-break space before a
  colon), letter case, and the word translated to ``figure`` (English) or ``chiffre``
  (French) are all accepted. A key that was itself translated is a mark without a figure;
* a double brace never occurs in an ordinary letter, so the mark cannot be read by mistake.

A mark whose key no figure has is left in the text as written (visible in every output) and
reported, never an error. A mark is always written back as ``{{cifra:KEY}}``.

Values are written the way Mexico and the United States write them, identically in every
version: thousands grouped with commas, a point before the decimals, and no decimals when the
value is whole (71071 → "71,071"; 12.50 → "12.5").

A number already in the text may be turned into a mark: every literal form the number takes in
circulating text ("71,071", "71071", "71 071" with an ordinary, no-break or narrow no-break
space, "71.071") is replaced, as a whole number only ("71,071" is not found in "171,0712" nor in
"71,071.5"), never inside a mark, a Markdown link's address or a web address.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from salvaguarda.letters import inline

PREFIX = "cifra"
PREFIXES = ("cifra", "figure", "chiffre")  # the word as written, or as a tool translated it
KEY_LENGTH = 40
KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MARK = re.compile(r"\{\{\s*(?:" + "|".join(PREFIXES) + r")\s*:\s*([\w-]+)\s*\}\}", re.IGNORECASE)
# Parts of a text that are never a number of the letter: marks, link targets, web addresses.
_UNTOUCHED = re.compile(MARK.pattern + r"|\]\([^)\s]*\)|https?://\S+", re.IGNORECASE)
_SPACES = " \u00a0\u202f"
_GROUPED = re.compile(r"(\d{1,3})([,.\u0020\u00a0\u202f])(\d{3}(?:\2\d{3})*)(?:([.,])(\d+))?")
_PLAIN = re.compile(r"(\d+)(?:[.,](\d+))?")


def mark(key: str) -> str:
    """The mark of a figure, as the text carries it."""
    return "{{" + f"{PREFIX}:{key}" + "}}"


def valid_key(key: str) -> bool:
    return len(key) <= KEY_LENGTH and KEY.fullmatch(key) is not None


def key_from(label: str, taken: Iterable[str]) -> str:
    """A key for a figure from its label: slugified, at most 40 characters, not one of
    `taken` ("devoluciones", then "devoluciones-2"...)."""
    base = slugify(label)[:KEY_LENGTH].strip("-") or PREFIX
    used = set(taken)
    key, n = base, 1
    while key in used:
        n += 1
        suffix = f"-{n}"
        key = base[: KEY_LENGTH - len(suffix)].strip("-") + suffix
    return key


def keys_in(text: str) -> list[str]:
    """The keys of the marks in `text`, in order, each once (lower-cased)."""
    found: list[str] = []
    for m in MARK.finditer(text):
        key = m.group(1).lower()
        if key not in found:
            found.append(key)
    return found


def written(value: Decimal | int) -> str:
    """A value as every version writes it: "71,071", "12.5", "-3"."""
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Replaced:
    text: str
    unknown: list[str]  # marks without a figure, as written, each once


def replaced(text: str, values: Mapping[str, str]) -> Replaced:
    """`text` with each mark replaced by its figure's written value (`values`: key → text); a
    mark without a figure is left as written and reported."""
    unknown: list[str] = []

    def value(m: re.Match[str]) -> str:
        key = m.group(1).lower()
        if key in values:
            return values[key]
        if m.group() not in unknown:
            unknown.append(m.group())
        return m.group()

    return Replaced(MARK.sub(value, text), unknown)


def replaced_html(text: str, values: Mapping[str, str]) -> SafeString:
    """`text` as a page shows it (links and emphasis as `inline.line_html` writes them, the
    rest escaped), each mark of a figure shown as its value highlighted, the mark as its title
    (for the editors' side-by-side view)."""
    return inline.line_html(text, part=lambda piece: _marked(piece, values))


def _marked(text: str, values: Mapping[str, str]) -> SafeString:
    out, last = [], 0
    for m in MARK.finditer(text):
        out.append(escape(text[last : m.start()]))
        key = m.group(1).lower()
        if key in values:
            out.append(
                format_html(
                    '<mark title="{}" data-testid="figure-in-text">{}</mark>',
                    mark(key),
                    values[key],
                )
            )
        else:
            out.append(escape(m.group()))
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every part is escaped


def parse_number(text: str) -> Decimal | None:
    """The number an editor typed as the text writes it: "71,071", "71.071" and "71 071" are
    71071 (a group of three digits after a separator is thousands), "12,5" and "12.5" are 12.5,
    "1.234,5" is 1234.5. A percent sign after it is left out. None if it is not a number."""
    raw = text.strip().rstrip("%").strip()
    sign = "-" if raw.startswith("-") else ""
    raw = raw.removeprefix("-")
    grouped = _GROUPED.fullmatch(raw)
    if grouped and grouped[1] != "0" and grouped[4] != grouped[2]:
        whole, decimals = grouped[1] + grouped[3].replace(grouped[2], ""), grouped[5] or ""
    else:
        plain = _PLAIN.fullmatch(raw)
        if plain is None:
            return None
        whole, decimals = plain[1], plain[2] or ""
    try:
        return Decimal(sign + whole + (f".{decimals}" if decimals else ""))
    except InvalidOperation:  # pragma: no cover - the patterns only let digits through
        return None


def literal_forms(number: Decimal) -> list[str]:
    """The forms `number` takes in circulating text, longest first: for 71071, "71,071",
    "71.071", "71 071" (with each kind of space) and "71071"; for 1234.5, "1,234.5",
    "1.234,5", "1 234,5", "1234.5", "1234,5"..."""
    negative = Decimal(number) < 0
    number = abs(Decimal(number))
    digits = f"{int(number)}"
    decimals = written(number).partition(".")[2]
    groups = [digits[max(0, i - 3) : i] for i in range(len(digits), 0, -3)][::-1]
    wholes: list[tuple[str, str]] = [("", digits)]
    if len(groups) > 1:
        wholes += [(sep, sep.join(groups)) for sep in ",." + _SPACES]
    forms: list[str] = []
    for sep, whole in wholes:
        if not decimals:
            forms.append(whole)
            continue
        for point in ".,":
            if point != sep:
                forms.append(f"{whole}{point}{decimals}")
    if negative:
        forms = ["-" + form for form in forms]
    return sorted(dict.fromkeys(forms), key=len, reverse=True)


def _literal_pattern(number: Decimal) -> re.Pattern[str]:
    alternatives = []
    for form in literal_forms(number):
        before = r"(?<![\w.,])"
        after = r"(?!\w)(?![.,]\d)"
        if any(space in form for space in _SPACES):
            before += "".join(f"(?<!\\d{re.escape(s)})" for s in _SPACES)
            after += f"(?![{_SPACES}]\\d)"
        alternatives.append(before + re.escape(form) + after)
    return re.compile("|".join(alternatives))


def with_marks(text: str, number: Decimal, key: str) -> tuple[str, int]:
    """`text` with every whole occurrence of `number`, in any of its literal forms, replaced by
    the mark of `key`; and how many were replaced. Marks, link targets and web addresses are
    left as they are."""
    pattern = _literal_pattern(number)
    out, last, count = [], 0, 0

    def plain(segment: str) -> str:
        nonlocal count
        new, n = pattern.subn(mark(key), segment)
        count += n
        return new

    for m in _UNTOUCHED.finditer(text):
        out.append(plain(text[last : m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(plain(text[last:]))
    return "".join(out), count


def renamed(text: str, old: str, new: str) -> str:
    """`text` with the marks of key `old` written as marks of key `new`."""
    return MARK.sub(lambda m: mark(new) if m.group(1).lower() == old else m.group(), text)
