"""The screening questionnaire as data, and what its answers mean (pure logic, no database).

Answers are stored raw, keyed by question key ("gender.pregnant": "yes", "wg.seeing": 3), so a
later version of the rules can re-read them. Values by kind of question:

- yes/no: "yes", "no", "unknown";
- sensitive (asked only when it is safe): "yes", "no", "skip" (prefers not to say);
- Washington Group: the integer codes 1-4, never yes/no;
- number: a whole number within the question's range;
- choice: one of the question's option values.

A question left unanswered is absent from the answers (it was not asked).

Washington Group Short Set (DOMAIN.md 3.1): the six questions are asked in the WG's wording and
scored with the WG's standard cut-off: disability = at least one domain coded 3 or 4. We apply
the cut-off to the domains answered: one answered domain coded 3 or 4 is enough to say "yes";
"no" needs all six answered (none 3 or 4); anything else is "not known" (None).

Specific needs (DOMAIN.md 3.2) are derived by the rules of `RULES`, a table: each rule names the
answers that must hold (`when`, which become the need's reasons), answers that rule it out
(`unless`) and the need's priority. Facts from the person file take part as pseudo-questions
("person.child_status", "person.minor"). When several rules give the same need, the need keeps
the highest priority and every reason.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

QUESTIONNAIRE_VERSION = "2026-1"

Value = str | int
Label = str | Promise


class Kind(StrEnum):
    YES_NO = "yes_no"
    SENSITIVE = "sensitive"
    WG = "wg"
    NUMBER = "number"
    CHOICE = "choice"


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
WG_CUT_OFF = frozenset({3, 4})


@dataclass(frozen=True)
class Question:
    key: str
    label: Label
    kind: Kind
    help_text: Label = ""
    choices: tuple[Option, ...] = ()  # for Kind.CHOICE only
    minimum: int = 0  # for Kind.NUMBER only
    maximum: int = 0
    # Asked only after this answer to an earlier question: (question key, value).
    only_after: tuple[str, Value] | None = None

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
            case Kind.CHOICE:
                return self.choices
            case _:
                return ()

    @property
    def is_sensitive(self) -> bool:
        return self.kind is Kind.SENSITIVE or any(o.value == SKIP for o in self.choices)

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


SENSITIVE_NOTE = _(
    "Ask only in private, with no partner, relative or child listening, and only if the person "
    "is at ease. Do not ask for details. “Prefers not to say” is a full answer: do not insist."
)

QUESTIONNAIRE: tuple[Section, ...] = (
    Section(
        key="gender",
        title=_("Gender"),
        note=_(
            "Some of these questions are sensitive. Explain that every answer is confidential "
            "and that the person may choose not to answer."
        ),
        questions=(
            Question("gender.pregnant", _("Is the person pregnant?"), Kind.YES_NO),
            Question("gender.lactating", _("Is the person breastfeeding?"), Kind.YES_NO),
            Question(
                "gender.single_caregiver",
                _(
                    "Is the person the only adult caring for the children or for a dependent "
                    "person of the group?"
                ),
                Kind.YES_NO,
            ),
            Question(
                "gender.woman_at_risk",
                _(
                    "Is she a woman or girl at risk because of her gender (for example alone, "
                    "without the protection of her family, or exposed to exploitation)?"
                ),
                Kind.YES_NO,
            ),
            Question(
                "gender.gbv_survivor",
                _("Has the person lived through sexual or gender-based violence?"),
                Kind.SENSITIVE,
                help_text=SENSITIVE_NOTE,
            ),
            Question(
                "gender.gbv_where",
                _("Where did it happen?"),
                Kind.CHOICE,
                help_text=_("Only if the person answered yes and wishes to say."),
                choices=(
                    Option("origin", _("In the country of origin")),
                    Option("journey", _("During the journey, before being returned")),
                    Option("mexico", _("In Mexico, after being returned")),
                    Option("several", _("In more than one of these places")),
                    SKIP_OPTION,
                ),
                only_after=("gender.gbv_survivor", YES),
            ),
            Question(
                "gender.lgbtiq",
                _(
                    "Does the person identify as lesbian, gay, bisexual, trans, intersex or with "
                    "another sexual orientation or gender identity (LGBTIQ+)?"
                ),
                Kind.SENSITIVE,
                help_text=_(
                    "Record only what the person says about themselves; never assume it from "
                    "their appearance. Ask only in private."
                ),
            ),
        ),
    ),
    Section(
        key="childhood",
        title=_("Children"),
        note=_(
            "About this person, if a child, and about the children of the family group. "
            "Ask the child's caregiver, and the child in words suited to their age."
        ),
        questions=(
            Question(
                "childhood.children_in_group",
                _("How many children (under 18) are in the family group?"),
                Kind.NUMBER,
                minimum=0,
                maximum=30,
            ),
            Question(
                "childhood.separation",
                _(
                    "Is a child (this person or a child of the group) unaccompanied or separated "
                    "from their parents or usual caregiver?"
                ),
                Kind.CHOICE,
                choices=(
                    Option(NO, _("No: every child is with a parent or their usual caregiver")),
                    Option(
                        "separated",
                        _("Separated: with other adults, not a parent or their usual caregiver"),
                    ),
                    Option("unaccompanied", _("Unaccompanied: with no adult caring for them")),
                    Option(UNKNOWN, _("Not known")),
                ),
            ),
            Question(
                "childhood.not_in_school",
                _("Is a school-age child of the group not enrolled in school?"),
                Kind.YES_NO,
            ),
            Question(
                "childhood.child_at_risk",
                _(
                    "Is a child of the group at risk (violence, abuse, exploitation, child "
                    "labour, early marriage or another danger)?"
                ),
                Kind.YES_NO,
            ),
            Question(
                "childhood.procuraduria_notified",
                _(
                    "Was the child-protection authority (Procuraduría de Protección de Niñas, "
                    "Niños y Adolescentes) notified?"
                ),
                Kind.YES_NO,
                help_text=_(
                    "The National Migration Institute must notify it before any migration "
                    "procedure that concerns a child."
                ),
            ),
        ),
    ),
    Section(
        key="wg",
        title=_("Functioning (Washington Group Short Set)"),
        note=_(
            "Read each question and its four answers exactly as written. Do not use the word "
            "“disability”. The short set is designed for adults; for a child, a caregiver may "
            "answer."
        ),
        read_aloud=_(
            "The next questions ask about difficulties you may have doing certain activities "
            "because of a HEALTH PROBLEM."
        ),
        questions=(
            Question(
                "wg.seeing", _("Do you have difficulty seeing, even if wearing glasses?"), Kind.WG
            ),
            Question(
                "wg.hearing",
                _("Do you have difficulty hearing, even if using a hearing aid?"),
                Kind.WG,
            ),
            Question("wg.walking", _("Do you have difficulty walking or climbing steps?"), Kind.WG),
            Question(
                "wg.cognition", _("Do you have difficulty remembering or concentrating?"), Kind.WG
            ),
            Question(
                "wg.self_care",
                _("Do you have difficulty (with self-care such as) washing all over or dressing?"),
                Kind.WG,
            ),
            Question(
                "wg.communication",
                _(
                    "Using your usual language, do you have difficulty communicating, for "
                    "example understanding or being understood?"
                ),
                Kind.WG,
            ),
        ),
    ),
    Section(
        key="health",
        title=_("Health"),
        note=_("Ask about health needs now. Do not ask for a diagnosis."),
        questions=(
            Question(
                "health.serious_condition",
                _("Does the person have a serious illness or medical condition?"),
                Kind.YES_NO,
            ),
            Question(
                "health.urgent_care",
                _("Does the person need urgent medical care now?"),
                Kind.YES_NO,
            ),
            Question(
                "health.medication",
                _("Does the person need to take medication regularly?"),
                Kind.YES_NO,
            ),
            Question(
                "health.mental_distress",
                _(
                    "Does the person show or describe strong emotional distress (fear, sadness, "
                    "sleeplessness, hopelessness)?"
                ),
                Kind.YES_NO,
            ),
        ),
    ),
    Section(
        key="safety",
        title=_("Safety"),
        note=_("If the person is in danger now, stop the screening and follow the safety plan."),
        questions=(
            Question(
                "safety.threats",
                _("Is the person threatened, or in immediate danger?"),
                Kind.YES_NO,
            ),
            Question(
                "safety.persecutor_in_mexico",
                _("Is the person they fled from, or who harmed them, present in Mexico?"),
                Kind.YES_NO,
            ),
            Question(
                "safety.victimized_since_return",
                _("Has the person suffered a crime or violence in Mexico since being returned?"),
                Kind.YES_NO,
            ),
            Question(
                "safety.fear_of_return",
                _("Is the person afraid of being returned to, or staying in, Mexico?"),
                Kind.YES_NO,
            ),
        ),
    ),
    Section(
        key="legal",
        title=_("Legal situation"),
        note=_("About the person's U.S. immigration case and their documents."),
        questions=(
            Question(
                "legal.has_lawyer",
                _("Does the person have a lawyer for their U.S. immigration case?"),
                Kind.YES_NO,
            ),
            Question(
                "legal.next_hearing_known",
                _("Does the person know the date and place of their next U.S. hearing?"),
                Kind.YES_NO,
            ),
            Question(
                "legal.has_documents",
                _("Does the person hold identity or migration documents?"),
                Kind.YES_NO,
            ),
        ),
    ),
)

QUESTIONS: dict[str, Question] = {q.key: q for s in QUESTIONNAIRE for q in s.questions}
SECTIONS: dict[str, Section] = {s.key: s for s in QUESTIONNAIRE}

# Washington Group domains and the disability subcode each gives (DOMAIN.md 3.2).
WG_DOMAINS: dict[str, str] = {
    "wg.seeing": "DS-BD",
    "wg.hearing": "DS-DF",
    "wg.walking": "DS-PM",
    "wg.cognition": "DS-MM",
    "wg.self_care": "DS-SC",
    "wg.communication": "DS-SD",
}

Answers = Mapping[str, Any]


# --- Validation -------------------------------------------------------------------------------


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
    if question.kind is Kind.WG:
        if isinstance(value, bool) or not isinstance(value, int) or value not in (1, 2, 3, 4):
            return gettext(
                "Answer with one of the four Washington Group answers (codes 1 to 4), "
                "never yes or no."
            )
        return None
    if not isinstance(value, str) or value not in {o.value for o in question.options}:
        return gettext("Choose one of the answers offered.")
    return None


def clean_answers(answers: Answers) -> dict[str, Value]:
    """The answers to store, or a ValidationError keyed by question key (nothing is guessed).

    Empty values (None, "") mean "not asked" and are dropped. Unknown keys are reported as
    non-field errors, so a form can always show them.
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
        problem = _answer_error(question, value)
        if problem:
            errors.setdefault(key, []).append(problem)
        else:
            cleaned[key] = value
    for key in cleaned:
        after = QUESTIONS[key].only_after
        if after is not None and cleaned.get(after[0]) != after[1]:
            errors.setdefault(key, []).append(
                gettext("Answer this only after a yes to “%(question)s”.")
                % {"question": QUESTIONS[after[0]].label}
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


# --- Washington Group -------------------------------------------------------------------------


def wg_domains_with_difficulty(answers: Answers) -> list[str]:
    """The WG question keys answered 3 (a lot of difficulty) or 4 (cannot do at all)."""
    return [key for key in WG_DOMAINS if answers.get(key) in WG_CUT_OFF]


def wg_disability(answers: Answers) -> bool | None:
    """The WG cut-off: True if any answered domain is coded 3 or 4; False only if all six
    domains are answered and none is; None (not known) otherwise."""
    if wg_domains_with_difficulty(answers):
        return True
    if all(answers.get(key) in (1, 2) for key in WG_DOMAINS):
        return False
    return None


# --- Specific needs ---------------------------------------------------------------------------

ADULT_AGE = 18  # as Person.is_child_on


@dataclass(frozen=True)
class PersonFacts:
    """What the person file says, which the rules need beside the answers."""

    age: int | None = None
    sex: str = ""
    child_status: str = ""  # Person.child_status: "", "accompanied", "separated", "unaccompanied"

    def as_answers(self) -> dict[str, Value]:
        facts: dict[str, Value] = {}
        if self.child_status:
            facts["person.child_status"] = self.child_status
        if self.age is not None:
            facts["person.minor"] = YES if self.age < ADULT_AGE else NO
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
    Rule("SC-UC", URGENT, {"person.child_status": _is("unaccompanied")}),
    Rule("SC-SC", HIGH, {"childhood.separation": _is("separated")}),
    Rule("SC-SC", HIGH, {"person.child_status": _is("separated")}),
    Rule(
        "SC-SC",
        URGENT,
        {"childhood.separation": _is("separated"), "childhood.procuraduria_notified": N},
    ),
    Rule(
        "SC-SC",
        URGENT,
        {"person.child_status": _is("separated"), "childhood.procuraduria_notified": N},
    ),
    Rule("CR-NE", STANDARD, {"childhood.not_in_school": Y}),
    Rule("CR", HIGH, {"childhood.child_at_risk": Y}),
    Rule("CR", URGENT, {"childhood.child_at_risk": Y, "childhood.procuraduria_notified": N}),
    # Disability: the Washington Group cut-off, domain by domain
    *(Rule(code, HIGH, {key: WG_CUT_OFF}) for key, code in WG_DOMAINS.items()),
    # Health
    Rule("SM-CC", URGENT, {"health.urgent_care": Y}),
    Rule("SM-CI", HIGH, {"health.serious_condition": Y, "health.medication": Y}),
    Rule("SM", HIGH, {"health.serious_condition": Y}, unless={"health.medication": Y}),
    Rule("SM-OT", STANDARD, {"health.medication": Y}, unless={"health.serious_condition": Y}),
    Rule("SM-MI", HIGH, {"health.mental_distress": Y}),
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


def describe_reason(reason: str) -> tuple[str, str]:
    """A reason ("question.key=value") as (question label, answer label) in the active language."""
    key, _sep, raw = reason.partition("=")
    question = QUESTIONS.get(key)
    if question is not None:
        numeric = question.kind in (Kind.WG, Kind.NUMBER) and raw.isdigit()
        return str(question.label), question.label_of(int(raw) if numeric else raw)
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


# --- Referrals --------------------------------------------------------------------------------


class Service(StrEnum):
    HEALTH = "health"
    MENTAL_HEALTH = "mental_health"
    LEGAL_AID = "legal_aid"
    CHILD_PROTECTION = "child_protection"
    GBV_SERVICES = "gbv_services"
    DISABILITY_SUPPORT = "disability_support"
    DOCUMENTATION = "documentation"
    SHELTER = "shelter"
    EDUCATION = "education"


SERVICE_LABELS: dict[str, Label] = {
    Service.HEALTH: _("Health care"),
    Service.MENTAL_HEALTH: _("Mental health and psychosocial support"),
    Service.LEGAL_AID: _("Legal aid"),
    Service.CHILD_PROTECTION: _("Child protection (Procuraduría, DIF)"),
    Service.GBV_SERVICES: _("Services for survivors of gender-based violence"),
    Service.DISABILITY_SUPPORT: _("Disability support"),
    Service.DOCUMENTATION: _("Documentation"),
    Service.SHELTER: _("Safe shelter"),
    Service.EDUCATION: _("School enrolment"),
}

# Services by need: the full code ("SM-MI") if listed, else its main code ("SM").
REFERRALS: dict[str, tuple[Service, ...]] = {
    "SM": (Service.HEALTH,),
    "SM-MI": (Service.MENTAL_HEALTH,),
    "WR": (Service.GBV_SERVICES, Service.SHELTER),
    "WR-PW": (Service.HEALTH,),
    "WR-LC": (Service.HEALTH,),
    "SP": (),
    "SV": (Service.GBV_SERVICES, Service.MENTAL_HEALTH),
    "SC": (Service.CHILD_PROTECTION,),
    "CR": (Service.CHILD_PROTECTION,),
    "CR-NE": (Service.EDUCATION,),
    "CR-TP": (Service.HEALTH, Service.CHILD_PROTECTION),
    "DS": (Service.DISABILITY_SUPPORT,),
    "LP": (Service.LEGAL_AID,),
    "LP-AN": (Service.SHELTER, Service.LEGAL_AID),
    "LP-RR": (Service.LEGAL_AID, Service.SHELTER),
    "LP-RP": (Service.SHELTER, Service.LEGAL_AID),
    "LP-ND": (Service.DOCUMENTATION,),
}


@dataclass(frozen=True)
class ReferralSuggestion:
    service: str  # a Service value
    priority: str  # the most pressing priority of the needs behind it
    needs: tuple[str, ...]  # full need codes ("DS-BD")

    @property
    def label(self) -> str:
        return str(SERVICE_LABELS[self.service])

    @property
    def priority_label(self) -> str:
        return str(PRIORITY_LABELS[self.priority])


def services_for(need_code: str) -> tuple[Service, ...]:
    if need_code in REFERRALS:
        return REFERRALS[need_code]
    return REFERRALS.get(need_code.split("-", 1)[0], ())


def suggest_referrals(needs: Iterable[NeedLike]) -> list[ReferralSuggestion]:
    """The services to refer to, each with the needs behind it, most pressing first."""
    behind: dict[Service, list[NeedLike]] = {}
    for need in needs:
        for service in services_for(full_code(need)):
            behind.setdefault(service, []).append(need)
    order = list(Service)
    suggestions = [
        ReferralSuggestion(
            service=str(service),
            priority=overall_priority(found),
            needs=tuple(dict.fromkeys(full_code(n) for n in found)),
        )
        for service, found in behind.items()
    ]
    return sorted(
        suggestions, key=lambda s: (PRIORITY_RANK[s.priority], order.index(Service(s.service)))
    )
