"""Domain events: what a use case did, published to subscribers inside the
same transaction (see :class:`~studiocore.services.EventBus`).

The pipeline derives them from the writes it tracked, so no use case publishes
by hand: a show whose status changed, a show moved to another time or room, a
schedule whose status changed.

>>> from datetime import datetime, UTC
>>> from studiocore import Services, ShowStatusChanged
>>> svc = Services.in_memory()
>>> seen = []
>>> svc.events.subscribe(ShowStatusChanged, lambda event, uow: seen.append(event.after.value))
>>> room = svc.studio_rooms.create(svc.studios.create("One").uid, "A")
>>> show = svc.shows.create("Live", datetime(2026, 3, 2, 9, tzinfo=UTC),
...                         datetime(2026, 3, 2, 10, tzinfo=UTC), studio_room_uid=room.uid).show
>>> _ = svc.shows.cancel(show.uid)
>>> seen
['confirmed', 'cancelled']
"""

from __future__ import annotations

import attrs

from studiocore.conflicts import Conflict
from studiocore.lookups import ChangeRequestStatus, ScheduleStatus, ShowStatus
from studiocore.timeslot import TimeSlot

__all__ = [
    "ChangeRequestStatusChanged",
    "CommentWritten",
    "ConflictsWarned",
    "DomainEvent",
    "ScheduleApproved",
    "ScheduleStatusChanged",
    "ShowMoved",
    "ShowStatusChanged",
]


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base of every event: the use case and the actor that caused it."""

    use_case: str
    user_uid: str | None


@attrs.frozen(kw_only=True)
class ShowStatusChanged(DomainEvent):
    """Shows moved from one status to another (one show, or all the drafts a
    promotion confirmed at once): confirmed, live, completed, cancelled.
    ``before`` is ``None`` for a show just created (a direct booking is
    created confirmed, a show in a schedule as a draft)."""

    show_uids: tuple[str, ...]
    before: ShowStatus | None
    after: ShowStatus


@attrs.frozen(kw_only=True)
class ShowMoved(DomainEvent):
    """A show got another time or room."""

    show_uid: str
    slot_before: TimeSlot
    slot_after: TimeSlot
    room_before: str | None
    room_after: str | None


@attrs.frozen(kw_only=True)
class ScheduleStatusChanged(DomainEvent):
    """A schedule moved along its workflow (draft -> proposed -> confirmed ...);
    ``before`` is ``None`` for a schedule just created."""

    schedule_uid: str
    before: ScheduleStatus | None
    after: ScheduleStatus


@attrs.frozen(kw_only=True)
class ScheduleApproved(DomainEvent):
    """The client approved a proposed schedule (its status stays ``proposed``
    until the studio confirms it)."""

    schedule_uid: str


@attrs.frozen(kw_only=True)
class ChangeRequestStatusChanged(DomainEvent):
    """A change request was raised (``before`` is ``None``), approved,
    rejected, applied or withdrawn."""

    change_request_uid: str
    schedule_uid: str
    before: ChangeRequestStatus | None
    after: ChangeRequestStatus


@attrs.frozen(kw_only=True)
class CommentWritten(DomainEvent):
    """A comment was posted (or edited: ``edited``) on ``commentable_uid``;
    ``mentioned_uids`` are the users it mentions that it did not mention before."""

    comment_uid: str
    commentable_uid: str
    commentable_type: str
    edited: bool
    mentioned_uids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ConflictsWarned(DomainEvent):
    """A booking went through with WARN conflicts (a changeover or rest time
    cut short): ``show_uids`` are the shows booked."""

    show_uids: tuple[str, ...]
    conflicts: tuple[Conflict, ...]
