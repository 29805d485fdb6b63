"""Tags, comments, the audit trail, tasks and calendar feeds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from studiocore import _fields as f
from studiocore.errors import ValidationError
from studiocore.lookups import (
    CalendarKind,
    LookupTable,
)

from ._base import (
    Entity,
    _metadata,
    _to_calendarkind,
    _ts,
)

# --------------------------------------------------------------------------- tags, comments, audit

MENTION = re.compile(r"@(user_[0-9A-HJKMNP-TV-Z]{26})\b")
"""A mention in a comment: ``@`` and the user's uid."""


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

    @property
    def mentioned_uids(self) -> tuple[str, ...]:
        """The users the content mentions, as ``@user_<ULID>`` (which a client
        shows as the user's name), in order of first mention."""
        return tuple(dict.fromkeys(MENTION.findall(self.content)))


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


# --------------------------------------------------------------------------- calendar feeds


@attrs.frozen(kw_only=True)
class CalendarFeed(Entity):
    """A personal, revocable link to a calendar (beyond the specification):
    ``user_uid`` subscribes to the shows of ``kind`` ``target_uid`` (an MC, a
    studio room or a schedule), with drafts when ``drafts``. The link is read
    as its owner with their current rights; revoking it is a soft delete."""

    PREFIX: ClassVar[str] = "calfeed"
    TABLE: ClassVar[str] = "calendar_feeds"
    AUDIT_VERBS: ClassVar[tuple[str, str]] = ("create", "revoke")
    REFERENCES: ClassVar[Mapping[str, str]] = {"user_uid": "users"}

    user_uid: str = attrs.field(validator=f.uid("user"))
    kind: CalendarKind = attrs.field(
        converter=_to_calendarkind, validator=f.enum_value(CalendarKind)
    )
    target_uid: str = attrs.field(validator=f.any_uid)
    drafts: bool = attrs.field(default=False, validator=f.boolean)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if not self.target_uid.startswith(self.kind.uid_prefix + "_"):
            raise ValidationError(
                "target_uid", f"a {self.kind.value} calendar needs a {self.kind.uid_prefix} uid"
            )
