"""Tokens of the REST API: made and revoked by their owner, checked on every API request.

A token acts as one membership: the organization and the role it has *now* (a role change also
ends the token, see below). Only a SHA-256 hash is stored: the token is 32 random bytes, so a
fast hash cannot be reversed by guessing, and the lookup is one indexed query.
"""

import hashlib
import secrets
import uuid
from datetime import timedelta
from enum import StrEnum

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from salvaguarda.accounts.models import ApiToken, Membership, User
from salvaguarda.core import audit

TOKEN_PREFIX = "sgt_"  # noqa: S105 - not a secret: the visible start of every token
SHOWN_PREFIX_LENGTH = 10  # "sgt_" and 6 random characters: enough to tell tokens apart
LAST_USED_RESOLUTION = timedelta(minutes=1)
LIFETIMES_DAYS = (7, 30, 90)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, by: User, membership: Membership, name: str, days: int
) -> tuple[ApiToken, str]:
    """A new token for one of the account's memberships. Returns it and its secret value,
    which is never stored and must be shown once."""
    if membership.user_id != by.pk or not membership.is_active:
        raise Http404
    if days not in LIFETIMES_DAYS:
        raise ValueError(f"Unsupported token lifetime: {days} days.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=by,
        membership=membership,
        name=name,
        token_hash=_hash(secret),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        security_stamp=by.security_stamp,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(
        action=audit.Action.API_TOKEN_CREATED,
        actor=by,
        organization_id=membership.organization_id,
        obj=token,
        detail={"days": days, "role": membership.role},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        action=audit.Action.API_TOKEN_REVOKED,
        actor=by,
        organization_id=token.membership.organization_id,
        obj=token,
    )
    return token


def api_tokens_of(user: User) -> list[ApiToken]:
    return list(
        ApiToken.objects.filter(user=user).select_related("user", "membership__organization")
    )


def api_token_get_for(user: User, token_uuid: uuid.UUID) -> ApiToken:
    """One of this account's tokens; 404 for any other (another account's included)."""
    found = (
        ApiToken.objects.select_related("user", "membership__organization")
        .filter(user=user, uuid=token_uuid)
        .first()
    )
    if found is None:
        raise Http404
    return found


class TokenState(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"
    CREDENTIALS_CHANGED = "credentials_changed"  # password, second factor or role changed
    MEMBERSHIP_ENDED = "membership_ended"  # account, membership or organization deactivated


def api_token_state(token: ApiToken) -> TokenState:
    """Whether the token works, and if not, why. A token works only while it is not revoked or
    expired, its account, membership and organization are active, and the account changed no
    password, second factor or role since the token was made (as its sessions would end)."""
    membership = token.membership
    if token.revoked_at is not None:
        return TokenState.REVOKED
    if token.expires_at <= timezone.now():
        return TokenState.EXPIRED
    if not (
        token.user.is_active
        and membership.is_active
        and membership.user_id == token.user_id
        and membership.organization.is_active
    ):
        return TokenState.MEMBERSHIP_ENDED
    if token.security_stamp != token.user.security_stamp:
        return TokenState.CREDENTIALS_CHANGED
    return TokenState.ACTIVE


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The usable token with this value, or None. Notes when it was last used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user", "membership__organization")
        .filter(token_hash=_hash(secret))
        .first()
    )
    if token is None or api_token_state(token) is not TokenState.ACTIVE:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
