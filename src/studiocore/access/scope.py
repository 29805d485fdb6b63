"""What a record belongs to: the :class:`~studiocore.permissions.Scope` the
access policy compares with the actor's memberships (internal).

A studio, client or platform belongs to itself; other records belong to what
their references (``Entity.REFERENCES``, and the polymorphic owner of a
membership, tag link or comment) belong to, with these additions:

* a show also belongs to the platforms it streams to and the MCs who host it
  (its live links), so its links do too;
* a client, and a material of a client, also belong to the studios where the
  client has shows or schedules (their staff work with the client);
* a user belongs to the groups of their memberships (so a group's admins see
  the group's members);
* an audit entry belongs to what the record it is about belongs to.
"""

from __future__ import annotations

from studiocore.entities import Entity, Material, Show
from studiocore.ids import uid_prefix
from studiocore.permissions import NO_SCOPE, Scope
from studiocore.ports import REPOSITORY_NAMES, UnitOfWork, repository_for

__all__ = ["find_any", "scope_of"]

_ENTITY_BY_PREFIX: dict[str, type[Entity]] = {cls.PREFIX: cls for cls in REPOSITORY_NAMES}
_ENTITY_BY_TABLE: dict[str, type[Entity]] = {cls.TABLE: cls for cls in REPOSITORY_NAMES}
_GROUP_TABLES = frozenset({"studios", "clients", "platforms"})
_POLYMORPHIC = {
    "memberships": "group_uid",
    "taggables": "taggable_uid",
    "comments": "commentable_uid",
    "audits": "recordable_uid",
}


def find_any(uow: UnitOfWork, uid: object, *, include_deleted: bool = False) -> Entity | None:
    """The entity of any type with this uid (live unless ``include_deleted``)."""
    if not isinstance(uid, str):
        return None
    cls = _ENTITY_BY_PREFIX.get(uid_prefix(uid))
    if cls is None:
        return None
    return repository_for(uow, cls).find(uid, include_deleted=include_deleted)


def scope_of(uow: UnitOfWork, entity: Entity, depth: int = 4) -> Scope:
    """The studios, clients, platforms (and, for shows, MCs) ``entity`` belongs to."""
    scope = _own_scope(uow, entity)
    if depth == 0:
        return scope
    table = entity.TABLE
    owners: list[tuple[str | None, object]] = [
        (target, getattr(entity, field)) for field, target in entity.REFERENCES.items()
    ]
    if table in _POLYMORPHIC:
        owners.append((None, getattr(entity, _POLYMORPHIC[table])))
    for named, uid in owners:
        if not isinstance(uid, str) or named == "users":
            continue
        target = named
        if target is None and (cls := _ENTITY_BY_PREFIX.get(uid_prefix(uid))) is not None:
            target = cls.TABLE  # a membership's group, a tag link's or comment's record
        if target in _GROUP_TABLES:
            scope = scope | _group(target, uid)  # the group itself, not whom it works with
            continue
        owner = (
            None
            if target is None
            else repository_for(uow, _ENTITY_BY_TABLE[target]).find(uid, include_deleted=True)
        )
        if owner is not None:
            scope = scope | scope_of(uow, owner, depth - 1)
    return scope


def _own_scope(uow: UnitOfWork, entity: Entity) -> Scope:
    """What ``entity`` belongs to by itself, before its references."""
    table = entity.TABLE
    if table in _GROUP_TABLES:
        scope = _group(table, entity.uid)
        if table == "clients":
            scope = scope | Scope(studio_uids=uow.bookings.client_studios(entity.uid))
        return scope
    if isinstance(entity, Show):
        where = {"show_uid": entity.uid}
        return Scope(
            platform_uids=frozenset(p.platform_uid for p in uow.show_platforms.list(where=where)),
            mc_uids=frozenset(m.mc_uid for m in uow.show_mcs.list(where=where)),
        )
    if isinstance(entity, Material) and entity.client_uid is not None:
        return Scope(studio_uids=uow.bookings.client_studios(entity.client_uid))
    if table == "users":
        scope = NO_SCOPE
        for m in uow.memberships.list(where={"user_uid": entity.uid}):
            scope = scope | _group(m.group_type.value + "s", m.group_uid)
        return scope
    return NO_SCOPE


def _group(table: str, uid: str) -> Scope:
    one = frozenset({uid})
    if table == "studios":
        return Scope(studio_uids=one)
    if table == "clients":
        return Scope(client_uids=one)
    return Scope(platform_uids=one)
