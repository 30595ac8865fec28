"""The services a person's needs call for, each with the needs behind it."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from salvaguarda.people.screening.needs import (
    PRIORITY_LABELS,
    PRIORITY_RANK,
    NeedLike,
    full_code,
    overall_priority,
)
from salvaguarda.people.screening.questions import Label


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
    "CR-PS": (Service.MENTAL_HEALTH, Service.CHILD_PROTECTION),
    "CR-SE": (Service.EDUCATION, Service.DISABILITY_SUPPORT),
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
