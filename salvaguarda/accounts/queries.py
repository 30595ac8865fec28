import uuid

from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest

from salvaguarda.accounts.models import (
    Membership,
    Organization,
    SecurityKey,
    TOTPDevice,
    User,
    UserSession,
)
from salvaguarda.core import audit

ACTIVE_MEMBERSHIP_SESSION_KEY = "salvaguarda_active_membership"


def memberships_of(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def active_membership(request: HttpRequest) -> tuple[Membership | None, list[Membership]]:
    """The membership the signed-in user chose to act in (the first one if none was chosen).

    A request made with an API token acts as the token's membership, and only that one.
    """
    if not request.user.is_authenticated:
        return None, []
    token = getattr(request, "api_token", None)
    if token is not None:
        return token.membership, [token.membership]
    memberships = memberships_of(request.user)
    chosen = request.session.get(ACTIVE_MEMBERSHIP_SESSION_KEY)
    for membership in memberships:
        if str(membership.uuid) == chosen:
            return membership, memberships
    return (memberships[0] if memberships else None), memberships


def open_sessions_of(user: User) -> list[UserSession]:
    return list(UserSession.objects.filter(user=user, ended_at__isnull=True))


def open_session_get_for(user: User, session_id: str) -> UserSession:
    """One open session of this account; 404 for anything else (another account's included)."""
    if not (session_id.isascii() and session_id.isdigit() and len(session_id) <= 18):
        raise Http404
    found = UserSession.objects.filter(user=user, pk=int(session_id), ended_at__isnull=True).first()
    if found is None:
        raise Http404
    return found


def members_page_for(user: User, organization: Organization) -> list[Membership]:
    """The organization's memberships, active first, with each account's last sign-in. Audited."""
    members: list[Membership] = list(
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .annotate(last_sign_in=Max("user__sessions__started_at"))
        .order_by("-is_active", "user__full_name", "pk")
    )
    audit.record(
        action=audit.Action.LIST,
        actor=user,
        organization_id=organization.pk,
        object_type=Membership._meta.label_lower,
        detail={"count": len(members)},
    )
    return members


def membership_get_for(organization: Organization, membership_uuid: uuid.UUID) -> Membership:
    """A membership of this organization; 404 for any other, so none is revealed elsewhere."""
    found = (
        Membership.objects.select_related("user")
        .filter(organization=organization, uuid=membership_uuid)
        .first()
    )
    if found is None:
        raise Http404
    return found


def organizations_page_for(user: User) -> list[Organization]:
    """Every organization of the network with its number of active members. Audited."""
    organizations: list[Organization] = list(
        Organization.objects.annotate(
            member_count=Count("memberships", filter=Q(memberships__is_active=True))
        ).order_by("name")
    )
    audit.record(
        action=audit.Action.LIST,
        actor=user,
        object_type=Organization._meta.label_lower,
        detail={"count": len(organizations)},
    )
    return organizations


def confirmed_authenticator(user: User) -> TOTPDevice | None:
    """The account's authenticator app, once its first code confirmed it."""
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def security_keys_of(user: User) -> list[SecurityKey]:
    return list(SecurityKey.objects.filter(user=user))


def security_key_get_for(user: User, key_uuid: uuid.UUID) -> SecurityKey:
    """One of this account's security keys; 404 for any other (another account's included)."""
    found = SecurityKey.objects.filter(user=user, uuid=key_uuid).first()
    if found is None:
        raise Http404
    return found


def has_security_keys(user: User) -> bool:
    return SecurityKey.objects.filter(user=user).exists()
