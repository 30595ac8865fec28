"""The specific needs (DOMAIN.md 3.2) the answers show, by the rules of `RULES`.

Each rule names the answers that must hold (`when`, which become the need's reasons), answers
that rule it out (`unless`) and the need's priority. Facts from the person file take part as
pseudo-questions ("person.child_status", "person.minor"). When several rules give the same need,
the need keeps the highest priority and every reason.

A child's needs are named as a child's: strong emotional distress, or a functional difficulty
of the Child Functioning Module in emotions or behaviour, is "a child with emotional or
behavioural distress" (CR-PS, needing psychosocial support), never "mental illness" (SM-MI, an
adult's only); difficulty learning, remembering, concentrating or playing is a special
education need (CR-SE); the senses, walking, self-care and communication give the disability
codes, as for adults.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from salvaguarda.people.screening.child import CFM_2_4, CFM_5_17, DOMAINS
from salvaguarda.people.screening.plan import QUESTIONNAIRE, QUESTIONS, Answers
from salvaguarda.people.screening.questions import (
    NO,
    YES,
    AgeBand,
    Kind,
    Label,
    Question,
    Section,
    Value,
)
from salvaguarda.people.screening.washington import WG_CUT_OFF, WG_DOMAINS


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    STANDARD = "standard"


PRIORITY_LABELS: dict[str, Label] = {
    Priority.URGENT: _("Urgent"),
    Priority.HIGH: _("High"),
    Priority.STANDARD: _("Standard"),
}
# Lower ranks first: sorting by rank puts the most pressing first.
PRIORITY_RANK: dict[str, int] = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.STANDARD: 2}

ADULT_AGE = 18  # as Person.is_child_on


@dataclass(frozen=True)
class PersonFacts:
    """What the person file says, which the rules need beside the answers."""

    age: int | None = None
    sex: str = ""
    child_status: str = ""  # Person.child_status: "", "accompanied", "separated", "unaccompanied"
    band: AgeBand | None = None  # given by the caseworker when the age is not known

    @property
    def is_minor(self) -> bool | None:
        if self.age is not None:
            return self.age < ADULT_AGE
        if self.band is not None:
            return self.band is not AgeBand.ADULT
        return None

    def as_answers(self) -> dict[str, Value]:
        facts: dict[str, Value] = {}
        if self.child_status:
            facts["person.child_status"] = self.child_status
        if self.is_minor is not None:
            facts["person.minor"] = YES if self.is_minor else NO
        return facts


FACT_LABELS: dict[str, Label] = {
    "person.child_status": _("Child status (person file)"),
    "person.minor": _("Under 18 (person file)"),
}
FACT_VALUE_LABELS: dict[str, Label] = {
    "accompanied": _("Accompanied child"),
    "separated": _("Separated child"),
    "unaccompanied": _("Unaccompanied child"),
    YES: _("Yes"),
    NO: _("No"),
}


@dataclass(frozen=True)
class Rule:
    need: str  # "WR-PW", or a main code alone ("SV")
    priority: Priority
    when: Mapping[str, frozenset[Value]]  # every one must hold; they are the reasons
    unless: Mapping[str, frozenset[Value]] = field(default_factory=dict)


URGENT, HIGH, STANDARD = Priority.URGENT, Priority.HIGH, Priority.STANDARD
Y: frozenset[Value] = frozenset({YES})
N: frozenset[Value] = frozenset({NO})


def _is(*values: Value) -> frozenset[Value]:
    return frozenset(values)


def _functioning_rules(section: Section) -> tuple[Rule, ...]:
    """One rule per scored item of a Child Functioning Module: its domain's need when the
    answer meets the item's published cut-off."""
    return tuple(
        Rule(DOMAINS.terms[q.domain].extra["need"], HIGH, {q.key: frozenset(q.cut_off)})
        for q in section.questions
        if q.cut_off
    )


