"""Shared machinery of the application services (internal)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar, cast

import attrs

from studiocore.entities import Audit, Entity, LookupEntry
from studiocore.errors import ConflictError, NotFoundError, ValidationError
from studiocore.ids import new_uid
from studiocore.permissions import SYSTEM, AccessPolicy, Action, Actor
from studiocore.ports import (
    Deleted,
    ReadingUnitOfWorkFactory,
    Repository,
    UnitOfWork,
    Where,
    repository_for,
)
from studiocore.serialization import to_jsonable
from studiocore.timeslot import Clock

E = TypeVar("E", bound=Entity)

BASE_FIELDS = frozenset({"uid", "created_at", "updated_at", "deleted_at"})
MAX_PAGE = 500


@attrs.frozen
class ServiceContext:
    """What every service needs: units of work, the clock, the access policy."""

    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    policy: AccessPolicy


@attrs.frozen(kw_only=True)
class Page(Generic[E]):
    """One page of a listing: ``items`` plus the ``total`` matching rows."""

    items: list[E]
    total: int
    limit: int
    offset: int


def _int_in(value: object, low: int, high: int | None) -> bool:
    return type(value) is int and value >= low and (high is None or value <= high)


def check_paging(limit: int, offset: int) -> None:
    """Reject page sizes outside 1..500 and negative offsets."""
    if not _int_in(limit, 1, MAX_PAGE):
        raise ValidationError("limit", f"must be an integer from 1 to {MAX_PAGE}")
    if not _int_in(offset, 0, None):
        raise ValidationError("offset", "must be a non-negative integer")


def build(cls: type[E], fields: Mapping[str, Any], now: datetime) -> E:
    """A new entity with a fresh uid and timestamps; unknown fields are a
    :class:`ValidationError` naming the field."""
    known = {a.name for a in attrs.fields(cls)} - BASE_FIELDS
    for name in fields:
        if name not in known:
            raise ValidationError(name, f"unknown field for {cls.TABLE}")
    return cls(uid=new_uid(cls.PREFIX), created_at=now, updated_at=now, **fields)


def diff(old: Entity, new: Entity) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changed fields of ``old`` -> ``new`` as JSON (old values, new values)."""
    before = to_jsonable(old)
    after = to_jsonable(new)
    keys = [k for k in after if before.get(k) != after[k] and k != "updated_at"]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


