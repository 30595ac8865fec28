"""What a question of the screening is: its kind, its answers, and of whom it is asked.

Answers are stored raw, keyed by question key ("gender.pregnant": "yes", "wg.seeing": 3). Values
by kind of question:

- yes/no: "yes", "no", "unknown";
- sensitive (asked only when it is safe): "yes", "no", "skip" (prefers not to say);
- Washington Group short set: the integer codes 1-4, never yes/no;
- Child Functioning Module: the integer codes of the question's answer scale (child.py);
- number: a whole number within the question's range;
- choice: one of the question's option values.

A question left unanswered is absent from the answers (it was not asked). A question is asked of
a person only if it fits their age band and sex (`Question.asked_of`).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

Value = str | int


@dataclass(frozen=True)
class Published:
    """A text published in Spanish and English (the Child Functioning Module's wording): shown
    as published in the active language, never through a translation catalog."""

    es: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "es").startswith("en") else self.es


Label = str | Promise | Published


class Kind(StrEnum):
    YES_NO = "yes_no"
    SENSITIVE = "sensitive"
    WG = "wg"
    CFM = "cfm"
    NUMBER = "number"
    CHOICE = "choice"


class AgeBand(StrEnum):
    """Age at the screening date. The edges are where the questions change: the Child
    Functioning Module starts at 2 and has a 2-4 and a 5-17 version; questions on pregnancy and
    breastfeeding start at 10; those a person answers only for themselves (gender-based
    violence, LGBTIQ+ identity) at 15; the adult short set at 18."""

    UNDER_2 = "0-1"
    AGE_2_4 = "2-4"
    AGE_5_9 = "5-9"
    AGE_10_14 = "10-14"
    AGE_15_17 = "15-17"
    ADULT = "18+"


AGE_BAND_LABELS: dict[str, Label] = {
    AgeBand.UNDER_2: _("Under 2 years"),
    AgeBand.AGE_2_4: _("2 to 4 years"),
    AgeBand.AGE_5_9: _("5 to 9 years"),
    AgeBand.AGE_10_14: _("10 to 14 years"),
    AgeBand.AGE_15_17: _("15 to 17 years"),
    AgeBand.ADULT: _("18 years or more"),
}
_BAND_STARTS: tuple[tuple[int, AgeBand], ...] = (
    (18, AgeBand.ADULT),
    (15, AgeBand.AGE_15_17),
    (10, AgeBand.AGE_10_14),
    (5, AgeBand.AGE_5_9),
    (2, AgeBand.AGE_2_4),
    (0, AgeBand.UNDER_2),
)


def band_of_age(age: int) -> AgeBand:
    return next(band for start, band in _BAND_STARTS if age >= start)


EVERYONE = frozenset(AgeBand)
FROM_2 = EVERYONE - {AgeBand.UNDER_2}
FROM_10 = frozenset({AgeBand.AGE_10_14, AgeBand.AGE_15_17, AgeBand.ADULT})
FROM_15 = frozenset({AgeBand.AGE_15_17, AgeBand.ADULT})
CHILDREN = EVERYONE - {AgeBand.ADULT}
ADULTS = frozenset({AgeBand.ADULT})
NOT_MALE = frozenset({"male"})


@dataclass(frozen=True)
class Respondent:
    """The person screened, as far as the choice of questions goes."""

    band: AgeBand
    sex: str = ""

    @property
    def is_child(self) -> bool:
        return self.band is not AgeBand.ADULT


@dataclass(frozen=True)
class Option:
    value: Value
    label: Label


YES, NO, UNKNOWN, SKIP = "yes", "no", "unknown", "skip"

YES_NO_OPTIONS = (
    Option(YES, _("Yes")),
    Option(NO, _("No")),
    Option(UNKNOWN, _("Not known")),
)
SKIP_OPTION = Option(SKIP, _("Skip / prefers not to say"))
SENSITIVE_OPTIONS = (Option(YES, _("Yes")), Option(NO, _("No")), SKIP_OPTION)
# The Washington Group's four answer categories, in its wording, with its codes.
WG_OPTIONS = (
    Option(1, _("No - no difficulty")),
    Option(2, _("Yes - some difficulty")),
    Option(3, _("Yes - a lot of difficulty")),
    Option(4, _("Cannot do at all")),
)


@dataclass(frozen=True)
class Question:
    key: str
    label: Label
    kind: Kind
    help_text: Label = ""
    choices: tuple[Option, ...] = ()  # Kind.CHOICE and Kind.CFM
    minimum: int = 0  # Kind.NUMBER only
    maximum: int = 0
    # Asked only after this answer to an earlier question: (question key, value).
    only_after: tuple[str, Value] | None = None
    bands: frozenset[AgeBand] = EVERYONE  # asked only of these age bands
    not_for_sex: frozenset[str] = frozenset()  # never asked of a person of this sex
    # Washington Group and Child Functioning Module: the codes that count as a functional
    # difficulty in the question's domain (the published cut-off), and the domain.
    cut_off: frozenset[int] = frozenset()
    domain: str = ""
    item: str = ""  # the item's number in the published questionnaire ("CF12")

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def options(self) -> tuple[Option, ...]:
        match self.kind:
            case Kind.YES_NO:
                return YES_NO_OPTIONS
            case Kind.SENSITIVE:
                return SENSITIVE_OPTIONS
            case Kind.WG:
                return WG_OPTIONS
            case Kind.CHOICE | Kind.CFM:
                return self.choices
            case _:
                return ()

    @property
    def is_sensitive(self) -> bool:
        return self.kind is Kind.SENSITIVE or any(o.value == SKIP for o in self.choices)

    @property
    def takes_codes(self) -> bool:
        """Answered with integer codes (never yes/no strings)."""
        return self.kind in (Kind.WG, Kind.CFM) and all(
            isinstance(o.value, int) for o in self.options
        )

    def asked_of(self, respondent: Respondent) -> bool:
        return respondent.band in self.bands and respondent.sex not in self.not_for_sex

    def label_of(self, value: Value) -> str:
        for option in self.options:
            if option.value == value:
                return str(option.label)
        return str(value)


@dataclass(frozen=True)
class Section:
    key: str
    title: Label
    note: Label  # to the interviewer
    questions: tuple[Question, ...]
    read_aloud: Label = ""  # said to the person before the questions

    def for_respondent(self, respondent: Respondent) -> "Section | None":
        """The section with only the questions asked of `respondent` (None if none is)."""
        asked = tuple(q for q in self.questions if q.asked_of(respondent))
        if not asked:
            return None
        return Section(self.key, self.title, self.note, asked, self.read_aloud)
