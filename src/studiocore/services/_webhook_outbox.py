"""The webhook outbox: what each domain event queues (internal).

A subscriber of the domain events adds one :class:`WebhookDelivery` per
active endpoint subscribed to the event's type (a studio's endpoint: only for
that studio's records), in the transaction of the change, through the
adapter's unit of work (deliveries are not audited). A rolled-back change
queues nothing. It stays cheap: the endpoints are read once per use case, a
bulk status change (a promotion of 10,000 drafts) is one delivery per
endpoint naming every show, and no show is read one by one.

| event | type |
|---|---|
| a show confirmed or cancelled | ``show.confirmed``, ``show.cancelled`` |
| many shows of a schedule at once | ``shows.confirmed``, ``shows.cancelled`` |
| a confirmed show moved | ``show.moved`` |
| a schedule proposed, sent back, confirmed, cancelled | ``schedule.*`` |
| a schedule approved by its client | ``schedule.approved`` |
| a change request raised, approved, rejected, applied, withdrawn | ``change_request.*`` |
| a comment posted | ``comment.created`` |
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from studiocore.entities import ChangeRequest, Schedule, Show, WebhookDelivery, WebhookEndpoint
from studiocore.events import (
    ChangeRequestStatusChanged,
    CommentWritten,
    DomainEvent,
    ScheduleApproved,
    ScheduleStatusChanged,
    ShowMoved,
    ShowStatusChanged,
)
from studiocore.ids import new_uid, new_uids, uid_prefix
from studiocore.lookups import DeliveryStatus, ScheduleStatus, ShowStatus
from studiocore.ports import UnitOfWork
from studiocore.timeslot import TimeSlot

from ._pipeline import EventBus, Work

__all__ = ["Outbox"]

_Message = tuple[str, dict[str, Any], str | None]
"""An event type, its data, and the studio it is about (None: unknown)."""

_SCHEDULE_TYPES = {
    ScheduleStatus.PROPOSED: "schedule.proposed",
    ScheduleStatus.CONFIRMED: "schedule.confirmed",
    ScheduleStatus.CANCELLED: "schedule.cancelled",
}
_SHOW_TYPES = {ShowStatus.CONFIRMED: "confirmed", ShowStatus.CANCELLED: "cancelled"}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _value(status: object) -> Any:
    return getattr(status, "value", status)


class Outbox:
    """The event subscribers that queue webhook deliveries; ``queued`` is
    called after the commit of every use case that queued some."""

    _endpoints: WeakKeyDictionary[Work, list[WebhookEndpoint]] = WeakKeyDictionary()
    """The active endpoints each running use case read (once), whichever
    ``Outbox`` of its bus reads them."""

    def __init__(self, queued: Callable[[], None]) -> None:
        self._queued = queued

    def subscribe(self, bus: EventBus) -> None:
        """Subscribe every handler to ``bus``."""
        bus.subscribe(ShowStatusChanged, self._handler(self._show_status))
        bus.subscribe(ShowMoved, self._handler(self._show_moved))
        bus.subscribe(ScheduleStatusChanged, self._handler(self._schedule_status))
        bus.subscribe(ScheduleApproved, self._handler(self._schedule_approved))
        bus.subscribe(ChangeRequestStatusChanged, self._handler(self._change_request))
        bus.subscribe(CommentWritten, self._handler(self._comment))

    @classmethod
    def forget(cls, work: Work) -> None:
        """Read the endpoints again in ``work`` (one was just changed)."""
        cls._endpoints.pop(work, None)

    def _active(self, work: Work) -> list[WebhookEndpoint]:
        found = self._endpoints.get(work)
        if found is None:
            found = work.inner.webhook_endpoints.list(where={"disabled_at": None})
            self._endpoints[work] = found
        return found

    def _handler(
        self, messages: Callable[[UnitOfWork, Any, list[WebhookEndpoint]], Iterable[_Message]]
    ) -> Callable[[DomainEvent, UnitOfWork], None]:
        def handle(event: DomainEvent, uow: UnitOfWork) -> None:
            if not isinstance(uow, Work):
                return
            endpoints = self._active(uow)
            if not endpoints:
                return
            added = 0
            for event_type, data, studio_uid in messages(uow.inner, event, endpoints):
                targets = [
                    e
                    for e in endpoints
                    if ("*" in e.event_types or event_type in e.event_types)
                    and (e.studio_uid is None or e.studio_uid == studio_uid)
                ]
                added += self._queue(
                    uow,
                    event,
                    event_type=event_type,
                    data=data,
                    studio_uid=studio_uid,
                    targets=targets,
                )
            if added:
                uow.after_commit(self._queued)

        return handle

    @staticmethod
    def _queue(
        work: Work,
        event: DomainEvent,
        *,
        event_type: str,
        data: dict[str, Any],
        studio_uid: str | None,
        targets: list[WebhookEndpoint],
    ) -> int:
        if not targets:
            return 0
        now = work.now()
        payload = {
            "type": event_type,
            "timestamp": _iso(now),
            "data": {
                **data,
                "studio_uid": studio_uid,
                "use_case": event.use_case,
                "user_uid": event.user_uid,
            },
        }
        repo = work.inner.webhook_deliveries
        uids = new_uids(WebhookDelivery.PREFIX, len(targets))
        for uid, endpoint in zip(uids, targets, strict=True):
            repo.add(
                WebhookDelivery(
                    uid=uid,
                    created_at=now,
                    updated_at=now,
                    endpoint_uid=endpoint.uid,
                    message_id=new_uid("msg"),
                    event_type=event_type,
                    payload=payload,
                    status=DeliveryStatus.PENDING,
                    next_attempt_at=now,
                    attempts_log={"attempts": []},
                )
            )
        return len(targets)

    # -- what each event says ---------------------------------------------------------

    @staticmethod
    def _show_status(
        u: UnitOfWork, event: ShowStatusChanged, endpoints: list[WebhookEndpoint]
    ) -> Iterable[_Message]:
        verb = _SHOW_TYPES.get(event.after)
        if verb is None or event.before is event.after or not event.show_uids:
            return
        change = {"before": _value(event.before), "after": event.after.value}
        first = u.shows.find(event.show_uids[0], include_deleted=True)
        if len(event.show_uids) > 1:
            # a bulk change is one schedule's (a promotion): no show is read but the first
            schedule_uid = None if first is None else first.schedule_uid
            schedule = None if schedule_uid is None else u.schedules.find(schedule_uid)
            data = {
                "show_uids": list(event.show_uids),
                "count": len(event.show_uids),
                "schedule_uid": schedule_uid,
                "schedule_name": None if schedule is None else schedule.name,
                **change,
            }
            yield f"shows.{verb}", data, None if schedule is None else schedule.studio_uid
            return
        if first is None:
            return
        yield f"show.{verb}", {**_show(first), **change}, _studio_of_show(u, first)

    @staticmethod
    def _show_moved(
        u: UnitOfWork, event: ShowMoved, endpoints: list[WebhookEndpoint]
    ) -> Iterable[_Message]:
        show = u.shows.find(event.show_uid)
        if show is None or show.show_status is ShowStatus.DRAFT:
            return
        data = {
            **_show(show),
            "before": _slot(event.slot_before, event.room_before),
            "after": _slot(event.slot_after, event.room_after),
        }
        yield "show.moved", data, _studio_of_show(u, show)

    @staticmethod
    def _schedule_status(
        u: UnitOfWork, event: ScheduleStatusChanged, endpoints: list[WebhookEndpoint]
    ) -> Iterable[_Message]:
        if event.before is None or event.before is event.after:
            return
        if event.before is ScheduleStatus.PROPOSED and event.after is ScheduleStatus.DRAFT:
            event_type = "schedule.sent_back"
        elif event.after in _SCHEDULE_TYPES:
            event_type = _SCHEDULE_TYPES[event.after]
        else:
            return
        yield from _about_schedule(
            u, event_type, event.schedule_uid, before=event.before.value, after=event.after.value
        )

    @staticmethod
    def _schedule_approved(
        u: UnitOfWork, event: ScheduleApproved, endpoints: list[WebhookEndpoint]
    ) -> Iterable[_Message]:
        yield from _about_schedule(u, "schedule.approved", event.schedule_uid)

    @staticmethod
    def _change_request(
        u: UnitOfWork, event: ChangeRequestStatusChanged, endpoints: list[WebhookEndpoint]
    ) -> Iterable[_Message]:
        if event.before is None:
            event_type = "change_request.created"
        elif event.before is not event.after:
            event_type = f"change_request.{event.after.value.lower()}"
        else:
            return
        request = u.change_requests.find(event.change_request_uid, include_deleted=True)
        schedule = u.schedules.find(event.schedule_uid, include_deleted=True)
        data = {
            "change_request_uid": event.change_request_uid,
            "schedule_uid": event.schedule_uid,
            "schedule_name": None if schedule is None else schedule.name,
            "category": None if request is None else request.change_category,
            "before": _value(event.before),
            "after": event.after.value,
        }
        yield event_type, data, None if schedule is None else schedule.studio_uid

    @staticmethod
    def _comment(
        u: UnitOfWork, event: CommentWritten, endpoints: list[WebhookEndpoint]
    ) -> Iterable[_Message]:
        if event.edited:
            return
        data = {
            "comment_uid": event.comment_uid,
            "commentable_uid": event.commentable_uid,
            "commentable_type": event.commentable_type,
        }
        yield "comment.created", data, _studio_of_record(u, event.commentable_uid)


def _about_schedule(
    u: UnitOfWork, event_type: str, schedule_uid: str, **change: Any
) -> Iterable[_Message]:
    schedule = u.schedules.find(schedule_uid, include_deleted=True)
    if schedule is None:
        return
    data = {
        "schedule_uid": schedule.uid,
        "name": schedule.name,
        "client_uid": schedule.client_uid,
        **change,
    }
    yield event_type, data, schedule.studio_uid


def _show(show: Show) -> dict[str, Any]:
    return {
        "show_uid": show.uid,
        "name": show.name,
        "show_start": _iso(show.show_start),
        "show_end": _iso(show.show_end),
        "studio_room_uid": show.studio_room_uid,
        "client_uid": show.client_uid,
        "schedule_uid": show.schedule_uid,
    }


def _slot(slot: TimeSlot, room_uid: str | None) -> dict[str, Any]:
    return {"show_start": _iso(slot.start), "show_end": _iso(slot.end), "studio_room_uid": room_uid}


def _studio_of_show(u: UnitOfWork, show: Show) -> str | None:
    if show.studio_room_uid is None:
        return None
    room = u.studio_rooms.find(show.studio_room_uid, include_deleted=True)
    return None if room is None else room.studio_uid


def _studio_of_record(u: UnitOfWork, uid: str) -> str | None:
    """The studio of a show, schedule or change request (what comments are on)."""
    prefix = uid_prefix(uid)
    if prefix == Show.PREFIX:
        show = u.shows.find(uid, include_deleted=True)
        return None if show is None else _studio_of_show(u, show)
    if prefix == ChangeRequest.PREFIX:
        request = u.change_requests.find(uid, include_deleted=True)
        if request is None:
            return None
        uid = request.schedule_uid
    elif prefix != Schedule.PREFIX:
        return None
    schedule = u.schedules.find(uid, include_deleted=True)
    return None if schedule is None else schedule.studio_uid
