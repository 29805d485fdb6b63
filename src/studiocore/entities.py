"""Entities of the data model, one attrs class per table of the specification.

Conventions (see docs/architecture.md):

* Entities are immutable (``attrs.frozen``); change one with :func:`attrs.evolve`
  (validators run again) and save it through a repository.
* Public identity is ``uid``. A foreign key ``<x>_id`` of the specification is
  ``<x>_uid`` here; a foreign key to a lookup table (``show_status_id``) is the
  lookup's *name* (``show_status="draft"``). Integer ids never leave the
  persistence adapters.
* All datetimes are timezone-aware and normalised to UTC.
* ``deleted_at`` marks a soft-deleted row: invisible to normal reads, kept for
  history.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from studiocore import _fields as f
from studiocore.conflicts import Severity
from studiocore.errors import ValidationError
from studiocore.lookups import (
    ChangeRequestStatus,
    GroupType,
    LookupTable,
    MembershipRole,
    ScheduleStatus,
    ShowStatus,
    UserRole,
)
from studiocore.timeslot import TimeSlot

__all__ = [
    "MC",
    "Audit",
    "ChangeCategoryEntry",
    "ChangeRequest",
    "ChangeTypeEntry",
    "Client",
    "Comment",
    "Entity",
    "LookupEntry",
    "Material",
    "MaterialTypeEntry",
    "Membership",
    "Platform",
    "Schedule",
    "ScheduleStatusEntry",
    "ScheduleVersion",
    "Show",
    "ShowMC",
    "ShowMaterial",
    "ShowPlatform",
    "ShowStandardEntry",
    "ShowStatusEntry",
    "ShowTypeEntry",
    "Studio",
    "StudioRoom",
    "Tag",
    "Taggable",
    "Task",
    "TaskInputTypeEntry",
    "TaskStatusEntry",
    "TaskTemplate",
    "TaskTemplateItem",
    "TaskTypeEntry",
]


def _metadata() -> Any:
    return attrs.field(factory=dict, validator=f.json_object)


def _ts(*, optional: bool = False) -> Any:
    if optional:
        return attrs.field(default=None, converter=f.to_utc, validator=f.aware(optional=True))
    return attrs.field(converter=f.to_utc, validator=f.aware())


def _to_changerequeststatus(value: Any) -> ChangeRequestStatus:
    return f.coerce(ChangeRequestStatus, value)  # type: ignore[no-any-return]


def _to_grouptype(value: Any) -> GroupType:
    return f.coerce(GroupType, value)  # type: ignore[no-any-return]


def _to_membershiprole(value: Any) -> MembershipRole:
    return f.coerce(MembershipRole, value)  # type: ignore[no-any-return]


def _to_schedulestatus(value: Any) -> ScheduleStatus:
    return f.coerce(ScheduleStatus, value)  # type: ignore[no-any-return]


def _to_severity(value: Any) -> Severity:
    return f.coerce(Severity, value)  # type: ignore[no-any-return]


def _to_showstatus(value: Any) -> ShowStatus:
    return f.coerce(ShowStatus, value)  # type: ignore[no-any-return]


def _to_userrole(value: Any) -> UserRole:
    return f.coerce(UserRole, value)  # type: ignore[no-any-return]


@attrs.frozen(kw_only=True)
class Entity:
    """Fields every table has. ``PREFIX`` is the uid prefix of the entity type;
    ``TABLE`` its table name in the specification."""

    PREFIX: ClassVar[str] = ""
    TABLE: ClassVar[str] = ""
    REFERENCES: ClassVar[Mapping[str, str]] = {}
    """Fields holding the uid of a row of another table, by that table's name:
    every adapter refuses a uid that names no row (deleted rows count)."""
    LOOKUPS: ClassVar[Mapping[str, LookupTable]] = {}
    """Fields holding the name of a lookup table's row: every adapter refuses
    an unknown name."""
    AUDIT_VERBS: ClassVar[tuple[str, str]] = ("create", "delete")
    """The audit actions of adding a record and of soft-deleting it."""
    STATUS_FIELD: ClassVar[str | None] = None
    """The workflow status field, if any: an update of that field alone is
    audited as ``status_change``."""
    AUDIT_OMIT: ClassVar[frozenset[str]] = frozenset()
    """Fields too large for the audit trail (kept in the record itself)."""

    uid: str = attrs.field(validator=f.any_uid)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    deleted_at: datetime | None = _ts(optional=True)

    def __attrs_post_init__(self) -> None:
        if self.PREFIX and not self.uid.startswith(self.PREFIX + "_"):
            raise ValidationError("uid", f"must start with {self.PREFIX}_")

    @property
    def is_deleted(self) -> bool:
        """Whether the record is soft-deleted."""
        return self.deleted_at is not None


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
    email: str = attrs.field(validator=f.email)
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


# --------------------------------------------------------------------------- lookups


@attrs.frozen(kw_only=True)
class LookupEntry(Entity):
    """A row of a lookup table: a unique ``name`` and free metadata."""

    LOOKUP: ClassVar[LookupTable]

    name: str = attrs.field(validator=f.text(max_length=64))
    description: str | None = attrs.field(default=None, validator=f.text(optional=True))
    metadata: dict[str, Any] = _metadata()


@attrs.frozen(kw_only=True)
class ShowStatusEntry(LookupEntry):
    PREFIX: ClassVar[str] = "shstat"
    TABLE: ClassVar[str] = "show_status"
    LOOKUP: ClassVar[LookupTable] = LookupTable.SHOW_STATUS


@attrs.frozen(kw_only=True)
class ShowTypeEntry(LookupEntry):
    PREFIX: ClassVar[str] = "shtype"
    TABLE: ClassVar[str] = "show_types"
    LOOKUP: ClassVar[LookupTable] = LookupTable.SHOW_TYPES


@attrs.frozen(kw_only=True)
class ShowStandardEntry(LookupEntry):
    PREFIX: ClassVar[str] = "shstd"
    TABLE: ClassVar[str] = "show_standards"
    LOOKUP: ClassVar[LookupTable] = LookupTable.SHOW_STANDARDS


@attrs.frozen(kw_only=True)
class ScheduleStatusEntry(LookupEntry):
    PREFIX: ClassVar[str] = "schstat"
    TABLE: ClassVar[str] = "schedule_status"
    LOOKUP: ClassVar[LookupTable] = LookupTable.SCHEDULE_STATUS


@attrs.frozen(kw_only=True)
class MaterialTypeEntry(LookupEntry):
    PREFIX: ClassVar[str] = "mattype"
    TABLE: ClassVar[str] = "material_types"
    LOOKUP: ClassVar[LookupTable] = LookupTable.MATERIAL_TYPES


@attrs.frozen(kw_only=True)
class TaskStatusEntry(LookupEntry):
    PREFIX: ClassVar[str] = "tkstat"
    TABLE: ClassVar[str] = "task_status"
    LOOKUP: ClassVar[LookupTable] = LookupTable.TASK_STATUS


@attrs.frozen(kw_only=True)
class TaskTypeEntry(LookupEntry):
    PREFIX: ClassVar[str] = "tktype"
    TABLE: ClassVar[str] = "task_type"
    LOOKUP: ClassVar[LookupTable] = LookupTable.TASK_TYPE


@attrs.frozen(kw_only=True)
class TaskInputTypeEntry(LookupEntry):
    PREFIX: ClassVar[str] = "tkinput"
    TABLE: ClassVar[str] = "task_input_type"
    LOOKUP: ClassVar[LookupTable] = LookupTable.TASK_INPUT_TYPE


@attrs.frozen(kw_only=True)
class ChangeCategoryEntry(LookupEntry):
    PREFIX: ClassVar[str] = "chcat"
    TABLE: ClassVar[str] = "change_categories"
    LOOKUP: ClassVar[LookupTable] = LookupTable.CHANGE_CATEGORIES


@attrs.frozen(kw_only=True)
class ChangeTypeEntry(LookupEntry):
    PREFIX: ClassVar[str] = "chtype"
    TABLE: ClassVar[str] = "change_types"
    LOOKUP: ClassVar[LookupTable] = LookupTable.CHANGE_TYPES


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
    REFERENCES: ClassVar[Mapping[str, str]] = {"client_uid": "clients", "studio_uid": "studios"}
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


# --------------------------------------------------------------------------- tags, comments, audit


@attrs.frozen(kw_only=True)
class Tag(Entity):
    """A label, global (``studio_uid`` None) or scoped to one studio."""

    PREFIX: ClassVar[str] = "tag"
    TABLE: ClassVar[str] = "tags"
    REFERENCES: ClassVar[Mapping[str, str]] = {"studio_uid": "studios"}

    studio_uid: str | None = attrs.field(default=None, validator=f.uid("studio", optional=True))
    name: str = attrs.field(validator=f.text(max_length=100))
    metadata: dict[str, Any] = _metadata()


@attrs.frozen(kw_only=True)
class Taggable(Entity):
    """A tag attached to any entity (polymorphic by ``taggable_type``)."""

    PREFIX: ClassVar[str] = "tgb"
    TABLE: ClassVar[str] = "taggables"
    AUDIT_VERBS: ClassVar[tuple[str, str]] = ("tag", "untag")
    REFERENCES: ClassVar[Mapping[str, str]] = {"tag_uid": "tags"}

    tag_uid: str = attrs.field(validator=f.uid("tag"))
    taggable_uid: str = attrs.field(validator=f.any_uid)
    taggable_type: str = attrs.field(validator=f.text(max_length=64))


@attrs.frozen(kw_only=True)
class Comment(Entity):
    """A comment on any entity; ``parent_uid`` makes it a reply."""

    PREFIX: ClassVar[str] = "comment"
    TABLE: ClassVar[str] = "comments"
    REFERENCES: ClassVar[Mapping[str, str]] = {"owner_uid": "users", "parent_uid": "comments"}

    commentable_uid: str = attrs.field(validator=f.any_uid)
    commentable_type: str = attrs.field(validator=f.text(max_length=64))
    owner_uid: str = attrs.field(validator=f.uid("user"))
    parent_uid: str | None = attrs.field(default=None, validator=f.uid("comment", optional=True))
    content: str = attrs.field(validator=f.text(max_length=10_000))


@attrs.frozen(kw_only=True)
class Audit(Entity):
    """One audited write: who (``user_uid``; None for system actions), what
    (``action``), on which record, with the values before and after."""

    PREFIX: ClassVar[str] = "audit"
    TABLE: ClassVar[str] = "audits"
    REFERENCES: ClassVar[Mapping[str, str]] = {"user_uid": "users"}

    user_uid: str | None = attrs.field(default=None, validator=f.uid("user", optional=True))
    action: str = attrs.field(validator=f.text(max_length=64))
    recordable_uid: str = attrs.field(validator=f.any_uid)
    recordable_type: str = attrs.field(validator=f.text(max_length=64))
    old_values: dict[str, Any] | None = attrs.field(default=None, validator=f.json_object_or_none)
    new_values: dict[str, Any] | None = attrs.field(default=None, validator=f.json_object_or_none)
    metadata: dict[str, Any] = _metadata()


# --------------------------------------------------------------------------- tasks


@attrs.frozen(kw_only=True)
class TaskTemplate(Entity):
    """A studio's reusable checklist."""

    PREFIX: ClassVar[str] = "tasktpl"
    TABLE: ClassVar[str] = "task_templates"
    REFERENCES: ClassVar[Mapping[str, str]] = {"studio_uid": "studios"}

    studio_uid: str = attrs.field(validator=f.uid("studio"))
    name: str = attrs.field(validator=f.text())
    description: str | None = attrs.field(
        default=None, validator=f.text(optional=True, max_length=4000)
    )
    is_active: bool = attrs.field(default=True, validator=f.boolean)
    metadata: dict[str, Any] = _metadata()


