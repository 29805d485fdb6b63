"""Secrets at rest: the values of a platform's ``api_config``, encrypted with Fernet.

A :class:`SecretBox` holds one or more Fernet keys (:class:`~cryptography.fernet.MultiFernet`:
the first key encrypts, every key decrypts). :meth:`SecretBox.seal` turns each
*value* of a JSON object into an envelope and leaves the keys readable, so an
admin looking at the table sees which settings exist but none of their values::

    {"api_key": "sk_live_..."}  ->  {"api_key": {"$fernet": "gAAAAAB..."}}

The token encrypts the value's JSON text, so any JSON value (a number, a list,
a nested object) comes back as it went in. :meth:`SecretBox.open` reverses it;
a value that is not an envelope is taken as clear text written before
encryption existed (``studiocore keys rotate`` encrypts those). A box without
keys seals nothing: storing a non-empty object is a :class:`ValidationError` on
the field, since writing secrets in clear is what this module prevents.
See docs/persistence.md, "Secrets at rest".

>>> box = SecretBox([SecretBox.generate_key()])
>>> sealed = box.seal({"api_key": "sk_live_1"})
>>> list(sealed), list(sealed["api_key"])
(['api_key'], ['$fernet'])
>>> box.open(sealed, "platform_x")
{'api_key': 'sk_live_1'}
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from studiocore.errors import UnavailableError, ValidationError

__all__ = [
    "ENVELOPE",
    "SECRET_FIELDS",
    "SECRET_KEYS_ENV_VAR",
    "SecretBox",
    "UndecryptableSecretError",
    "secret_keys_from_env",
]

ENVELOPE = "$fernet"
"""The one key of an encrypted value's envelope; its value is the Fernet token."""

SECRET_KEYS_ENV_VAR = "STUDIOCORE_SECRET_KEYS"

SECRET_FIELDS: Mapping[str, str] = {"platforms": "api_config"}
"""The field holding secrets, by table: stored sealed in that table and in the
old and new values of the audit entries of its records."""

_HOW_TO_SET = (
    f"set {SECRET_KEYS_ENV_VAR} to a Fernet key, which `studiocore keys generate` makes, "
    "or pass SqlDatabase(secret_keys=[...])"
)


class UndecryptableSecretError(UnavailableError):
    """A stored secret cannot be decrypted with the configured keys (the key
    that encrypted it was removed, or none is configured). The data is intact;
    the server's configuration must give the key back."""

    def __init__(self, record: str, reason: str) -> None:
        super().__init__(f"the api_config of {record} cannot be decrypted: {reason}")
        self.record = record


def secret_keys_from_env(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The comma-separated keys of ``STUDIOCORE_SECRET_KEYS`` (none if unset)."""
    env = os.environ if environ is None else environ
    return tuple(k.strip() for k in env.get(SECRET_KEYS_ENV_VAR, "").split(",") if k.strip())


def is_envelope(value: object) -> bool:
    """Whether a stored value is an encrypted envelope (``{"$fernet": "<token>"}``)."""
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get(ENVELOPE), str)


class SecretBox:
    """Encrypts and decrypts the values of JSON objects with a list of Fernet keys
    (the first one encrypts; all of them decrypt). ``SecretBox(())`` has no key:
    it opens clear values and refuses to seal anything but ``{}``."""

    def __init__(self, keys: Iterable[str | bytes] = ()) -> None:
        fernets: list[Fernet] = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key))
            except (ValueError, TypeError):
                raise ValueError(
                    f"secret key {position} is not a Fernet key (32 url-safe base64-encoded "
                    "bytes; make one with `studiocore keys generate`)"
                ) from None
        self._fernet = MultiFernet(fernets) if fernets else None
        self.key_count = len(fernets)

    def __repr__(self) -> str:
        return f"SecretBox(<{self.key_count} key(s)>)"

    @staticmethod
    def generate_key() -> str:
        """A new random Fernet key, as text."""
        return Fernet.generate_key().decode("ascii")

    @property
    def configured(self) -> bool:
        """Whether at least one key is configured."""
        return self._fernet is not None

    def seal(self, values: Mapping[str, Any], field: str = "api_config") -> dict[str, Any]:
        """``values`` with each value encrypted into an envelope. Without a key a
        non-empty object is a :class:`ValidationError` naming ``field``."""
        if not values:
            return {}
        if self._fernet is None:
            raise ValidationError(
                field,
                "cannot store secrets: no encryption key is configured; " + _HOW_TO_SET,
            )
        encrypt = self._fernet.encrypt
        return {
            name: {ENVELOPE: encrypt(json.dumps(value).encode()).decode("ascii")}
            for name, value in values.items()
        }

    def open(self, stored: Mapping[str, Any], record: str) -> dict[str, Any]:
        """The clear values of a sealed object (clear values pass as they are);
        :class:`UndecryptableSecretError` naming ``record`` if a value cannot be
        decrypted with any configured key."""
        return {name: self._open_value(value, record) for name, value in stored.items()}

    def _open_value(self, value: Any, record: str) -> Any:
        if not is_envelope(value):
            return value
        if self._fernet is None:
            raise UndecryptableSecretError(
                record, "no encryption key is configured; " + _HOW_TO_SET
            )
        try:
            return json.loads(self._fernet.decrypt(value[ENVELOPE].encode()))
        except InvalidToken:
            raise UndecryptableSecretError(
                record,
                f"none of the {self.key_count} configured key(s) encrypted it (was the key "
                f"removed from {SECRET_KEYS_ENV_VAR}? put it back, after the new one)",
            ) from None

    def reseal(self, stored: Mapping[str, Any], record: str) -> dict[str, Any]:
        """``stored`` encrypted anew with the first key (clear values encrypted,
        envelopes decrypted with any key and encrypted again)."""
        return self.seal(self.open(stored, record))

    # -- nested in another object (audit entries' old and new values) --------------------

    def seal_in(self, values: dict[str, Any] | None, field: str) -> dict[str, Any] | None:
        """``values`` with the object under ``field`` (if any) sealed."""
        if not values or not isinstance(values.get(field), dict):
            return values
        return {**values, field: self.seal(values[field], field)}

    def open_in(
        self, values: dict[str, Any] | None, field: str, record: str
    ) -> dict[str, Any] | None:
        """``values`` with the object under ``field`` (if any) opened."""
        if not values or not isinstance(values.get(field), dict):
            return values
        return {**values, field: self.open(values[field], record)}
