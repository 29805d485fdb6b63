"""Notifications: what the domain events mean to each person concerned.

Subscribers of the domain events (:mod:`studiocore.events`) write them in the
transaction of the change that caused them (:mod:`._audience` says who is
told what), and :func:`notify` hands them to the listeners of
:meth:`NotificationService.listen` only once it commits: a rolled-back change
tells nobody. Nobody is told about a record they may not read, and nobody is
told about what they did themselves.

>>> from datetime import datetime, UTC
>>> from studiocore import Services
>>> from studiocore.access import MembershipPolicy
>>> svc = Services.in_memory(policy=MembershipPolicy())
>>> heard = []
>>> svc.notifications.listen(lambda batch: heard.extend(n.kind.value for n in batch))
>>> studio = svc.studios.create("Berlin One", time_zone="Europe/Berlin")
>>> room = svc.studio_rooms.create(studio.uid, "Room A")
>>> host = svc.users.create("jo@example.com", "Jo")
>>> mc = svc.mcs.create("Jo", user_uid=host.uid)
>>> show = svc.shows.create("Morning live", datetime(2026, 3, 2, 9, tzinfo=UTC),
...                         datetime(2026, 3, 2, 10, tzinfo=UTC), studio_room_uid=room.uid,
...                         mc_uids=[mc.uid]).show
>>> _ = svc.shows.cancel(show.uid)
>>> heard
['show_confirmed', 'show_cancelled']
>>> jo = svc.users.actor(host.uid)
>>> [n.text for n in svc.notifications.page(actor=jo).items]  # unread, newest first
['Morning live on Mon 2 Mar, 10:00-11:00 (Berlin One) was cancelled', 'Morning live on Mon 2 Mar, 10:00-11:00 (Berlin One) was confirmed']
>>> svc.notifications.mark_all_read(actor=jo)
2
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from studiocore.entities import Notification
from studiocore.errors import ValidationError
from studiocore.lookups import NotificationKind
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import Since

from ._audience import Audience
from ._base import Page, Service, Work, check_paging, page_of, reads, writes
from ._pipeline import NotificationListener, ServiceContext

__all__ = ["NotificationListener", "NotificationService", "notify"]


_REPLAY_LIMIT = 500


def notify(work: Work, notifications: Sequence[Notification]) -> None:
    """Store ``notifications`` in the use case's transaction, and hand them to
    the listeners once it commits (never if it rolls back). They are written
    as the system: the actor of the use case need not be allowed to write
    others' notifications, and they are not audited."""
    if not notifications:
        return
    work.inner.notifications.add_many(notifications)
    listeners = list(work.call.ctx.events.notification_listeners)
    if listeners:
        batch = tuple(notifications)

        def publish() -> None:
            for listener in listeners:
                listener(batch)

        work.after_commit(publish)


def _kind(value: NotificationKind | str) -> NotificationKind:
    try:
        return NotificationKind(value)
    except ValueError:
        known = ", ".join(k.value for k in NotificationKind)
        raise ValidationError("kind", f"unknown notification kind; one of: {known}") from None


