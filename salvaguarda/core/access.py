"""Who may reach which URL: every view declares one policy, and a middleware enforces it.

A view without a declared policy is refused (fail closed), and the test suite lists every URL
pattern of the project to prove each one has a policy and leaks nothing across organizations.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar, cast

from django.http import Http404, HttpRequest

from salvaguarda.accounts.models import Organization, Role, User

V = TypeVar("V", bound=Callable[..., Any])


class Policy(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not (login steps, language, quick exit)
    SIGNED_IN = "signed_in"  # any signed-in account, even with no active organization
    MEMBER = "member"  # any role in the active organization
    CASE_DATA = "case_data"  # roles that read and write case files
    COORDINATOR = "coordinator"  # organization management and the audit trail
    NETWORK_ADMIN = "network_admin"  # organizations of the network


CASE_ROLES = frozenset({Role.CASEWORKER, Role.LEGAL, Role.COORDINATOR})

POLICY_ROLES: dict[Policy, frozenset[str]] = {
    Policy.MEMBER: frozenset(Role.values),
    Policy.CASE_DATA: CASE_ROLES,
    Policy.COORDINATOR: frozenset({Role.COORDINATOR}),
    Policy.NETWORK_ADMIN: frozenset({Role.NETWORK_ADMIN}),
}


def policy(value: Policy) -> Callable[[V], V]:
    """Declare the access policy of a function view: `@policy(Policy.CASE_DATA)`."""

    def decorate(view: V) -> V:
        view.access_policy = value  # type: ignore[attr-defined]
        return view

    return decorate


def policy_of(view: Callable[..., Any]) -> Policy | None:
    found = getattr(view, "access_policy", None)
    if found is None:
        view_class = getattr(view, "view_class", None)
        found = getattr(view_class, "access_policy", None)
    return Policy(found) if found is not None else None


def signed_in_user(request: HttpRequest) -> User:
    """The account of a view whose policy requires one (any but PUBLIC)."""
    return cast(User, request.user)


def active_organization(request: HttpRequest) -> Organization:
    """The organization of a view whose policy requires a membership (MEMBER and stricter)."""
    organization: Organization | None = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    return organization


def active_role(request: HttpRequest) -> str | None:
    """The role of the signed-in account in the active organization (None without one)."""
    membership = getattr(request, "membership", None)
    return membership.role if membership is not None else None


def role_allows(role: str | None, required: Policy) -> bool:
    if required in (Policy.PUBLIC, Policy.SIGNED_IN):
        return True
    return role is not None and role in POLICY_ROLES[required]
