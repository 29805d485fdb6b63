"""Who is told what: the notifications each domain event amounts to (internal).

| event | told | kind |
|---|---|---|
| a show confirmed, moved or cancelled | the users of the MCs who host it; its client's members | ``show_*`` |
| many shows of a schedule confirmed at once | the same, once per schedule | ``schedule_confirmed`` |
| a schedule proposed, approved, sent back, confirmed | its client's and its studio's managers | ``schedule_*`` |
| a change request raised | whoever decides it (client-requested: studio managers; operational: client managers) | ``change_request_waiting`` |
| a change request approved, rejected, applied, withdrawn | whoever raised it; the managers of both sides | ``change_request_decided`` |
| a mention in a comment | the user mentioned, if they may read what it is on | ``mention`` |
| a booking with WARN conflicts in a schedule | its client's and its studio's managers | ``conflict_warning`` |

Everyone told may read the record by the access table (a host reads the shows
they host; a client's members its shows and schedules; a studio's staff its
schedules); mentions are checked against the policy. Nobody is told about
their own doing, and banned or deleted users are told nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

import attrs

from studiocore.access.scope import find_any
from studiocore.entities import (
    ChangeRequest,
    Entity,
    Notification,
    Schedule,
    Show,
    Studio,
    StudioRoom,
)
from studiocore.errors import NotFoundError, PermissionDeniedError
from studiocore.events import (
    ChangeRequestStatusChanged,
    CommentWritten,
    ConflictsWarned,
    DomainEvent,
    ScheduleApproved,
    ScheduleStatusChanged,
    ShowMoved,
    ShowStatusChanged,
)
from studiocore.ids import new_uids
from studiocore.lookups import (
    ChangeRequestStatus,
    MembershipRole,
    NotificationKind,
    ScheduleStatus,
    ShowStatus,
)
from studiocore.permissions import Action
from studiocore.ports import UnitOfWork

from ._base import actor_for
from ._pipeline import EventBus, Work

__all__ = ["Audience"]

Deliver = Callable[[Work, Sequence[Notification]], None]
MANAGER, MEMBER = MembershipRole.MANAGER, MembershipRole.MEMBER
_FEW = 100
"""A booking's WARN conflicts name the schedules of at most this many shows."""

_SHOW_KINDS = {
    ShowStatus.CONFIRMED: (NotificationKind.SHOW_CONFIRMED, "was confirmed"),
    ShowStatus.CANCELLED: (NotificationKind.SHOW_CANCELLED, "was cancelled"),
}
_DECIDED = {
    ChangeRequestStatus.APPROVED: "approved",
    ChangeRequestStatus.REJECTED: "rejected",
    ChangeRequestStatus.APPLIED: "applied",
    ChangeRequestStatus.WITHDRAWN: "withdrawn",
}
_CATEGORY_WORDS = {
    "CLIENT_REQUESTED": "client-requested",
    "OPERATIONAL": "operational",
    "FORCE_MAJEURE": "force-majeure",
}


@attrs.frozen
class _Message:
    kind: NotificationKind
    subject: Entity
    text: str
    metadata: dict[str, Any] = attrs.field(factory=dict)