@attrs.frozen(kw_only=True)
class TaskTemplateItem(Entity):
    """One item of a task template."""

    PREFIX: ClassVar[str] = "tplitem"
    TABLE: ClassVar[str] = "task_template_items"
    REFERENCES: ClassVar[Mapping[str, str]] = {"task_template_uid": "task_templates"}
    LOOKUPS: ClassVar[Mapping[str, LookupTable]] = {
        "task_type": LookupTable.TASK_TYPE,
        "input_type": LookupTable.TASK_INPUT_TYPE,
    }

    task_template_uid: str = attrs.field(validator=f.uid("tasktpl"))
    task_type: str = attrs.field(validator=f.text(max_length=64))
    input_type: str = attrs.field(validator=f.text(max_length=64))
    is_required: bool = attrs.field(default=False, validator=f.boolean)
    name: str = attrs.field(validator=f.text())
    description: str | None = attrs.field(
        default=None, validator=f.text(optional=True, max_length=4000)
    )


@attrs.frozen(kw_only=True)
class Task(Entity):
    """An action item linked to a show, show MC or show platform."""

    PREFIX: ClassVar[str] = "task"
    TABLE: ClassVar[str] = "tasks"
    REFERENCES: ClassVar[Mapping[str, str]] = {
        "assignee_uid": "users",
        "task_template_item_uid": "task_template_items",
    }
    LOOKUPS: ClassVar[Mapping[str, LookupTable]] = {"task_status": LookupTable.TASK_STATUS}

    assignee_uid: str | None = attrs.field(default=None, validator=f.uid("user", optional=True))
    taskable_uid: str = attrs.field(validator=f.any_uid)
    taskable_type: str = attrs.field(validator=f.text(max_length=64))
    task_template_item_uid: str | None = attrs.field(
        default=None, validator=f.uid("tplitem", optional=True)
    )
    task_status: str = attrs.field(default="pending", validator=f.text(max_length=64))
    name: str = attrs.field(validator=f.text())
    description: str | None = attrs.field(
        default=None, validator=f.text(optional=True, max_length=4000)
    )
    due_date: datetime | None = _ts(optional=True)
    completed_at: datetime | None = _ts(optional=True)
    metadata: dict[str, Any] = _metadata()


LOOKUP_ENTRY_TYPES: dict[LookupTable, type[LookupEntry]] = {
    cls.LOOKUP: cls
    for cls in (
        ShowStatusEntry,
        ShowTypeEntry,
        ShowStandardEntry,
        ScheduleStatusEntry,
        MaterialTypeEntry,
        TaskStatusEntry,
        TaskTypeEntry,
        TaskInputTypeEntry,
        ChangeCategoryEntry,
        ChangeTypeEntry,
    )
}
"""The entity class of each lookup table."""
