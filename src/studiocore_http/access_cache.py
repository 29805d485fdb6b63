"""Who a signed-in user is and what they may do, kept in memory per process
while the database can say when that changes.

Every authenticated request needs its user (live? banned? which role?) and,
under the membership policy, their grants: three small reads on the primary,
about as much work as a page of shows. :class:`ActorLookup` does those reads
once per user and keeps the result in an :class:`ActorCache`, which is only
trusted while it cannot miss a change:

* On PostgreSQL, migration 0012's triggers send ``NOTIFY studiocore_access``
  when a statement writes ``users``, ``memberships`` or ``mcs``, whoever
  writes (another server process, a worker, the CLI, a SQL console).
  :class:`AccessListener` listens on its own connection and empties the cache
  on every such signal. While it is not listening (not yet connected, the
  database restarting) the cache holds nothing and every request reads, as
  without a cache.
* A use case of this process that writes empties the cache as soon as it
  commits (:attr:`studiocore.services.EventBus.write_listeners`), so the
  process's own next request never waits for the signal's round trip.
* A read that started before the cache was emptied is not stored: each
  emptying starts a new *generation*, and a result is kept only if the
  generation it was read in is still the current one.

A change made elsewhere is therefore seen here as soon as its notification
arrives (a millisecond or so after its commit, on a local network). SQLite
has no such signal and another process (the CLI) may write the same file: no
cache there. ``STUDIOCORE_ACCESS_CACHE=false`` turns it off.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from contextlib import suppress
from typing import Any

from studiocore import Actor, NotFoundError, Services, User
from studiocore_sql import primary_reads

__all__ = [
    "APPLICATION_NAME",
    "CHANNEL",
    "AccessListener",
    "ActorCache",
    "ActorLookup",
    "actor_of",
    "libpq_dsn",
    "uses_grants",
]

CHANNEL = "studiocore_access"
"""The channel migration 0012's triggers notify."""

log = logging.getLogger("studiocore_http.access")

_MAX_ENTRIES = 10_000
_PING_EVERY = 5.0
"""Seconds between the listener's pings of itself (see :class:`AccessListener`)."""
_PING = "ping:"
APPLICATION_NAME = "studiocore access cache"
"""The listening connection's ``application_name`` (in ``pg_stat_activity``)."""


def uses_grants(services: Services) -> bool:
    """Whether the services' policy decides by memberships (an actor then
    needs its grants: a read more)."""
    return bool(getattr(services.context.policy, "uses_grants", True))


def actor_of(user: User) -> Actor:
    """The core's view of an authenticated user, without grants (for a policy
    that does not look at memberships)."""
    return Actor(user_uid=user.uid, role=user.role, is_banned=user.is_banned)


