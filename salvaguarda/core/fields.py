"""Encrypted model fields and blind indexes.

A value is sealed with AES-256-GCM under its organization's data key. The stored text is
`sg1.<key id>.<nonce+ciphertext>`; the associated data binds it to its table, column and row
(uuid), so a ciphertext copied to another row or column does not decrypt.

Values are decrypted lazily, on attribute access, by a descriptor that knows the instance.
Encrypted columns cannot be used in queries (`filter(name=...)` raises): look rows up through
their `BlindIndexField` instead.
"""

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from salvaguarda.core import keys
from salvaguarda.lib import crypto
from salvaguarda.lib.normalize import fold_identifier, fold_text

PREFIX = "sg1"


class Ciphertext:
    """A value as read from the database, not yet decrypted. Prints as nothing useful."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return "<Ciphertext>"

    def __str__(self) -> str:
        return "[encrypted]"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ciphertext) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)

    @property
    def key_id(self) -> str:
        return self.token.split(".", 2)[1]


def _associated_data(instance: models.Model, field: models.Field[Any, Any]) -> bytes:
    return f"{instance._meta.db_table}.{field.column}:{instance.uuid}".encode()  # type: ignore[attr-defined]


class EncryptedAttribute(DeferredAttribute):
    """Decrypts on first access and keeps the clear value on the instance only."""

    field: "EncryptedField"

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            value = self.field.decrypt(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.TextField[Any, Any]):
    """Base of the encrypted fields: subclasses say how a value becomes bytes and back."""

    descriptor_class = EncryptedAttribute

    def __init__(self, *args: Any, key_owner: str = "organization_id", **kwargs: Any) -> None:
        # The attribute of the row that names the organization whose key seals the value: its
        # own organization, or for a shared record the one it is shared with (core/sharing.py).
        self.key_owner = key_owner
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.key_owner != "organization_id":
            kwargs["key_owner"] = self.key_owner
        return name, path, args, kwargs

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:
        raise NotImplementedError

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return None if value is None else Ciphertext(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Ciphertext):
            return value.token
        if isinstance(value, str) and value.startswith(PREFIX + "."):
            return value
        raise TypeError(
            "Encrypted fields cannot be queried or updated in bulk; use the blind index."
        )

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = getattr(model_instance, self.attname)
        if value in (None, "", [], {}):
            return None
        return self.encrypt(model_instance, value)

    def encrypt(self, instance: models.Model, value: Any) -> str:
        key = keys.active_key(getattr(instance, self.key_owner), for_write=True)
        context = _associated_data(instance, self)
        blob = crypto.seal(key.material, self.encode(value), context)
        return f"{PREFIX}.{key.key_id}.{crypto.to_text(blob)}"

    def decrypt(self, instance: models.Model, value: Ciphertext) -> Any:
        prefix, key_id, body = value.token.split(".", 2)
        if prefix != PREFIX:
            raise crypto.DecryptionError("Unknown ciphertext format.")
        key = keys.key_by_id(key_id)
        if key.organization_id != getattr(instance, self.key_owner):
            raise crypto.DecryptionError("The value belongs to another organization.")
        context = _associated_data(instance, self)
        data = crypto.unseal(key.material, crypto.from_text(body), context)
        return self.decode(data)


class EncryptedTextField(EncryptedField):
    def encode(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def decode(self, data: bytes) -> str:
        return data.decode("utf-8")


class EncryptedDateField(EncryptedField):
    def encode(self, value: Any) -> bytes:
        if not isinstance(value, datetime.date):
            raise TypeError("An encrypted date field takes a date.")
        return value.isoformat().encode()

    def decode(self, data: bytes) -> datetime.date:
        return datetime.date.fromisoformat(data.decode())

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.DateField(required=not self.blank, label=self.verbose_name, **kwargs)


class EncryptedJSONField(EncryptedField):
    def encode(self, value: Any) -> bytes:
        return json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")

    def decode(self, data: bytes) -> Any:
        return json.loads(data)

    def to_python(self, value: Any) -> Any:
        """The value as given (a dict or a list): the text field's check would turn it into
        its `str()` on `clean_fields`."""
        return value


NORMALIZERS: dict[str, Callable[[str], str]] = {"text": fold_text, "identifier": fold_identifier}


def blind_index(
    organization_id: int,
    table: str,
    source: str,
    value: Any,
    normalizer: str,
    *,
    for_write: bool = False,
) -> str | None:
    """The keyed hash stored for `value` (FOR_WRITE); compute the same for a lookup."""
    normalized = NORMALIZERS[normalizer](str(value)) if value not in (None, "") else ""
    if not normalized:
        return None
    key = keys.active_key(organization_id, for_write=for_write)
    index_key = crypto.derive_key(key.material, f"blind-index:{table}.{source}")
    return crypto.keyed_hash(index_key, normalized)


class BlindIndexField(models.CharField[Any, Any]):
    """Keyed hash (per organization and field) of the normalized value of another field."""

    def __init__(
        self, *args: Any, source: str = "", normalizer: str = "text", **kwargs: Any
    ) -> None:
        self.source = source
        self.normalizer = normalizer
        kwargs.update(max_length=32, null=True, blank=True, editable=False, db_index=True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_length", "null", "blank", "editable", "db_index"):
            kwargs.pop(key, None)
        kwargs["source"] = self.source
        kwargs["normalizer"] = self.normalizer
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = blind_index(
            model_instance.organization_id,  # type: ignore[attr-defined]
            model_instance._meta.db_table,
            self.source,
            getattr(model_instance, self.source),
            self.normalizer,
            for_write=True,
        )
        setattr(model_instance, self.attname, value)
        return value

    def lookup_value(self, organization_id: int, value: Any) -> str | None:
        return blind_index(
            organization_id, self.model._meta.db_table, self.source, value, self.normalizer
        )


def encrypted_fields(model: type[models.Model]) -> list["EncryptedField"]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
