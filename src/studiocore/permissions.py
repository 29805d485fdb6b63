"""Who may do what.

Every use case runs through the pipeline (:mod:`studiocore.services._pipeline`),
which asks the :class:`AccessPolicy` with an :class:`AccessRequest`: the actor,
the action, the use case's name, the resource (a table name), and, once it is
loaded, the target record and its :class:`Scope` (the studios, clients and
platforms it belongs to). It asks twice: once when the use case starts, before
anything is read (``target`` is ``None``: "may this actor do this kind of thing
at all?"), and once per record the use case loads or writes.

The default policy, :class:`AdminWritesPolicy`, is the specification's Phase 2
"simplified" model: admins write everything, every other user reads, banned
users do nothing. The Phase 3 membership model plugs in as another policy.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import ClassVar, Protocol, Self

import attrs

from studiocore.entities import Entity
from studiocore.errors import PermissionDeniedError
from studiocore.lookups import GroupType, MembershipRole, UserRole

__all__ = [
    "SYSTEM",
    "AccessPolicy",
    "AccessRequest",
    "Action",
    "Actor",
    "AdminWritesPolicy",
    "Grant",
    "Grants",
    "Scope",
    "Visibility",
]


class Action(enum.StrEnum):
    """What an actor wants to do with a resource."""

    READ = "read"
    WRITE = "write"


@attrs.frozen
class Grant:
    """One membership: ``role`` in the studio, client or platform ``group_uid``."""

    group_type: GroupType
    group_uid: str
    role: MembershipRole


@attrs.frozen
class Grants:
    """What a user's memberships give them, and the MC profiles that are theirs
    (an MC reads the shows they host)."""

    memberships: frozenset[Grant] = frozenset()
    mc_uids: frozenset[str] = frozenset()

    def groups(
        self, group_type: GroupType | None, at_least: MembershipRole = MembershipRole.MEMBER
    ) -> frozenset[str]:
        """The groups (of ``group_type``, or of any type) where the role is
        ``at_least`` this one."""
        return frozenset(
            g.group_uid
            for g in self.memberships
            if (group_type is None or g.group_type is group_type) and g.role.at_least(at_least)
        )

    def role_in(self, group_uid: str) -> MembershipRole | None:
        """The role held in ``group_uid`` (the highest, should there be several)."""
        roles = [g.role for g in self.memberships if g.group_uid == group_uid]
        return max(roles, key=lambda r: r.rank) if roles else None


NO_GRANTS = Grants()


@attrs.frozen(kw_only=True)
class Actor:
    """The user on whose behalf a service runs. ``user_uid`` None is the system
    itself (scripts, notebooks, migrations), audited as such. ``grants`` are the
    user's memberships (see :meth:`studiocore.UserService.actor`)."""

    user_uid: str | None
    role: UserRole = UserRole.USER
    is_banned: bool = False
    grants: Grants = NO_GRANTS

    @property
    def is_system(self) -> bool:
        """Whether this is the trusted in-process system actor."""
        return self.user_uid is None


SYSTEM = Actor(user_uid=None, role=UserRole.ADMIN)
"""The in-process actor used when a caller passes none: full access, audited
with no user."""


@attrs.frozen
class Scope:
    """The groups a record belongs to: what a membership can grant rights over."""

    studio_uids: frozenset[str] = frozenset()
    client_uids: frozenset[str] = frozenset()
    platform_uids: frozenset[str] = frozenset()
    mc_uids: frozenset[str] = frozenset()
    """The MCs a show (or a link of it) is hosted by."""

    def __or__(self, other: Self) -> Self:
        """Field by field union (of two scopes, or of two visibilities)."""
        mine, theirs = attrs.astuple(self, recurse=False), attrs.astuple(other, recurse=False)
        return type(self)(*(a | b for a, b in zip(mine, theirs, strict=True)))

    def of_type(self, group_type: GroupType) -> frozenset[str]:
        """The groups of ``group_type`` in this scope."""
        if group_type is GroupType.STUDIO:
            return self.studio_uids
        if group_type is GroupType.CLIENT:
            return self.client_uids
        return self.platform_uids


NO_SCOPE = Scope()


