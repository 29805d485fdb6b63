"""PostgreSQL ``LISTEN``/``NOTIFY`` as a Litestar channels backend that
survives the database going away.

Litestar's psycopg backend ends its subscriber for good when its listening
connection breaks (a database restart, a failover, an idle connection cut by
a proxy): live notifications would stop in that process until it restarts.
This backend reconnects with a growing pause (up to ``max_pause`` seconds)
and listens again; meanwhile streams still catch up by their periodic table
read (:data:`~studiocore_http.features.notifications.live.HEARTBEAT`), so
a notification is late during an outage, never lost.

One task owns the listening connection: it applies (un)subscriptions
between short waits for notifications, so nothing else ever uses the
connection while it waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable
from contextlib import suppress
from typing import Any

from litestar.channels.backends.base import ChannelsBackend
from psycopg import AsyncConnection
from psycopg.sql import SQL, Identifier

__all__ = ["ListenNotifyBackend"]

log = logging.getLogger("studiocore_http.notifications")

_WAIT = 0.25
"""Seconds of one wait for notifications, after which subscriptions are applied."""


class ListenNotifyBackend(ChannelsBackend):
    def __init__(self, dsn: str, *, max_pause: float = 5.0) -> None:
        self._dsn = dsn
        self._max_pause = max_pause
        self._wanted: set[str] = set()
        self._queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        """Set while the listening connection is up and listens to every channel wanted."""

    async def on_startup(self) -> None:
        self._queue = asyncio.Queue()
        self.connected = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="studiocore-listen")

    async def on_shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        async with await AsyncConnection[Any].connect(self._dsn, autocommit=True) as conn:
            for channel in channels:
                await conn.execute("SELECT pg_notify(%s, %s)", (channel, data.decode()))

    async def subscribe(self, channels: Iterable[str]) -> None:
        self._wanted |= set(channels)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        self._wanted -= set(channels)

    async def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        while True:
            channel, data = await self._queue.get()
            if channel in self._wanted:
                yield channel, data

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        raise NotImplementedError("PostgreSQL NOTIFY keeps no history")

    async def _run(self) -> None:
        pause = 0.0
        while True:
            try:
                async with await AsyncConnection[Any].connect(self._dsn, autocommit=True) as conn:
                    if pause:
                        log.warning("live notifications: listening on the database again")
                    pause = 0.0
                    await self._listen(conn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.connected.clear()
                if pause == 0.0:
                    log.warning(
                        "live notifications: lost the database's LISTEN connection (%s); "
                        "reconnecting (streams catch up from the table meanwhile)",
                        " ".join(str(exc).split()),
                    )
                pause = min(self._max_pause, max(0.2, pause * 2))
                await asyncio.sleep(pause)

    async def _listen(self, conn: AsyncConnection[Any]) -> None:
        listening: set[str] = set()
        while True:
            wanted = set(self._wanted)
            for channel in wanted - listening:
                await conn.execute(SQL("LISTEN {}").format(Identifier(channel)))
            for channel in listening - wanted:
                await conn.execute(SQL("UNLISTEN {}").format(Identifier(channel)))
            listening = wanted
            self.connected.set()
            async for notify in conn.notifies(timeout=_WAIT):
                self._queue.put_nowait((notify.channel, notify.payload.encode()))
