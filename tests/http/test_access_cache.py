"""The access cache: a server process keeps signed-in users and their grants
in memory on PostgreSQL, and forgets them as soon as anything changes them,
whoever changes them (another process, raw SQL, this process), and while it
cannot hear such changes it keeps nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import attrs
import psycopg
import pytest
from litestar.testing import TestClient

from studiocore import Actor, Services, User, UserRole
from studiocore_http import Settings, create_app, issue_token
from studiocore_http.access_cache import (
    APPLICATION_NAME,
    AccessListener,
    ActorCache,
    ActorLookup,
    libpq_dsn,
)
from studiocore_sql import SqlDatabase
from tests.support.postgres import scratch_database

SECRET = "access-cache-secret-access-cache-secret"
API = "/api/v1"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _user(uid: str) -> tuple[User, Actor]:
    user = User(uid=uid, email="u@example.com", name="U", created_at=T0, updated_at=T0)
    return user, Actor(user_uid=uid, role=UserRole.USER)


# --------------------------------------------------------------------------- the cache alone


def test_a_read_that_started_before_an_invalidation_is_not_kept() -> None:
    cache = ActorCache()
    cache.watching(True)
    found = _user("user_01HZZZZZZZZZZZZZZZZZZZZZZ1")
    before = cache.generation
    cache.invalidate()  # a change committed while the read ran
    cache.put(found[0].uid, found, before)
    assert cache.get(found[0].uid) is None
    cache.put(found[0].uid, found, cache.generation)
    assert cache.get(found[0].uid) == found


def test_nothing_is_kept_while_changes_are_not_watched() -> None:
    cache = ActorCache()
    found = _user("user_01HZZZZZZZZZZZZZZZZZZZZZZ2")
    cache.put(found[0].uid, found, cache.generation)  # not yet listening
    assert cache.get(found[0].uid) is None
    cache.watching(True)
    cache.put(found[0].uid, found, cache.generation)
    generation = cache.generation
    cache.watching(False)  # the listening connection broke: what was kept may be stale
    assert cache.get(found[0].uid) is None
    cache.put(found[0].uid, found, generation)
    assert cache.get(found[0].uid) is None


class _Connection:
    """A listening connection that hears what ``echo`` lets through of what it
    notifies (a pooler that does not carry LISTEN hears nothing), for
    ``rounds`` pings."""

    def __init__(self, *, echo: bool, rounds: int = 2) -> None:
        self.echo = echo
        self.rounds = rounds
        self.sent: list[str] = []

    async def execute(self, query: str, params: tuple[str, str]) -> None:
        if len(self.sent) == self.rounds:
            raise OSError("the test is over")
        self.sent.append(params[1])

    async def notifies(self, timeout: float) -> AsyncIterator[SimpleNamespace]:
        yield SimpleNamespace(payload="users")  # a change: always emptied
        yield SimpleNamespace(payload="ping:another-process")  # ignored
        if self.echo:
            yield SimpleNamespace(payload=self.sent[-1])


def test_the_cache_is_live_only_while_the_listener_hears_its_own_ping() -> None:
    async def listen(connection: _Connection) -> ActorCache:
        cache = ActorCache()
        listener = AccessListener("postgresql://unused", cache)
        with pytest.raises((ConnectionError, OSError)):
            await listener._listen(connection)
        return cache

    deaf = asyncio.run(listen(_Connection(echo=False)))
    assert not deaf.live, "a listener that cannot hear itself must not vouch for the cache"
    hearing = _Connection(echo=True)
    cache = asyncio.run(listen(hearing))
    assert cache.live
    assert len(set(hearing.sent)) == 1, "one ping token per connection"
    # emptied by each change ("users"), not by the other process's ping
    assert cache.generation == 1 + 2


# --------------------------------------------------------------------------- a server on PostgreSQL


@attrs.frozen
class World:
    url: str
    client: TestClient  # type: ignore[type-arg]
    lookup: ActorLookup
    other: Services
    """The same database through services of their own: another process."""
    member: User
    membership_uid: str
    show_uid: str
    member_headers: dict[str, str]
    admin_headers: dict[str, str]

    def member_sees_the_show(self) -> bool:
        answer = self.client.get(f"{API}/shows", headers=self.member_headers)
        if answer.status_code == 403:
            return False
        assert answer.status_code == 200, answer.text
        return self.show_uid in {item["uid"] for item in answer.json()["items"]}


@contextmanager
def world() -> Iterator[World]:
    with scratch_database() as url:
        settings = Settings(database_url=url, jwt_secret=SECRET, log_requests=False)
        app = create_app(settings)
        services: Services = app.state.services
        admin = services.users.create("admin@example.com", "Admin", role=UserRole.ADMIN)
        member = services.users.create("member@example.com", "Member")
        brand = services.clients.create("Glow")
        membership = services.memberships.create(member.uid, brand.uid, "member")
        room = services.studio_rooms.create(services.studios.create("North").uid, "A")
        show = services.shows.create(
            "Launch",
            T0,
            T0 + timedelta(hours=1),
            studio_room_uid=room.uid,
            client_uid=brand.uid,
        ).show
        other_db = SqlDatabase(url)
        try:
            with TestClient(app) as client:
                lookup: ActorLookup = app.state.actor_lookup
                assert lookup.cache is not None
                wait_for(lambda: lookup.cache is not None and lookup.cache.live)
                yield World(
                    url=url,
                    client=client,
                    lookup=lookup,
                    other=Services(other_db),
                    member=member,
                    membership_uid=membership.uid,
                    show_uid=show.uid,
                    member_headers={"Authorization": f"Bearer {issue_token(settings, member.uid)}"},
                    admin_headers={"Authorization": f"Bearer {issue_token(settings, admin.uid)}"},
                )
        finally:
            other_db.dispose()


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("not within the deadline")
        time.sleep(0.01)


def cached(w: World) -> bool:
    assert w.lookup.cache is not None
    return w.lookup.cache.get(w.member.uid) is not None


pytestmark = pytest.mark.postgres


def test_a_membership_revoked_by_another_process_applies_without_a_restart() -> None:
    with world() as w:
        assert w.member_sees_the_show()
        assert cached(w), "the member's grants were not kept: this test would prove nothing"
        w.other.memberships.delete(w.membership_uid)
        wait_for(lambda: not w.member_sees_the_show(), seconds=5)
        assert not w.member_sees_the_show()


def test_a_ban_written_in_raw_sql_applies_without_a_restart() -> None:
    with world() as w:
        assert w.member_sees_the_show()
        assert cached(w)
        with psycopg.connect(libpq_dsn(w.url), autocommit=True) as conn:
            conn.execute("UPDATE users SET is_banned = true WHERE uid = %s", (w.member.uid,))
        wait_for(
            lambda: w.client.get(f"{API}/shows", headers=w.member_headers).status_code == 403,
            seconds=5,
        )


def test_a_ban_through_this_server_applies_to_the_very_next_request() -> None:
    with world() as w:
        assert w.member_sees_the_show()
        assert cached(w)
        banned = w.client.patch(
            f"{API}/users/{w.member.uid}", json={"is_banned": True}, headers=w.admin_headers
        )
        assert banned.status_code == 200, banned.text
        # no waiting: the write emptied the cache when it committed
        assert w.client.get(f"{API}/shows", headers=w.member_headers).status_code == 403


def test_while_the_listening_connection_is_down_nothing_is_kept_and_it_comes_back(
    capfd: pytest.CaptureFixture[str],
) -> None:
    logged: list[str] = []

    def said(words: str) -> int:
        """How many lines of the app's log (on stderr) say ``words``."""
        logged.extend(capfd.readouterr().err.splitlines())
        return sum(words in line and "studiocore_http.access" in line for line in logged)

    with world() as w:
        assert w.member_sees_the_show()
        cache = w.lookup.cache
        assert cache is not None
        kill_the_listener(w.url)
        # A change made while nobody listens is not missed: the cache is empty
        # and not filled until the listener is back, then emptied again.
        w.other.memberships.delete(w.membership_uid)
        wait_for(lambda: not w.member_sees_the_show(), seconds=5)
        wait_for(lambda: cache.live)  # reconnected
        assert not w.member_sees_the_show()
        assert cached(w)
        # one warning for the outage, one for its end; and so again
        wait_for(lambda: said("listening on the database again") == 1)
        assert said("lost the database's LISTEN connection") == 1
        kill_the_listener(w.url)
        wait_for(lambda: said("listening on the database again") == 2)
        assert said("lost the database's LISTEN connection") == 2
        assert cache.live


def kill_the_listener(url: str) -> None:
    with psycopg.connect(libpq_dsn(url), autocommit=True) as conn:
        killed = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database()",
            (APPLICATION_NAME,),
        ).fetchall()
    assert [row[0] for row in killed] == [True]


def test_no_cache_on_sqlite_or_when_turned_off(tmp_path: Path) -> None:
    sqlite = Settings(
        database_url=f"sqlite:///{tmp_path / 'api.db'}", jwt_secret=SECRET, log_requests=False
    )
    assert create_app(sqlite).state.actor_lookup.cache is None
    with scratch_database() as url:
        off = Settings(database_url=url, jwt_secret=SECRET, log_requests=False, access_cache=False)
        app = create_app(off)
        with TestClient(app):  # its shutdown closes the database
            assert app.state.actor_lookup.cache is None
