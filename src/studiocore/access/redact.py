"""What a reader is shown: records with the fields they may not see withheld.

Every use case's result passes through :func:`redact` before it leaves the
pipeline (:mod:`studiocore.services._pipeline`), whatever its shape: a record, a
list or page of them, or a result object holding some. Two kinds of fields are
withheld:

* **Secrets.** A platform's ``api_config`` values are write-only: every reader
  but the in-process ``SYSTEM`` actor (the code that calls the platform) gets
  them masked (:data:`SECRET_MASK`), system admins included. The same goes for
  the values in the audit entries of platforms.
* **Private fields**, as the policy says (:meth:`FieldPolicy.hidden_fields`):
  under the membership policy, a user's e-mail address and identity-provider id
  only for that user and system admins; an MC's user link for that user, studio
  admins and system admins; the keys of ``api_config`` for the platform's admins
  and system admins. A withheld field reads ``None`` (``api_config``: ``{}``);
  audit entries of the record withhold the same fields in their old and new
  values.

A redacted record is for display: it is not valid input (its e-mail is
``None``) and services never write records they were handed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol, TypeVar, runtime_checkable

import attrs

from studiocore.entities import Audit, Entity, Platform
from studiocore.permissions import AccessRequest, Actor

__all__ = ["SECRET_MASK", "FieldPolicy", "mask_secrets", "redact", "withheld"]

E = TypeVar("E", bound=Entity)
T = TypeVar("T")

SECRET_MASK = "********"
"""What a secret value reads as once written."""

_SECRET_FIELDS = {Platform.TABLE: "api_config"}
_EMPTY: dict[str, Callable[[], object]] = {"api_config": dict}


@runtime_checkable
class FieldPolicy(Protocol):
    """An access policy that also withholds some fields of records a reader
    may otherwise see."""

    def hidden_fields(self, request: AccessRequest) -> Collection[str]:
        """The fields of ``request.target`` that ``request.actor`` may not see."""
        ...

    def private_fields(self, actor: Actor, resource: str) -> Collection[str]:
        """The fields of ``resource`` that some records withhold from ``actor``:
        a list may not be filtered by them (that would tell their values)."""
        ...


def mask_secrets(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` with every value masked (the keys say what is configured)."""
    return dict.fromkeys(config, SECRET_MASK)


def withheld(entity: E, values: Mapping[str, object]) -> E:
    """A copy of ``entity`` with some fields replaced, without validation (a
    withheld e-mail address is ``None``): for display only."""
    cls = type(entity)
    copy = object.__new__(cls)
    for field in attrs.fields(cls):
        name = field.name
        object.__setattr__(copy, name, values[name] if name in values else getattr(entity, name))
    return copy


HiddenOf = Callable[[Entity], Collection[str]]
"""The fields of a record its reader may not see."""


def _without(values: dict[str, Any] | None, hidden: Collection[str], table: str) -> Any:
    if not values:
        return values
    secret = _SECRET_FIELDS.get(table)
    out = {k: v for k, v in values.items() if k not in hidden or k == secret}
    for name in hidden:
        if name in values:
            out[name] = _EMPTY.get(name, lambda: None)()
    if secret is not None and secret not in hidden and isinstance(out.get(secret), Mapping):
        out[secret] = mask_secrets(out[secret])
    return out


class _Redactor:
    def __init__(self, hidden_of: HiddenOf, fetch: Callable[[str], Entity | None]) -> None:
        self.hidden_of = hidden_of
        self.fetch = fetch

    def entity(self, entity: Entity) -> Entity:
        if isinstance(entity, Audit):
            return self.audit(entity)
        table = entity.TABLE
        secret = _SECRET_FIELDS.get(table)
        hidden = self.hidden_of(entity)
        if not hidden and secret is None:
            return entity
        values: dict[str, object] = {name: _EMPTY.get(name, lambda: None)() for name in hidden}
        if secret is not None and secret not in hidden:
            values[secret] = mask_secrets(getattr(entity, secret))
        return withheld(entity, values)

    def audit(self, entry: Audit) -> Audit:
        table = entry.recordable_type
        secret = _SECRET_FIELDS.get(table)
        record = self.fetch(entry.recordable_uid)
        hidden = self.hidden_of(record) if record is not None else ()
        if not hidden and secret is None:
            return entry
        return withheld(
            entry,
            {
                "old_values": _without(entry.old_values, hidden, table),
                "new_values": _without(entry.new_values, hidden, table),
            },
        )

    def walk(self, value: Any) -> Any:
        if isinstance(value, Entity):
            return self.entity(value)
        if isinstance(value, list):
            items = [self.walk(v) for v in value]
            same = all(a is b for a, b in zip(items, value, strict=True))
            return value if same else items
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            items = [self.walk(v) for v in value]
            same = all(a is b for a, b in zip(items, value, strict=True))
            return value if same else tuple(items)
        if isinstance(value, dict):
            new = {k: self.walk(v) for k, v in value.items()}
            same = all(new[k] is v for k, v in value.items())
            return value if same else new
        if attrs.has(type(value)):
            changes: dict[str, Any] = {}
            for field in attrs.fields(type(value)):
                if not field.init:
                    continue
                old = getattr(value, field.name)
                new = self.walk(old)
                if new is not old:
                    changes[field.alias] = new
            return attrs.evolve(value, **changes) if changes else value
        return value


def redact(result: T, hidden_of: HiddenOf, fetch: Callable[[str], Entity | None]) -> T:
    """``result`` with the withheld fields of every record in it replaced
    (see the module docstring); ``hidden_of`` says which fields of a record the
    reader may not see, ``fetch`` finds the record an audit entry is about."""
    shown: T = _Redactor(hidden_of, fetch).walk(result)
    return shown
