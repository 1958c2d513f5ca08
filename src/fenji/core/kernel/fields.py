"""Model fields for personal data at rest: an SM4-GCM encrypted column and its keyed SM3 blind index.

``EncryptedTextField`` stores ``crypto.encrypt(value)`` and gives the plaintext back on load, so the
code above reads and assigns plain strings. Its companion ``BlindIndexField(source=…)`` is recomputed
from the plaintext whenever the row is saved (models also inherit ``BlindIndexed`` so that
``save(update_fields=["mobile"])`` writes ``mobile_hash`` with it); uniqueness is a constraint on the
hash column, so the database still refuses duplicates.

Lookups on an encrypted column: ``field=value`` becomes ``field_hash = blind_index(value)`` (exact
match only — values must be normalized the way they were stored), ``field=None`` / ``__isnull`` work
as usual, and anything else (``__startswith``, ``__in``, ``__contains``…) raises ``FieldError``: a
prefix search over ciphertext cannot be answered and must not silently find nothing. Bulk
``QuerySet.update()`` / ``bulk_update()`` of an encrypted column do not maintain the hash: go through
``save()``.

``normalise=text.NUMBER`` folds the value (``text.normalise_number``: NFKC, no whitespace) before it is
encrypted, hashed or looked up, so ``１３９…`` and ``139…`` cannot be two rows. The validators
normalise first anyway; this keeps a code path that forgot from writing a second spelling.
"""

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from . import crypto
from .text import NORMALISERS

HASH_LENGTH = 64  # HMAC-SM3, hex


class BlindIndexExact(Exact):
    """``encrypted = value`` compiled as ``companion_hash = blind_index(value)``."""

    def __init__(self, lhs, rhs):
        if rhs is not None:
            field = getattr(lhs, "target", None)
            companion = getattr(field, "blind_index", None)
            if not companion or not hasattr(lhs, "alias"):
                raise FieldError(f"加密字段 {getattr(field, 'name', lhs)} 没有盲索引列，不能按值查询")
            if hasattr(rhs, "resolve_expression"):
                raise FieldError(f"加密字段 {field.name} 只能与具体的值比较")
            lhs = field.model._meta.get_field(companion).get_col(lhs.alias)
            rhs = crypto.blind_index(field.normalised(str(rhs)))
        super().__init__(lhs, rhs)


class EncryptedTextField(models.TextField):
    """Text encrypted with SM4-GCM in the database (``v<key id>:<base64>``), plain in Python.

    ``blind_index`` names the model's ``BlindIndexField`` for this column, which exact lookups use.
    ``None`` and ``""`` are stored as they are (an empty value reveals nothing but its emptiness).
    """

    description = "SM4-GCM encrypted text"
    # the normalisation changes no column: altering it must not rebuild a table (SQLite)
    non_db_attrs = (*models.TextField.non_db_attrs, "normalise")

    def __init__(self, *args, blind_index: str | None = None, normalise: str | None = None, **kwargs):
        if normalise is not None and normalise not in NORMALISERS:
            raise ValueError(f"unknown normalisation {normalise!r}")
        self.blind_index = blind_index
        self.normalise = normalise
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        if self.normalise:
            kwargs["normalise"] = self.normalise
        return name, path, args, kwargs

    def normalised(self, value):
        """``value`` as this column stores it (unchanged without ``normalise``, and for ``None``/``""``)."""
        if not self.normalise or value is None or value == "":
            return value
        return NORMALISERS[self.normalise](value)

    def pre_save(self, model_instance, add):
        value = self.normalised(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return crypto.decrypt(value)
        except crypto.DecryptionFailed as error:
            raise type(error)(f"{self.model._meta.db_table}.{self.column}: {error}") from None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return BlindIndexExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, name):
        return None


class BlindIndexField(models.CharField):
    """``HMAC-SM3(index key, source value)`` in hex, recomputed from ``source`` on every save."""

    description = "keyed SM3 hash of an encrypted column"

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", HASH_LENGTH)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if kwargs.get("max_length") == HASH_LENGTH:
            del kwargs["max_length"]
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        source = model_instance._meta.get_field(self.source)
        value = getattr(model_instance, source.attname)
        if isinstance(source, EncryptedTextField):
            value = source.normalised(value)
        digest = crypto.blind_index(value) if value else None
        setattr(model_instance, self.attname, digest)
        return digest


def blind_index_fields(model) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
