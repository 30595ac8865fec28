"""The whole questionnaire, which part of it a person is asked, and the answers it accepts.

A person of 18 or more is asked the Washington Group short set; a child of 2 to 17 the Child
Functioning Module for their age instead; a child under 2 no functioning questions at all
(the module starts at 2: below it, development is followed by health services, and the
screening asks the caregiver about the baby's health, protection, safety and legal situation).
The age is the person's age on the day of the screening, from their birth date (exact or
estimated); when the file has none, the caseworker gives the age band first.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext

from salvaguarda.people.screening.child import CFM_2_4, CFM_5_17, Functioning, module_functioning
from salvaguarda.people.screening.questions import (
    AgeBand,
    Kind,
    Question,
    Respondent,
    Section,
    Value,
)
from salvaguarda.people.screening.sections import CHILDHOOD, GENDER, HEALTH, LEGAL, SAFETY
from salvaguarda.people.screening.washington import WASHINGTON_GROUP

QUESTIONNAIRE_VERSION = "2026-2"

# Every section, in the order they are asked; each person gets the questions that fit them.
QUESTIONNAIRE: tuple[Section, ...] = (
    GENDER,
    CHILDHOOD,
    WASHINGTON_GROUP,
    CFM_2_4,
    CFM_5_17,
    HEALTH,
    SAFETY,
    LEGAL,
)
QUESTIONS: dict[str, Question] = {q.key: q for s in QUESTIONNAIRE for q in s.questions}
SECTIONS: dict[str, Section] = {s.key: s for s in QUESTIONNAIRE}
FUNCTIONING_SECTIONS = (WASHINGTON_GROUP, CFM_2_4, CFM_5_17)

Answers = Mapping[str, Any]


def sections_for(respondent: Respondent) -> list[Section]:
    """The sections asked of `respondent`, each with only the questions that fit them."""
    sections = (s.for_respondent(respondent) for s in QUESTIONNAIRE)
    return [s for s in sections if s is not None]


def functioning_section(band: AgeBand) -> Section | None:
    """The functioning module of an age band (None under 2)."""
    return next(
        (s for s in FUNCTIONING_SECTIONS if any(band in q.bands for q in s.questions)), None
    )


def functioning(band: AgeBand, answers: Answers) -> Functioning | None:
    """The functioning module's result for the answers (None under 2: no module is asked)."""
    section = functioning_section(band)
    return None if section is None else module_functioning(section, answers)


def _answer_error(question: Question, value: Any) -> str | None:
    """Why `value` is not an answer to `question`, or None if it is."""
    if question.kind is Kind.NUMBER:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not question.minimum <= value <= question.maximum
        ):
            return gettext("Enter a whole number from %(minimum)s to %(maximum)s.") % {
                "minimum": question.minimum,
                "maximum": question.maximum,
            }
        return None
    allowed = {o.value for o in question.options}
    if question.kind is Kind.WG:
        if isinstance(value, bool) or value not in allowed or not isinstance(value, int):
            return gettext(
                "Answer with one of the four Washington Group answers (codes 1 to 4), "
                "never yes or no."
            )
        return None
    if question.kind is Kind.CFM:
        if isinstance(value, bool) or value not in allowed or not isinstance(value, int):
            return gettext(
                "Answer with one of the answers the question offers (codes %(codes)s), "
                "never yes or no."
            ) % {"codes": ", ".join(str(o.value) for o in question.options)}
        return None
    if not isinstance(value, str) or value not in allowed:
        return gettext("Choose one of the answers offered.")
    return None


def clean_answers(answers: Answers, respondent: Respondent) -> dict[str, Value]:
    """The answers to store, or a ValidationError keyed by question key (nothing is guessed).

    Empty values (None, "") mean "not asked" and are dropped. Unknown keys are reported as
    non-field errors, so a form can always show them; so is a question that is not asked of
    this person (their age or sex).
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Value] = {}
    for key, value in answers.items():
        if value is None or value == "":
            continue
        question = QUESTIONS.get(key)
        if question is None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                gettext("“%(key)s” is not a question of this questionnaire.") % {"key": key}
            )
            continue
        if not question.asked_of(respondent):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                gettext(
                    "“%(question)s” is not asked of this person (their age or sex): "
                    "leave it unanswered."
                )
                % {"question": question.label}
            )
            continue
        problem = _answer_error(question, value)
        if problem:
            errors.setdefault(key, []).append(problem)
        else:
            cleaned[key] = value
    for key in cleaned:
        after = QUESTIONS[key].only_after
        if after is not None and cleaned.get(after[0]) != after[1]:
            earlier = QUESTIONS[after[0]]
            errors.setdefault(key, []).append(
                gettext("Answer this only after the answer “%(answer)s” to “%(question)s”.")
                % {"answer": earlier.label_of(after[1]), "question": earlier.label}
            )
    if not errors and not cleaned:
        errors[NON_FIELD_ERRORS] = [gettext("Answer at least one question.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def sections_answered(answers: Answers) -> list[str]:
    """The keys of the sections with at least one answer, in questionnaire order."""
    answered = {key.split(".", 1)[0] for key in answers}
    return [s.key for s in QUESTIONNAIRE if s.key in answered]
