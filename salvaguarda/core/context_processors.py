from typing import Any

from django.conf import settings
from django.http import HttpRequest

from salvaguarda.accounts.models import Role
from salvaguarda.core.access import CASE_ROLES


def organization(request: HttpRequest) -> dict[str, Any]:
    signed_in = request.user.is_authenticated
    membership = getattr(request, "membership", None) if signed_in else None
    role = membership.role if membership else None
    return {
        "active_membership": membership,
        "memberships": getattr(request, "memberships", []) if signed_in else [],
        "can_read_cases": role in CASE_ROLES,
        "is_coordinator": role == Role.COORDINATOR,
        "is_network_admin": role == Role.NETWORK_ADMIN,
        "quick_exit_url": settings.SALVAGUARDA_QUICK_EXIT_URL,
        "LANGUAGES": settings.LANGUAGES,
    }