@attrs.frozen
class Visibility(Scope):
    """The records an actor may see in a list: those whose :class:`Scope` meets
    this one (a studio of ``studio_uids``, a client of ``client_uids``, ...) or
    whose uid is in ``uids`` (oneself). Adapters apply it in the query itself,
    so totals and pages count only what is visible."""

    uids: frozenset[str] = frozenset()

    def shows(self, uid: str, scope: Scope) -> bool:
        """Whether a record with this uid and scope is visible."""
        return (
            uid in self.uids
            or not self.studio_uids.isdisjoint(scope.studio_uids)
            or not self.client_uids.isdisjoint(scope.client_uids)
            or not self.platform_uids.isdisjoint(scope.platform_uids)
            or not self.mc_uids.isdisjoint(scope.mc_uids)
        )


NOTHING = Visibility()
"""Sees no record."""


class AccessRequest:
    """One question to the policy. The target and its scope are loaded on
    first use only: a policy that does not look at them costs no read."""

    __slots__ = (
        "_fetch",
        "_load",
        "_resolve",
        "_scope",
        "_target",
        "action",
        "actor",
        "after",
        "resource",
        "target_uid",
        "use_case",
    )

    def __init__(
        self,
        *,
        actor: Actor,
        action: Action,
        use_case: str,
        resource: str,
        target: Entity | None = None,
        target_uid: str | None = None,
        load_target: Callable[[], Entity] | None = None,
        resolve_scope: Callable[[Entity], Scope] | None = None,
        after: Entity | None = None,
        fetch: Callable[[str], Entity | None] | None = None,
    ) -> None:
        self.actor = actor
        self.action = action
        self.use_case = use_case
        """The use case's name, ``<resource>.<method>`` (``shows.reschedule``)."""
        self.resource = resource
        """The table the use case is about (``shows``)."""
        self.target_uid = target.uid if target is not None else target_uid
        """The uid of the record loaded or written; ``None`` when the use case starts."""
        self._target = target
        self._load = load_target
        self._resolve = resolve_scope
        self._scope: Scope | None = None
        self._fetch = fetch
        self.after = after
        """For a write: the record as the use case would store it (the target is
        the stored one; the same record for an add)."""

    @property
    def resolver(self) -> Callable[[Entity], Scope] | None:
        """How this request resolves a record's scope (for a request about a
        related record)."""
        return self._resolve

    @property
    def fetcher(self) -> Callable[[str], Entity | None] | None:
        """How this request fetches related records."""
        return self._fetch

    def fetch(self, uid: str) -> Entity | None:
        """A related record of any type (live or deleted), for rules that look
        past the target (a draft's schedule); ``None`` without a unit of work."""
        return None if self._fetch is None else self._fetch(uid)

    @property
    def target(self) -> Entity | None:
        """The record loaded or written; ``None`` when the use case starts."""
        if self._target is None and self._load is not None:
            self._target = self._load()
        return self._target

    @property
    def scope(self) -> Scope:
        """The studios, clients and platforms ``target`` belongs to."""
        if self._scope is None:
            target = self.target
            resolve = self._resolve
            self._scope = resolve(target) if resolve is not None and target else NO_SCOPE
        return self._scope

    def __repr__(self) -> str:
        return (
            f"AccessRequest({self.actor.user_uid!r} {self.action.value} {self.use_case} "
            f"target={self.target_uid!r})"
        )


class AccessPolicy(Protocol):
    """Decides whether a request is allowed, and what lists show."""

    def authorize(self, request: AccessRequest) -> None:
        """Return if allowed, raise :class:`PermissionDeniedError` if not."""
        ...

    def visibility(self, actor: Actor, resource: str) -> Visibility | None:
        """Which records of ``resource`` a list shows ``actor`` (``None``: all)."""
        ...


class AdminWritesPolicy:
    """Phase 2: admins write, everyone else reads; banned users do nothing."""

    uses_grants: ClassVar[bool] = False
    """It never looks at memberships (callers need not load them)."""

    def visibility(self, actor: Actor, resource: str) -> Visibility | None:
        return None  # everyone reads everything (a banned actor is refused earlier)

    def authorize(self, request: AccessRequest) -> None:
        actor, action, resource = request.actor, request.action, request.resource
        if actor.is_banned:
            raise PermissionDeniedError(
                "this user is banned", action=action.value, resource=resource
            )
        if action is Action.WRITE and actor.role is not UserRole.ADMIN:
            raise PermissionDeniedError(
                f"only admins may change {resource} records", action=action.value, resource=resource
            )
