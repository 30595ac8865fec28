"""The demo network's referrals: a few between its members, at each stage, so that the lists,
a referral's page and the API show something on first run. Written through the services."""

import datetime

from django.utils import timezone

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core.scoping import organization_scope
from salvaguarda.people.models import Person
from salvaguarda.referrals.directory.models import Service
from salvaguarda.referrals.referring import services
from salvaguarda.referrals.referring.models import Referral, ReferralStep

# (sender, receiver or "" for an outside provider, category, urgency, days ago, what follows,
# the need as the sender writes it)
PLAN = [
    (
        "CJS",
        "MTY",
        "legal_us_case",
        "priority",
        12,
        "closed",
        "Audiencia en El Paso el próximo mes; no tiene representación legal.",
    ),
    (
        "CJS",
        "MTY",
        "legal_mexican_status",
        "routine",
        14,
        "",
        "Quiere saber si puede pedir la TVRH sin afectar su caso en EE. UU.",
    ),
    (
        "TIJ",
        "MTY",
        "legal_us_case",
        "emergency",
        0,
        "info_requested",
        "Recibió una notificación de audiencia para esta semana y no entiende el documento.",
    ),
    (
        "MXL",
        "TIJ",
        "shelter",
        "priority",
        2,
        "accepted",
        "Familia con dos niños pequeños; se queda sin lugar en el albergue de Mexicali.",
    ),
    (
        "CJS",
        "",
        "health",
        "routine",
        5,
        "",
        "Control de embarazo; no está afiliada al IMSS-Bienestar.",
    ),
]
FOLLOWING_NOTES = {
    "info_requested": "¿Puede enviar la fecha exacta de la audiencia y la corte?",
    "accepted": "Tenemos lugar para la familia desde mañana.",
}


def _service(receiver: Organization | None, category: str, city_of_sender: str) -> Service:
    services_ = Service.objects.filter(category=category, status=Service.Status.ACTIVE)
    if receiver is not None:
        return services_.filter(provider__network_organization=receiver).order_by("id")[0]
    return (
        services_.filter(provider__network_organization__isnull=True)
        .filter(at_locations__location__city=city_of_sender)
        .order_by("id")[0]
    )


def seed_referrals(members: dict[str, tuple[Organization, User]], cities: dict[str, str]) -> int:
    """Send the planned referrals (people of the sender's demo families) and take the steps
    that follow. `members` maps each member's short name to it and its coordinator."""
    now = timezone.now()
    made = 0
    for index, (sender, receiver, category, urgency, days, following, need) in enumerate(PLAN):
        organization, coordinator = members[sender]
        recipient = members[receiver] if receiver else None
        service = _service(recipient[0] if recipient else None, category, cities[sender])
        when = now - datetime.timedelta(days=days)
        with organization_scope(organization.pk):
            person = Person.objects.filter(relationship=Person.Relationship.HEAD).order_by("id")[
                index % 2
            ]
            referral = services.referral_send(
                by=coordinator,
                person=person,
                service=service,
                data={
                    "urgency": urgency,
                    "reason": need,
                    "fields": ["given_names", "age_band", "language"],
                    "consent": True,
                    "consent_given_by": "self",
                    "consent_language": "spa",
                },
                now=when,
            )
            _dated(referral, when)
        made += 1
        if recipient is None or not following:
            continue
        _follow(referral, recipient, following, when)
    return made


def _dated(referral: Referral, when: datetime.datetime) -> None:
    """The referral and its first step dated when they were sent, days ago (the rows' creation
    time is the seeding's otherwise, after the answer's deadline that `when` set)."""
    Referral.objects.filter(pk=referral.pk).update(created_at=when)
    ReferralStep.objects.filter(referral=referral).update(created_at=when)


def _follow(
    referral: Referral,
    recipient: tuple[Organization, User],
    following: str,
    when: datetime.datetime,
) -> None:
    organization, coordinator = recipient
    with organization_scope(organization.pk):
        kind = "accepted" if following == "closed" else following
        # The next day, or now for one sent today.
        answered = min(when + datetime.timedelta(hours=20), timezone.now())
        services.referral_step(
            by=coordinator,
            organization_id=organization.pk,
            referral=referral,
            kind=kind,
            note=FOLLOWING_NOTES.get(following, ""),
            now=answered,
        )
        ReferralStep.objects.filter(referral=referral, kind=kind).update(created_at=answered)
        if following == "closed":
            services.referral_close(
                by=coordinator,
                organization_id=organization.pk,
                referral=referral,
                data={"outcome": "received", "outcome_on": timezone.localdate()},
            )
