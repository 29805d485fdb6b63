"""What a use case wrote, and what follows from it: audit entries, domain
events and scopes (internal; the pipeline in :mod:`._pipeline` uses it).

The rules of auditing live here and nowhere else:

* adding a record is audited with the entity's first verb (``create``,
  ``link``, ``tag``) and its values;
* soft-deleting it with the second verb (``delete``, ``unlink``, ``untag``);
  link records keep their values in ``old_values``;
* restoring it as ``restore``;
* changing the entity's workflow status field alone as ``status_change``;
* any other change as ``update``, with the changed fields before and after;
* every entry names the actor and, in ``metadata.use_case``, the use case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs

from studiocore.entities import Audit, ChangeRequest, Comment, Entity, Schedule, Show
from studiocore.events import (
    ChangeRequestStatusChanged,
    CommentWritten,
    DomainEvent,
    ScheduleApproved,
    ScheduleStatusChanged,
    ShowMoved,
    ShowStatusChanged,
)
from studiocore.ids import new_uid
from studiocore.lookups import ShowStatus
from studiocore.permissions import Actor
from studiocore.serialization import to_jsonable

__all__ = [
    "AuditBatch",
    "Change",
    "StatusChange",
    "audit_entries",
    "diff",
    "domain_events",
]


@attrs.frozen
class Change:
    """One record written: ``before`` is ``None`` for an added record."""

    before: Entity | None
    after: Entity


@attrs.frozen
class StatusChange:
    """A set-based status change of many shows (a promotion, cancelled drafts)."""

    show_uids: tuple[str, ...]
    before: ShowStatus
    after: ShowStatus


def diff(old: Entity, new: Entity) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changed fields of ``old`` -> ``new`` as JSON (old values, new values);
    ``updated_at`` does not count."""
    before = to_jsonable(old)
    after = to_jsonable(new)
    keys = [k for k in after if before.get(k) != after[k] and k != "updated_at"]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _entry(
    change: Change,
) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None] | None:
    """The audit action and values of one change, or ``None`` when nothing
    changed (or the entity is not audited)."""
    before, after = change.before, change.after
    if not after.AUDITED:
        return None
    added, removed = after.AUDIT_VERBS
    if before is None:
        return added, None, _values(after)
    old, new = diff(before, after)
    for name in after.AUDIT_OMIT:
        old.pop(name, None)
        new.pop(name, None)
    if not new:
        return None
    if before.deleted_at is None and after.deleted_at is not None:
        if added != "create":  # links: what was unlinked
            return removed, _values(before), None
        return removed, old, new
    if before.deleted_at is not None and after.deleted_at is None:
        return "restore", old, new
    if set(new) == {after.STATUS_FIELD}:
        return "status_change", old, new
    return "update", old, new


def _values(entity: Entity) -> dict[str, Any]:
    omit = entity.AUDIT_OMIT
    if not omit:
        values: dict[str, Any] = to_jsonable(entity)
        return values
    return {
        a.name: to_jsonable(getattr(entity, a.name))
        for a in attrs.fields(type(entity))
        if a.name not in omit
    }


@attrs.frozen
class AuditBatch:
    """What a use case appends to the trail: entries, and the same entry for
    many records (``copies``: template and record uids)."""

    entries: list[Audit]
    copies: list[tuple[Audit, tuple[str, ...]]]


def audit_entries(
    changes: Sequence[Change | StatusChange], actor: Actor, use_case: str, now: datetime
) -> AuditBatch:
    """One audit entry per record added, changed or deleted."""
    metadata: dict[str, Any] = {"use_case": use_case}

    def entry(action: str, table: str, uid: str, old: Any, new: Any) -> Audit:
        return Audit(
            uid=new_uid(Audit.PREFIX),
            created_at=now,
            updated_at=now,
            user_uid=actor.user_uid,
            action=action,
            recordable_uid=uid,
            recordable_type=table,
            old_values=old,
            new_values=new,
            metadata=dict(metadata),
        )

    batch = AuditBatch([], [])
    for change in changes:
        if isinstance(change, StatusChange):
            if change.show_uids:
                before = {"show_status": change.before.value}
                after = {"show_status": change.after.value}
                template = entry("status_change", Show.TABLE, change.show_uids[0], before, after)
                batch.copies.append((template, change.show_uids))
            continue
        found = _entry(change)
        if found is not None:
            action, old, new = found
            batch.entries.append(entry(action, change.after.TABLE, change.after.uid, old, new))
    return batch


def _comment_written(who: dict[str, Any], after: Comment, before: Comment | None) -> CommentWritten:
    known = () if before is None else before.mentioned_uids
    return CommentWritten(
        **who,
        comment_uid=after.uid,
        commentable_uid=after.commentable_uid,
        commentable_type=after.commentable_type,
        edited=before is not None,
        mentioned_uids=tuple(u for u in after.mentioned_uids if u not in known),
    )


def domain_events(
    changes: Iterable[Change | StatusChange], actor: Actor, use_case: str
) -> Iterator[DomainEvent]:
    """The domain events the changes amount to, in the order they happened."""
    who: dict[str, Any] = {"use_case": use_case, "user_uid": actor.user_uid}
    for change in changes:
        if isinstance(change, StatusChange):
            if change.show_uids:
                yield ShowStatusChanged(
                    **who, show_uids=change.show_uids, before=change.before, after=change.after
                )
            continue
        before, after = change.before, change.after
        if before is None:
            if isinstance(after, Show):
                yield ShowStatusChanged(
                    **who, show_uids=(after.uid,), before=None, after=after.show_status
                )
            elif isinstance(after, Schedule):
                yield ScheduleStatusChanged(
                    **who, schedule_uid=after.uid, before=None, after=after.schedule_status
                )
            elif isinstance(after, ChangeRequest):
                yield ChangeRequestStatusChanged(
                    **who,
                    change_request_uid=after.uid,
                    schedule_uid=after.schedule_uid,
                    before=None,
                    after=after.status,
                )
            elif isinstance(after, Comment):
                yield _comment_written(who, after, None)
        elif isinstance(after, Show) and isinstance(before, Show):
            if before.show_status is not after.show_status:
                yield ShowStatusChanged(
                    **who,
                    show_uids=(after.uid,),
                    before=before.show_status,
                    after=after.show_status,
                )
            if (before.slot, before.studio_room_uid) != (after.slot, after.studio_room_uid):
                yield ShowMoved(
                    **who,
                    show_uid=after.uid,
                    slot_before=before.slot,
                    slot_after=after.slot,
                    room_before=before.studio_room_uid,
                    room_after=after.studio_room_uid,
                )
        elif isinstance(after, Schedule) and isinstance(before, Schedule):
            if before.schedule_status is not after.schedule_status:
                yield ScheduleStatusChanged(
                    **who,
                    schedule_uid=after.uid,
                    before=before.schedule_status,
                    after=after.schedule_status,
                )
            if before.approved_at is None and after.approved_at is not None:
                yield ScheduleApproved(**who, schedule_uid=after.uid)
        elif isinstance(after, ChangeRequest) and isinstance(before, ChangeRequest):
            if before.status is not after.status:
                yield ChangeRequestStatusChanged(
                    **who,
                    change_request_uid=after.uid,
                    schedule_uid=after.schedule_uid,
                    before=before.status,
                    after=after.status,
                )
        elif (
            isinstance(after, Comment)
            and isinstance(before, Comment)
            and after.deleted_at is None
            and before.content != after.content
        ):
            yield _comment_written(who, after, before)
