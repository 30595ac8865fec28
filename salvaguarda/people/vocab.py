"""The vocabularies of reception (see `vocabularies/*.csv` and DOMAIN.md sections 1, 3 and 4)."""

from pathlib import Path

from salvaguarda.lib.vocabularies import Vocabulary

_HERE = Path(__file__).resolve().parent / "vocabularies"

PROGRAM_PHASES = Vocabulary(_HERE / "program_phases.csv")
RETURN_POINTS = Vocabulary(_HERE / "return_points.csv")
CITIES = Vocabulary(_HERE / "cities.csv")
DOCUMENT_TYPES = Vocabulary(_HERE / "document_types.csv")
LANGUAGES = Vocabulary(_HERE / "languages.csv")
COUNTRIES = Vocabulary(_HERE / "countries.csv")
SPECIFIC_NEEDS = Vocabulary(_HERE / "specific_needs.csv")