class Service:
    """Base of every service: units of work, authorization, auditing."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        factory = ctx.uow_factory
        self._reader: Callable[[], UnitOfWork] = (
            factory.reader if isinstance(factory, ReadingUnitOfWorkFactory) else factory
        )
        """A unit of work for a use case that only reads: read-only when the
        factory can make one (see :class:`ReadingUnitOfWorkFactory`)."""

    def _uow(self) -> UnitOfWork:
        return self._ctx.uow_factory()

    def _now(self) -> datetime:
        return self._ctx.clock.now()

    def _authorize(
        self, actor: Actor, action: Action, resource: str, uid: str | None = None
    ) -> None:
        self._ctx.policy.authorize(actor, action, resource, uid)

    def _audit(
        self,
        uow: UnitOfWork,
        actor: Actor,
        action: str,
        record: Entity,
        *,
        old_values: dict[str, Any] | None = None,
        new_values: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._audit_uid(
            uow,
            actor,
            action,
            record.TABLE,
            record.uid,
            old_values=old_values,
            new_values=new_values,
            metadata=metadata,
        )

    def _audit_uid(
        self,
        uow: UnitOfWork,
        actor: Actor,
        action: str,
        table: str,
        uid: str,
        *,
        old_values: dict[str, Any] | None = None,
        new_values: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """:meth:`_audit` for a record known by its table and uid only."""
        now = self._now()
        uow.audits.add(
            Audit(
                uid=new_uid(Audit.PREFIX),
                created_at=now,
                updated_at=now,
                user_uid=actor.user_uid,
                action=action,
                recordable_uid=uid,
                recordable_type=table,
                old_values=old_values,
                new_values=new_values,
                metadata=metadata or {},
            )
        )

    def _require(self, repo: Repository[Any], uid: object, field: str, entity: str) -> Any:
        """The live entity ``uid`` referenced by input ``field``, or a
        :class:`ValidationError` naming the field."""
        if not isinstance(uid, str):
            raise ValidationError(field, f"must be a {entity} uid")
        found = repo.find(uid)
        if found is None:
            raise ValidationError(field, f"{entity} {uid!r} does not exist")
        return found

    def _require_lookup(self, repo: Repository[Any], name: object, field: str) -> None:
        if not isinstance(name, str) or repo.count(where={"name": name}) == 0:
            known = ", ".join(sorted(e.name for e in repo.list()))
            raise ValidationError(field, f"unknown value {name!r}; expected one of: {known}")


class CrudService(Service, Generic[E]):
    """Create / read / update / soft-delete of one entity type, audited.

    Subclasses set ``entity_type`` and ``resource`` and add rules in
    ``_validate`` (called on create and on update, inside the unit of work) and
    ``_before_delete``.
    """

    entity_type: ClassVar[type[Entity]]
    resource: ClassVar[str]
    read_only_fields: ClassVar[frozenset[str]] = frozenset()
    """Fields that ``update`` refuses (changed through dedicated operations)."""

    def _repo(self, uow: UnitOfWork) -> Repository[E]:
        return cast(Repository[E], repository_for(uow, self.entity_type))

    # -- reads ----------------------------------------------------------------------

    def get(self, uid: str, *, include_deleted: bool = False, actor: Actor = SYSTEM) -> E:
        """The record ``uid`` (soft-deleted ones only with ``include_deleted``)."""
        self._authorize(actor, Action.READ, self.resource, uid)
        with self._reader() as uow:
            return self._repo(uow).get(uid, include_deleted=include_deleted)

    def list(
        self,
        *,
        where: Where | None = None,
        deleted: Deleted = Deleted.EXCLUDE,
        limit: int | None = None,
        offset: int = 0,
        actor: Actor = SYSTEM,
    ) -> list[E]:
        """Records matching ``where`` (equality filters), ordered by uid."""
        self._authorize(actor, Action.READ, self.resource)
        with self._reader() as uow:
            return self._repo(uow).list(where=where, deleted=deleted, limit=limit, offset=offset)

    def page(
        self,
        *,
        where: Where | None = None,
        limit: int = 50,
        offset: int = 0,
        deleted: Deleted = Deleted.EXCLUDE,
        actor: Actor = SYSTEM,
    ) -> Page[E]:
        """One page of records plus the total count (limit 1..500)."""
        check_paging(limit, offset)
        self._authorize(actor, Action.READ, self.resource)
        with self._reader() as uow:
            repo = self._repo(uow)
            return Page(
                items=repo.list(where=where, deleted=deleted, limit=limit, offset=offset),
                total=repo.count(where=where, deleted=deleted),
                limit=limit,
                offset=offset,
            )

    # -- writes ---------------------------------------------------------------------

    def _create(self, actor: Actor, fields: Mapping[str, Any]) -> E:
        self._authorize(actor, Action.WRITE, self.resource)
        entity: E = build(self.entity_type, fields, self._now())  # type: ignore[assignment]
        with self._uow() as uow:
            self._validate(uow, entity, None)
            self._repo(uow).add(entity)
            self._audit(uow, actor, "create", entity, new_values=to_jsonable(entity))
        return entity

    def update(self, uid: str, changes: Mapping[str, Any], *, actor: Actor = SYSTEM) -> E:
        """Change some fields of ``uid``; unknown or read-only fields are a
        :class:`ValidationError` naming the field."""
        self._authorize(actor, Action.WRITE, self.resource, uid)
        known = {a.name for a in attrs.fields(self.entity_type)}
        for name in changes:
            if name not in known:
                raise ValidationError(name, f"unknown field for {self.entity_type.TABLE}")
            if name in BASE_FIELDS or name in self.read_only_fields:
                raise ValidationError(name, "cannot be changed with update")
        with self._uow() as uow:
            repo = self._repo(uow)
            old = repo.get(uid)
            new = attrs.evolve(old, **changes, updated_at=self._now())
            self._validate(uow, new, old)
            self._apply_update(uow, old, new, actor)
        return new

    def _apply_update(self, uow: UnitOfWork, old: E, new: E, actor: Actor) -> None:
        before, after = diff(old, new)
        if not after:
            return
        self._repo(uow).update(new)
        self._audit(uow, actor, "update", new, old_values=before, new_values=after)

    def delete(self, uid: str, *, actor: Actor = SYSTEM) -> None:
        """Soft-delete ``uid``: hidden from normal reads, kept for history."""
        self._authorize(actor, Action.WRITE, self.resource, uid)
        with self._uow() as uow:
            repo = self._repo(uow)
            old = repo.get(uid)
            self._before_delete(uow, old)
            now = self._now()
            new = attrs.evolve(old, deleted_at=now, updated_at=now)
            repo.update(new)
            self._audit(
                uow,
                actor,
                "delete",
                new,
                old_values={"deleted_at": None},
                new_values={"deleted_at": now.isoformat()},
            )

    def restore(self, uid: str, *, actor: Actor = SYSTEM) -> E:
        """Undo a soft delete (the record must not break a rule meanwhile)."""
        self._authorize(actor, Action.WRITE, self.resource, uid)
        with self._uow() as uow:
            repo = self._repo(uow)
            old = repo.get(uid, include_deleted=True)
            if old.deleted_at is None:
                return old
            new = attrs.evolve(old, deleted_at=None, updated_at=self._now())
            self._validate(uow, new, None)
            repo.update(new)
            self._audit(
                uow,
                actor,
                "restore",
                new,
                old_values={"deleted_at": old.deleted_at.isoformat()},
                new_values={"deleted_at": None},
            )
            return new

    # -- hooks ----------------------------------------------------------------------

    def _validate(self, uow: UnitOfWork, new: E, old: E | None) -> None:
        """Check references and rules; raise a domain error to refuse."""

    def _before_delete(self, uow: UnitOfWork, entity: E) -> None:
        """Refuse a delete that would orphan live records."""

    def _unique(self, uow: UnitOfWork, entity: E, field: str, where: Where, what: str) -> None:
        clashes = [e for e in self._repo(uow).list(where=where) if e.uid != entity.uid]
        if clashes:
            raise ConflictError(f"{field}: {what} is already used by {clashes[0].uid}")


class LookupService(CrudService[LookupEntry]):
    """CRUD of one lookup table (names are unique among live rows)."""

    resource = "lookup"
    protected: frozenset[str] = frozenset()

    def __init__(
        self, ctx: ServiceContext, entity_type: type[LookupEntry], protected: frozenset[str]
    ) -> None:
        super().__init__(ctx)
        self.entity_type = entity_type  # type: ignore[misc]
        self.resource = entity_type.TABLE  # type: ignore[misc]
        self.protected = protected

    def create(
        self,
        name: str,
        *,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> LookupEntry:
        """Add a value to the table."""
        return self._create(
            actor, {"name": name, "description": description, "metadata": metadata or {}}
        )

    def by_name(self, name: str) -> LookupEntry:
        """The live entry called ``name``."""
        with self._reader() as uow:
            found = self._repo(uow).list(where={"name": name})
        if not found:
            raise NotFoundError(self.entity_type.TABLE, name)
        return found[0]

    def _validate(self, uow: UnitOfWork, new: LookupEntry, old: LookupEntry | None) -> None:
        if old is not None and old.name in self.protected and new.name != old.name:
            raise ValidationError(
                "name", f"{old.name!r} is used by the workflow and cannot be renamed"
            )
        self._unique(uow, new, "name", {"name": new.name}, repr(new.name))

    def _before_delete(self, uow: UnitOfWork, entity: LookupEntry) -> None:
        if entity.name in self.protected:
            raise ValidationError(
                "name", f"{entity.name!r} is used by the workflow and cannot be deleted"
            )
