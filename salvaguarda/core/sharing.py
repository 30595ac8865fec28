"""Cross-organization sharing: the one way a record crosses from one organization to another.

Isolation stays the rule (`scoping.py`); sharing extends it for one kind of row only, the
`SharedRecord`:
- the row belongs to the organization that shares it (`organization`, the sender) and names
  the one organization it is shared with (`recipient`); the two of them see it, nobody else:
  `SharedRecord.objects` returns the rows of which the scope's organization is either side,
  and on PostgreSQL the row-level security policy of the table says the same
  (`rls.EnableSharedRowLevelSecurity`), so a third organization gets nothing from either wall;
- what crosses is copied into the row at the moment of sharing, encrypted under the
  recipient's key (`EncryptedField(key_owner=KEY_OWNER)`), never a pointer into the sender's
  records: a shared row has no foreign key to case data;
- each side changes only what its side may change (the services of the app say which), and
  each read of what crossed is audited in both organizations' trails (`record_read`).

Which consent allows the sharing is the app's rule (for referrals: the person's referral
consent); withdrawing it empties what crossed (`withdraw`).
"""

from enum import StrEnum
from typing import Any, ClassVar

from django.db import models

from salvaguarda.accounts.models import User
from salvaguarda.core import audit
from salvaguarda.core.models import OrgScopedModel, ScopedQuerySet
from salvaguarda.core.scoping import current_organization_id

# The attribute that names the organization whose key seals a shared row's encrypted fields.
KEY_OWNER = "reader_organization_id"


class Side(StrEnum):
    SENDER = "sender"
    RECIPIENT = "recipient"


class SharedManager(models.Manager[Any]):
    """Rows the current scope's organization sent or received; nothing outside a scope."""

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = ScopedQuerySet(self.model, using=self._db)
        org_id = current_organization_id()
        if org_id is None:
            return queryset.none()
        return queryset.filter(
            models.Q(organization_id=org_id) | models.Q(recipient_id=org_id),
            deleted_at__isnull=True,
        )


class SharedRecord(OrgScopedModel):
    """A record its organization shares with one other organization of the network.

    `recipient` is None when nothing crosses (the record stays with its organization, as a
    referral to an outside provider does) and may equal `organization` (a referral inside it).
    """

    recipient = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects: ClassVar[SharedManager] = SharedManager()  # type: ignore[assignment]

    class Meta:
        abstract = True
        base_manager_name = "unscoped"

    @property
    def reader_organization_id(self) -> int:
        """Whose key seals what crossed: the recipient's (the sender's when nothing crosses)."""
        return int(self.recipient_id or self.organization_id)

    @classmethod
    def sealed_for(cls, organization_id: int) -> models.Q:
        """The rows whose encrypted fields are under `organization_id`'s key (key rotation)."""
        return models.Q(recipient_id=organization_id) | models.Q(
            recipient__isnull=True, organization_id=organization_id
        )

    def side_of(self, organization_id: int) -> Side | None:
        """Which side of the row `organization_id` is (the sender when it is both)."""
        if organization_id == self.organization_id:
            return Side.SENDER
        if organization_id == self.recipient_id:
            return Side.RECIPIENT
        return None

    @property
    def crosses(self) -> bool:
        """Whether the row goes to another organization."""
        recipient = self.recipient_id
        return recipient is not None and recipient != self.organization_id


def parties(record: SharedRecord) -> list[int]:
    """The organizations that see the row (one when it does not cross)."""
    found = [int(record.organization_id)]
    if record.crosses:
        found.append(int(record.recipient_id or 0))
    return found


def record_read(
    *, by: User, record: SharedRecord, fields: list[str], action: str = audit.Action.VIEW
) -> None:
    """Audit a read of what crossed in the trail of each organization that sees the row, so
    the sender knows when the recipient read it and the recipient keeps its own trail."""
    reader = current_organization_id()
    audit.record_each(
        {
            "action": action,
            "actor": by,
            "organization_id": organization_id,
            "obj": record,
            "fields": fields,
            "detail": {"read_by_organization": str(reader)} if organization_id != reader else {},
        }
        for organization_id in parties(record)
    )


def withdraw(record: SharedRecord, fields: list[str]) -> list[str]:
    """Empty the encrypted `fields` that crossed (the consent was revoked), without decrypting
    them (the recipient's keys may be destroyed). The caller saves the row with these fields
    in `update_fields`; returns the fields that held something."""
    emptied = []
    for name in fields:
        # What the row holds: a value not yet decrypted (`Ciphertext`), a clear one, or None.
        if record.__dict__.get(name) not in (None, "", [], {}):
            emptied.append(name)
        record.__dict__[name] = None
    return emptied
