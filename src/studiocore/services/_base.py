"""Shared machinery of the application services (internal)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar, cast

import attrs

from studiocore.entities import Entity, LookupEntry, User
from studiocore.errors import ConflictError, NotFoundError, ValidationError
from studiocore.ids import new_uid
from studiocore.permissions import SYSTEM, Actor, Grant, Grants, Visibility
from studiocore.ports import Deleted, Repository, UnitOfWork, Where, repository_for

from ._pipeline import ServiceContext, Work, reads, writes

__all__ = [
    "BASE_FIELDS",
    "CrudService",
    "LookupService",
    "Page",
    "Service",
    "Work",
    "build",
    "check_paging",
    "reads",
    "require",
    "require_lookup",
    "writes",
]

Listing = tuple[Where | None, Visibility | None] | None
"""What a list reads (see :meth:`CrudService._listing`)."""

E = TypeVar("E", bound=Entity)

BASE_FIELDS = frozenset({"uid", "created_at", "updated_at", "deleted_at"})
MAX_PAGE = 500


@attrs.frozen(kw_only=True)
class Page(Generic[E]):
    """One page of a listing: ``items`` plus the ``total`` matching rows."""

    items: list[E]
    total: int
    limit: int
    offset: int


def page_of(items: list[E], limit: int, offset: int, count: Callable[[], int]) -> Page[E]:
    """The page of ``items`` (what ``limit`` and ``offset`` selected) with the
    total: calls ``count`` only when the page cannot tell it. A page shorter
    than ``limit`` ends the list, so unless it is empty past the first page
    (an offset beyond the end) the total is ``offset`` plus its length."""
    short = len(items) < limit and (bool(items) or offset == 0)
    total = offset + len(items) if short else count()
    return Page(items=items, total=total, limit=limit, offset=offset)


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


class Service:
    """Base of every service: the context its use cases run in.

    Public methods are use cases marked ``@reads`` or ``@writes`` (see
    :mod:`._pipeline`): they receive a :class:`Work` after the actor's access
    was checked, and what they write is audited when they end. ``resource``
    names the table a service is about, in the access policy's vocabulary.
    """

    resource: ClassVar[str] = ""

    def __init__(self, ctx: ServiceContext) -> None:
        self.context = ctx

    def _now(self) -> datetime:
        return self.context.clock.now()


def require(repo: Repository[Any], uid: object, field: str, entity: str) -> Any:
    """The live entity ``uid`` referenced by input ``field``, or a
    :class:`ValidationError` naming the field."""
    if not isinstance(uid, str):
        raise ValidationError(field, f"must be a {entity} uid")
    found = repo.find(uid)
    if found is None:
        raise ValidationError(field, f"{entity} {uid!r} does not exist")
    return found


def require_lookup(repo: Repository[Any], name: object, field: str) -> None:
    """Refuse a name that is not a live entry of the lookup table ``repo``."""
    if not isinstance(name, str) or repo.count(where={"name": name}) == 0:
        known = ", ".join(sorted(e.name for e in repo.list()))
        raise ValidationError(field, f"unknown value {name!r}; expected one of: {known}")


class CrudService(Service, Generic[E]):
    """Create / read / update / soft-delete of one entity type.

    Subclasses set ``entity_type`` (their ``resource`` is its table) and add
    rules in ``_validate`` (called on create and on update, inside the unit of
    work) and ``_before_delete``.
    """

    entity_type: ClassVar[type[Entity]]
    read_only_fields: ClassVar[frozenset[str]] = frozenset()
    """Fields that ``update`` refuses (changed through dedicated operations)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "entity_type" in cls.__dict__ and "resource" not in cls.__dict__:
            cls.resource = cls.entity_type.TABLE

    def _repo(self, uow: UnitOfWork) -> Repository[E]:
        return cast(Repository[E], repository_for(uow, self.entity_type))

    # -- reads ----------------------------------------------------------------------

    @reads
    def get(
        self, work: Work, uid: str, *, include_deleted: bool = False, actor: Actor = SYSTEM
    ) -> E:
        """The record ``uid`` (soft-deleted ones only with ``include_deleted``)."""
        return cast(E, work.load(self.entity_type, uid, include_deleted=include_deleted))

    @reads
    def list(
        self,
        work: Work,
        *,
        where: Where | None = None,
        deleted: Deleted = Deleted.EXCLUDE,
        limit: int | None = None,
        offset: int = 0,
        order_by: Sequence[str] = (),
        actor: Actor = SYSTEM,
    ) -> list[E]:
        """Records matching ``where`` (equality filters) that the actor may see,
        sorted by ``order_by`` (field names, ``-name`` descending; see
        :func:`~studiocore.ports.sort_keys`), then by uid."""
        work.check_filters(where, order_by)
        listing = self._listing(work, where)
        if listing is None:
            return []
        where, visible = listing
        found = self._repo(work).list(
            where=where,
            deleted=deleted,
            limit=limit,
            offset=offset,
            visible=visible,
            order_by=order_by,
        )
        return [self._listed(e) for e in found]

    @reads
    def page(
        self,
        work: Work,
        *,
        where: Where | None = None,
        limit: int = 50,
        offset: int = 0,
        deleted: Deleted = Deleted.EXCLUDE,
        order_by: Sequence[str] = (),
        actor: Actor = SYSTEM,
    ) -> Page[E]:
        """One page of the records the actor may see, sorted as :meth:`list`
        sorts, plus their total count (limit 1..500)."""
        check_paging(limit, offset)
        work.check_filters(where, order_by)
        listing = self._listing(work, where)
        if listing is None:
            return Page(items=[], total=0, limit=limit, offset=offset)
        where, visible = listing
        repo = self._repo(work)
        found = repo.list(
            where=where,
            deleted=deleted,
            visible=visible,
            limit=limit,
            offset=offset,
            order_by=order_by,
        )
        return page_of(
            [self._listed(e) for e in found],
            limit,
            offset,
            lambda: repo.count(where=where, deleted=deleted, visible=visible),
        )

    def _listing(
        self, work: Work, where: Where | None
    ) -> tuple[Where | None, Visibility | None] | None:
        """What :meth:`list` and :meth:`page` read: the filters and the
        visibility (``None``: nothing, for a list the actor may see none of).
        By default ``where`` and what the policy lets the actor see; a service
        whose lists the policy cannot say (one's own records) narrows here."""
        return where, work.visibility()

    def _listed(self, entity: E) -> E:
        """A record as :meth:`list` and :meth:`page` return it (a service that
        withholds a field from every list does so here)."""
        return entity

    @reads
    def permitted(
        self, work: Work, uid: str, use_cases: Collection[str], *, actor: Actor = SYSTEM
    ) -> frozenset[str]:
        """Which of ``use_cases`` (method names of this service, such as
        ``"approve"``) the access policy lets the actor run on record ``uid``
        as it stands, for an interface that offers only what its user may do.
        A use case's own rules (a status, a conflict) still decide when it runs;
        an unknown or unreadable ``uid`` is a :class:`NotFoundError`.

        ``update`` is permitted when the actor may change some field of it.

        >>> from studiocore import Actor, Services
        >>> services = Services.in_memory()
        >>> studio = services.studios.create("Main")
        >>> sorted(services.studios.permitted(studio.uid, ["update", "delete"]))
        ['delete', 'update']
        >>> guest = Actor(user_uid="usr_guest")
        >>> services.studios.permitted(studio.uid, ["update"], actor=guest)
        frozenset()
        """
        record = work.load(self.entity_type, uid, include_deleted=True)  # restore: a deleted one
        return frozenset(name for name in use_cases if work.may(record, name))

    # -- writes ---------------------------------------------------------------------

    def _add(self, work: Work, fields: Mapping[str, Any]) -> E:
        """Build, validate and add a new record (for the ``create`` use cases)."""
        entity: E = build(self.entity_type, fields, self._now())  # type: ignore[assignment]
        self._validate(work, entity, None)
        self._repo(work).add(entity)
        return entity

    @writes
    def update(
        self, work: Work, uid: str, changes: Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> E:
        """Change some fields of ``uid``; unknown or read-only fields are a
        :class:`ValidationError` naming the field."""
        return self._update(work, uid, changes)

    def _update(self, work: Work, uid: str, changes: Mapping[str, Any]) -> E:
        known = {a.name for a in attrs.fields(self.entity_type)}
        for name in changes:
            if name not in known:
                raise ValidationError(name, f"unknown field for {self.entity_type.TABLE}")
            if name in BASE_FIELDS or name in self.read_only_fields:
                raise ValidationError(name, "cannot be changed with update")
        old: E = work.load(self.entity_type, uid)  # type: ignore[assignment]
        new = attrs.evolve(old, **changes, updated_at=self._now())
        work.authorize(old, after=new)  # before the rules: their answers may name hidden records
        self._validate(work, new, old)
        self._repo(work).update(new)
        return new

    @writes
    def delete(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> None:
        """Soft-delete ``uid``: hidden from normal reads, kept for history."""
        old: E = work.load(self.entity_type, uid)  # type: ignore[assignment]
        now = self._now()
        gone = attrs.evolve(old, deleted_at=now, updated_at=now)
        work.authorize(old, after=gone)  # before the rules: their answers may name hidden records
        self._before_delete(work, old)
        self._repo(work).update(gone)

    @writes
    def restore(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> E:
        """Undo a soft delete (the record must not break a rule meanwhile)."""
        old: E = work.load(self.entity_type, uid, include_deleted=True)  # type: ignore[assignment]
        if old.deleted_at is None:
            return old
        new = attrs.evolve(old, deleted_at=None, updated_at=self._now())
        self._validate(work, new, None)
        self._repo(work).update(new)
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

    protected: frozenset[str] = frozenset()

    def __init__(
        self, ctx: ServiceContext, entity_type: type[LookupEntry], protected: frozenset[str]
    ) -> None:
        super().__init__(ctx)
        self.entity_type = entity_type  # type: ignore[misc]
        self.resource = entity_type.TABLE  # type: ignore[misc]
        self.protected = protected

    @writes
    def create(
        self,
        work: Work,
        name: str,
        *,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> LookupEntry:
        """Add a value to the table."""
        return self._add(
            work, {"name": name, "description": description, "metadata": metadata or {}}
        )

    @reads
    def by_name(self, work: Work, name: str, *, actor: Actor = SYSTEM) -> LookupEntry:
        """The live entry called ``name``."""
        found = self._repo(work).list(where={"name": name})
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


def actor_for(uow: UnitOfWork, user: User) -> Actor:
    """The :class:`Actor` of ``user``: their system role, and the grants of
    their memberships and MC profiles, as read in ``uow``."""
    memberships = uow.memberships.list(where={"user_uid": user.uid})
    mcs = uow.mcs.list(where={"user_uid": user.uid})
    return Actor(
        user_uid=user.uid,
        role=user.role,
        is_banned=user.is_banned,
        grants=Grants(
            memberships=frozenset(Grant(m.group_type, m.group_uid, m.role) for m in memberships),
            mc_uids=frozenset(m.uid for m in mcs),
        ),
    )
