"""Phase 1 resources: studios, rooms, clients, users, MCs, platforms, materials
(tags: :mod:`.tags`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from studiocore.conflicts import Severity
from studiocore.entities import (
    MC,
    Client,
    Material,
    Platform,
    Studio,
    StudioRoom,
    User,
)
from studiocore.errors import ConflictError, NotFoundError, ValidationError
from studiocore.lookups import RESERVING_STATUSES, UserRole
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import Deleted, ShowQuery, UnitOfWork

from ._base import CrudService, Work, actor_for, reads, require, require_lookup, writes

__all__ = [
    "ClientService",
    "MaterialService",
    "McService",
    "PlatformService",
    "StudioRoomService",
    "StudioService",
    "UserService",
]


class StudioService(CrudService[Studio]):
    """Studios: physical facilities with rooms, a time zone and buffer severities."""

    entity_type = Studio

    @writes
    def create(
        self,
        work: Work,
        name: str,
        *,
        address: str | None = None,
        time_zone: str = "UTC",
        operational_day_start_hour: int = 6,
        room_changeover_severity: Severity | str = Severity.WARN,
        mc_rest_severity: Severity | str = Severity.WARN,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> Studio:
        """Create a studio."""
        return self._add(
            work,
            {
                "name": name,
                "address": address,
                "time_zone": time_zone,
                "operational_day_start_hour": operational_day_start_hour,
                "room_changeover_severity": room_changeover_severity,
                "mc_rest_severity": mc_rest_severity,
                "metadata": metadata or {},
            },
        )

    def _before_delete(self, uow: UnitOfWork, entity: Studio) -> None:
        rooms = uow.studio_rooms.count(where={"studio_uid": entity.uid})
        if rooms:
            raise ConflictError(f"studio {entity.uid} still has {rooms} room(s); delete them first")


class StudioRoomService(CrudService[StudioRoom]):
    """Rooms of a studio; names are unique within a studio."""

    entity_type = StudioRoom
    read_only_fields = frozenset({"studio_uid"})

    @writes
    def create(
        self,
        work: Work,
        studio_uid: str,
        name: str,
        *,
        changeover_minutes: int = 0,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> StudioRoom:
        """Add a room to a studio."""
        return self._add(
            work,
            {
                "studio_uid": studio_uid,
                "name": name,
                "changeover_minutes": changeover_minutes,
                "metadata": metadata or {},
            },
        )

    def _validate(self, uow: UnitOfWork, new: StudioRoom, old: StudioRoom | None) -> None:
        require(uow.studios, new.studio_uid, "studio_uid", "studio")
        self._unique(
            uow, new, "name", {"studio_uid": new.studio_uid, "name": new.name}, repr(new.name)
        )

    def _before_delete(self, uow: UnitOfWork, entity: StudioRoom) -> None:
        now = self._now()
        upcoming = [
            s
            for s in uow.shows.search(ShowQuery(studio_room_uid=entity.uid))
            if s.show_end > now and s.show_status in RESERVING_STATUSES
        ]
        if upcoming:
            raise ConflictError(
                f"room {entity.uid} has {len(upcoming)} upcoming booked show(s), "
                f"first {upcoming[0].uid}; move or cancel them first"
            )


class ClientService(CrudService[Client]):
    """Client companies that book shows and own materials."""

    entity_type = Client

    @writes
    def create(
        self,
        work: Work,
        name: str,
        *,
        contact_person: str | None = None,
        contact_email: str | None = None,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> Client:
        """Create a client."""
        return self._add(
            work,
            {
                "name": name,
                "contact_person": contact_person,
                "contact_email": contact_email,
                "metadata": metadata or {},
            },
        )


class UserService(CrudService[User]):
    """Users; e-mail addresses are unique (case-insensitively) among live users."""

    entity_type = User

    @writes
    def create(
        self,
        work: Work,
        email: str,
        name: str,
        *,
        role: UserRole | str = UserRole.USER,
        ext_id: str | None = None,
        is_banned: bool = False,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> User:
        """Create a user."""
        return self._add(
            work,
            {
                "email": _normalize_email(email),
                "name": name,
                "role": role,
                "ext_id": ext_id,
                "is_banned": is_banned,
                "metadata": metadata or {},
            },
        )

    @reads
    def by_email(self, work: Work, email: str, *, actor: Actor = SYSTEM) -> User:
        """The live user with this e-mail address (looking users up by address
        is for those who may see every address: system admins)."""
        work.check_filters({"email": email})
        found = work.users.list(where={"email": email.strip().lower()})
        if not found:
            raise NotFoundError("user", email)
        work.authorize(found[0])
        return found[0]

    @reads
    def actor(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> Actor:
        """The :class:`Actor` for user ``uid``, with the grants of their
        memberships and MC profile (to pass as ``actor=`` to other services)."""
        return actor_for(work, work.load(User, uid))

    @reads
    def with_actor(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> tuple[User, Actor]:
        """The user ``uid`` and their :class:`Actor` (grants included), read in
        one unit of work: what authenticating a request needs."""
        user = work.load(User, uid)
        return user, actor_for(work, user)

    @reads
    def find_by_external_id(
        self, work: Work, ext_id: str, *, include_deleted: bool = False, actor: Actor = SYSTEM
    ) -> User | None:
        """The user whose ``ext_id`` (an identity provider's id, see
        ``studiocore_http.oidc``) is ``ext_id``, or ``None``. With
        ``include_deleted`` a deleted user is returned when no live one has it, so
        that a sign-in can tell a deleted account from an unknown one."""
        found = work.users.list(
            where={"ext_id": ext_id},
            deleted=Deleted.INCLUDE if include_deleted else Deleted.EXCLUDE,
        )
        if not found:
            return None
        user = next((u for u in found if u.deleted_at is None), found[-1])
        work.authorize(user)
        return user

    def _validate(self, uow: UnitOfWork, new: User, old: User | None) -> None:
        if old is not None and _active_admin(old) and not _active_admin(new):
            field = "role" if new.role is not UserRole.ADMIN else "is_banned"
            self._keep_an_admin(uow, old, field, "demoted or banned")
        if new.email is None or new.email != new.email.lower():
            raise ValidationError("email", "must be a lower-case e-mail address")
        self._unique(uow, new, "email", {"email": new.email}, repr(new.email))
        if new.ext_id is not None and new.ext_id != (old.ext_id if old else None):
            self._unique(uow, new, "ext_id", {"ext_id": new.ext_id}, repr(new.ext_id))

    def _before_delete(self, uow: UnitOfWork, entity: User) -> None:
        if _active_admin(entity):
            self._keep_an_admin(uow, entity, "uid", "deleted")

    @staticmethod
    def _keep_an_admin(uow: UnitOfWork, user: User, field: str, what: str) -> None:
        """Refuse to leave no active system admin: nobody could manage users then."""
        admins = uow.users.list(where={"role": UserRole.ADMIN.value, "is_banned": False})
        if not any(a.uid != user.uid for a in admins):
            raise ValidationError(
                field, f"{user.uid} is the last active system admin and cannot be {what}"
            )


def _active_admin(user: User) -> bool:
    return user.role is UserRole.ADMIN and not user.is_banned and user.deleted_at is None


class McService(CrudService[MC]):
    """MCs (hosts), shared across studios; a user has at most one MC profile."""

    entity_type = MC

    @writes
    def create(
        self,
        work: Work,
        name: str,
        *,
        alias_name: str | None = None,
        user_uid: str | None = None,
        is_banned: bool = False,
        min_rest_minutes: int = 0,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> MC:
        """Create an MC."""
        return self._add(
            work,
            {
                "name": name,
                "alias_name": alias_name,
                "user_uid": user_uid,
                "is_banned": is_banned,
                "min_rest_minutes": min_rest_minutes,
                "metadata": metadata or {},
            },
        )

    @writes
    def ban(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> MC:
        """Ban an MC from future bookings (existing ones are kept)."""
        return self._update(work, uid, {"is_banned": True})

    def _validate(self, uow: UnitOfWork, new: MC, old: MC | None) -> None:
        if new.user_uid is not None:
            require(uow.users, new.user_uid, "user_uid", "user")
            self._unique(uow, new, "user_uid", {"user_uid": new.user_uid}, repr(new.user_uid))


class PlatformService(CrudService[Platform]):
    """Streaming platforms."""

    entity_type = Platform

    @writes
    def create(
        self,
        work: Work,
        name: str,
        *,
        api_config: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> Platform:
        """Create a platform."""
        return self._add(
            work, {"name": name, "api_config": api_config or {}, "metadata": metadata or {}}
        )


class MaterialService(CrudService[Material]):
    """Client-scoped materials with a version label; every revision is audited."""

    entity_type = Material
    read_only_fields = frozenset({"client_uid"})

    @writes
    def create(
        self,
        work: Work,
        name: str,
        material_type: str,
        *,
        client_uid: str | None = None,
        platform_uid: str | None = None,
        description: str | None = None,
        resource_url: str | None = None,
        is_active: bool = True,
        expiring_at: datetime | None = None,
        version: str = "1",
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> Material:
        """Create a material (``client_uid`` makes it private to that client)."""
        return self._add(
            work,
            {
                "name": name,
                "material_type": material_type,
                "client_uid": client_uid,
                "platform_uid": platform_uid,
                "description": description,
                "resource_url": resource_url,
                "is_active": is_active,
                "expiring_at": expiring_at,
                "version": version,
                "metadata": metadata or {},
            },
        )

    @writes
    def revise(
        self,
        work: Work,
        uid: str,
        *,
        version: str,
        resource_url: str | None = None,
        description: str | None = None,
        actor: Actor = SYSTEM,
    ) -> Material:
        """Publish a new version of a material; the previous one stays in
        :meth:`versions`."""
        current = work.load(Material, uid)
        if version == current.version:
            raise ValidationError("version", f"must differ from the current version {version!r}")
        changes: dict[str, Any] = {"version": version}
        if resource_url is not None:
            changes["resource_url"] = resource_url
        if description is not None:
            changes["description"] = description
        return self._update(work, uid, changes)

    @reads
    def versions(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> list[dict[str, Any]]:
        """Every version of the material, oldest first: ``version``,
        ``resource_url`` and when it was published."""
        material = work.load(Material, uid, include_deleted=True)
        audits = work.audits.list(where={"recordable_uid": uid})
        history: list[dict[str, Any]] = []
        for audit in audits:
            values = audit.new_values or {}
            if audit.action == "create" or "version" in values:
                history.append(
                    {
                        "version": values.get("version"),
                        "resource_url": values.get("resource_url"),
                        "at": audit.created_at.isoformat(),
                    }
                )
        if history and history[-1]["resource_url"] is None:
            history[-1]["resource_url"] = material.resource_url
        return history

    def _validate(self, uow: UnitOfWork, new: Material, old: Material | None) -> None:
        require_lookup(uow.material_types, new.material_type, "material_type")
        if new.client_uid is not None:
            require(uow.clients, new.client_uid, "client_uid", "client")
        if new.platform_uid is not None:
            require(uow.platforms, new.platform_uid, "platform_uid", "platform")


def _normalize_email(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value
