"""The Washington Group/UNICEF Child Functioning Module (CFM), for children of 2 to 17.

Two versions, both answered by the child's mother, father or usual caregiver: one for children
of 2 to 4 and one for children of 5 to 17. The questions, their answer scales and the domains
are data (people/vocabularies/cfm_questions.csv, cfm_scales.csv, cfm_domains.csv), never
reworded:

- English: Washington Group on Disability Statistics and UNICEF, "Child Functioning Module"
  (2016), the question sets for children age 2-4 and age 5-17
  (washingtongroup-disability.com, "Child Functioning"; data.unicef.org, "Module on Child
  Functioning: Questionnaires"). "100 yards/meters" is given in meters, as the module lets a
  country choose its unit.
- Spanish: UNICEF's Spanish module ("Módulo sobre el funcionamiento en niños y niñas", as used
  in MICS6 surveys in Latin America). Its wording has not yet been checked word for word
  against the published Spanish questionnaire here: compare before any change.

The cut-offs are the published ones (UNICEF MICS6 tabulation plan, tables CF.1 and CF.2, and
the WG/UNICEF analysis syntax), written per item in cfm_questions.csv (`cut_off`): "a lot of
difficulty" or "cannot do at all" (codes 3, 4) in most domains; "daily" (1) for anxiety and
depression; "a lot more" (4) for the behaviour of children of 2 to 4. Walking for a child who
uses equipment is scored on the questions without the equipment; the questions with it are
asked and kept but not scored. A domain has a functional difficulty if an answered item of it
meets its cut-off.
"""

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from salvaguarda.lib.vocabularies import Vocabulary
from salvaguarda.people.screening.questions import (
    AgeBand,
    Kind,
    Option,
    Published,
    Question,
    Section,
    Value,
)

_DATA = Path(__file__).resolve().parent.parent / "vocabularies"

DOMAINS = Vocabulary(_DATA / "cfm_domains.csv")

_MODULE_BANDS = {
    "2-4": frozenset({AgeBand.AGE_2_4}),
    "5-17": frozenset({AgeBand.AGE_5_9, AgeBand.AGE_10_14, AgeBand.AGE_15_17}),
}


def _scales() -> dict[str, tuple[Option, ...]]:
    with (_DATA / "cfm_scales.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    scales: dict[str, list[Option]] = {}
    for row in rows:
        scale, _sep, raw = row["code"].partition(":")
        value: Value = int(raw) if raw.isdigit() else raw
        scales.setdefault(scale, []).append(
            Option(value, Published(row["label_es"], row["label_en"]))
        )
    # Without the equipment a child who uses it has some difficulty at least (CF8, CF9).
    scales["difficulty_without"] = [o for o in scales["difficulty"] if o.value != 1]
    return {name: tuple(options) for name, options in scales.items()}


def _questions() -> dict[str, tuple[Question, ...]]:
    scales = _scales()
    with (_DATA / "cfm_questions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_module: dict[str, list[Question]] = {}
    for row in rows:
        after: tuple[str, Value] | None = None
        if row["after"]:
            key, _sep, value = row["after"].partition("=")
            after = (key, value)
        by_module.setdefault(row["module"], []).append(
            Question(
                key=row["code"],
                label=Published(row["label_es"], row["label_en"]),
                kind=Kind.CHOICE if row["scale"] == "yes_no" else Kind.CFM,
                choices=scales[row["scale"]],
                only_after=after,
                bands=_MODULE_BANDS[row["module"]],
                cut_off=frozenset(int(code) for code in row["cut_off"].split()),
                domain=row["domain"],
                item=row["item"],
            )
        )
    return {module: tuple(questions) for module, questions in by_module.items()}


_QUESTIONS = _questions()

NOTE = _(
    "Ask the child's mother, father or usual caregiver. Read each question exactly as written, "
    "saying the child's name where it says (name), and read the answers after it. Do not use "
    "the word “disability”. Ask a question that follows another only after the answer it "
    "follows."
)

CFM_2_4 = Section(
    key="cfm24",
    title=_("Functioning (Child Functioning Module, children of 2 to 4)"),
    note=NOTE,
    questions=_QUESTIONS["2-4"],
)
CFM_5_17 = Section(
    key="cfm517",
    title=_("Functioning (Child Functioning Module, children of 5 to 17)"),
    note=NOTE,
    read_aloud=_(
        "I would like to ask you some questions about difficulties your child may have. "
        "For each question, tell me whether they have no difficulty, some difficulty, a lot "
        "of difficulty, or cannot do it at all."
    ),
    questions=_QUESTIONS["5-17"],
)
MODULES = (CFM_2_4, CFM_5_17)


@dataclass(frozen=True)
class Functioning:
    """What a functioning module's answers show, domain by domain."""

    instrument: str  # the section key: "wg", "cfm24" or "cfm517"
    disability: bool | None  # the published cut-off; None when not known
    domains_with_difficulty: tuple[str, ...]  # domain codes, in questionnaire order
    domains_answered: int
    domains_total: int

    @property
    def domain_labels(self) -> list[str]:
        return [DOMAINS.label(domain) for domain in self.domains_with_difficulty]


def module_functioning(section: Section, answers: Mapping[str, Any]) -> Functioning:
    """The cut-off applied to the answers to one module (CFM, or the WG short set)."""
    domains = list(dict.fromkeys(q.domain for q in section.questions if q.cut_off))
    difficulty: list[str] = []
    answered: set[str] = set()
    for question in section.questions:
        if not question.cut_off or question.key not in answers:
            continue
        answered.add(question.domain)
        if answers[question.key] in question.cut_off and question.domain not in difficulty:
            difficulty.append(question.domain)
    ordered = tuple(d for d in domains if d in difficulty)
    disability: bool | None = None
    if ordered:
        disability = True
    elif answered >= set(domains):
        disability = False
    return Functioning(section.key, disability, ordered, len(answered), len(domains))
