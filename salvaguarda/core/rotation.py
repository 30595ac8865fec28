"""Key rotation: re-wrap data keys, give every organization a new data key, re-seal second factors.

Rotating the master key: move the current key into SALVAGUARDA_PREVIOUS_MASTER_KEYS, set a new
SALVAGUARDA_MASTER_KEY, run `manage.py rotate_keys`, then remove the former key. Afterwards
nothing in the database depends on it.

Each organization is rotated in its own transaction and scope: a new data key is made active
(the former one is kept, retired, so that older backups stay readable), every encrypted value
is re-encrypted under it and every blind index is recomputed with it. Rows are written with
`update()`, so `modified_at` and `modified_by` keep describing the last human change.

It runs while the application serves. Each organization's rotation first takes the lock of
its keys (`keys.lock_for_change`): on PostgreSQL it waits for that organization's writes in
progress, and the writes that start meanwhile wait until it commits and then seal and index
under the new key (every process asks the database which key is active once per scope, see
core.keys); reading goes on, under the former key until the commit. On SQLite the rotation's
write transaction holds the database's write lock, which every write waits for. So no value is
sealed, and no blind index computed, under the former key once the rotation has moved past it.
An organization's writes wait for as long as its rotation takes (docs/operations.md).
A destroyed (shredded) organization has no key to rotate: it is skipped.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import OperationalError, connection, models, transaction

from salvaguarda.accounts import mfa
from salvaguarda.accounts.models import Organization, TOTPDevice
from salvaguarda.core import audit, keys
from salvaguarda.core.fields import (
    BlindIndexField,
    EncryptedField,
    blind_index_fields,
    encrypted_fields,
)
from salvaguarda.core.models import OrganizationKey, OrganizationShredding
from salvaguarda.core.scoping import organization_scope

BATCH_SIZE = 500

# Called with the organization id inside `rotate_organization_key`, after its data has been
# re-encrypted, in the same scope and transaction: other apps register what they derive from
# the data key (e.g. name-search tokens) here, so that core does not import them.
AFTER_ORGANIZATION_ROTATION: list[Callable[[int], object]] = []


@dataclass(frozen=True)
class EncryptedModel:
    model: type[models.Model]
    encrypted: list[EncryptedField]
    blind_indexes: list[BlindIndexField]


@dataclass(frozen=True)
class RotationReport:
    data_keys_rewrapped: int
    organizations: int
    records: int
    second_factors: int


def encrypted_models() -> list[EncryptedModel]:
    """Every concrete model with encrypted fields or blind indexes (new ones are found too)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        encrypted, indexes = encrypted_fields(model), blind_index_fields(model)
        if encrypted or indexes:
            found.append(EncryptedModel(model, encrypted, indexes))
    return found


def _reencrypt_rows(spec: EncryptedModel, organization_id: int) -> int:
    """Re-encrypt one model's rows of the organization (soft-deleted ones too)."""
    manager = spec.model._base_manager  # `unscoped` for OrgScopedModel: includes deleted rows
    loaded = {"uuid", "organization"}
    loaded |= {field.attname for field in spec.encrypted}
    loaded |= {index.source for index in spec.blind_indexes}
    sealed_for = getattr(spec.model, "sealed_for", None)  # a shared record: the reader's key
    if sealed_for is not None:
        rows = manager.filter(sealed_for(organization_id)).only(*loaded, "recipient")
    else:
        rows = manager.filter(organization_id=organization_id).only(*loaded)
    rows = rows.order_by("pk")
    quote = connection.ops.quote_name
    columns = [str(f.column) for f in spec.encrypted] + [str(i.column) for i in spec.blind_indexes]
    statement = (
        f"UPDATE {quote(spec.model._meta.db_table)} SET "  # noqa: S608 - names from the models
        + ", ".join(f"{quote(column)} = %s" for column in columns)
        + f" WHERE {quote(str(spec.model._meta.pk.column))} = %s"
    )
    count = 0
    last_pk: Any = None
    while True:
        batch = list((rows if last_pk is None else rows.filter(pk__gt=last_pk))[:BATCH_SIZE])
        if not batch:
            return count
        written = []
        for instance in batch:
            values: list[Any] = []
            for field in spec.encrypted:
                # Reading decrypts with the former key; pre_save seals under the active one.
                values.append(field.pre_save(instance, False))
            for index in spec.blind_indexes:
                values.append(index.pre_save(instance, False))
            written.append((*values, instance.pk))
        with connection.cursor() as cursor:
            # One statement for the batch (the ORM's update() per row took most of the time).
            cursor.executemany(statement, written)
        count += len(batch)
        last_pk = batch[-1].pk


def rotate_organization_key(organization_id: int, *, attempts: int = 3) -> int:
    """Give the organization a new data key and move all its data to it. Returns rows written.
    A deadlock (PostgreSQL chose this transaction to end one, e.g. with a task that took the
    audit chain before the key lock) is retried: nothing of the failed attempt stays."""
    for attempt in range(1, attempts + 1):
        try:
            return _rotate_organization_key(organization_id)
        except OperationalError as error:
            if "deadlock" not in str(error) or attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _rotate_organization_key(organization_id: int) -> int:
    try:
        with organization_scope(organization_id):
            keys.lock_for_change(organization_id)
            new_key = keys.create_data_key(organization_id)
            count = sum(_reencrypt_rows(spec, organization_id) for spec in encrypted_models())
            for hook in AFTER_ORGANIZATION_ROTATION:
                hook(organization_id)
            audit.record(
                action=audit.Action.KEYS_ROTATED,
                organization_id=organization_id,
                object_type=OrganizationKey._meta.label_lower,
                detail={"key_id": new_key.key_id, "records": count},
            )
    except BaseException:
        keys.forget_cached_keys()  # the key made above was rolled back
        raise
    return count


def reseal_second_factors() -> int:
    """Seal every TOTP secret again under the current master key. Returns how many."""
    count = 0
    with transaction.atomic():
        devices = TOTPDevice.objects.select_related("user").select_for_update(of=("self",))
        for device in devices:
            device.sealed_secret = mfa.seal_secret(device.user, mfa.open_secret(device))
            device.save(update_fields=["sealed_secret"])
            count += 1
    return count


def rotate_keys() -> RotationReport:
    """The whole rotation: master key wrapping, organization data keys, second factors."""
    with transaction.atomic():
        rewrapped = keys.rewrap_all()
    shredded = OrganizationShredding.objects.filter(shredded_at__isnull=False)
    organizations = list(
        Organization.objects.exclude(pk__in=shredded.values("organization_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    records = sum(rotate_organization_key(organization_id) for organization_id in organizations)
    second_factors = reseal_second_factors()
    keys.forget_cached_keys()
    return RotationReport(
        data_keys_rewrapped=rewrapped,
        organizations=len(organizations),
        records=records,
        second_factors=second_factors,
    )
