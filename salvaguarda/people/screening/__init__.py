"""The screening questionnaire as data, and what its answers mean (pure logic, no database).

- questions.py: what a question is, its answers, and of whom it is asked (age band, sex);
- sections.py: gender, children, health, safety and legal questions;
- washington.py: the Washington Group short set, for adults;
- child.py: the Child Functioning Module (2-4 and 5-17), for children;
- plan.py: the whole questionnaire, who is asked what, and the answers it accepts;
- needs.py: the specific needs the answers show; referrals.py: the services they call for;
- protection.py: the child-protection flags a child's screening raises.
"""

from salvaguarda.people.screening.child import DOMAINS as CFM_DOMAINS
from salvaguarda.people.screening.child import Functioning
from salvaguarda.people.screening.needs import (
    ADULT_AGE,
    FACT_LABELS,
    FACT_VALUE_LABELS,
    PRIORITY_LABELS,
    PRIORITY_RANK,
    RULES,
    AnsweredSection,
    DerivedNeed,
    NeedLike,
    PersonFacts,
    Priority,
    Rule,
    derive_needs,
    describe_answers,
    describe_reason,
    full_code,
    overall_priority,
)
from salvaguarda.people.screening.plan import (
    QUESTIONNAIRE,
    QUESTIONNAIRE_VERSION,
    QUESTIONS,
    SECTIONS,
    Answers,
    clean_answers,
    functioning,
    functioning_section,
    sections_answered,
    sections_for,
)
from salvaguarda.people.screening.protection import (
    FLAG_GUIDANCE,
    FLAG_LABELS,
    Flag,
    child_status_of,
    protection_flags,
)
from salvaguarda.people.screening.questions import (
    AGE_BAND_LABELS,
    NO,
    SKIP,
    UNKNOWN,
    YES,
    AgeBand,
    Kind,
    Label,
    Option,
    Published,
    Question,
    Respondent,
    Section,
    Value,
    band_of_age,
)
from salvaguarda.people.screening.referrals import (
    REFERRALS,
    SERVICE_LABELS,
    ReferralSuggestion,
    Service,
    services_for,
    suggest_referrals,
)
from salvaguarda.people.screening.washington import (
    WG_CUT_OFF,
    WG_DOMAINS,
    wg_disability,
    wg_domains_with_difficulty,
)

__all__ = [
    "ADULT_AGE",
    "AGE_BAND_LABELS",
    "CFM_DOMAINS",
    "FACT_LABELS",
    "FACT_VALUE_LABELS",
    "FLAG_GUIDANCE",
    "FLAG_LABELS",
    "NO",
    "PRIORITY_LABELS",
    "PRIORITY_RANK",
    "QUESTIONNAIRE",
    "QUESTIONNAIRE_VERSION",
    "QUESTIONS",
    "REFERRALS",
    "RULES",
    "SECTIONS",
    "SERVICE_LABELS",
    "SKIP",
    "UNKNOWN",
    "WG_CUT_OFF",
    "WG_DOMAINS",
    "YES",
    "AgeBand",
    "AnsweredSection",
    "Answers",
    "DerivedNeed",
    "Flag",
    "Functioning",
    "Kind",
    "Label",
    "NeedLike",
    "Option",
    "PersonFacts",
    "Priority",
    "Published",
    "Question",
    "ReferralSuggestion",
    "Respondent",
    "Rule",
    "Section",
    "Service",
    "Value",
    "band_of_age",
    "child_status_of",
    "clean_answers",
    "derive_needs",
    "describe_answers",
    "describe_reason",
    "full_code",
    "functioning",
    "functioning_section",
    "overall_priority",
    "protection_flags",
    "sections_answered",
    "sections_for",
    "services_for",
    "suggest_referrals",
    "wg_disability",
    "wg_domains_with_difficulty",
]
