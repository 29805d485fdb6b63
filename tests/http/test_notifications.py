"""Notifications over HTTP: the list, marking read, and the live stream (one
server process, in memory; across processes on PostgreSQL:
``tests/http/test_notifications_live.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import FixedClock, Services
from studiocore.access import MembershipPolicy
from studiocore_http import Settings, create_app
from tests.http.conftest import API, SECRET, bearer
from tests.support import access_matrix as matrix
from tests.support.builders import T0
from tests.support.sse import SseReader, ThreadedServer


@attrs.define
class Site:
    world: matrix.World
    settings: Settings
    app: Litestar

    def headers(self, persona: str) -> dict[str, str]:
        return bearer(self.settings, self.world.svc.users.get(self.world[persona]))


@pytest.fixture
def site() -> Site:
    svc = Services.in_memory(clock=FixedClock(T0), policy=MembershipPolicy())
    world = matrix.build_world(svc)
    settings = Settings(jwt_secret=SECRET, log_requests=False, access_policy="membership")
    return Site(world, settings, create_app(settings, services=svc))


@pytest.fixture
def client(site: Site) -> Iterator[TestClient[Litestar]]:
    with TestClient(site.app) as client:
        yield client


def test_the_user_lists_counts_and_marks_their_notifications(
    site: Site, client: TestClient[Litestar]
) -> None:
    w = site.world
    host = site.headers("host")
    cancelled = client.post(
        f"{API}/shows/{w['showC']}/status",
        headers=site.headers("a_manager"),
        json={"show_status": "cancelled"},
    )
    assert cancelled.status_code == 200, cancelled.text
    listed = client.get(f"{API}/notifications?unread_only=true", headers=host).json()
    newest = listed["items"][0]
    assert newest["kind"] == "show_cancelled"
    assert newest["subject_uid"] == w["showC"]
    assert newest["recipient_uid"] == w["host"]
    assert newest["read_at"] is None
    assert "was cancelled" in newest["text"]
    count = client.get(f"{API}/notifications/unread-count", headers=host).json()["unread"]
    assert count == listed["total"] >= 1

    read = client.post(f"{API}/notifications/{newest['uid']}/read", headers=host)
    assert read.status_code == 200, read.text
    assert read.json()["read_at"] is not None
    after = client.get(f"{API}/notifications/unread-count", headers=host).json()["unread"]
    assert after == count - 1
    # someone else's notification: 404, unchanged
    other = client.post(
        f"{API}/notifications/{newest['uid']}/read", headers=site.headers("c_member")
    )
    assert other.status_code == 404
    marked = client.post(f"{API}/notifications/read-all", headers=host).json()["marked"]
    assert marked == after
    assert client.get(f"{API}/notifications/unread-count", headers=host).json()["unread"] == 0
    # the list of a client member holds only their own
    theirs = client.get(f"{API}/notifications", headers=site.headers("c_member")).json()
    assert theirs["items"]
    assert {n["recipient_uid"] for n in theirs["items"]} == {w["c_member"]}


def test_bad_filters_are_422s_naming_the_field(site: Site, client: TestClient[Litestar]) -> None:
    host = site.headers("host")
    response = client.get(f"{API}/notifications?kind=gossip", headers=host)
    assert response.status_code == 422
    assert "kind" in response.text
    stream = client.get(
        f"{API}/notifications/stream", headers={**host, "Last-Event-ID": "not-a-uid"}
    )
    assert stream.status_code == 422
    assert "Last-Event-ID" in stream.text
    assert client.get(f"{API}/notifications/stream").status_code == 401


def test_the_stream_delivers_new_notifications_and_replays_what_was_missed(site: Site) -> None:
    w = site.world
    with ThreadedServer(site.app) as server:
        url = f"{server.url}{API}/notifications/stream"
        stranger = SseReader(url, site.headers("d_member"))
        stream = SseReader(url, site.headers("host"))
        try:
            cancel = httpx.post(
                f"{server.url}{API}/shows/{w['showC']}/status",
                headers=site.headers("a_manager"),
                json={"show_status": "cancelled"},
            )
            assert cancel.status_code == 200, cancel.text
            event = stream.next(timeout=5)
            assert event.event == "notification"
            body = event.json()
            assert (body["kind"], body["subject_uid"]) == ("show_cancelled", w["showC"])
            assert event.id == body["uid"]
            # client D's member may not read show C: told nothing
            assert stranger.nothing_within(0.5)
        finally:
            stream.close()
            stranger.close()

        # two more while disconnected, then a reconnection with Last-Event-ID
        other = w.svc.shows.create(
            "Extra C",
            T0.replace(hour=20),
            T0.replace(hour=21),
            studio_room_uid=w["roomA"],
            client_uid=w["C"],
            mc_uids=[w["mc"]],
        ).show
        w.svc.shows.cancel(other.uid)
        again = SseReader(url, {**site.headers("host"), "Last-Event-ID": event.id or ""})
        try:
            missed = [again.next(timeout=5).json() for _ in range(2)]
            assert [(m["kind"], m["subject_uid"]) for m in missed] == [
                ("show_confirmed", other.uid),
                ("show_cancelled", other.uid),
            ]
            assert again.nothing_within(0.3)  # exactly those
        finally:
            again.close()
