"""Shared field helpers and the :class:`Entity` base (internal)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from studiocore import _fields as f
from studiocore.conflicts import Severity
from studiocore.errors import ValidationError
from studiocore.lookups import (
    CalendarKind,
    ChangeRequestStatus,
    DeliveryStatus,
    GroupType,
    LookupTable,
    MembershipRole,
    NotificationKind,
    ScheduleStatus,
    ShowStatus,
    UserRole,
)


def _metadata() -> Any:
    return attrs.field(factory=dict, validator=f.json_object)


def _ts(*, optional: bool = False) -> Any:
    if optional:
        return attrs.field(default=None, converter=f.to_utc, validator=f.aware(optional=True))
    return attrs.field(converter=f.to_utc, validator=f.aware())


def _to_calendarkind(value: Any) -> CalendarKind:
    return f.coerce(CalendarKind, value)  # type: ignore[no-any-return]


def _to_changerequeststatus(value: Any) -> ChangeRequestStatus:
    return f.coerce(ChangeRequestStatus, value)  # type: ignore[no-any-return]


def _to_deliverystatus(value: Any) -> DeliveryStatus:
    return f.coerce(DeliveryStatus, value)  # type: ignore[no-any-return]


def _to_notificationkind(value: Any) -> NotificationKind:
    return f.coerce(NotificationKind, value)  # type: ignore[no-any-return]


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
    AUDITED: ClassVar[bool] = True
    """Whether writes of this entity are audited (not: notifications and
    webhook deliveries, which are their own log)."""

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
