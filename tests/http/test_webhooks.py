"""Webhooks over HTTP (the membership policy, as the app runs by default; the
server's own worker off, so deliveries stay in the log as queued)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import FixedClock, Services
from studiocore.access import MembershipPolicy
from studiocore_http import Settings, create_app
from tests.http.conftest import API, SECRET, bearer
from tests.support import access_matrix as matrix
from tests.support.builders import T0

URL = "http://127.0.0.1:9/hook"  # nothing listens: never sent anyway (worker off)


@attrs.define
class Site:
    world: matrix.World
    client: TestClient[Litestar]
    settings: Settings

    def call(self, method: str, path: str, persona: str, body: Any = None) -> Any:
        headers = bearer(self.settings, self.world.svc.users.get(self.world[persona]))
        return self.client.request(method, API + path, headers=headers, json=body)


@pytest.fixture
def site() -> Iterator[Site]:
    svc = Services.in_memory(clock=FixedClock(T0), policy=MembershipPolicy())
    world = matrix.build_world(svc)
    settings = Settings(jwt_secret=SECRET, log_requests=False, webhook_worker=False)
    with TestClient(create_app(settings, services=svc)) as client:
        yield Site(world, client, settings)


def test_register_read_change_and_delete_an_endpoint(site: Site) -> None:
    made = site.call("POST", "/webhooks", "sys_admin", {"url": URL, "event_types": ["*"]})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["secret"].startswith("whsec_")
    uid = body["uid"]
    read = site.call("GET", f"/webhooks/{uid}", "sys_admin").json()
    assert "secret" not in read
    assert read["event_types"] == ["*"]
    assert read["studio_uid"] is None
    assert read["owner_uid"] == site.world["sys_admin"]
    listed = site.call("GET", "/webhooks", "sys_admin").json()
    assert [e["uid"] for e in listed["items"]] == [uid]
    assert "secret" not in listed["items"][0]
    changed = site.call(
        "PATCH", f"/webhooks/{uid}", "sys_admin", {"event_types": ["show.moved"], "enabled": False}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["event_types"] == ["show.moved"]
    assert changed.json()["disabled_at"]
    enabled = site.call("PATCH", f"/webhooks/{uid}", "sys_admin", {"enabled": True}).json()
    assert enabled["disabled_at"] is None
    rotated = site.call("POST", f"/webhooks/{uid}/rotate-secret", "sys_admin")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != body["secret"]
    assert site.call("DELETE", f"/webhooks/{uid}", "sys_admin").status_code == 204
    assert site.call("GET", f"/webhooks/{uid}", "sys_admin").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x", "event_types": ["*"]}, "url"),
        ({"url": URL, "event_types": ["show.exploded"]}, "event_types"),
    ],
)
def test_a_bad_endpoint_is_a_422_naming_the_field(
    site: Site, body: dict[str, object], field: str
) -> None:
    answer = site.call("POST", "/webhooks", "sys_admin", body)
    assert answer.status_code == 422, answer.text
    assert field in answer.text


def test_the_event_types_are_listed(site: Site) -> None:
    names = [t["name"] for t in site.call("GET", "/webhooks/event-types", "a_admin").json()]
    assert {"show.cancelled", "shows.confirmed", "comment.created"} <= set(names)


def test_the_delivery_log_and_redelivery(site: Site) -> None:
    w = site.world
    made = site.call(
        "POST",
        "/webhooks",
        "a_admin",
        {"url": URL, "event_types": ["show.cancelled"], "studio_uid": w["A"]},
    ).json()
    w.svc.shows.cancel(w["showC"])
    log = site.call("GET", f"/webhooks/{made['uid']}/deliveries", "a_admin")
    assert log.status_code == 200, log.text
    [delivery] = log.json()["items"]
    assert delivery["event_type"] == "show.cancelled"
    assert delivery["status"] == "pending"
    assert delivery["message_id"].startswith("msg_")
    assert delivery["attempts_log"] == []
    assert delivery["payload"]["data"]["show_uid"] == w["showC"]
    pending = site.call("GET", f"/webhooks/{made['uid']}/deliveries?status=delivered", "a_admin")
    assert pending.json()["total"] == 0
    again = site.call("POST", f"/webhook-deliveries/{delivery['uid']}/redeliver", "a_admin")
    assert again.status_code == 202, again.text
    hidden = site.call("POST", f"/webhook-deliveries/{delivery['uid']}/redeliver", "b_manager")
    assert hidden.status_code == 404


def test_studio_admins_see_only_their_studios_endpoints(site: Site) -> None:
    w = site.world
    mine = site.call(
        "POST", "/webhooks", "a_admin", {"url": URL, "event_types": ["*"], "studio_uid": w["A"]}
    ).json()["uid"]
    every = site.call("POST", "/webhooks", "sys_admin", {"url": URL, "event_types": ["*"]})
    other = every.json()["uid"]
    listed = site.call("GET", "/webhooks", "a_admin").json()
    assert [e["uid"] for e in listed["items"]] == [mine]
    for path in (f"/webhooks/{other}", f"/webhooks/{other}/deliveries"):
        assert site.call("GET", path, "a_admin").status_code == 404
    assert site.call("DELETE", f"/webhooks/{other}", "a_admin").status_code == 404
    assert site.call("GET", f"/webhooks/{mine}", "a_member").status_code == 404
    refused = site.call("POST", "/webhooks", "a_admin", {"url": URL, "event_types": ["*"]})
    assert refused.status_code == 403, refused.text  # every studio's events: system admins
    assert site.call("GET", "/webhooks", "c_admin").json()["items"] == []