class Audience:
    """The event subscribers that write notifications through ``deliver``."""

    def __init__(self, deliver: Deliver) -> None:
        self._deliver = deliver
        self._sent: WeakKeyDictionary[Work, set[tuple[str, NotificationKind, str]]] = (
            WeakKeyDictionary()
        )
        """What each running use case told whom: one event of a use case may
        say what another said (a promotion confirms the schedule and its shows)."""

    def subscribe(self, bus: EventBus) -> None:
        """Subscribe every handler to ``bus``."""
        bus.subscribe(ShowStatusChanged, self._handler(self._show_status))
        bus.subscribe(ShowMoved, self._handler(self._show_moved))
        bus.subscribe(ScheduleStatusChanged, self._handler(self._schedule_status))
        bus.subscribe(ScheduleApproved, self._handler(self._schedule_approved))
        bus.subscribe(ChangeRequestStatusChanged, self._handler(self._change_request))
        bus.subscribe(CommentWritten, self._handler(self._mentions))
        bus.subscribe(ConflictsWarned, self._handler(self._conflicts))

    def _handler(
        self, tell: Callable[[Work, Any], Iterable[tuple[_Message, Collection[str]]]]
    ) -> Callable[[DomainEvent, UnitOfWork], None]:
        def handle(event: DomainEvent, uow: UnitOfWork) -> None:
            if not isinstance(uow, Work):
                return  # not run by the pipeline: nobody to tell
            sent = self._sent.setdefault(uow, set())
            notes: list[Notification] = []
            for message, recipients in tell(uow, event):
                notes += [
                    n
                    for n in _notifications(uow, message, recipients, event.user_uid)
                    if (n.recipient_uid, n.kind, n.subject_uid) not in sent
                ]
            sent.update((n.recipient_uid, n.kind, n.subject_uid) for n in notes)
            self._deliver(uow, notes)

        return handle

    # -- shows --------------------------------------------------------------------------

    def _show_status(
        self, work: Work, event: ShowStatusChanged
    ) -> Iterable[tuple[_Message, Collection[str]]]:
        told = _SHOW_KINDS.get(event.after)
        if told is None or event.before is event.after:
            return
        kind, verb = told
        u = work.inner
        uids: Sequence[str] = event.show_uids
        if len(uids) > 1 and (schedule := _one_schedule(u, uids)) is not None:
            yield _bulk(u, schedule, event, verb)
            return
        for show in u.shows.get_many(uids).values():
            users = _concerned(u, [show]) - {event.user_uid}
            if users:  # the words cost reads: only for someone to tell
                yield _Message(kind, show, f"{show.name} on {_when(u, show)} {verb}"), users

    def _show_moved(
        self, work: Work, event: ShowMoved
    ) -> Iterable[tuple[_Message, Collection[str]]]:
        u = work.inner
        show = u.shows.find(event.show_uid)
        if show is None or show.show_status is ShowStatus.DRAFT:
            return
        told = _concerned(u, [show]) - {event.user_uid}
        if not told:
            return
        text = f"{show.name} moved to {_when(u, show)}"
        if event.room_before != event.room_after and show.studio_room_uid is not None:
            text += f", {_room_name(u, show.studio_room_uid)}"
        yield _Message(NotificationKind.SHOW_MOVED, show, text), told

    # -- schedules ----------------------------------------------------------------------

    def _schedule_status(
        self, work: Work, event: ScheduleStatusChanged
    ) -> Iterable[tuple[_Message, Collection[str]]]:
        before, after = event.before, event.after
        if after is ScheduleStatus.PROPOSED:
            kind, verb = NotificationKind.SCHEDULE_PROPOSED, "proposed"
        elif before is ScheduleStatus.PROPOSED and after is ScheduleStatus.DRAFT:
            kind, verb = NotificationKind.SCHEDULE_SENT_BACK, "sent back to draft"
        elif after is ScheduleStatus.CONFIRMED:
            kind, verb = NotificationKind.SCHEDULE_CONFIRMED, "confirmed"
        else:
            return
        yield from self._about_schedule(work, event, event.schedule_uid, kind, verb)

    def _schedule_approved(
        self, work: Work, event: ScheduleApproved
    ) -> Iterable[tuple[_Message, Collection[str]]]:
        yield from self._about_schedule(
            work, event, event.schedule_uid, NotificationKind.SCHEDULE_APPROVED, "approved"
        )

    def _about_schedule(
        self,
        work: Work,
        event: DomainEvent,
        schedule_uid: str,
        kind: NotificationKind,
        verb: str,
    ) -> Iterable[tuple[_Message, Collection[str]]]:
        u = work.inner
        schedule = u.schedules.find(schedule_uid)
        if schedule is None:
            return
        who = _name(u, event.user_uid)
        text = f"{who} {verb} {schedule.name}" if who else f"{schedule.name} was {verb}"
        told = _managers(u, schedule)
        if kind is NotificationKind.SCHEDULE_CONFIRMED:
            told |= _members(u, schedule.client_uid, MEMBER)
        yield _Message(kind, schedule, text), told

    # -- change requests ----------------------------------------------------------------

    def _change_request(
        self, work: Work, event: ChangeRequestStatusChanged
    ) -> Iterable[tuple[_Message, Collection[str]]]:
        u = work.inner
        request = u.change_requests.find(event.change_request_uid)
        schedule = u.schedules.find(event.schedule_uid)
        if request is None or schedule is None:
            return
        category = _CATEGORY_WORDS.get(request.change_category, request.change_category)
        if event.before is None and event.after is ChangeRequestStatus.PENDING:
            who = _name(u, event.user_uid) or "Someone"
            article = "an" if category[:1] in "aeiou" else "a"
            text = f"{who} asks for {article} {category} change to {schedule.name}: waiting for you"
            yield (
                _Message(NotificationKind.CHANGE_REQUEST_WAITING, request, text),
                _deciders(u, request, schedule),
            )
            return
        outcome = _DECIDED.get(event.after)
        if outcome is None:
            return
        text = f"The {category} change to {schedule.name} was {outcome}"
        told = _managers(u, schedule)
        if request.requested_by_uid is not None:
            told.add(request.requested_by_uid)
        yield _Message(NotificationKind.CHANGE_REQUEST_DECIDED, request, text), told

    # -- mentions and warnings ----------------------------------------------------------

    def _mentions(
        self, work: Work, event: CommentWritten
    ) -> Iterable[tuple[_Message, Collection[str]]]:
        if not event.mentioned_uids:
            return
        u = work.inner
        record = find_any(u, event.commentable_uid)
        if record is None:
            return
        readers = {uid for uid in event.mentioned_uids if _may_read(work, uid, record)}
        who = _name(u, event.user_uid) or "Someone"
        text = f"{who} mentioned you on {_title(record)}"
        yield (
            _Message(NotificationKind.MENTION, record, text, {"comment_uid": event.comment_uid}),
            readers,
        )

    def _conflicts(
        self, work: Work, event: ConflictsWarned
    ) -> Iterable[tuple[_Message, Collection[str]]]:
        u = work.inner
        shows = u.shows.get_many(event.show_uids[:_FEW])
        by_schedule: dict[str, list[Show]] = {}
        for show in shows.values():
            if show.schedule_uid is not None:
                by_schedule.setdefault(show.schedule_uid, []).append(show)
        count = len(event.conflicts)
        first = event.conflicts[0].reason if event.conflicts else ""
        for schedule in u.schedules.get_many(list(by_schedule)).values():
            plural = "warning" if count == 1 else "warnings"
            text = f"{count} conflict {plural} in {schedule.name}: {first}"[:500]
            metadata = {"show_uids": sorted(s.uid for s in by_schedule[schedule.uid])}
            yield (
                _Message(NotificationKind.CONFLICT_WARNING, schedule, text, metadata),
                _managers(u, schedule),
            )


