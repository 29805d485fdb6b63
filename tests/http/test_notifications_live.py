"""Live notifications across server processes on PostgreSQL: two ``studiocore
serve`` processes over one database; a change made through one reaches a
stream of the other (``LISTEN/NOTIFY``), a reconnection with ``Last-Event-ID``
gets exactly what it missed, and a client's stream never carries another
client's events."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from studiocore import Services, SystemClock
from studiocore.access import MembershipPolicy
from studiocore_http import Settings
from tests.http.conftest import API, SECRET, bearer
from tests.support import access_matrix as matrix
from tests.support.servers import Server, running_server
from tests.support.sse import SseReader

pytestmark = pytest.mark.postgres


class Two:
    """Two server processes over one PostgreSQL database holding the access world."""

    def __init__(self, world: matrix.World, one: Server, two: Server) -> None:
        self.world, self.one, self.two = world, one, two
        self.settings = Settings(jwt_secret=SECRET)

    def headers(self, persona: str) -> dict[str, str]:
        return bearer(self.settings, self.world.svc.users.get(self.world[persona]))

    def stream(self, server: Server, persona: str, last: str | None = None) -> SseReader:
        headers = self.headers(persona)
        if last is not None:
            headers["Last-Event-ID"] = last
        return SseReader(f"{server.base_url}{API}/notifications/stream", headers)

    def book(self, server: Server, client: str, *, hour: int) -> str:
        """Book a confirmed show of ``client`` (hosted by the world's MC for client
        C) in room A through ``server``, as studio A's manager; its uid."""
        w = self.world
        body = {
            "name": f"Live {client} {hour}",
            "studio_room_uid": w["roomA"],
            "client_uid": w[client],
            "show_start": f"2031-01-0{1 + hour // 24}T{hour % 24:02d}:00:00Z",
            "show_end": f"2031-01-0{1 + hour // 24}T{hour % 24:02d}:30:00Z",
            "mc_uids": [w["mc"]] if client == "C" else [],
        }
        return str(self._call(server, "POST", "/shows", body)["uid"])

    def cancel(self, server: Server, show_uid: str) -> None:
        self._call(server, "POST", f"/shows/{show_uid}/status", {"show_status": "cancelled"})

    def _call(self, server: Server, method: str, path: str, body: object) -> dict[str, Any]:
        done = httpx.request(
            method,
            f"{server.base_url}{API}{path}",
            headers=self.headers("a_manager"),
            json=body,
            timeout=30,
        )
        assert done.status_code in (200, 201), done.text
        found: dict[str, Any] = done.json()
        return found


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Two]:
    from studiocore_sql import SqlDatabase
    from tests.support.postgres import migrate, scratch_database

    folder = Path(tmp_path_factory.mktemp("two-servers"))
    with ExitStack() as stack:
        url = stack.enter_context(scratch_database())
        migrate(url)
        database = SqlDatabase(url)
        stack.callback(database.dispose)
        world = matrix.build_world(
            Services(database, clock=SystemClock(), policy=MembershipPolicy())
        )
        settings = {"STUDIOCORE_MIGRATE_ON_START": "false"}
        for name in ("one", "two"):
            (folder / name).mkdir()
        one = stack.enter_context(
            running_server(url, folder / "one", demo=False, secret=SECRET, settings=settings)
        )
        other = stack.enter_context(
            running_server(url, folder / "two", demo=False, secret=SECRET, settings=settings)
        )
        yield Two(world, one, other)


def test_a_change_through_one_server_reaches_a_stream_of_the_other_within_a_second(
    two: Two,
) -> None:
    host = two.stream(two.two, "host")
    try:
        show = two.book(two.one, "C", hour=1)
        answered = time.monotonic()
        event = host.next(timeout=5)
        elapsed = time.monotonic() - answered
        body = event.json()
        assert (body["kind"], body["subject_uid"]) == ("show_confirmed", show)
        assert elapsed < 1.0, f"{elapsed:.3f} s from the answer to the event"
    finally:
        host.close()


def test_a_reconnection_with_last_event_id_gets_exactly_what_it_missed(two: Two) -> None:
    host = two.stream(two.two, "host")
    try:
        first = two.book(two.one, "C", hour=3)
        seen = host.next(timeout=5)
        assert seen.json()["subject_uid"] == first
    finally:
        host.close()
    second = two.book(two.one, "C", hour=5)
    two.cancel(two.two, second)
    two.cancel(two.one, first)
    again = two.stream(two.one, "host", last=seen.id)
    try:
        missed = [again.next(timeout=5).json() for _ in range(3)]
        assert [(m["kind"], m["subject_uid"]) for m in missed] == [
            ("show_confirmed", second),
            ("show_cancelled", second),
            ("show_cancelled", first),
        ]
        assert again.nothing_within(0.5)  # exactly those, nothing twice
    finally:
        again.close()


def test_a_clients_stream_never_carries_another_clients_events(two: Two) -> None:
    theirs = two.stream(two.two, "d_member")
    ours = two.stream(two.one, "c_member")
    try:
        show_c = two.book(two.one, "C", hour=7)
        show_d = two.book(two.two, "D", hour=8)
        two.cancel(two.one, show_c)
        assert theirs.next(timeout=5).json()["subject_uid"] == show_d
        assert theirs.nothing_within(0.5)
        got = [ours.next(timeout=5).json()["subject_uid"] for _ in range(2)]
        assert got == [show_c, show_c]
        assert ours.nothing_within(0.3)
    finally:
        theirs.close()
        ours.close()
