"""The child-protection flags a child's screening raises (DOMAIN.md 3.5).

Since the reform of 2020 (in force 2021-01-11) a child (NNA) may not be held in a migration
station nor separated from the adults they travel with; the Procuraduría de Protección de
Niñas, Niños y Adolescentes must be notified, determines the child's best interests and issues a
Plan de Restitución de Derechos; an unaccompanied child goes to a DIF shelter only with a
protection measure. UNHCR separates a lighter best-interests assessment (BIA), which the
caseworker can do, from the formal determination. So a screened child who is unaccompanied,
separated or at risk is flagged for a best-interests assessment and, unless the Procuraduría
already knows, for a referral to it.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from salvaguarda.people.screening.needs import PersonFacts
from salvaguarda.people.screening.questions import YES, Label


class Flag(StrEnum):
    UNACCOMPANIED = "unaccompanied"
    SEPARATED = "separated"
    NOTIFY_PROCURADURIA = "notify_procuraduria"
    BEST_INTERESTS = "best_interests"


FLAG_LABELS: dict[str, Label] = {
    Flag.UNACCOMPANIED: _("Unaccompanied child"),
    Flag.SEPARATED: _("Separated child"),
    Flag.NOTIFY_PROCURADURIA: _(
        "Refer to the Procuraduría de Protección de Niñas, Niños y Adolescentes"
    ),
    Flag.BEST_INTERESTS: _("Best-interests assessment needed"),
}
FLAG_GUIDANCE: dict[str, Label] = {
    Flag.UNACCOMPANIED: _(
        "No adult cares for the child. The Procuraduría de Protección must be told at once; the "
        "child may go to a DIF shelter (Centro de Asistencia Social) only with a protection "
        "measure, and may not be held in a migration station."
    ),
    Flag.SEPARATED: _(
        "The child travels without a parent or their usual caregiver. Check who cares for them; "
        "the child may not be separated from the adults they travel with."
    ),
    Flag.NOTIFY_PROCURADURIA: _(
        "The Procuraduría has not been told. Refer the child: it determines the child's best "
        "interests and issues a Plan de Restitución de Derechos; until then the child is "
        "documented as a visitor for humanitarian reasons."
    ),
    Flag.BEST_INTERESTS: _(
        "Assess the child's best interests (best-interests assessment, BIA) and share it with "
        "the Procuraduría, which makes the formal determination."
    ),
}

CHILD_STATUSES = ("accompanied", "separated", "unaccompanied")


def child_status_of(answers: Mapping[str, Any], facts: PersonFacts) -> str:
    """Whom the child travels with: the screening's answer, else the person file's."""
    answered = answers.get("childhood.child_status")
    return str(answered) if answered in CHILD_STATUSES else facts.child_status


def protection_flags(answers: Mapping[str, Any], facts: PersonFacts) -> list[str]:
    """The flags of a screened child, in the order they are acted on (none for an adult)."""
    if not facts.is_minor:
        return []
    status = child_status_of(answers, facts)
    flags: list[str] = []
    if status == "unaccompanied":
        flags.append(Flag.UNACCOMPANIED)
    elif status == "separated":
        flags.append(Flag.SEPARATED)
    at_risk = answers.get("childhood.child_at_risk") == YES
    if flags or at_risk:
        if answers.get("childhood.procuraduria_notified") != YES:
            flags.append(Flag.NOTIFY_PROCURADURIA)
        flags.append(Flag.BEST_INTERESTS)
    return [str(flag) for flag in flags]
