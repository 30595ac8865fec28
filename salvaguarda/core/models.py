"""Base model for case data, organization data keys, and the audit trail."""

from typing import Any, ClassVar
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.scoping import current_organization_id


class ScopedQuerySet(models.QuerySet[Any]):
    pass


class ScopedManager(models.Manager[Any]):
    """Rows of the current organization scope only; nothing when no scope is active."""

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = ScopedQuerySet(self.model, using=self._db)
        org_id = current_organization_id()
        if org_id is None:
            return queryset.none()
        return queryset.filter(organization_id=org_id, deleted_at__isnull=True)


class OrgScopedModel(models.Model):
    """Every case record: belongs to one organization, is attributed, and is soft-deleted.

    `objects` is scoped (see `salvaguarda.core.scoping`). `unscoped` bypasses the scope and is
    reserved for system maintenance (key rotation); no view may use it.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    modified_at = models.DateTimeField(auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[ScopedManager] = ScopedManager()
    unscoped: ClassVar[models.Manager[Any]] = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "unscoped"


class OrganizationKey(models.Model):
    """An organization's data key, stored only wrapped (encrypted) by the master key."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="keys"
    )
    key_id = models.CharField(max_length=16, unique=True)
    wrapped_key = models.BinaryField()
    master_key_id = models.CharField(max_length=16)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # Set when the organization was crypto-shredded: `wrapped_key` is emptied at that moment.
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_active=True),
                name="one_active_key_per_organization",
            )
        ]

    def __str__(self) -> str:
        return f"data key {self.key_id}"


class AuditChain(models.Model):
    """The head of one hash chain: one per organization, plus one for the network."""

    key = models.CharField(max_length=32, unique=True)
    length = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return self.key


class AuditEvent(models.Model):
    """One append-only, hash-chained entry. Never holds identifying values in clear."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed a record")
        LIST = "list", _("Listed records")
        SEARCH = "search", _("Searched records")
        EXPORT = "export", _("Exported records")
        CREATE = "create", _("Created a record")
        UPDATE = "update", _("Changed a record")
        DELETE = "delete", _("Deleted a record")
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Signed out")
        FACTOR_CHANGED = "factor_changed", _("Changed a second factor")
        PASSWORD_CHANGED = "password_changed", _("Changed the password")
        SESSION_ENDED = "session_ended", _("Ended a session")
        MEMBER_INVITED = "member_invited", _("Invited a member")
        ROLE_CHANGED = "role_changed", _("Changed a role")
        MEMBER_DEACTIVATED = "member_deactivated", _("Deactivated a member")
        ORGANIZATION_CREATED = "organization_created", _("Created an organization")
        KEYS_ROTATED = "keys_rotated", _("Rotated encryption keys")
        API_TOKEN_CREATED = "api_token_created", _("Created an API token")
        API_TOKEN_REVOKED = "api_token_revoked", _("Revoked an API token")
        AUDIT_SEALED = "audit_sealed", _("Sealed the audit trail with its key")
        SHRED_REQUESTED = "shred_requested", _("Asked to destroy an organization's keys")
        SHRED_CANCELLED = "shred_cancelled", _("Withdrew a request to destroy keys")
        ORGANIZATION_SHREDDED = "organization_shredded", _("Destroyed an organization's keys")

    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveBigIntegerField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_uuid = models.UUIDField(null=True, blank=True)
    fields = models.JSONField(default=list, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Which audit key made `hash` (an HMAC, see core.audit_seal); empty for the entries written
    # before the trail was keyed (plain SHA-256), which a keyed entry after them seals.
    key_id = models.CharField(max_length=16, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="one_event_per_position")
        ]
        indexes = [models.Index(fields=["organization", "-at"])]
        ordering = ["-at", "-sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.chain_id}#{self.sequence} {self.action}"


class OrganizationShredding(models.Model):
    """A request to destroy an organization's data keys, and its confirmation by a second
    network administrator (`manage.py shred_organization`, core.shredding)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shredded_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(cancelled_at__isnull=True),
                name="one_open_or_done_shredding_per_organization",
            )
        ]

    def __str__(self) -> str:
        return f"shredding of organization {self.organization_id}"
