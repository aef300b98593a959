"""Cache entries that only this deployment could have written, under the key they are read from.

The host → unit cache decides which schema a request works in, and the filing cache what a form asks and what
it costs: whoever can write to the shared cache must not be able to change either. So an entry here is plain
JSON (ids, names, dicts: never an object to unpickle) signed with SECRET_KEY together with the whole key it is
stored under (cache prefix and version included). An entry forged, tampered with, copied from another key or
written by another deployment (another SECRET_KEY) fails its check and reads as a miss: the reader then asks the
database, as after an eviction. Signing cannot stop someone who can read the cache from putting back an entry
this deployment wrote earlier under the same key, nor from deleting entries: hence one cache per deployment
(docs/operations.md).
"""

import datetime as dt
import json

from django.core import signing
from django.core.cache import caches
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile

_NOT_FOUND = object()


class SignedCache:
    """The few cache methods the platform's trusted caches use, on the cache `alias`, with signed entries."""

    def __init__(self, alias: str):
        self.alias = alias

    @property
    def _cache(self):
        return caches[self.alias]  # per thread, as Django keeps them

    @property
    def _signer(self) -> signing.Signer:
        return signing.Signer(salt=f"ratusz.signed-cache.{self.alias}")  # SECRET_KEY as it is now

    def _seal(self, key: str, version: int, value) -> str:
        bound = [self._cache.make_and_validate_key(key, version=version), value]
        return self._signer.sign(json.dumps(bound, cls=DjangoJSONEncoder, separators=(",", ":")))

    def _open(self, key: str, version: int, stored):
        if not isinstance(stored, str):
            return _NOT_FOUND
        try:
            bound_key, value = json.loads(self._signer.unsign(stored))
        except (signing.BadSignature, ValueError, TypeError):
            return _NOT_FOUND
        if bound_key != self._cache.make_and_validate_key(key, version=version):
            return _NOT_FOUND
        return value

    def get(self, key: str, *, version: int):
        value = self._open(key, version, self._cache.get(key, version=version))
        return None if value is _NOT_FOUND else value

    def get_many(self, keys, *, version: int) -> dict:
        found = self._cache.get_many(keys, version=version)
        opened = {key: self._open(key, version, stored) for key, stored in found.items()}
        return {key: value for key, value in opened.items() if value is not _NOT_FOUND}

    def add(self, key: str, value, timeout, *, version: int) -> bool:
        return self._cache.add(key, self._seal(key, version, value), timeout, version=version)

    def set(self, key: str, value, timeout, *, version: int) -> None:
        self._cache.set(key, self._seal(key, version, value), timeout, version=version)

    def set_many(self, values: dict, timeout, *, version: int) -> None:
        sealed = {key: self._seal(key, version, value) for key, value in values.items()}
        self._cache.set_many(sealed, timeout, version=version)


def row_to_plain(instance: models.Model) -> dict:
    """A model instance's concrete fields as JSON-ready values (dates as ISO text, files by name), for
    `row_from_plain`."""
    plain = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, dt.date | dt.time):
            value = value.isoformat()
        elif isinstance(value, FieldFile):
            value = value.name  # a file's field reads back from its name, as from the database
        plain[field.attname] = value
    return plain


class RowShapeChanged(Exception):
    """A cached row has other fields than its model: written by another release during a rolling deploy."""


def row_from_plain(model: type[models.Model], plain: dict) -> models.Model:
    """The instance `row_to_plain` described, as if read from the database (no query); RowShapeChanged when the
    model's fields are not those the row has."""
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    if set(names) != set(plain):
        raise RowShapeChanged(model._meta.label)
    return model.from_db("default", names, [field.to_python(plain[field.attname]) for field in fields])
