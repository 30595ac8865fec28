from django.http import HttpRequest

from salvaguarda.accounts.models import Membership, User, UserSession

ACTIVE_MEMBERSHIP_SESSION_KEY = "salvaguarda_active_membership"


def memberships_of(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def active_membership(request: HttpRequest) -> tuple[Membership | None, list[Membership]]:
    """The membership the signed-in user chose to act in (the first one if none was chosen)."""
    if not request.user.is_authenticated:
        return None, []
    memberships = memberships_of(request.user)
    chosen = request.session.get(ACTIVE_MEMBERSHIP_SESSION_KEY)
    for membership in memberships:
        if str(membership.uuid) == chosen:
            return membership, memberships
    return (memberships[0] if memberships else None), memberships


def open_sessions_of(user: User) -> list[UserSession]:
    return list(UserSession.objects.filter(user=user, ended_at__isnull=True))
