"""Request and response bodies (msgspec structs), named like the resources.

``XCreate`` is a POST body, ``XUpdate`` a PATCH body (every field optional; an
absent field is left alone, ``null`` clears a nullable one), ``X`` the response.
Input structs refuse unknown fields. Timestamps are read as strings and parsed by
:func:`studiocore_http.convert.parse_timestamp`, because Litestar's lenient
decoding would accept numbers and naive values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

import msgspec
from litestar.params import KwargDefinition
from msgspec import UNSET, UnsetType

__all__ = [
    "MC",
    "Availability",
    "Client",
    "ClientCreate",
    "ClientUpdate",
    "Conflict",
    "Health",
    "Input",
    "Interval",
    "Lookup",
    "LookupCreate",
    "LookupUpdate",
    "MCCreate",
    "MCUpdate",
    "Material",
    "MaterialCreate",
    "MaterialUpdate",
    "Output",
    "Platform",
    "PlatformCreate",
    "PlatformUpdate",
    "RoomAvailability",
    "Show",
    "ShowCreate",
    "ShowMC",
    "ShowMCCreate",
    "ShowMCUpdate",
    "ShowMaterial",
    "ShowMaterialCreate",
    "ShowPlatform",
    "ShowPlatformCreate",
    "ShowPlatformUpdate",
    "ShowStatusChange",
    "ShowUpdate",
    "ShowWritten",
    "Studio",
    "StudioCreate",
    "StudioRoom",
    "StudioRoomCreate",
    "StudioRoomUpdate",
    "StudioUpdate",
    "Tag",
    "TagCreate",
    "TagLink",
    "TagUpdate",
    "Tagging",
    "User",
    "UserCreate",
    "UserUpdate",
    "has_nul",
]

Timestamp = Annotated[
    str,
    KwargDefinition(
        format="date-time",
        description="ISO 8601 timestamp with a UTC offset, e.g. 2026-03-02T09:00:00+09:00",
    ),
]
"""An input timestamp; naive values are refused with 422."""

Json = dict[str, Any]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
Minutes = Annotated[int, msgspec.Meta(ge=0, le=1440)]
Count = Annotated[int, msgspec.Meta(ge=0, le=2_147_483_647)]
Severity = Literal["BLOCK", "WARN", "IGNORE"]
Role = Literal["admin", "manager", "user"]
ShowStatus = Literal["draft", "confirmed", "live", "completed", "cancelled"]


def has_nul(value: object) -> bool:
    """Whether a decoded JSON value holds a NUL character anywhere (PostgreSQL text
    cannot store one)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of request bodies; ``timestamp_fields`` are parsed as timestamps.
    Strings must not contain NUL characters."""

    timestamp_fields: ClassVar[frozenset[str]] = frozenset()

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            if has_nul(getattr(self, name)):
                raise ValueError(f"field `{name}` must not contain NUL characters")


class Output(msgspec.Struct, kw_only=True):
    """Base of response bodies."""


# --------------------------------------------------------------------------- studios


class Studio(Output):
    uid: str
    name: str
    address: str | None
    time_zone: str
    operational_day_start_hour: int
    room_changeover_severity: Severity
    mc_rest_severity: Severity
    metadata: Json
    created_at: datetime
    updated_at: datetime


class StudioCreate(Input):
    name: Name
    address: str | None = None
    time_zone: TimeZone = "UTC"
    operational_day_start_hour: Annotated[int, msgspec.Meta(ge=0, le=23)] = 6
    room_changeover_severity: Severity = "WARN"
    mc_rest_severity: Severity = "WARN"
    metadata: Json | None = None


class StudioUpdate(Input):
    name: Name | UnsetType = UNSET
    address: str | UnsetType | None = UNSET
    time_zone: TimeZone | UnsetType = UNSET
    operational_day_start_hour: Annotated[int, msgspec.Meta(ge=0, le=23)] | UnsetType = UNSET
    room_changeover_severity: Severity | UnsetType = UNSET
    mc_rest_severity: Severity | UnsetType = UNSET
    metadata: Json | UnsetType = UNSET


class StudioRoom(Output):
    uid: str
    studio_uid: str
    name: str
    changeover_minutes: int
    metadata: Json
    created_at: datetime
    updated_at: datetime


class StudioRoomCreate(Input):
    studio_uid: str
    name: Name
    changeover_minutes: Minutes = 0
    metadata: Json | None = None


class StudioRoomUpdate(Input):
    name: Name | UnsetType = UNSET
    changeover_minutes: Minutes | UnsetType = UNSET
    metadata: Json | UnsetType = UNSET


# --------------------------------------------------------------------------- parties


class Client(Output):
    uid: str
    name: str
    contact_person: str | None
    contact_email: str | None
    metadata: Json
    created_at: datetime
    updated_at: datetime


class ClientCreate(Input):
    name: Name
    contact_person: str | None = None
    contact_email: str | None = None
    metadata: Json | None = None


class ClientUpdate(Input):
    name: Name | UnsetType = UNSET
    contact_person: str | UnsetType | None = UNSET
    contact_email: str | UnsetType | None = UNSET
    metadata: Json | UnsetType = UNSET


class User(Output):
    uid: str
    email: str
    name: str
    role: Role
    ext_id: str | None
    is_banned: bool
    metadata: Json
    created_at: datetime
    updated_at: datetime


class UserCreate(Input):
    email: str
    name: Name
    role: Role = "user"
    ext_id: str | None = None
    is_banned: bool = False
    metadata: Json | None = None


class UserUpdate(Input):
    email: str | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    ext_id: str | UnsetType | None = UNSET
    is_banned: bool | UnsetType = UNSET
    metadata: Json | UnsetType = UNSET


class MC(Output):
    uid: str
    name: str
    alias_name: str | None
    user_uid: str | None
    is_banned: bool
    min_rest_minutes: int
    metadata: Json
    created_at: datetime
    updated_at: datetime


class MCCreate(Input):
    name: Name
    alias_name: str | None = None
    user_uid: str | None = None
    is_banned: bool = False
    min_rest_minutes: Minutes = 0
    metadata: Json | None = None


class MCUpdate(Input):
    name: Name | UnsetType = UNSET
    alias_name: str | UnsetType | None = UNSET
    user_uid: str | UnsetType | None = UNSET
    is_banned: bool | UnsetType = UNSET
    min_rest_minutes: Minutes | UnsetType = UNSET
    metadata: Json | UnsetType = UNSET


class Platform(Output):
    uid: str
    name: str
    api_config: Json
    metadata: Json
    created_at: datetime
    updated_at: datetime


class PlatformCreate(Input):
    name: Name
    api_config: Json | None = None
    metadata: Json | None = None


class PlatformUpdate(Input):
    name: Name | UnsetType = UNSET
    api_config: Json | UnsetType = UNSET
    metadata: Json | UnsetType = UNSET


# --------------------------------------------------------------------------- materials, tags, lookups


class Material(Output):
    uid: str
    name: str
    material_type: str
    client_uid: str | None
    platform_uid: str | None
    description: str | None
    resource_url: str | None
    is_active: bool
    expiring_at: datetime | None
    version: str
    metadata: Json
    created_at: datetime
    updated_at: datetime


class MaterialCreate(Input):
    timestamp_fields: ClassVar[frozenset[str]] = frozenset({"expiring_at"})

    name: Name
    material_type: str
    client_uid: str | None = None
    platform_uid: str | None = None
    description: str | None = None
    resource_url: str | None = None
    is_active: bool = True
    expiring_at: Timestamp | None = None
    version: str = "1"
    metadata: Json | None = None


class MaterialUpdate(Input):
    timestamp_fields: ClassVar[frozenset[str]] = frozenset({"expiring_at"})

    name: Name | UnsetType = UNSET
    material_type: str | UnsetType = UNSET
    platform_uid: str | UnsetType | None = UNSET
    description: str | UnsetType | None = UNSET
    resource_url: str | UnsetType | None = UNSET
    is_active: bool | UnsetType = UNSET
    expiring_at: Timestamp | UnsetType | None = UNSET
    version: str | UnsetType = UNSET
    metadata: Json | UnsetType = UNSET


class Tag(Output):
    uid: str
    name: str
    studio_uid: str | None
    metadata: Json
    created_at: datetime
    updated_at: datetime


class TagCreate(Input):
    name: Name
    studio_uid: str | None = None
    metadata: Json | None = None


class TagUpdate(Input):
    name: Name | UnsetType = UNSET
    metadata: Json | UnsetType = UNSET


class Tagging(Output):
    """A tag attached to an entity."""

    uid: str
    tag_uid: str
    taggable_uid: str
    taggable_type: str
    created_at: datetime


class TagLink(Input):
    tag_uid: str


class Lookup(Output):
    """A value of a lookup table, referenced elsewhere by its ``name``."""

    uid: str
    name: str
    description: str | None
    metadata: Json
    created_at: datetime
    updated_at: datetime


class LookupCreate(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    description: str | None = None
    metadata: Json | None = None


class LookupUpdate(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | UnsetType = UNSET
    description: str | UnsetType | None = UNSET
    metadata: Json | UnsetType = UNSET


# --------------------------------------------------------------------------- shows


class Conflict(Output):
    """Two shows competing for one room or MC."""

    kind: Literal["room_overlap", "mc_overlap", "room_changeover", "mc_rest"]
    severity: Severity
    resource_type: Literal["studio_room", "mc"]
    resource_uid: str
    show_uids: list[str]
    start: datetime
    end: datetime
    reason: str


class Show(Output):
    uid: str
    name: str
    studio_room_uid: str | None
    client_uid: str | None
    schedule_uid: str | None
    show_type: str
    show_standard: str
    show_status: ShowStatus
    show_start: datetime
    show_end: datetime
    external_id: str | None
    created_at: datetime
    updated_at: datetime


class ShowWritten(Show):
    """A show after a create or update, with the WARN conflicts it has (buffers
    shorter than configured). Blocking conflicts are a 409 instead."""

    warnings: list[Conflict]


class ShowCreate(Input):
    timestamp_fields: ClassVar[frozenset[str]] = frozenset({"show_start", "show_end"})

    name: Name
    show_start: Timestamp
    show_end: Timestamp
    studio_room_uid: str | None = None
    client_uid: str | None = None
    show_type: str = "bau"
    show_standard: str = "standard"
    schedule_uid: str | None = None
    mc_uids: list[str] = msgspec.field(default_factory=list)
    platform_uids: list[str] = msgspec.field(default_factory=list)
    external_id: str | None = None


class ShowUpdate(Input):
    timestamp_fields: ClassVar[frozenset[str]] = frozenset({"show_start", "show_end"})

    name: Name | UnsetType = UNSET
    show_start: Timestamp | UnsetType = UNSET
    show_end: Timestamp | UnsetType = UNSET
    studio_room_uid: str | UnsetType | None = UNSET
    client_uid: str | UnsetType | None = UNSET
    show_type: str | UnsetType = UNSET
    show_standard: str | UnsetType = UNSET
    external_id: str | UnsetType | None = UNSET


class ShowStatusChange(Input):
    """Move a show along draft -> confirmed -> live -> completed, or -> cancelled."""

    show_status: ShowStatus


class ShowMC(Output):
    uid: str
    show_uid: str
    mc_uid: str
    rating: int | None
    note: str | None
    metadata: Json
    created_at: datetime
    updated_at: datetime


class ShowMCCreate(Input):
    mc_uid: str
    rating: Annotated[int, msgspec.Meta(ge=0, le=10)] | None = None
    note: str | None = None


class ShowMCUpdate(Input):
    rating: Annotated[int, msgspec.Meta(ge=0, le=10)] | UnsetType | None = UNSET
    note: str | UnsetType | None = UNSET
    metadata: Json | UnsetType = UNSET


class ShowPlatform(Output):
    uid: str
    show_uid: str
    platform_uid: str
    live_stream_link: str | None
    platform_show_id: str | None
    viewer_count: int | None
    metadata: Json
    created_at: datetime
    updated_at: datetime


class ShowPlatformCreate(Input):
    platform_uid: str
    live_stream_link: str | None = None
    platform_show_id: str | None = None
    viewer_count: Count | None = None


class ShowPlatformUpdate(Input):
    live_stream_link: str | UnsetType | None = UNSET
    platform_show_id: str | UnsetType | None = UNSET
    viewer_count: Count | UnsetType | None = UNSET
    metadata: Json | UnsetType = UNSET


class ShowMaterial(Output):
    uid: str
    show_uid: str
    material_uid: str
    created_at: datetime
    updated_at: datetime


class ShowMaterialCreate(Input):
    material_uid: str


# --------------------------------------------------------------------------- health


class Health(Output):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]
    version: str


# --------------------------------------------------------------------------- scheduling


class Interval(Output):
    """A half-open interval ``[start, end)``."""

    start: datetime
    end: datetime


class RoomAvailability(Output):
    """One room's free and reserved intervals inside the requested window."""

    room_uid: str
    room_name: str
    free: list[Interval]
    reserved: list[Interval]


class Availability(Output):
    """Free time of every room of a studio (rooms ordered by name)."""

    studio_uid: str
    start: datetime
    end: datetime
    rooms: list[RoomAvailability]
