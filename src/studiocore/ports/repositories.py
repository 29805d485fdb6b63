"""Repositories: storage of one entity type each (CRUD and search).

Every adapter (the in-memory one in :mod:`studiocore.adapters.memory`, the SQL
one in ``studiocore_sql``) implements these, and one contract suite
(``tests/contract``) holds them all to the same behaviour:

* ``get``/``find``/``list``/``count`` never return soft-deleted rows unless asked
  (``include_deleted=True`` or ``deleted=Deleted.ONLY``/``INCLUDE``).
* Objects returned are copies: changing one persists nothing until ``update``.
* Lists are ordered by ``uid`` (creation order), shows by ``(show_start, uid)``;
  ``list(order_by=...)`` sorts by plain fields first (:func:`sort_keys`).
* A reference to a missing row (``studio_uid`` of a room, ...) or an unknown
  lookup name (``show_type``, ...) is refused with ``ValidationError`` naming
  the field, on every adapter.
* Writes become visible to other units of work only on commit.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from types import UnionType
from typing import Protocol, TypeVar

import attrs

from studiocore.entities import Audit, Entity, Show, WebhookDelivery
from studiocore.errors import ValidationError
from studiocore.lookups import ShowStatus
from studiocore.permissions import Visibility

__all__ = [
    "APPEND_ONLY",
    "AuditLog",
    "Contains",
    "Deleted",
    "ReadOnlyError",
    "Repository",
    "ShowQuery",
    "ShowRepository",
    "Since",
    "WebhookOutbox",
    "Where",
    "sort_keys",
    "sortable_fields",
]

E = TypeVar("E", bound=Entity)


class ReadOnlyError(RuntimeError):
    """A write was attempted in a read-only unit of work (a programming error)."""


class Deleted(enum.Enum):
    """Which rows a read sees with respect to soft deletion."""

    EXCLUDE = "exclude"
    """Live rows only (the default)."""
    INCLUDE = "include"
    """Live and soft-deleted rows."""
    ONLY = "only"
    """Soft-deleted rows only."""


Where = Mapping[str, object]
"""Equality filters on entity field names. A value that is a ``frozenset``,
``set``, ``list`` or ``tuple`` means "any of these"; ``None`` means IS NULL;
a :class:`Contains` means "holds this text"; a :class:`Since` bounds a
time field (``start <= value < end``)."""


@attrs.frozen
class Contains:
    """A :data:`Where` value: the text field holds ``text``, ignoring case
    (``{"name": Contains("glow")}``, a search by name)."""

    text: str


@attrs.frozen
class Since:
    """A :data:`Where` value: the time field lies in ``[start, end)`` (either
    bound may be ``None``: open on that side). ``{"created_at": Since(t0, t1)}``."""

    start: datetime | None = None
    end: datetime | None = None


_SORTABLE_TYPES = (str, int, float, bool, datetime, date, enum.Enum)


def _plain(hint: object) -> bool:
    """Whether a field annotated ``hint`` holds one plain, ordered value."""
    if typing.get_origin(hint) in {typing.Union, UnionType}:
        return all(_plain(a) for a in typing.get_args(hint) if a is not type(None))
    return isinstance(hint, type) and issubclass(hint, _SORTABLE_TYPES)


_SORTABLE: dict[type[Entity], frozenset[str]] = {}


def sortable_fields(cls: type[Entity]) -> frozenset[str]:
    """The fields of ``cls`` a list may be sorted by: its plain values (text,
    numbers, flags, times, enums), not references (``*_uid``, sorted by what
    they name only by joining), lookups, the show status or JSON fields.
    Computed once per class (every list asks; reading type hints is slow)."""
    found = _SORTABLE.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        special = {*cls.REFERENCES, *cls.LOOKUPS, cls.STATUS_FIELD}
        found = frozenset(
            a.name for a in attrs.fields(cls) if a.name not in special and _plain(hints[a.name])
        )
        _SORTABLE[cls] = found
    return found


def sort_keys(cls: type[Entity], order_by: Sequence[str]) -> list[tuple[str, bool]]:
    """``order_by`` (field names, ``-name`` for descending) as ``(field,
    descending)`` pairs, or a ``ValidationError`` naming ``order_by``.

    Every adapter sorts the same way: text ignoring case, a missing value
    (``None``) after every other (before them when descending), and ``uid``
    last to break ties.

    >>> from studiocore.entities import Client
    >>> sort_keys(Client, ["-name", "created_at"])
    [('name', True), ('created_at', False)]
    """
    allowed = sortable_fields(cls)
    keys = []
    for item in order_by:
        name = item.removeprefix("-")
        if name not in allowed:
            reason = f"{cls.__name__} cannot be sorted by {name!r}; it can by: " + ", ".join(
                sorted(allowed)
            )
            raise ValidationError("order_by", reason)
        keys.append((name, item.startswith("-")))
    return keys


class Repository(Protocol[E]):
    """Storage of one entity type."""

    def add(self, entity: E) -> None:
        """Insert a new entity. A duplicate ``uid`` raises ``ConflictError``; a
        reference to a missing row or an unknown lookup name raises
        ``ValidationError`` naming the field."""
        ...

    def add_many(self, entities: Sequence[E]) -> None:
        """:meth:`add` of each of ``entities``, set-based where the adapter can
        (one statement on SQL). On an error nothing of them may be kept: the
        unit of work is to roll back."""
        ...

    def update(self, entity: E) -> None:
        """Replace the stored entity with the same ``uid`` (deleted or not).
        An unknown ``uid`` raises ``NotFoundError``; references are checked as
        in :meth:`add`."""
        ...

    def get(self, uid: str, *, include_deleted: bool = False) -> E:
        """The entity, or ``NotFoundError``."""
        ...

    def find(self, uid: str, *, include_deleted: bool = False) -> E | None:
        """The entity, or ``None``."""
        ...

    def get_many(self, uids: Collection[str]) -> dict[str, E]:
        """The live entities among ``uids``, keyed by uid (missing ones absent)."""
        ...

    def list(
        self,
        *,
        where: Where | None = None,
        deleted: Deleted = Deleted.EXCLUDE,
        limit: int | None = None,
        offset: int = 0,
        visible: Visibility | None = None,
        order_by: Sequence[str] = (),
    ) -> list[E]:
        """Entities matching ``where`` (and, if given, ``visible``: see
        :class:`~studiocore.permissions.Visibility`), sorted by ``order_by``
        (:func:`sort_keys`) and then by uid. An unknown field name in ``where``
        or ``order_by`` raises ``ValidationError``."""
        ...

    def count(
        self,
        *,
        where: Where | None = None,
        deleted: Deleted = Deleted.EXCLUDE,
        visible: Visibility | None = None,
    ) -> int:
        """How many entities ``list`` would return without limit/offset."""
        ...

    def purge(self, *, where: Where) -> int:
        """Remove for good the entities, live or soft-deleted, matching ``where``
        (set-based), and say how many: for records kept only for a while (read
        notifications, finished webhook deliveries), where a soft delete would
        keep the rows. One that another record references is refused with
        ``ConflictError`` and nothing is removed (the unit of work rolls back)."""
        ...


APPEND_ONLY = "the audit trail is append-only: an entry is never changed or deleted"
"""Why :meth:`AuditLog.update` refuses (a ``PermissionDeniedError``)."""


class AuditLog(Repository[Audit], Protocol):
    """The audit trail: append-only. ``update`` (and with it a soft delete)
    raises ``PermissionDeniedError``; on PostgreSQL and SQLite a trigger also
    refuses any ``UPDATE`` or ``DELETE`` of the table, whoever runs it."""

    def add_many(self, entries: Sequence[Audit]) -> None:
        """Append every entry (as :meth:`add` would, one after the other), all
        or nothing."""
        ...

    def add_copies(self, entry: Audit, recordable_uids: Sequence[str]) -> None:
        """Append one copy of ``entry`` per uid in ``recordable_uids``: the same
        change on many records (a promotion's status changes), each copy with
        that ``recordable_uid`` and a fresh uid of its own."""
        ...


@attrs.frozen(kw_only=True)
class ShowQuery:
    """Filters for listing shows; ``None`` means "any". ``start_from``/``start_to``
    bound ``show_start`` as ``start_from <= show_start < start_to``."""

    studio_uid: str | None = None
    studio_room_uid: str | None = None
    client_uid: str | None = None
    schedule_uid: str | None = None
    status: ShowStatus | None = None
    start_from: datetime | None = None
    start_to: datetime | None = None
    visible: Visibility | None = None
    """Only the shows visible to an actor (``None``: all)."""
    mc_uid: str | None = None
    """Only the shows this MC hosts (a live link)."""
    ends_after: datetime | None = None
    """Only the shows still running after this instant (``show_end > ends_after``):
    with ``start_to``, the shows overlapping a window."""


class ShowRepository(Repository[Show], Protocol):
    """Shows: CRUD, search, and the set-based status change of a promotion."""

    def search(self, query: ShowQuery, *, limit: int | None = None, offset: int = 0) -> list[Show]:
        """Live shows matching ``query``, ordered by ``(show_start, uid)``."""
        ...

    def search_count(self, query: ShowQuery) -> int:
        """How many live shows match ``query``."""
        ...

    def search_page(
        self, query: ShowQuery, *, limit: int, offset: int = 0
    ) -> tuple[list[Show], int]:
        """:meth:`search`'s page and :meth:`search_count`'s total together (an
        adapter may fetch both in one round trip to its database)."""
        ...

    def set_status(
        self, uids: Collection[str], status: ShowStatus, *, expected: ShowStatus, at: datetime
    ) -> int:
        """Set ``show_status`` of the live shows in ``uids`` that are in ``expected``
        status; ``updated_at`` becomes ``at``. Returns how many changed. A room or
        MC double booking this would make is refused with ``ConflictError``
        (where the storage enforces it) and nothing changes."""
        ...


class WebhookOutbox(Repository[WebhookDelivery], Protocol):
    """The webhook outbox: deliveries queued in the transaction of a change,
    claimed by workers with a lease."""

    def claim(self, *, now: datetime, lease_until: datetime, limit: int) -> list[WebhookDelivery]:
        """Up to ``limit`` pending deliveries due at ``now`` (``next_attempt_at
        <= now``) and not leased (``locked_until`` empty or past), oldest due
        first, leased until ``lease_until`` (returned with it). Concurrent
        workers never claim the same row while its lease holds (PostgreSQL:
        ``FOR UPDATE SKIP LOCKED``; SQLite and in memory: the unit of work
        holds the write lock)."""
        ...
