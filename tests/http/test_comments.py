"""Comments and the audit trail over HTTP (the membership policy, as the app
runs by default), in the access world of ``tests/support/access_matrix.py``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import FixedClock, Services
from studiocore.access import MembershipPolicy
from studiocore_http import Settings, create_app
from tests.http.conftest import API, SECRET, bearer
from tests.support import access_matrix as matrix
from tests.support.builders import T0


@attrs.define
class Site:
    world: matrix.World
    client: TestClient[Litestar]
    settings: Settings

    def call(self, method: str, path: str, persona: str, body: Any = None) -> Response:
        w = self.world
        headers = bearer(self.settings, w.svc.users.get(w[persona]))
        return self.client.request(method, API + path.format(**w.uids), json=body, headers=headers)


@pytest.fixture
def site() -> Iterator[Site]:
    svc = Services.in_memory(clock=FixedClock(T0), policy=MembershipPolicy())
    world = matrix.build_world(svc)
    settings = Settings(
        jwt_secret=SECRET, log_requests=False, auth_cache_seconds=0, access_policy="membership"
    )
    with TestClient(create_app(settings, services=svc)) as client:
        yield Site(world, client, settings)


def test_a_thread_over_http_with_replies_mentions_and_deletion(site: Site) -> None:
    w = site.world
    text = f"Lights at 9? @{w['host']}"
    made = site.call("POST", "/shows/{showC}/comments", "c_member", {"content": text})
    assert made.status_code == 201, made.text
    first = made.json()
    assert first["owner_uid"] == w["c_member"]
    assert first["owner_name"] == "c_member"
    assert first["mentions"] == [{"uid": w["host"], "name": "host"}]
    assert first["depth"] == 0
    reply = site.call(
        "POST",
        "/shows/{showC}/comments",
        "a_manager",
        {"content": "Yes", "parent_uid": first["uid"]},
    ).json()
    assert reply["depth"] == 1
    second = site.call("POST", "/shows/{showC}/comments", "host", {"content": "ok"})
    assert second.status_code == 201

    page = site.call("GET", "/shows/{showC}/comments?limit=1", "p_member")
    assert page.status_code == 200, page.text
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (2, 1, 0)
    assert [(c["uid"], c["depth"]) for c in body["items"]] == [
        (first["uid"], 0),
        (reply["uid"], 1),
    ]

    edited = site.call("PATCH", f"/comments/{first['uid']}", "c_member", {"content": "9:30"})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["content"], edited.json()["mentions"]) == ("9:30", [])
    assert (
        site.call("PATCH", f"/comments/{first['uid']}", "a_admin", {"content": "x"}).status_code
        == 403
    )
    assert (
        site.call("PATCH", f"/comments/{first['uid']}", "d_member", {"content": "x"}).status_code
        == 404
    )
    assert site.call("DELETE", f"/comments/{first['uid']}", "a_manager").status_code == 403
    assert site.call("DELETE", f"/comments/{first['uid']}", "a_admin").status_code == 204

    items = site.call("GET", "/shows/{showC}/comments", "host").json()["items"]
    assert [(c["uid"], c["deleted"], c["content"]) for c in items[:2]] == [
        (first["uid"], True, None),
        (reply["uid"], False, "Yes"),
    ]
    history = site.call("GET", f"/comments/{first['uid']}/history", "host")
    assert [a["action"] for a in history.json()] == ["create", "update", "delete"]
    assert history.json()[1]["old_values"] == {"content": text}


def test_comment_refusals_are_404_403_and_422_naming_fields(site: Site) -> None:
    w = site.world
    hidden = site.call("GET", "/shows/{showC}/comments", "d_member")
    assert hidden.status_code == 404
    assert (
        site.call("POST", "/shows/{showC}/comments", "d_member", {"content": "x"}).status_code
        == 404
    )
    assert site.call("GET", "/shows/{planC}/comments", "c_member").status_code == 404  # not a show
    for path in ("/schedules/{planC}/comments", "/change-requests/{crC}/comments"):
        made = site.call("POST", path, "c_member", {"content": "ok"})
        assert made.status_code == 201, made.text
        assert site.call("GET", path, "a_member").json()["total"] == 1
    cases: list[tuple[dict[str, Any], str]] = [
        ({"content": f"@{w['d_member']} look"}, "content"),
        ({"content": ""}, "content"),
        ({"content": "x", "parent_uid": "comment_01JD0000000000000000000000"}, "parent_uid"),
        ({"content": "x", "owner_uid": w["a_member"]}, "owner_uid"),
    ]
    for body, field in cases:
        refused = site.call("POST", "/shows/{showC}/comments", "c_member", body)
        assert refused.status_code == 422, refused.text
        assert field in refused.text
    mention = site.call(
        "POST", "/shows/{showC}/comments", "c_member", {"content": f"@{w['d_member']} look"}
    )
    assert f"cannot mention {w['d_member']}: they cannot see this show" in mention.text
    assert "d_member@example.com" not in mention.text
    paging = site.call("GET", "/shows/{showC}/comments?limit=0", "c_member")
    assert paging.status_code in {400, 422}
    assert "limit" in paging.text


def test_the_audit_list_and_a_shows_history_over_http(site: Site) -> None:
    w = site.world
    site.call("DELETE", "/shows/{showC}/mcs/{mc}", "a_manager")
    history = site.call("GET", "/shows/{showC}/history", "c_member")
    assert history.status_code == 200, history.text
    steps = [(a["recordable_type"], a["action"]) for a in history.json()]
    assert steps[0] == ("shows", "create")
    assert steps[-1] == ("show_mcs", "unlink")
    assert history.json()[0]["new_values"]["show_status"] == "confirmed"
    assert site.call("GET", "/shows/{showC}/history", "d_member").status_code == 404
    assert site.call("GET", "/shows/{planC}/history", "sys_admin").status_code == 404
    assert site.call("GET", "/studios/{A}/history", "stranger").status_code == 200

    everything = site.call("GET", "/audits?limit=500", "sys_admin").json()
    assert everything["total"] > 10
    mine = site.call("GET", "/audits?recordable_uid={showC}&action=create", "sys_admin").json()
    assert [a["recordable_uid"] for a in mine["items"]] == [w["showC"]]
    shows = site.call("GET", "/audits?recordable_type=show_mcs&limit=500", "a_admin").json()
    assert shows["total"] > 0
    assert {a["recordable_type"] for a in shows["items"]} == {"show_mcs"}
    assert site.call("GET", "/audits", "c_admin").json()["total"] == 0
    start = T0.isoformat().replace("+00:00", "Z")
    window = site.call("GET", f"/audits?from={start}&to={start}", "sys_admin")
    assert window.status_code == 422
    assert window.json()["extra"]["field"] == "to"
    assert site.call("GET", "/audits?from=yesterday", "sys_admin").status_code == 422
    unknown = site.call("GET", "/audits?recordable_type=show_mc", "sys_admin")
    assert unknown.status_code == 422
    assert "show_mcs" in unknown.text
    later = site.call("GET", "/audits?from=2999-01-01T00:00:00Z", "sys_admin").json()
    assert later["total"] == 0
