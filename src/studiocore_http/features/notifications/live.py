"""Live notifications: Server-Sent Events fed across server processes.

The notifications table is the truth; the channel only wakes streams up.
After a use case commits, :class:`LiveNotifications` publishes the recipients
of its notifications on one channel of Litestar's channels plugin: on
PostgreSQL ``NOTIFY``, which every server process ``LISTEN``\\ s to
(:mod:`.pg_channels`: it reconnects when the database goes away), in
process otherwise. Each stream of a woken recipient then
reads what is new for them from the table, so a stream that reconnects with
``Last-Event-ID`` gets exactly what it missed by the same read, and a stream
never carries another user's notifications (it only ever reads its own).

Every ``HEARTBEAT`` seconds an idle stream sends a comment (keeping proxies
from closing it) and looks at the table anyway: a notification written by a
process that publishes nothing (a worker, a script) reaches it then.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime, timedelta

import anyio.to_thread
import msgspec
from litestar.channels import ChannelsPlugin, Subscriber
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.response import ServerSentEventMessage

from studiocore import Actor, Notification, Services
from studiocore.ids import uid_floor, uid_time
from studiocore_http.shared.convert import one

from . import schemas as s

__all__ = [
    "CHANNEL",
    "HEARTBEAT",
    "LiveNotifications",
    "channels_backend",
    "wake_payloads",
]

CHANNEL = "studiocore_notifications"
"""The one channel (a PostgreSQL ``NOTIFY`` channel on PostgreSQL)."""
HEARTBEAT = 15.0
"""Seconds between keep-alive comments (and table reads) of an idle stream."""
LOOKBACK = timedelta(seconds=5)
"""How far before the newest notification sent a woken stream looks: uids sort
by creation time, and a use case of another process may commit a little after
one that made later uids."""
_MAX_PAYLOAD = 7000
"""Bytes per published message (PostgreSQL refuses ``NOTIFY`` payloads over 8000)."""
_REMEMBERED = 1000
log = logging.getLogger("studiocore_http.notifications")


def channels_backend(database_url: str | None) -> ChannelsBackend:
    """The channels backend for a database: PostgreSQL's ``LISTEN/NOTIFY``, or
    in process (SQLite, in memory: one server process)."""
    if database_url and database_url.startswith("postgresql"):
        from .pg_channels import ListenNotifyBackend

        rest = database_url.partition("://")[2]
        return ListenNotifyBackend(f"postgresql://{rest}")
    return MemoryChannelsBackend()


def wake_payloads(batch: Sequence[Notification]) -> list[bytes]:
    """The recipients of ``batch`` as JSON messages of at most ``_MAX_PAYLOAD`` bytes."""
    payloads: list[bytes] = []
    chunk: list[str] = []
    size = 0
    for user in sorted({n.recipient_uid for n in batch}):
        if chunk and size + len(user) + 3 > _MAX_PAYLOAD - 16:
            payloads.append(json.dumps({"to": chunk}).encode())
            chunk, size = [], 0
        chunk.append(user)
        size += len(user) + 3
    if chunk:
        payloads.append(json.dumps({"to": chunk}).encode())
    return payloads


def _recipients(payload: bytes) -> frozenset[str]:
    try:
        found = json.loads(payload).get("to", [])
    except (ValueError, AttributeError):
        return frozenset()
    return frozenset(u for u in found if isinstance(u, str))


def _message(notification: Notification) -> ServerSentEventMessage:
    record = one(s.Notification, notification)
    return ServerSentEventMessage(
        data=msgspec.json.encode(record).decode(), event="notification", id=notification.uid
    )


class _Sent:
    """The uids a stream sent lately (a woken stream reads a little back)."""

    def __init__(self) -> None:
        self._uids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, uid: object) -> bool:
        return uid in self._uids

    def add(self, uids: Iterable[str]) -> None:
        for uid in uids:
            self._uids[uid] = None
        while len(self._uids) > _REMEMBERED:
            self._uids.popitem(last=False)


class LiveNotifications:
    """The live side of notifications for one app: a channels plugin, the
    publisher the services call after each commit, and the streams.

    The app holds one subscription to the channel for its whole life (on
    PostgreSQL one ``LISTEN``, made by the first stream) and wakes its own
    streams by recipient: a stream waits on a queue of its own."""

    def __init__(self, services: Services, backend: ChannelsBackend) -> None:
        self.services = services
        self.plugin = ChannelsPlugin(backend=backend, channels=[CHANNEL])
        self._loop: asyncio.AbstractEventLoop | None = None
        self._streams: dict[str, set[asyncio.Queue[None]]] = {}
        self._dispatching: asyncio.Task[None] | None = None
        self._lock: asyncio.Lock | None = None

    # -- the app's lifespan -----------------------------------------------------------

    def on_startup(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._lock = asyncio.Lock()
        self.services.notifications.listen(self.committed)

    def on_shutdown(self) -> None:
        self.services.notifications.unlisten(self.committed)
        self._loop = None
        if self._dispatching is not None:
            self._dispatching.cancel()
            self._dispatching = None

    def committed(self, batch: Sequence[Notification]) -> None:
        """Wake the streams of ``batch``'s recipients, in every server process
        (called in the thread of the use case, after it committed)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        for payload in wake_payloads(batch):
            loop.call_soon_threadsafe(self.plugin.publish, payload, CHANNEL)

    async def _dispatch(self, subscriber: Subscriber) -> None:
        """Wake this process's streams of the recipients of each message."""
        try:
            async for payload in subscriber.iter_events():
                for user in _recipients(payload):
                    for queue in self._streams.get(user, ()):
                        queue.put_nowait(None)
        finally:
            await self.plugin.unsubscribe(subscriber)

    async def _ensure_dispatching(self) -> None:
        assert self._lock is not None, "the app has not started"
        async with self._lock:
            if self._dispatching is None or self._dispatching.done():
                subscriber = await self.plugin.subscribe(CHANNEL)  # listening from now on
                self._dispatching = asyncio.create_task(self._dispatch(subscriber))

    # -- one stream -------------------------------------------------------------------

    async def stream(
        self, actor: Actor, last_event_id: str | None, *, heartbeat: float = HEARTBEAT
    ) -> AsyncIterator[ServerSentEventMessage]:
        """The actor's notifications as they are made: first those after
        ``last_event_id`` (if given), then each new one, oldest first."""
        user = actor.user_uid or ""
        sent = _Sent()
        woken: asyncio.Queue[None] = asyncio.Queue()
        await self._ensure_dispatching()
        self._streams.setdefault(user, set()).add(woken)
        try:
            if last_event_id is not None:
                cursor = last_event_id
                missed = await self._since(actor, cursor)
            else:
                cursor = uid_floor(Notification.PREFIX, datetime.now().astimezone())
                missed = []
                sent.add(n.uid for n in await self._since(actor, self._back(cursor)))
            yield ServerSentEventMessage(comment="connected", retry=3000, data=None)
            while True:
                for notification in missed:
                    if notification.uid not in sent:
                        yield _message(notification)
                        sent.add([notification.uid])
                        cursor = max(cursor, notification.uid)
                try:
                    await asyncio.wait_for(woken.get(), heartbeat)
                except TimeoutError:
                    yield ServerSentEventMessage(comment="keep-alive", data=None)
                while not woken.empty():  # one read for every wake so far
                    woken.get_nowait()
                missed = await self._since(actor, self._back(cursor))
        finally:
            queues = self._streams.get(user, set())
            queues.discard(woken)
            if not queues:
                self._streams.pop(user, None)

    @staticmethod
    def _back(cursor: str) -> str:
        try:
            return uid_floor(Notification.PREFIX, uid_time(cursor) - LOOKBACK)
        except ValueError:
            return cursor

    async def _since(self, actor: Actor, after: str) -> list[Notification]:
        def read() -> list[Notification]:
            return self.services.notifications.since(after, actor=actor)

        return await anyio.to_thread.run_sync(read)
