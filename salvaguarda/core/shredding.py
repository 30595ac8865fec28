"""Crypto-shredding: destroying an organization's data keys, so that its data is unreadable.

Every identifying value of an organization, and the key of each of its evidence files, is
sealed under its data keys. Destroying them (every one, the active and the retired) leaves
ciphertext that nothing can open, even with the master key: the master key only unwraps data
keys, and these are gone. Other organizations have keys of their own and are untouched.

It takes two network administrators: one asks (`request`), another confirms within
`REQUEST_DAYS` (`confirm`); each gives their password and a code of their second factor, and
each step is on the audit trail (the network's chain and the organization's). Nothing can undo
it. What it cannot reach: backups taken before it hold the wrapped keys (readable with the
master key of their time) — docs/operations.md says what to do with them.
"""

import contextlib
import datetime

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from salvaguarda.accounts import mfa
from salvaguarda.accounts.models import Membership, Organization, Role, TOTPDevice, User
from salvaguarda.core import audit, keys
from salvaguarda.core.models import OrganizationKey, OrganizationShredding

REQUEST_DAYS = 7


class ShreddingRefused(Exception):
    pass


def network_admin(email: str) -> User:
    """The active network administrator with this e-mail address."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    is_admin = (
        user is not None
        and Membership.objects.filter(user=user, role=Role.NETWORK_ADMIN, is_active=True).exists()
    )
    if user is None or not is_admin:
        raise ShreddingRefused(f"{email} is not an active network administrator.")
    return user


def check_credentials(user: User, password: str, code: str) -> None:
    """The administrator's password and a fresh code of their second factor."""
    if not user.check_password(password):
        raise ShreddingRefused("Wrong password.")
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise ShreddingRefused(
            f"{user.email} has no second factor: set one up before taking part in a shredding."
        )
    if not mfa.verify(device, code):
        raise ShreddingRefused("Wrong or already used second-factor code.")


def open_request(organization: Organization) -> OrganizationShredding | None:
    return OrganizationShredding.objects.filter(
        organization=organization, cancelled_at__isnull=True
    ).first()


def _record(action: str, by: User, organization: Organization, detail: dict[str, object]) -> None:
    """On the network's chain and on the organization's own."""
    for chain_organization in (None, organization.pk):
        audit.record(
            action=action,
            actor=by,
            organization_id=chain_organization,
            object_type="accounts.organization",
            object_uuid=organization.uuid,
            detail={"organization": organization.short_name, **detail},
        )


def shredding_request(
    *, organization: Organization, by: User, reason: str = ""
) -> OrganizationShredding:
    with transaction.atomic():
        existing = open_request(organization)
        if existing is not None and existing.shredded_at is not None:
            raise ShreddingRefused(f"The keys of {organization.short_name} are destroyed already.")
        if existing is not None:
            raise ShreddingRefused(
                f"{existing.requested_by.email} asked already on "
                f"{existing.requested_at:%Y-%m-%d %H:%M} UTC: another administrator confirms it, "
                "or it is cancelled first."
            )
        request = OrganizationShredding.objects.create(
            organization=organization, requested_by=by, requested_at=timezone.now(), reason=reason
        )
        _record(audit.Action.SHRED_REQUESTED, by, organization, {"reason": reason})
    return request


def shredding_cancel(*, organization: Organization, by: User) -> OrganizationShredding:
    with transaction.atomic():
        request = open_request(organization)
        if request is None or request.shredded_at is not None:
            raise ShreddingRefused(
                f"No request to destroy the keys of {organization.short_name} is open."
            )
        request.cancelled_by, request.cancelled_at = by, timezone.now()
        request.save(update_fields=["cancelled_by", "cancelled_at"])
        _record(audit.Action.SHRED_CANCELLED, by, organization, {})
    return request


def shredding_confirm(*, organization: Organization, by: User) -> OrganizationShredding:
    """Destroy every data key of the organization (the request must be open, recent, and
    made by another administrator)."""
    if connection.vendor == "sqlite":
        # The freed bytes of the wrapped keys are overwritten, not left in the file's free pages.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    with transaction.atomic():
        request = open_request(organization)
        if request is None or request.shredded_at is not None:
            raise ShreddingRefused(
                f"No request to destroy the keys of {organization.short_name} is open: one "
                "network administrator asks first, another confirms."
            )
        if request.requested_by_id == by.pk:
            raise ShreddingRefused(
                "The administrator who asked cannot confirm: another network administrator must."
            )
        if request.requested_at < timezone.now() - datetime.timedelta(days=REQUEST_DAYS):
            raise ShreddingRefused(
                f"The request is older than {REQUEST_DAYS} days: cancel it and ask again."
            )
        keys.lock_for_change(organization.pk)
        now = timezone.now()
        destroyed = OrganizationKey.objects.filter(
            organization=organization, destroyed_at__isnull=True
        ).update(wrapped_key=b"", is_active=False, destroyed_at=now)
        request.confirmed_by, request.shredded_at = by, now
        request.save(update_fields=["confirmed_by", "shredded_at"])
        _record(
            audit.Action.ORGANIZATION_SHREDDED,
            by,
            organization,
            {
                "requested_by": request.requested_by_id,
                "requested_at": request.requested_at.isoformat(),
                "keys_destroyed": destroyed,
            },
        )
    keys.forget_cached_keys()
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        # The write-ahead log held the page with the keys: fold it into the file and empty it.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return request