# --------------------------------------------------------------------------- who


def _members(u: UnitOfWork, group_uid: str | None, at_least: MembershipRole) -> set[str]:
    if group_uid is None:
        return set()
    return {
        m.user_uid
        for m in u.memberships.list(where={"group_uid": group_uid})
        if m.role.at_least(at_least)
    }


def _managers(u: UnitOfWork, schedule: Schedule) -> set[str]:
    """The managers (and admins) of a schedule's client and studio."""
    return _members(u, schedule.client_uid, MANAGER) | _members(u, schedule.studio_uid, MANAGER)


def _deciders(u: UnitOfWork, request: ChangeRequest, schedule: Schedule) -> set[str]:
    if request.change_category == "CLIENT_REQUESTED":
        return _members(u, schedule.studio_uid, MANAGER)
    if request.change_category == "OPERATIONAL":
        return _members(u, schedule.client_uid, MANAGER)
    return set()  # force majeure is applied at once: its outcome is what is told


def _concerned(u: UnitOfWork, shows: Sequence[Show]) -> set[str]:
    """Those a change of ``shows`` concerns: their hosts and their clients' members."""
    told = set(u.bookings.host_users([s.uid for s in shows]))
    for client in {s.client_uid for s in shows}:
        told |= _members(u, client, MEMBER)
    return told


