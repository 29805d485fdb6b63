"""The membership policy: the access table (:mod:`studiocore.access.table`)
applied to each request of the use-case pipeline.

* A banned user may do nothing; a system admin (and the in-process ``SYSTEM``
  actor) may do everything.
* When a use case starts (no target yet) nothing more is decided: the answer
  depends on the records it touches. A write use case loading its target is
  asked whether the actor may read it; the write itself is asked about when
  the record is written (with the record as it would be stored, so a rule can
  look at which fields change).
* Reading a record the actor may not read is :class:`~studiocore.NotFoundError`,
  exactly as for a uid that does not exist: existence is not leaked. Changing a
  record the actor may read but not change is
  :class:`~studiocore.PermissionDeniedError`.
* Tag links follow the record they tag: tagging needs the right to write it.
  A comment is read by whoever may read the record it is on (NotFoundError for
  anyone else); writing one asks the ``comments`` row as well (its author
  edits it; its author and the record's group admins delete it).
"""

from __future__ import annotations

from collections.abc import Collection

import attrs

from studiocore.entities import LOOKUP_ENTRY_TYPES, Comment, Entity, Membership, Taggable
from studiocore.errors import NotFoundError, PermissionDeniedError, ValidationError
from studiocore.lookups import UserRole
from studiocore.permissions import NOTHING, AccessRequest, Action, Actor, Visibility

from .table import ACCESS_TABLE, Access

__all__ = ["MembershipPolicy", "resource_of"]

_LOOKUP_TABLES = frozenset(cls.TABLE for cls in LOOKUP_ENTRY_TYPES.values())
_OWNER_FIELD = {Taggable.TABLE: "taggable_uid", Comment.TABLE: "commentable_uid"}
_WORDS = {
    "studio_rooms": "studio room",
    "mcs": "MC",
    "change_requests": "change request",
    "schedule_versions": "schedule version",
    "task_templates": "task template",
}
"""What a refusal calls a record of these tables (else: the table's name, singular)."""


def _row(table: str) -> str:
    """The row of the access table for records of ``table`` (every lookup table
    shares one)."""
    return "lookups" if table in _LOOKUP_TABLES else table


def resource_of(entity: Entity) -> str:
    """The row of the access table that ``entity`` falls under."""
    return _row(entity.TABLE)


class MembershipPolicy:
    """Phase 3: system role, then memberships, as the access table says."""

    def __init__(self, table: dict[str, Access] | None = None) -> None:
        self.table = dict(ACCESS_TABLE if table is None else table)

    def authorize(self, request: AccessRequest) -> None:
        actor = request.actor
        if actor.is_banned:
            raise PermissionDeniedError(
                "this user is banned", action=request.action.value, resource=request.resource
            )
        if actor.role is UserRole.ADMIN:
            return
        target = request.target
        if target is None:
            return  # decided record by record
        if target.TABLE in _OWNER_FIELD:
            self._follow_owner(request, target)
            if target.TABLE == Comment.TABLE:
                self._comment_write(request, target)
            return
        resource = resource_of(target)
        access = self.table.get(resource)
        creating = request.after is target
        if access is None or not (creating or access.read.allows(request)):
            raise NotFoundError(type(target).__name__, target.uid)
        if request.action is Action.READ or request.after is None:
            return  # a write use case loading its target: asked again when it writes
        rule = access.write
        method = request.use_case.rpartition(".")[2]
        if request.resource == resource and method in access.use_cases:
            rule = access.use_cases[method]
        elif creating and access.create is not None:
            rule = access.create
        if not rule.allows(request):
            if creating:
                self._hide_references(request, target)
            raise PermissionDeniedError(
                f"{resource}: allowed to {rule.text}",
                action=request.action.value,
                resource=resource,
            )

    def hidden_fields(self, request: AccessRequest) -> Collection[str]:
        """The fields of the target the table shows only to some readers, that
        this actor is not one of (system admins see every field)."""
        target = request.target
        if target is None or request.actor.role is UserRole.ADMIN:
            return ()
        access = self.table.get(resource_of(target))
        if access is None or not access.hidden:
            return ()
        return [name for name, rule in access.hidden.items() if not rule.allows(request)]

    def private_fields(self, actor: Actor, resource: str) -> Collection[str]:
        if actor.role is UserRole.ADMIN:
            return ()
        access = self.table.get(_row(resource))
        return () if access is None else tuple(access.hidden)

    def visibility(self, actor: Actor, resource: str) -> Visibility | None:
        if actor.role is UserRole.ADMIN:
            return None
        if actor.is_banned:
            return NOTHING
        if resource in _OWNER_FIELD:
            return None  # listed only about one record, which the use case authorizes
        access = self.table.get(_row(resource))
        return NOTHING if access is None else access.read.reach(actor)

    def _hide_references(self, request: AccessRequest, record: Entity) -> None:
        """A refused new record that references a record the actor may not
        read is refused in the words of a reference that does not exist (the
        services' ``require``): the refusal never tells a hidden record is there."""
        references = dict(type(record).REFERENCES)
        if isinstance(record, Membership):  # its group first: the reference that matters
            references = {"group_uid": f"{record.group_type.value}s", **references}
        for field, table in references.items():
            if table == "users":
                continue  # a group's admin adds people they cannot see yet, by uid
            uid = getattr(record, field, None)
            referenced = request.fetch(uid) if isinstance(uid, str) else None
            if referenced is None or referenced.deleted_at is not None:
                continue
            probe = AccessRequest(
                actor=request.actor,
                action=Action.READ,
                use_case=request.use_case,
                resource=resource_of(referenced),
                target=referenced,
                resolve_scope=request.resolver,
                fetch=request.fetcher,
            )
            try:
                self.authorize(probe)
            except NotFoundError:
                raise ValidationError(
                    field, f"{_WORDS.get(table, table.rstrip('s'))} {uid!r} does not exist"
                ) from None

    def _comment_write(self, request: AccessRequest, comment: Entity) -> None:
        """Once the record a comment is on may be read: a write of the comment
        itself asks the ``comments`` row (authors edit theirs, moderators hide)."""
        access = self.table.get(Comment.TABLE)
        if access is None or request.action is Action.READ or request.after is None:
            return
        creating = request.after is comment
        rule = access.create if creating and access.create is not None else access.write
        if not rule.allows(request):
            raise PermissionDeniedError(
                f"comments: allowed to {rule.text}",
                action=request.action.value,
                resource=Comment.TABLE,
            )

    def _follow_owner(self, request: AccessRequest, link: Entity) -> None:
        """A tag link needs the right to write what it tags; a comment, the
        right to read what it is about."""
        owner_uid = getattr(link, _OWNER_FIELD[link.TABLE])
        owner = request.fetch(owner_uid) if isinstance(owner_uid, str) else None
        if owner is None:
            raise NotFoundError(type(link).__name__, link.uid)
        action = request.action
        if link.TABLE == Comment.TABLE:
            action = Action.READ
        # Writing a link asks the owner's write rule: with the owner unchanged as
        # ``after`` (a copy: the same object would mean a new record), as
        # without one the policy stops at "may read it".
        after = attrs.evolve(owner) if action is Action.WRITE and request.after else None
        self.authorize(
            AccessRequest(
                actor=request.actor,
                action=action,
                use_case=request.use_case,
                resource=resource_of(owner),
                target=owner,
                resolve_scope=request.resolver,
                after=after,
                fetch=request.fetcher,
            )
        )