class NotificationService(Service):
    """A user's notifications: listed unread first, marked read one by one or
    all at once, replayed after a given one (a live stream's reconnection)."""

    resource = "notifications"

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        context.events.install_once("notifications", Audience(notify).subscribe)

    def listen(self, listener: NotificationListener) -> None:
        """Call ``listener(batch)`` with every batch of notifications, after the
        use case that made them commits (in its thread). A live stream
        publishes them from here; an exception is logged, not raised."""
        self.context.events.notification_listeners.append(listener)

    def unlisten(self, listener: NotificationListener) -> None:
        """Stop calling ``listener`` (no error if it was not listening)."""
        listeners = self.context.events.notification_listeners
        if listener in listeners:
            listeners.remove(listener)

    @reads
    def page(
        self,
        work: Work,
        *,
        unread_only: bool = False,
        kind: NotificationKind | str | None = None,
        subject_uid: str | None = None,
        recipient_uid: str | None = None,
        limit: int = 50,
        offset: int = 0,
        actor: Actor = SYSTEM,
    ) -> Page[Notification]:
        """The actor's notifications: unread first (newest first), then the
        read ones (last read first); only the unread with ``unread_only``,
        only those of a ``kind`` or about ``subject_uid`` if given. System
        admins (and the in-process system) may list another user's with
        ``recipient_uid``; for anyone else that list is empty."""
        check_paging(limit, offset)
        where = self._mine(work, recipient_uid)
        if where is None:
            return Page(items=[], total=0, limit=limit, offset=offset)
        if unread_only:
            where["read_at"] = None
        if kind is not None:
            where["kind"] = _kind(kind)
        if subject_uid is not None:
            where["subject_uid"] = subject_uid
        found = work.notifications.list(
            where=where, limit=limit, offset=offset, order_by=("-read_at", "-uid")
        )
        return page_of(found, limit, offset, lambda: work.notifications.count(where=where))

    @reads
    def get(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> Notification:
        """One of the actor's notifications (someone else's: ``NotFoundError``)."""
        return work.load(Notification, uid)

    @reads
    def unread_count(self, work: Work, *, actor: Actor = SYSTEM) -> int:
        """How many of the actor's notifications are unread."""
        return work.notifications.count(where={**self._own(work), "read_at": None})

    @reads
    def newest_uid(self, work: Work, *, actor: Actor = SYSTEM) -> str | None:
        """The uid of the actor's newest notification, if any."""
        found = work.notifications.list(where=self._own(work), order_by=("-uid",), limit=1)
        return found[0].uid if found else None

    @reads
    def since(
        self, work: Work, last_uid: str, *, limit: int = _REPLAY_LIMIT, actor: Actor = SYSTEM
    ) -> list[Notification]:
        """The actor's notifications made after ``last_uid`` (a notification
        uid: uids sort by creation time), oldest first, at most ``limit``: what a
        live stream missed while disconnected."""
        check_paging(limit, 0)
        mine = work.notifications.list(where=self._own(work), order_by=("-uid",), limit=limit)
        return sorted((n for n in mine if n.uid > last_uid), key=lambda n: n.uid)

    @writes
    def mark_read(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> Notification:
        """Mark one of the actor's notifications read (again: no change)."""
        found = work.load(Notification, uid)
        if found.read_at is not None:
            return found
        read = attrs.evolve(found, read_at=work.now(), updated_at=work.now())
        work.notifications.update(read)
        return read

    @writes
    def mark_all_read(
        self, work: Work, *, before: datetime | None = None, actor: Actor = SYSTEM
    ) -> int:
        """Mark every unread notification of the actor read (only those made
        before ``before``, if given); how many were."""
        if before is not None and before.tzinfo is None:
            raise ValidationError("before", "must be timezone-aware")
        now = work.now()
        unread = work.notifications.list(where={**self._own(work), "read_at": None})
        marked = [
            attrs.evolve(n, read_at=now, updated_at=now)
            for n in unread
            if before is None or n.created_at < before
        ]
        for notification in marked:
            work.notifications.update(notification)
        return len(marked)

    @writes
    def prune(self, work: Work, *, read_before: datetime, actor: Actor = SYSTEM) -> int:
        """Remove for good the notifications read before ``read_before``; unread
        ones stay however old. How many were removed. System only
        (``studiocore prune``: purging is the system's alone)."""
        if read_before.tzinfo is None:
            raise ValidationError("read_before", "must be timezone-aware")
        return work.notifications.purge(where={"read_at": Since(end=read_before)})

    @staticmethod
    def _mine(work: Work, recipient_uid: str | None = None) -> dict[str, object] | None:
        """The filter of the notifications listed: the actor's own, or
        ``recipient_uid``'s for whoever sees every record (``None`` for others)."""
        user = work.actor.user_uid
        if recipient_uid is None:
            if user is None:
                raise ValidationError(
                    "recipient_uid", "the system has no notifications: name the user whose to list"
                )
            return {"recipient_uid": user}
        if recipient_uid != user and work.visibility() is not None:
            return None
        return {"recipient_uid": recipient_uid}

    @classmethod
    def _own(cls, work: Work) -> dict[str, object]:
        mine = cls._mine(work)
        assert mine is not None  # the actor's own
        return mine