def _one_schedule(u: UnitOfWork, show_uids: Sequence[str]) -> Schedule | None:
    """The schedule of many shows whose status changed at once: the first's
    (the set-based status change is a promotion's, or a confirmation of some
    of one schedule's drafts: one schedule's shows)."""
    first = u.shows.find(show_uids[0])
    if first is None or first.schedule_uid is None:
        return None
    return u.schedules.find(first.schedule_uid)


def _bulk(
    u: UnitOfWork, schedule: Schedule, event: ShowStatusChanged, verb: str
) -> tuple[_Message, set[str]]:
    """One notification per person for many shows of one schedule."""
    count = len(set(event.show_uids))
    told = set(u.bookings.host_users(event.show_uids)) | _members(u, schedule.client_uid, MEMBER)
    who = _name(u, event.user_uid)
    shows = f"{count} shows of {schedule.name}"
    done = verb.removeprefix("was ")
    text = f"{who} {done} {shows}" if who else f"{shows} were {done}"
    kind = (
        NotificationKind.SCHEDULE_CONFIRMED
        if event.after is ShowStatus.CONFIRMED
        else NotificationKind.SHOW_CANCELLED
    )
    return _Message(kind, schedule, text, {"show_count": count}), told


def _may_read(work: Work, user_uid: str, record: Entity) -> bool:
    """Whether the user ``user_uid`` may read ``record``, by the policy."""
    u = work.inner
    user = u.users.find(user_uid)
    if user is None or user.is_banned:
        return False
    actor = actor_for(u, user)
    call = attrs.evolve(work.call, actor=actor, action=Action.READ)
    try:
        work.call.ctx.policy.authorize(call.request(u, target=record))
    except (NotFoundError, PermissionDeniedError):
        return False
    return True


# --------------------------------------------------------------------------- words


def _notifications(
    work: Work, message: _Message, recipients: Collection[str], actor_uid: str | None
) -> list[Notification]:
    told = sorted(set(recipients) - {actor_uid} if actor_uid else set(recipients))
    if not told:
        return []
    users = work.inner.users.get_many(told)
    told = [uid for uid in told if uid in users and not users[uid].is_banned]
    now = work.now()
    subject = message.subject
    return [
        Notification(
            uid=uid,
            created_at=now,
            updated_at=now,
            recipient_uid=recipient,
            kind=message.kind,
            subject_uid=subject.uid,
            subject_type=subject.TABLE,
            text=message.text[:500],
            actor_uid=actor_uid,
            metadata=dict(message.metadata),
        )
        for uid, recipient in zip(new_uids(Notification.PREFIX, len(told)), told, strict=True)
    ]


def _name(u: UnitOfWork, user_uid: str | None) -> str | None:
    if user_uid is None:
        return None
    user = u.users.find(user_uid)
    return None if user is None else user.name


def _room_name(u: UnitOfWork, room_uid: str) -> str:
    room = u.studio_rooms.find(room_uid, include_deleted=True)
    return room_uid if room is None else room.name


def _when(u: UnitOfWork, show: Show) -> str:
    """The show's time in its studio's zone, with the studio's name:
    ``Mon 2 Mar, 10:00-11:00 (Berlin One)``."""
    studio = _studio_of(u, show)
    zone = ZoneInfo(studio.time_zone) if studio is not None else None
    start, end = show.show_start.astimezone(zone), show.show_end.astimezone(zone)
    text = f"{_day(start)}, {start:%H:%M}-"
    text += f"{end:%H:%M}" if end.date() == start.date() else f"{_day(end)}, {end:%H:%M}"
    if zone is None:
        text += " UTC"
    return f"{text} ({studio.name})" if studio is not None else text


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


def _studio_of(u: UnitOfWork, show: Show) -> Studio | None:
    if show.studio_room_uid is None:
        return None
    room: StudioRoom | None = u.studio_rooms.find(show.studio_room_uid, include_deleted=True)
    return None if room is None else u.studios.find(room.studio_uid, include_deleted=True)


def _title(record: Entity) -> str:
    name = getattr(record, "name", None)
    if isinstance(name, str):
        return name
    return {"change_requests": "a change request"}.get(record.TABLE, f"a {record.TABLE[:-1]}")
