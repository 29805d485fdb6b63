"""Bodies of schedules, their workflow steps, promotion reports and versions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

import msgspec

from studiocore import ScheduleStatus
from studiocore_http.features.scheduling.schemas import Conflict
from studiocore_http.shared.crud import Bodies
from studiocore_http.shared.schemas import (
    Input,
    MetadataInput,
    MetadataRecord,
    Name,
    Output,
    Timestamp,
    patch_of,
)

__all__ = [
    "SCHEDULE_BODIES",
    "Approval",
    "Confirmation",
    "Confirmed",
    "PromotionReport",
    "Schedule",
    "ScheduleCreate",
    "ScheduleUpdate",
    "ShowChange",
    "ShowState",
    "Transition",
    "Version",
    "VersionSummary",
]

Note = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class Schedule(MetadataRecord):
    client_uid: str
    studio_uid: str
    name: str
    description: str | None
    schedule_status: ScheduleStatus
    start_time: datetime
    end_time: datetime
    version: int
    approved_at: datetime | None
    approved_by_uid: str | None
    approval_note: str | None


class ScheduleCreate(MetadataInput):
    timestamp_fields: ClassVar[frozenset[str]] = frozenset({"start_time", "end_time"})

    client_uid: str
    studio_uid: str
    name: Name
    start_time: Timestamp
    end_time: Timestamp
    description: str | None = None


ScheduleUpdate = patch_of(ScheduleCreate, omit={"client_uid", "studio_uid"})
SCHEDULE_BODIES = Bodies(Schedule, ScheduleCreate, ScheduleUpdate)


class Transition(Input):
    """A workflow step: ``proposed``, ``draft`` (sent back: ``reason`` required),
    ``confirmed`` (promotes the drafts; ``reason`` for a studio admin's override
    of the client's approval), ``archived`` or ``cancelled``."""

    to: ScheduleStatus
    reason: Note | None = None


class Approval(Input):
    """The client's approval of a proposed schedule, with an optional note."""

    note: Note | None = None


class Confirmation(Input):
    """Confirming a schedule; ``reason`` only for a studio admin confirming
    without the client's approval."""

    reason: Note | None = None


class Confirmed(Output):
    """A successful promotion: every draft confirmed and the schedule with them."""

    schedule: Schedule
    confirmed_show_uids: list[str]
    version: int
    warnings: list[Conflict]


class PromotionReport(Output):
    """What confirming would do now: the drafts it would confirm, every conflict
    they have, and the problems besides conflicts that stop it."""

    schedule_uid: str
    promotable: bool
    show_uids: list[str]
    conflicts: list[Conflict]
    problems: list[str]


class VersionSummary(Output):
    schedule_uid: str
    version: int
    created_at: datetime
    created_by_uid: str | None
    note: str | None
    change_request_uid: str | None
    show_count: int


class ShowState(Output):
    """One show as a version recorded it."""

    uid: str
    name: str
    status: str
    start: datetime
    end: datetime
    room_uid: str | None
    mc_uids: list[str]
    platform_uids: list[str]


class Version(VersionSummary):
    shows: list[ShowState]


class ShowChange(Output):
    """How one show differs between two versions: ``kinds`` (added, removed,
    cancelled, restored, time, room, mcs, platforms, details) and their
    ``change_types`` (TIME_CHANGE, RESOURCE_CHANGE, SCOPE_CHANGE, OTHER)."""

    show_uid: str
    name: str
    kinds: list[str]
    change_types: list[str]
    before: ShowState | None
    after: ShowState | None
    mcs_added: list[str]
    mcs_removed: list[str]
    platforms_added: list[str]
    platforms_removed: list[str]
