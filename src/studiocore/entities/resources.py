"""Studios and their rooms, clients, users, memberships, MCs, platforms, materials."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from studiocore import _fields as f
from studiocore.conflicts import Severity
from studiocore.errors import ValidationError
from studiocore.lookups import (
    GroupType,
    LookupTable,
    MembershipRole,
    UserRole,
)

from ._base import (
    Entity,
    _metadata,
    _to_grouptype,
    _to_membershiprole,
    _to_severity,
    _to_userrole,
    _ts,
)

# --------------------------------------------------------------------------- studios


@attrs.frozen(kw_only=True)
class Studio(Entity):
    """A physical production facility.

    Beyond the specification: ``time_zone`` (IANA) and
    ``operational_day_start_hour`` define the studio's operational day;
    ``room_changeover_severity`` / ``mc_rest_severity`` configure how buffer
    conflicts are treated (overlaps always block).
    """

    PREFIX: ClassVar[str] = "studio"
    TABLE: ClassVar[str] = "studios"

    name: str = attrs.field(validator=f.text())
    address: str | None = attrs.field(
        default=None, validator=f.text(optional=True, max_length=1000)
    )
    metadata: dict[str, Any] = _metadata()
    time_zone: str = attrs.field(default="UTC", validator=f.time_zone)
    operational_day_start_hour: int = attrs.field(
        default=6, validator=f.integer(minimum=0, maximum=23)
    )
    room_changeover_severity: Severity = attrs.field(
        default=Severity.WARN,
        converter=_to_severity,
        validator=f.enum_value(Severity),
    )
    mc_rest_severity: Severity = attrs.field(
        default=Severity.WARN,
        converter=_to_severity,
        validator=f.enum_value(Severity),
    )


@attrs.frozen(kw_only=True)
class StudioRoom(Entity):
    """A room of a studio where shows are produced. ``changeover_minutes`` is the
    gap the room needs between two shows (0: none)."""

    PREFIX: ClassVar[str] = "room"
    TABLE: ClassVar[str] = "studio_rooms"
    REFERENCES: ClassVar[Mapping[str, str]] = {"studio_uid": "studios"}

    studio_uid: str = attrs.field(validator=f.uid("studio"))
    name: str = attrs.field(validator=f.text())
    metadata: dict[str, Any] = _metadata()
    changeover_minutes: int = attrs.field(default=0, validator=f.integer(minimum=0, maximum=1440))


# --------------------------------------------------------------------------- parties


@attrs.frozen(kw_only=True)
class Client(Entity):
    """An external company that books shows."""

    PREFIX: ClassVar[str] = "client"
    TABLE: ClassVar[str] = "clients"

    name: str = attrs.field(validator=f.text())
    contact_person: str | None = attrs.field(default=None, validator=f.text(optional=True))
    contact_email: str | None = attrs.field(default=None, validator=f.email)
    metadata: dict[str, Any] = _metadata()


@attrs.frozen(kw_only=True)
class User(Entity):
    """A person who signs in. ``role`` is the system-wide role (admin, manager, user)."""

    PREFIX: ClassVar[str] = "user"
    TABLE: ClassVar[str] = "users"

    ext_id: str | None = attrs.field(default=None, validator=f.text(optional=True))
    email: str | None = attrs.field(validator=f.email)
    """Required; reads ``None`` only in a copy shown to a reader who may not see
    it (:mod:`studiocore.access.redact`)."""
    name: str = attrs.field(validator=f.text())
    role: UserRole = attrs.field(
        default=UserRole.USER,
        converter=_to_userrole,
        validator=f.enum_value(UserRole),
    )
    is_banned: bool = attrs.field(default=False, validator=f.boolean)
    metadata: dict[str, Any] = _metadata()


@attrs.frozen(kw_only=True)
class Membership(Entity):
    """A user's role within a studio, client or platform (``group_uid``)."""

    PREFIX: ClassVar[str] = "mbr"
    TABLE: ClassVar[str] = "memberships"
    REFERENCES: ClassVar[Mapping[str, str]] = {"user_uid": "users"}

    user_uid: str = attrs.field(validator=f.uid("user"))
    group_uid: str = attrs.field(validator=f.any_uid)
    group_type: GroupType = attrs.field(converter=_to_grouptype, validator=f.enum_value(GroupType))
    role: MembershipRole = attrs.field(
        converter=_to_membershiprole, validator=f.enum_value(MembershipRole)
    )
    metadata: dict[str, Any] = _metadata()

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if not self.group_uid.startswith(self.group_type.value + "_"):
            raise ValidationError("group_uid", f"must be a {self.group_type.value} uid")


@attrs.frozen(kw_only=True)
class MC(Entity):
    """A host. MCs are shared across studios. ``min_rest_minutes`` is the rest the
    MC needs between two shows (0: none)."""

    PREFIX: ClassVar[str] = "mc"
    TABLE: ClassVar[str] = "mcs"
    REFERENCES: ClassVar[Mapping[str, str]] = {"user_uid": "users"}

    user_uid: str | None = attrs.field(default=None, validator=f.uid("user", optional=True))
    name: str = attrs.field(validator=f.text())
    alias_name: str | None = attrs.field(default=None, validator=f.text(optional=True))
    is_banned: bool = attrs.field(default=False, validator=f.boolean)
    metadata: dict[str, Any] = _metadata()
    min_rest_minutes: int = attrs.field(default=0, validator=f.integer(minimum=0, maximum=1440))


@attrs.frozen(kw_only=True)
class Platform(Entity):
    """A streaming platform (Twitch, YouTube...)."""

    PREFIX: ClassVar[str] = "platform"
    TABLE: ClassVar[str] = "platforms"

    name: str = attrs.field(validator=f.text())
    api_config: dict[str, Any] = attrs.field(factory=dict, validator=f.json_object)
    metadata: dict[str, Any] = _metadata()


# --------------------------------------------------------------------------- materials


@attrs.frozen(kw_only=True)
class Material(Entity):
    """A client's content asset (brief, script...). ``client_uid`` scopes it: a
    show of another client cannot use it. ``version`` is a free label ("v3")."""

    PREFIX: ClassVar[str] = "material"
    TABLE: ClassVar[str] = "materials"
    REFERENCES: ClassVar[Mapping[str, str]] = {"client_uid": "clients", "platform_uid": "platforms"}
    LOOKUPS: ClassVar[Mapping[str, LookupTable]] = {"material_type": LookupTable.MATERIAL_TYPES}

    client_uid: str | None = attrs.field(default=None, validator=f.uid("client", optional=True))
    platform_uid: str | None = attrs.field(default=None, validator=f.uid("platform", optional=True))
    material_type: str = attrs.field(validator=f.text(max_length=64))
    name: str = attrs.field(validator=f.text())
    description: str | None = attrs.field(
        default=None, validator=f.text(optional=True, max_length=4000)
    )
    resource_url: str | None = attrs.field(default=None, validator=f.url)
    is_active: bool = attrs.field(default=True, validator=f.boolean)
    expiring_at: datetime | None = _ts(optional=True)
    version: str = attrs.field(default="1", validator=f.text(max_length=64))
    metadata: dict[str, Any] = _metadata()
