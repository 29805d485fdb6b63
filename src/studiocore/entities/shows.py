"""Shows, their links to MCs, platforms and materials, schedules and their versions and change requests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from studiocore import _fields as f
from studiocore.errors import ValidationError
from studiocore.lookups import (
    ChangeRequestStatus,
    LookupTable,
    ScheduleStatus,
    ShowStatus,
)
from studiocore.timeslot import TimeSlot

from ._base import (
    Entity,
    _metadata,
    _to_changerequeststatus,
    _to_schedulestatus,
    _to_showstatus,
    _ts,
)

# --------------------------------------------------------------------------- shows


@attrs.frozen(kw_only=True)
class Show(Entity):
    """A livestream production occupying a room and its MCs over
    ``[show_start, show_end)``. ``external_id`` identifies a show imported from
    another system (beyond the specification)."""

    PREFIX: ClassVar[str] = "show"
    TABLE: ClassVar[str] = "shows"
    STATUS_FIELD: ClassVar[str | None] = "show_status"
    REFERENCES: ClassVar[Mapping[str, str]] = {
        "client_uid": "clients",
        "schedule_uid": "schedules",
        "studio_room_uid": "studio_rooms",
    }
    LOOKUPS: ClassVar[Mapping[str, LookupTable]] = {
        "show_type": LookupTable.SHOW_TYPES,
        "show_standard": LookupTable.SHOW_STANDARDS,
    }

    client_uid: str | None = attrs.field(default=None, validator=f.uid("client", optional=True))
    schedule_uid: str | None = attrs.field(default=None, validator=f.uid("schedule", optional=True))
    studio_room_uid: str | None = attrs.field(default=None, validator=f.uid("room", optional=True))
    show_type: str = attrs.field(default="bau", validator=f.text(max_length=64))
    show_status: ShowStatus = attrs.field(
        default=ShowStatus.DRAFT,
        converter=_to_showstatus,
        validator=f.enum_value(ShowStatus),
    )
    show_standard: str = attrs.field(default="standard", validator=f.text(max_length=64))
    name: str = attrs.field(validator=f.text())
    show_start: datetime = _ts()
    show_end: datetime = _ts()
    external_id: str | None = attrs.field(default=None, validator=f.text(optional=True))

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.show_end <= self.show_start:
            raise ValidationError("show_end", "must be after show_start")

    @property
    def slot(self) -> TimeSlot:
        """The half-open interval the show occupies."""
        return TimeSlot(self.show_start, self.show_end)


@attrs.frozen(kw_only=True)
class ShowMC(Entity):
    """An MC hosting a show, with a per-show ``rating`` (0-10) and ``note``."""

    PREFIX: ClassVar[str] = "showmc"
    TABLE: ClassVar[str] = "show_mcs"
    AUDIT_VERBS: ClassVar[tuple[str, str]] = ("link", "unlink")
    REFERENCES: ClassVar[Mapping[str, str]] = {"show_uid": "shows", "mc_uid": "mcs"}

    show_uid: str = attrs.field(validator=f.uid("show"))
    mc_uid: str = attrs.field(validator=f.uid("mc"))
    rating: int | None = attrs.field(
        default=None, validator=f.integer(minimum=0, maximum=10, optional=True)
    )
    note: str | None = attrs.field(default=None, validator=f.text(optional=True, max_length=4000))
    metadata: dict[str, Any] = _metadata()


@attrs.frozen(kw_only=True)
class ShowPlatform(Entity):
    """A show broadcast on a platform."""

    PREFIX: ClassVar[str] = "showplat"
    TABLE: ClassVar[str] = "show_platforms"
    AUDIT_VERBS: ClassVar[tuple[str, str]] = ("link", "unlink")
    REFERENCES: ClassVar[Mapping[str, str]] = {"show_uid": "shows", "platform_uid": "platforms"}

    show_uid: str = attrs.field(validator=f.uid("show"))
    platform_uid: str = attrs.field(validator=f.uid("platform"))
    live_stream_link: str | None = attrs.field(default=None, validator=f.url)
    platform_show_id: str | None = attrs.field(default=None, validator=f.text(optional=True))
    viewer_count: int | None = attrs.field(
        default=None, validator=f.integer(minimum=0, optional=True)
    )
    metadata: dict[str, Any] = _metadata()


@attrs.frozen(kw_only=True)
class ShowMaterial(Entity):
    """A material used by a show."""

    PREFIX: ClassVar[str] = "showmat"
    TABLE: ClassVar[str] = "show_materials"
    AUDIT_VERBS: ClassVar[tuple[str, str]] = ("link", "unlink")
    REFERENCES: ClassVar[Mapping[str, str]] = {"show_uid": "shows", "material_uid": "materials"}

    show_uid: str = attrs.field(validator=f.uid("show"))
    material_uid: str = attrs.field(validator=f.uid("material"))


# --------------------------------------------------------------------------- schedules


@attrs.frozen(kw_only=True)
class Schedule(Entity):
    """A client's plan of shows in one studio over ``[start_time, end_time)``.
    ``version`` is the number of the latest :class:`ScheduleVersion`."""

    PREFIX: ClassVar[str] = "schedule"
    TABLE: ClassVar[str] = "schedules"
    STATUS_FIELD: ClassVar[str | None] = "schedule_status"
    REFERENCES: ClassVar[Mapping[str, str]] = {
        "client_uid": "clients",
        "studio_uid": "studios",
        "approved_by_uid": "users",
    }
    LOOKUPS: ClassVar[Mapping[str, LookupTable]] = {"schedule_status": LookupTable.SCHEDULE_STATUS}

    client_uid: str = attrs.field(validator=f.uid("client"))
    studio_uid: str = attrs.field(validator=f.uid("studio"))
    schedule_status: ScheduleStatus = attrs.field(
        default=ScheduleStatus.DRAFT,
        converter=_to_schedulestatus,
        validator=f.enum_value(ScheduleStatus),
    )
    name: str = attrs.field(validator=f.text())
    description: str | None = attrs.field(
        default=None, validator=f.text(optional=True, max_length=4000)
    )
    start_time: datetime = _ts()
    end_time: datetime = _ts()
    version: int = attrs.field(default=0, validator=f.integer(minimum=0))
    metadata: dict[str, Any] = _metadata()
    approved_at: datetime | None = _ts(optional=True)
    """When the client approved the current proposal (``None``: not approved)."""
    approved_by_uid: str | None = attrs.field(default=None, validator=f.uid("user", optional=True))
    approval_note: str | None = attrs.field(
        default=None, validator=f.text(optional=True, max_length=4000)
    )
    """The approver's note, or why the proposal was sent back to draft."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.end_time <= self.start_time:
            raise ValidationError("end_time", "must be after start_time")


