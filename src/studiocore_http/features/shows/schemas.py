"""Bodies of shows and of their MCs, platforms and materials."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

import msgspec
from msgspec import UNSET, UnsetType

from studiocore import ShowStatus
from studiocore_http.features.scheduling.schemas import Conflict
from studiocore_http.shared.schemas import (
    Count,
    Input,
    Json,
    MetadataRecord,
    Name,
    Output,
    Record,
    Timestamp,
)

__all__ = [
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
    "ShowsConfirmation",
    "ShowsConfirmed",
]

Rating = Annotated[int, msgspec.Meta(ge=0, le=10)]


class Show(Record):
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
    """``patch_of(ShowCreate, omit={"schedule_uid", "mc_uids", "platform_uids"})``,
    spelled out because the shows controller names it in a signature (which a
    type checker cannot read from a generated class); a test holds the two equal."""

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


class ShowMC(MetadataRecord):
    show_uid: str
    mc_uid: str
    rating: int | None
    note: str | None


class ShowMCCreate(Input):
    mc_uid: str
    rating: Rating | None = None
    note: str | None = None


class ShowMCUpdate(Input):
    rating: Rating | UnsetType | None = UNSET
    note: str | UnsetType | None = UNSET
    metadata: Json | UnsetType = UNSET


class ShowPlatform(MetadataRecord):
    show_uid: str
    platform_uid: str
    live_stream_link: str | None
    platform_show_id: str | None
    viewer_count: int | None


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


class ShowMaterial(Record):
    show_uid: str
    material_uid: str


class ShowMaterialCreate(Input):
    material_uid: str


class ShowsConfirmation(Input):
    """Drafts to confirm together (all or nothing); ``reason`` only for a
    studio admin confirming drafts of a schedule the client has not approved."""

    show_uids: Annotated[list[str], msgspec.Meta(min_length=1, max_length=10_000)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)] | None = None


class ShowsConfirmed(Output):
    """Every listed draft confirmed; the WARN conflicts they have; the new
    version of each schedule they belong to."""

    confirmed_show_uids: list[str]
    warnings: list[Conflict]
    versions: dict[str, int]