class ActorCache:
    """Users and their actors by uid, valid while :attr:`live` (see the module
    docstring). Thread-safe: requests read and fill it from worker threads,
    the listener empties it from the event loop."""

    def __init__(self, max_entries: int = _MAX_ENTRIES) -> None:
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[User, Actor]] = {}
        self._generation = 0
        self._live = False

    @property
    def live(self) -> bool:
        """Whether changes are being watched: entries are kept only then."""
        return self._live

    @property
    def generation(self) -> int:
        """Take it before reading what :meth:`put` will store."""
        return self._generation

    def get(self, uid: str) -> tuple[User, Actor] | None:
        return self._entries.get(uid)

    def put(self, uid: str, found: tuple[User, Actor], generation: int) -> None:
        """Keep ``found`` unless the cache was emptied since ``generation``
        was taken (the read may predate the change that emptied it)."""
        with self._lock:
            if not self._live or generation != self._generation:
                return
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[uid] = found

    def invalidate(self) -> None:
        """Forget everything: something users' access depends on changed."""
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def watching(self, live: bool) -> None:
        """Changes are (``True``) or are no longer (``False``) being watched;
        either way what was kept may be stale."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._live = live


class ActorLookup:
    """A signed-in user and their actor (with grants when the services' policy
    decides by memberships), from the primary database even when reads go to
    a replica (a ban or a revoked membership applies at once), through
    ``cache`` when there is one."""

    def __init__(self, services: Services, cache: ActorCache | None = None) -> None:
        self.services = services
        self.cache = cache
        self.uses_grants = uses_grants(services)

    def cached(self, uid: str) -> tuple[User, Actor] | None:
        """What the cache holds for ``uid`` (no database read: safe on the event loop)."""
        return self.cache.get(uid) if self.cache is not None else None

    def load(self, uid: str) -> tuple[User, Actor]:
        """The user ``uid`` and their actor. Blocking; raises
        :class:`~studiocore.NotFoundError` for an unknown or deleted user."""
        cache = self.cache
        if cache is None:
            return self._read(uid)
        found = cache.get(uid)
        if found is None:
            generation = cache.generation
            found = self._read(uid)
            cache.put(uid, found, generation)
        return found

    def find(self, uid: str) -> tuple[User, Actor] | None:
        """:meth:`load`, or ``None`` for an unknown or deleted user."""
        try:
            return self.load(uid)
        except NotFoundError:
            return None

    def _read(self, uid: str) -> tuple[User, Actor]:
        with primary_reads():
            if self.uses_grants:  # the user and their grants in one read
                return self.services.users.with_actor(uid)
            user = self.services.users.get(uid)
            return user, actor_of(user)


class AccessListener:
    """Listens for ``studiocore_access`` on a connection of its own and keeps
    ``cache`` :attr:`~ActorCache.live` only while it hears: every
    ``_PING_EVERY`` seconds it notifies the channel itself and must hear its
    own ping back, so a connection that died silently, or a pooler that does
    not carry ``LISTEN`` (PgBouncer in transaction mode), turns the cache off
    instead of leaving it deaf and stale. Reconnects with a growing pause (up
    to ``max_pause`` seconds). ``on_startup``/``on_shutdown`` are the app's
    hooks."""

    def __init__(self, dsn: str, cache: ActorCache, *, max_pause: float = 5.0) -> None:
        self._dsn = dsn
        self.cache = cache
        self._max_pause = max_pause
        self._task: asyncio.Task[None] | None = None
        self._lost = False  # a warning said the connection was lost, none yet that it is back
        self.listening = asyncio.Event()
        """Set while the cache is live (for tests and health reports)."""

    async def on_startup(self) -> None:
        self.listening = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="studiocore-access-listener")

    async def on_shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.cache.watching(False)

    async def _run(self) -> None:
        from psycopg import AsyncConnection

        pause = 0.0
        while True:
            try:
                async with await AsyncConnection[Any].connect(
                    self._dsn, autocommit=True, application_name=APPLICATION_NAME
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    await self._listen(conn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.listening.is_set():  # it worked until now: back off afresh
                    pause = 0.0
                self.listening.clear()
                self.cache.watching(False)
                if not self._lost:
                    self._lost = True
                    log.warning(
                        "access cache: lost the database's LISTEN connection (%s); every "
                        "request reads its user until it is back",
                        " ".join(str(exc).split()),
                    )
                pause = min(self._max_pause, max(0.2, pause * 2))
                await asyncio.sleep(pause)

    async def _listen(self, conn: Any) -> None:
        ping = f"{_PING}{secrets.token_hex(8)}"
        while True:
            await conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, ping))
            heard = False
            async for notify in conn.notifies(timeout=_PING_EVERY):
                if notify.payload == ping:
                    if not heard and not self.cache.live:
                        self.cache.watching(True)  # live once it is heard
                        self.listening.set()
                        if self._lost:
                            self._lost = False
                            log.warning("access cache: listening on the database again")
                    heard = True
                elif not notify.payload.startswith(_PING):  # another process's ping
                    self.cache.invalidate()
            if not heard:
                raise ConnectionError("the listening connection did not hear its own ping")


def libpq_dsn(url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL: its
    ``+psycopg`` driver name dropped, the rest (query options too) kept."""
    return "postgresql://" + url.partition("://")[2]
