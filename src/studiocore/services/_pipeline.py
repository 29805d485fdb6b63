"""The use-case pipeline: how every service call runs (internal).

A service method is a use case, marked ``@reads`` or ``@writes``. Calling it:

1. asks the access policy whether the actor may do this kind of thing at all
   (an :class:`~studiocore.permissions.AccessRequest` without a target);
2. opens a unit of work (read-only for ``@reads`` when the adapter can) and
   hands the method a :class:`Work`: that unit of work, whose repositories
   record every write;
3. the method loads its target with :meth:`Work.load`, which asks the policy
   again with the record and its scope; every record it adds or changes is
   asked about too, before it is written;
4. at the end of a ``@writes`` use case, the domain events its writes amount
   to are published to the subscribers (in the same transaction; what they
   write is recorded as well), then one audit entry per record added, changed
   or deleted is appended in one set-based write, and the unit of work commits.
   Any exception rolls everything back. What must wait for the commit (telling
   live subscribers) is registered with :meth:`Work.after_commit` and runs
   only once the data is there.
5. what the use case returns is shown to the actor as they may see it: secrets
   masked, private fields withheld (:mod:`studiocore.access.redact`).
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Self, TypeVar

import attrs

from studiocore.access.redact import FieldPolicy, redact
from studiocore.access.scope import find_any, scope_of
from studiocore.entities import Entity, Show
from studiocore.errors import NotFoundError, PermissionDeniedError, ValidationError
from studiocore.events import DomainEvent
from studiocore.lookups import ShowStatus
from studiocore.permissions import SYSTEM, AccessPolicy, AccessRequest, Action, Actor, Visibility
from studiocore.ports import (
    ReadingUnitOfWorkFactory,
    Repository,
    ShowQuery,
    UnitOfWork,
    Where,
    repository_for,
)
from studiocore.timeslot import Clock

from ._bus import EventBus, NotificationListener
from ._changes import Change, StatusChange, audit_entries, domain_events

if TYPE_CHECKING:
    from ._base import Service

__all__ = [
    "EventBus",
    "NotificationListener",
    "ServiceContext",
    "Work",
    "reads",
    "reads_about",
    "writes",
]

E = TypeVar("E", bound=Entity)
P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="Service")

log = logging.getLogger("studiocore")
_MAX_ROUNDS = 8


@attrs.frozen
class ServiceContext:
    """What every service needs: units of work, the clock, the access policy,
    the event subscribers."""

    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    policy: AccessPolicy
    events: EventBus = attrs.field(factory=EventBus)
    reader: Callable[[], UnitOfWork] = attrs.field(init=False)
    """Makes a unit of work for a use case that only reads: read-only when the
    factory can make one (see :class:`ReadingUnitOfWorkFactory`)."""

    @reader.default
    def _reader(self) -> Callable[[], UnitOfWork]:
        factory = self.uow_factory
        if isinstance(factory, ReadingUnitOfWorkFactory):
            return factory.reader
        return factory


@attrs.frozen
class _Call:
    """Who runs which use case."""

    ctx: ServiceContext
    actor: Actor
    use_case: str
    resource: str
    action: Action

    def request(
        self,
        uow: UnitOfWork | None = None,
        *,
        target: Entity | None = None,
        target_uid: str | None = None,
        load_target: Callable[[], Entity] | None = None,
        after: Entity | None = None,
    ) -> AccessRequest:
        return AccessRequest(
            actor=self.actor,
            action=self.action,
            use_case=self.use_case,
            resource=self.resource,
            target=target,
            target_uid=target_uid,
            load_target=load_target,
            resolve_scope=None if uow is None else (lambda entity: scope_of(uow, entity)),
            after=after,
            fetch=None if uow is None else (lambda uid: find_any(uow, uid, include_deleted=True)),
        )


class _Tracked(Generic[E]):
    """A repository that asks the policy before each write and records it.

    It remembers the records the use case read, so that a change is recorded
    against what the use case saw (and the adapter's optimistic checks still
    compare with that version)."""

    def __init__(self, inner: Repository[E], work: Work) -> None:
        self._inner = inner
        self._work = work
        self._seen: dict[str, E] = {}

    def _saw(self, entity: E | None) -> E | None:
        if entity is not None:
            self._seen[entity.uid] = entity
        return entity

    def add(self, entity: E) -> None:
        self._work.authorize(entity, after=entity)
        self._inner.add(entity)
        self._seen[entity.uid] = entity
        self._work.changes.append(Change(None, entity))

    def add_many(self, entities: Sequence[E]) -> None:
        for entity in entities:
            self.add(entity)

    def update(self, entity: E) -> None:
        before = self._seen.get(entity.uid)
        if before is None:
            before = self._inner.find(entity.uid, include_deleted=True)
        if before is None:
            self._inner.update(entity)  # raises NotFoundError
            return
        self._work.authorize(before, after=entity)
        self._inner.update(entity)
        self._seen[entity.uid] = entity
        self._work.changes.append(Change(before, entity))

    def get(self, uid: str, *, include_deleted: bool = False) -> E:
        found = self._inner.get(uid, include_deleted=include_deleted)
        self._seen[uid] = found
        return found

    def find(self, uid: str, *, include_deleted: bool = False) -> E | None:
        return self._saw(self._inner.find(uid, include_deleted=include_deleted))

    def get_many(self, uids: Collection[str]) -> dict[str, E]:
        found = self._inner.get_many(uids)
        self._seen.update(found)
        return found

    def list(self, **query: Any) -> list[E]:
        """:meth:`Repository.list`, remembering what was read."""
        found = self._inner.list(**query)
        self._seen.update((e.uid, e) for e in found)
        return found

    def count(self, **query: Any) -> int:
        return self._inner.count(**query)

    def purge(self, *, where: Where) -> int:
        """:meth:`Repository.purge`: maintenance, for the system actor only (no
        rule, change or audit entry per record; what is purged was kept only
        for a while)."""
        if not self._work.actor.is_system:
            raise PermissionDeniedError(
                "only studiocore's maintenance removes records for good", action="delete"
            )
        self._seen.clear()
        return self._inner.purge(where=where)


class _TrackedShows(_Tracked[Show]):
    def __init__(self, work: Work) -> None:
        super().__init__(work.inner.shows, work)
        self._shows = work.inner.shows

    def search(self, query: ShowQuery, *, limit: int | None = None, offset: int = 0) -> list[Show]:
        found = self._shows.search(query, limit=limit, offset=offset)
        self._seen.update((s.uid, s) for s in found)
        return found

    def search_count(self, query: ShowQuery) -> int:
        return self._shows.search_count(query)

    def search_page(
        self, query: ShowQuery, *, limit: int, offset: int = 0
    ) -> tuple[list[Show], int]:
        found, total = self._shows.search_page(query, limit=limit, offset=offset)
        self._seen.update((s.uid, s) for s in found)
        return found, total

    def set_status(
        self, uids: Collection[str], status: ShowStatus, *, expected: ShowStatus, at: datetime
    ) -> int:
        changed = self._shows.set_status(uids, status, expected=expected, at=at)
        for uid in uids:
            self._seen.pop(uid, None)
        self._work.changes.append(StatusChange(tuple(uids), expected, status))
        return changed


class Work(UnitOfWork):
    """The unit of work a use case runs in: every repository of the adapter's
    unit of work, with writes checked by the access policy and recorded for the
    audit trail and the domain events."""

    def __init__(self, inner: UnitOfWork, call: _Call) -> None:
        self.inner = inner
        self.call = call
        self.changes: list[Change | StatusChange] = []
        self.committed: list[Callable[[], None]] = []
        self.emitted: list[DomainEvent] = []
        self._allowed: set[str] = set()
        self.shows = _TrackedShows(self)
        self.audits = inner.audits  # the trail itself is not audited
        self.bookings = inner.bookings
        # every other slot is made when the use case first uses it

    def make_repository(self, entity_type: type[E]) -> Repository[E]:
        return _Tracked(repository_for(self.inner, entity_type), self)

    @property
    def actor(self) -> Actor:
        """Who runs the use case."""
        return self.call.actor

    def visibility(self, resource: str | None = None) -> Visibility | None:
        """What lists of ``resource`` (default: the use case's) show the actor:
        pass it as ``visible=`` to ``list``/``count`` or in a ``ShowQuery``."""
        call = self.call
        return call.ctx.policy.visibility(call.actor, resource or call.resource)

    def check_filters(
        self, where: Mapping[str, object] | None, order_by: Sequence[str] = ()
    ) -> None:
        """Refuse a list filter, or a sort, on a field the actor may not see in
        every record (filtering users by e-mail would confirm a guessed
        address; sorting by it would hint at it)."""
        policy = self.call.ctx.policy
        if not (where or order_by) or self.actor.is_system or not isinstance(policy, FieldPolicy):
            return
        private = policy.private_fields(self.actor, self.call.resource)
        for name in where or ():
            if name in private:
                raise ValidationError(name, "only system admins may filter by this field")
        for name in (item.removeprefix("-") for item in order_by):
            if name in private:
                raise ValidationError("order_by", f"only system admins may sort by {name!r}")

    def now(self) -> datetime:
        """The current time, from the services' clock."""
        return self.call.ctx.clock.now()

    # -- access -----------------------------------------------------------------------

    def authorize(self, target: Entity, *, after: Entity | None = None) -> None:
        """Ask the policy whether the actor may do this use case's action on
        ``target`` (once per record and use case; for a write, ``after`` is the
        record as it would be stored, asked about every time)."""
        if after is None and target.uid in self._allowed:
            return
        self.call.ctx.policy.authorize(self.call.request(self, target=target, after=after))
        if after is None or after is target:
            self._allowed.add(target.uid)

    def may_read(self, record: Entity) -> bool:
        """Whether the actor may read ``record`` (asked of the policy as a read,
        whatever the use case does): for a use case that lists records of
        several kinds and leaves out what the actor may not see."""
        if record.uid in self._allowed or self.actor.is_system:
            return True
        call = attrs.evolve(self.call, action=Action.READ)
        try:
            self.call.ctx.policy.authorize(call.request(self, target=record))
        except (NotFoundError, PermissionDeniedError):
            return False
        return True

    def may(self, record: Entity, use_case: str) -> bool:
        """Whether the policy lets the actor run the use case ``use_case`` (a
        method name of this use case's service: ``"approve"``) on ``record`` as
        it stands. Only access is asked: the use case's own rules (a status, a
        conflict) still decide when it runs."""
        if self.actor.is_system:
            return True
        call = self.call
        call = attrs.evolve(call, action=Action.WRITE, use_case=f"{call.resource}.{use_case}")
        try:  # a copy as ``after``: the same record, changed, not a new one
            call.ctx.policy.authorize(call.request(self, target=record, after=attrs.evolve(record)))
        except (NotFoundError, PermissionDeniedError):
            return False
        return True

    def authorize_uid(self, entity_type: type[Entity], uid: str) -> None:
        """:meth:`authorize` for a record known by its uid: the policy loads it
        (``NotFoundError`` if missing or deleted) only if it looks at it."""
        if uid in self._allowed:
            return

        def load() -> Entity:
            return repository_for(self.inner, entity_type).get(uid)

        self.call.ctx.policy.authorize(self.call.request(self, target_uid=uid, load_target=load))
        self._allowed.add(uid)

    def load(self, entity_type: type[E], uid: object, *, include_deleted: bool = False) -> E:
        """The use case's target: the record ``uid`` of ``entity_type``
        (``NotFoundError`` if there is none), once the policy allows it."""
        if not isinstance(uid, str):
            raise ValidationError("uid", f"must be a {entity_type.TABLE} uid")
        found = repository_for(self, entity_type).get(uid, include_deleted=include_deleted)
        self.authorize(found)
        return found

    def shown(self, result: R) -> R:
        """``result`` as the actor may see it: secrets masked, and the fields
        the policy withholds from them replaced (:mod:`studiocore.access.redact`)."""
        policy = self.call.ctx.policy
        if isinstance(policy, FieldPolicy):
            fields_policy, actor = policy, self.call.actor
            # Asked once per kind of record: whether any record of it withholds
            # a field from this actor (for most, none: each record is not asked).
            may_hide: dict[str, bool] = {}

            def hidden_of(entity: Entity) -> Collection[str]:
                kind = entity.TABLE
                some = may_hide.get(kind)
                if some is None:
                    some = may_hide[kind] = bool(fields_policy.private_fields(actor, kind))
                if not some:
                    return ()
                return fields_policy.hidden_fields(self.call.request(self, target=entity))

        else:

            def hidden_of(entity: Entity) -> Collection[str]:
                return ()

        inner = self.inner
        return redact(result, hidden_of, lambda uid: find_any(inner, uid, include_deleted=True))

    # -- the unit of work ---------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None  # the use case's own unit of work commits (run_use_case)

    def commit(self) -> None:
        """Publish, audit and commit what was written so far."""
        self.finish()
        self.inner.commit()
        self.run_committed()

    def rollback(self) -> None:
        self.changes.clear()
        self.committed.clear()
        self.emitted.clear()
        self.inner.rollback()

    def emit(self, event: DomainEvent) -> None:
        """Publish ``event`` with the events of the writes, at the end of the
        use case (as caused by this use case and its actor)."""
        call = self.call
        self.emitted.append(
            attrs.evolve(event, use_case=call.use_case, user_uid=call.actor.user_uid)
        )

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` once what the use case wrote so far has
        committed; never if it rolls back. For what must not happen before the
        data is there for everyone (telling a live subscriber, waking a
        worker). An exception in a callback is logged, not raised: the change
        has happened."""
        self.committed.append(callback)

    def run_committed(self) -> None:
        """Run (and forget) the callbacks of :meth:`after_commit`."""
        callbacks, self.committed = self.committed, []
        for callback in callbacks:
            try:
                callback()
            except Exception:
                log.exception("%s: an after-commit callback failed", self.call.use_case)

    def lock_resources(self, *, room_uids: Collection[str], mc_uids: Collection[str]) -> None:
        self.inner.lock_resources(room_uids=room_uids, mc_uids=mc_uids)

    def finish(self) -> None:
        """Publish the domain events of the changes recorded so far (handlers
        may write more, whose events follow), then append their audit entries."""
        ctx, actor, name = self.call.ctx, self.call.actor, self.call.use_case
        done = 0
        for _ in range(_MAX_ROUNDS):
            if done == len(self.changes) and not self.emitted:
                break
            batch, done = self.changes[done:], len(self.changes)
            emitted, self.emitted = self.emitted, []
            for event in [*domain_events(batch, actor, name), *emitted]:
                for handler in ctx.events.handlers_of(event):
                    handler(event, self)
        else:
            raise RuntimeError(f"{name}: event handlers kept writing for {_MAX_ROUNDS} rounds")
        if self.changes:
            trail = audit_entries(self.changes, actor, name, self.now())
            self.inner.audits.add_many(trail.entries)
            for template, uids in trail.copies:
                self.inner.audits.add_copies(template, uids)
            self.changes.clear()


def run_use_case(call: _Call, write: bool, body: Callable[[Work], R]) -> R:
    """Run ``body`` as the use case ``call`` (see the module docstring)."""
    call.ctx.policy.authorize(call.request())
    with call.ctx.uow_factory() if write else call.ctx.reader() as inner:
        work = Work(inner, call)
        result = body(work)
        if write:
            work.finish()
        if not call.actor.is_system:
            result = work.shown(result)
    work.run_committed()
    if write:
        for listener in call.ctx.events.write_listeners:
            try:
                listener()
            except Exception:
                log.exception("%s: a write listener failed", call.use_case)
    return result


def _use_case(
    action: Action, write: bool, resource: str | None = None
) -> Callable[[Callable[Concatenate[S, Work, P], R]], Callable[Concatenate[S, P], R]]:
    def decorate(fn: Callable[Concatenate[S, Work, P], R]) -> Callable[Concatenate[S, P], R]:
        name = fn.__name__

        @functools.wraps(fn)
        def use_case(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
            actor = kwargs.get("actor", SYSTEM)
            if not isinstance(actor, Actor):
                raise TypeError(f"actor must be an Actor, got {type(actor).__name__}")
            about = resource or self.resource
            call = _Call(self.context, actor, f"{about}.{name}", about, action)
            return run_use_case(call, write, lambda work: fn(self, work, *args, **kwargs))

        signature = inspect.signature(fn)
        params = list(signature.parameters.values())
        use_case.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[params[0], *params[2:]]
        )
        return use_case

    return decorate


reads = _use_case(Action.READ, write=False)
"""Mark a service method as a use case that only reads."""

writes = _use_case(Action.WRITE, write=True)
"""Mark a service method as a use case that writes."""


def reads_about(
    resource: str,
) -> Callable[[Callable[Concatenate[S, Work, P], R]], Callable[Concatenate[S, P], R]]:
    """:func:`reads` for a use case about another resource than its service's
    (availability is a question about a studio's rooms)."""
    return _use_case(Action.READ, write=False, resource=resource)