# The rules, one per line of reasoning. Read: "need (priority) when ... unless ...".
RULES: tuple[Rule, ...] = (
    # Gender
    Rule("WR-PW", HIGH, {"gender.pregnant": Y}),
    Rule("CR-TP", HIGH, {"gender.pregnant": Y, "person.minor": Y}),
    Rule("WR-LC", STANDARD, {"gender.lactating": Y}),
    Rule("SP", STANDARD, {"gender.single_caregiver": Y}),
    Rule("WR", HIGH, {"gender.woman_at_risk": Y}),
    Rule("SV-VO", HIGH, {"gender.gbv_survivor": Y, "gender.gbv_where": _is("origin")}),
    Rule("SV-VF", HIGH, {"gender.gbv_survivor": Y, "gender.gbv_where": _is("journey")}),
    Rule("SV-VA", HIGH, {"gender.gbv_survivor": Y, "gender.gbv_where": _is("mexico")}),
    Rule(
        "SV",
        HIGH,
        {"gender.gbv_survivor": Y},
        unless={"gender.gbv_where": _is("origin", "journey", "mexico")},
    ),
    Rule("LP-RP", HIGH, {"gender.lgbtiq": Y}),
    # Childhood: from the answers, or from the person file
    Rule("SC-UC", URGENT, {"childhood.separation": _is("unaccompanied")}),
    Rule("SC-UC", URGENT, {"childhood.child_status": _is("unaccompanied")}),
    Rule("SC-UC", URGENT, {"person.child_status": _is("unaccompanied")}),
    Rule("SC-SC", HIGH, {"childhood.separation": _is("separated")}),
    Rule("SC-SC", HIGH, {"childhood.child_status": _is("separated")}),
    Rule("SC-SC", HIGH, {"person.child_status": _is("separated")}),
    *(
        Rule("SC-SC", URGENT, {key: _is("separated"), "childhood.procuraduria_notified": N})
        for key in ("childhood.separation", "childhood.child_status", "person.child_status")
    ),
    Rule("CR-NE", STANDARD, {"childhood.not_in_school": Y}),
    Rule("CR", HIGH, {"childhood.child_at_risk": Y}),
    Rule("CR", URGENT, {"childhood.child_at_risk": Y, "childhood.procuraduria_notified": N}),
    # Disability: the Washington Group cut-off, domain by domain (adults)
    *(Rule(code, HIGH, {key: WG_CUT_OFF}) for key, code in WG_DOMAINS.items()),
    # Functioning of children: the Child Functioning Module's cut-offs, item by item
    *_functioning_rules(CFM_2_4),
    *_functioning_rules(CFM_5_17),
    # Health
    Rule("SM-CC", URGENT, {"health.urgent_care": Y}),
    Rule("SM-CI", HIGH, {"health.serious_condition": Y, "health.medication": Y}),
    Rule("SM", HIGH, {"health.serious_condition": Y}, unless={"health.medication": Y}),
    Rule("SM-OT", STANDARD, {"health.medication": Y}, unless={"health.serious_condition": Y}),
    Rule("SM-MI", HIGH, {"health.mental_distress": Y}, unless={"person.minor": Y}),
    Rule("CR-PS", HIGH, {"health.mental_distress": Y, "person.minor": Y}),
    # Safety
    Rule("LP-AN", URGENT, {"safety.threats": Y}),
    Rule("LP-AN", HIGH, {"safety.victimized_since_return": Y}),
    Rule("LP-RR", URGENT, {"safety.persecutor_in_mexico": Y}),
    Rule("LP-RR", HIGH, {"safety.fear_of_return": Y}),
    # Legal
    Rule("LP-NL", STANDARD, {"legal.has_lawyer": N}),
    Rule("LP-RD", HIGH, {"legal.next_hearing_known": N}),
    Rule("LP-ND", STANDARD, {"legal.has_documents": N}),
)


@dataclass(frozen=True)
class DerivedNeed:
    code: str  # "DS"
    subcode: str  # "BD", or ""
    priority: str  # a Priority value
    reasons: tuple[str, ...]  # "question.key=value"

    @property
    def full_code(self) -> str:
        return f"{self.code}-{self.subcode}" if self.subcode else self.code

    @property
    def priority_label(self) -> str:
        return str(PRIORITY_LABELS[self.priority])


class NeedLike(Protocol):
    """A DerivedNeed or a SpecificNeed row."""

    @property
    def code(self) -> str: ...
    @property
    def subcode(self) -> str: ...
    @property
    def priority(self) -> str: ...


def full_code(need: NeedLike) -> str:
    return f"{need.code}-{need.subcode}" if need.subcode else need.code


def _matches(rule: Rule, facts: Mapping[str, Any]) -> bool:
    if any(facts.get(key) not in values for key, values in rule.when.items()):
        return False
    return not any(facts.get(key) in values for key, values in rule.unless.items())


def derive_needs(answers: Answers, *, person_facts: PersonFacts) -> list[DerivedNeed]:
    """The specific needs the answers (and the person file) show, most pressing first."""
    facts = {**answers, **person_facts.as_answers()}
    found: dict[str, tuple[str, list[str]]] = {}
    for rule in RULES:
        if not _matches(rule, facts):
            continue
        reasons = [f"{key}={facts[key]}" for key in rule.when]
        priority, known = found.get(rule.need, (rule.priority, []))
        if PRIORITY_RANK[rule.priority] < PRIORITY_RANK[priority]:
            priority = rule.priority
        known.extend(r for r in reasons if r not in known)
        found[rule.need] = (priority, known)
    needs = []
    for need, (priority, reasons) in found.items():
        code, _sep, subcode = need.partition("-")
        needs.append(DerivedNeed(code, subcode, str(priority), tuple(reasons)))
    return sorted(needs, key=lambda n: (PRIORITY_RANK[n.priority], n.code, n.subcode))


def overall_priority(needs: Iterable[NeedLike]) -> str:
    """The most pressing priority of the needs; "standard" when there is none."""
    ranks = [PRIORITY_RANK.get(need.priority, PRIORITY_RANK[STANDARD]) for need in needs]
    return str(Priority.STANDARD if not ranks else list(PRIORITY_RANK)[min(ranks)])


def _value_of(question: Question, raw: str) -> Value:
    numeric = question.kind in (Kind.WG, Kind.CFM, Kind.NUMBER) and raw.isdigit()
    return int(raw) if numeric else raw


def describe_reason(reason: str) -> tuple[str, str]:
    """A reason ("question.key=value") as (question label, answer label) in the active language."""
    key, _sep, raw = reason.partition("=")
    question = QUESTIONS.get(key)
    if question is not None:
        return str(question.label), question.label_of(_value_of(question, raw))
    return str(FACT_LABELS.get(key, key)), str(FACT_VALUE_LABELS.get(raw, raw))


@dataclass(frozen=True)
class AnsweredSection:
    section: Section
    answers: tuple[tuple[Question, str], ...]  # (question, answer label)


def describe_answers(answers: Answers) -> list[AnsweredSection]:
    """The answers, with their labels, section by section (unanswered questions left out)."""
    described = []
    for section in QUESTIONNAIRE:
        rows = tuple((q, q.label_of(answers[q.key])) for q in section.questions if q.key in answers)
        if rows:
            described.append(AnsweredSection(section, rows))
    return described
