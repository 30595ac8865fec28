"""The vocabulary of immigration courts and MPP hearing locations (`vocabularies/courts.csv`).

Each court has its IANA time zone and, for the MPP courts, the port where people report.
"""

from pathlib import Path
from zoneinfo import ZoneInfo

from salvaguarda.lib.vocabularies import Vocabulary

COURTS = Vocabulary(Path(__file__).resolve().parent / "vocabularies" / "courts.csv")


def court_zone(code: str) -> ZoneInfo | None:
    term = COURTS.terms.get(code)
    return ZoneInfo(term.extra["time_zone"]) if term else None


def court_port(code: str) -> str:
    term = COURTS.terms.get(code)
    return term.extra.get("port", "") if term else ""