@attrs.frozen(kw_only=True)
class ScheduleVersion(Entity):
    """An immutable snapshot of a schedule and its shows (Phase 2)."""

    PREFIX: ClassVar[str] = "schver"
    TABLE: ClassVar[str] = "schedule_versions"
    AUDIT_OMIT: ClassVar[frozenset[str]] = frozenset({"snapshot"})
    REFERENCES: ClassVar[Mapping[str, str]] = {
        "schedule_uid": "schedules",
        "change_request_uid": "change_requests",
        "created_by_uid": "users",
    }

    schedule_uid: str = attrs.field(validator=f.uid("schedule"))
    version: int = attrs.field(validator=f.integer(minimum=1))
    snapshot: dict[str, Any] = attrs.field(validator=f.json_object)
    change_request_uid: str | None = attrs.field(
        default=None, validator=f.uid("chreq", optional=True)
    )
    created_by_uid: str | None = attrs.field(default=None, validator=f.uid("user", optional=True))
    note: str | None = attrs.field(default=None, validator=f.text(optional=True, max_length=4000))


@attrs.frozen(kw_only=True)
class ChangeRequest(Entity):
    """A proposed change to a confirmed schedule, approved or rejected by the
    client (Phase 2). ``payload`` describes the change."""

    PREFIX: ClassVar[str] = "chreq"
    TABLE: ClassVar[str] = "change_requests"
    REFERENCES: ClassVar[Mapping[str, str]] = {
        "schedule_uid": "schedules",
        "requested_by_uid": "users",
        "reviewed_by_uid": "users",
    }
    LOOKUPS: ClassVar[Mapping[str, LookupTable]] = {
        "change_category": LookupTable.CHANGE_CATEGORIES,
        "change_type": LookupTable.CHANGE_TYPES,
    }

    schedule_uid: str = attrs.field(validator=f.uid("schedule"))
    change_category: str = attrs.field(validator=f.text(max_length=64))
    change_type: str = attrs.field(validator=f.text(max_length=64))
    status: ChangeRequestStatus = attrs.field(
        default=ChangeRequestStatus.PENDING,
        converter=_to_changerequeststatus,
        validator=f.enum_value(ChangeRequestStatus),
    )
    reason: str | None = attrs.field(default=None, validator=f.text(optional=True, max_length=4000))
    payload: dict[str, Any] = attrs.field(factory=dict, validator=f.json_object)
    requested_by_uid: str | None = attrs.field(default=None, validator=f.uid("user", optional=True))
    reviewed_by_uid: str | None = attrs.field(default=None, validator=f.uid("user", optional=True))
    decided_at: datetime | None = _ts(optional=True)
    metadata: dict[str, Any] = _metadata()
