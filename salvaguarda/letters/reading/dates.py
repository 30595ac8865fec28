"""The day a version's date line names ("3 de diciembre de 2026", "December 3, 2026",
"1er mars 2026", "3 de dezembro de 2026", "2026-12-03"), so that the letter's own date is
filled in when its versions agree. A date written only in figures with slashes ("03/12/2026")
is left unread: day and month come in a different order by language and country."""

import datetime
import re
import unicodedata

_MONTHS = {
    1: "enero january janeiro janvier jan",
    2: "febrero february fevereiro fevrier feb fev",
    3: "marzo march marco mars mar",
    4: "abril april avril abr apr avr",
    5: "mayo may maio mai",
    6: "junio june junho juin jun",
    7: "julio july julho juillet jul juil",
    8: "agosto august aout ago aug",
    9: "septiembre setiembre september setembro septembre sep sept set",
    10: "octubre october outubro octobre oct out",
    11: "noviembre november novembro novembre nov",
    12: "diciembre december dezembro decembre dic dec dez",
}
MONTHS = {word: number for number, words in _MONTHS.items() for word in words.split()}
_DAY = r"(?P<day>\d{1,2})(?:er|º|°|o|st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_PATTERNS = (
    re.compile(rf"\b{_DAY}\s+(?:de\s+)?(?P<month>[a-z]+)\.?,?\s+(?:de[l]?\s+)?{_YEAR}\b"),
    re.compile(rf"\b(?P<month>[a-z]+)\.?\s+{_DAY},?\s+{_YEAR}\b"),
    re.compile(r"\b(?P<year>\d{4})-(?P<mm>\d{2})-(?P<day>\d{2})\b"),
)


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def date_of(text: str) -> datetime.date | None:
    """The day `text` names, or None when it names none (or an impossible one)."""
    folded = _folded(text)
    for pattern in _PATTERNS:
        found = pattern.search(folded)
        if found is None:
            continue
        groups = found.groupdict()
        month = int(groups["mm"]) if groups.get("mm") else MONTHS.get(groups.get("month") or "")
        if month is None:
            continue
        try:
            return datetime.date(int(groups["year"]), month, int(groups["day"]))
        except ValueError:
            return None
    return None


def agreed_date(texts: list[str]) -> datetime.date | None:
    """The day every date line that names one names; None when none does or they differ."""
    days = {day for day in map(date_of, texts) if day is not None}
    return days.pop() if len(days) == 1 else None
