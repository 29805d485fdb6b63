"""The spec's Phase 2, end to end, as one story over HTTP with real tokens
under the membership policy (docs/schedule-management.md,
docs/change-management.md):

1. the studio's planner and the client's manager draft a week together;
2. the planner proposes it; the client sends it back with a reason; the client's
   manager moves their draft; the planner proposes again; the client approves;
3. the planner confirms it: every draft confirmed at once (version 4: created,
   proposed, proposed again, confirmed);
4. the studio raises an OPERATIONAL time change; the client reads its preview,
   approves it; the planner applies it: version 5, whose diff against version 4
   is exactly that move;
5. a change that would double-book a room is refused with its report, and
   nothing changes;
6. the studio admin applies a FORCE_MAJEURE room change at once; the client's
   manager acknowledges it.
"""

from __future__ import annotations

from typing import Any

from httpx import Response

from tests.http.conftest import API
from tests.http.planning.conftest import Http, Studio, draft


def at(day: int, hour: int) -> str:
    return f"2030-03-{day:02d}T{hour:02d}:00:00Z"


def test_the_phase_2_story(http: Http, world: Studio) -> None:
    tokens = world.tokens

    def as_(who: str, method: str, path: str, body: Any = None) -> Response:
        return http.request(method, API + path, json=body, headers=tokens[who])

    def ok(response: Response) -> Any:
        assert response.status_code < 300, response.text
        return response.json()

    # 1. drafted together
    plan = ok(
        as_(
            "planner",
            "POST",
            "/schedules",
            {
                "client_uid": world.client,
                "studio_uid": world.studio,
                "name": "Glow spring week",
                "start_time": at(4, 0),
                "end_time": at(11, 0),
            },
        )
    )["uid"]
    launch = ok(
        as_("planner", "POST", f"/schedules/{plan}/shows", draft("Launch", world.room, 4, 10, 12))
    )
    tutorial = ok(
        as_(
            "client_manager",
            "POST",
            f"/schedules/{plan}/shows",
            draft("Tutorial", world.room, 5, 10, 12),
        )
    )
    assert {launch["show_status"], tutorial["show_status"]} == {"draft"}

    # 2. proposed, sent back with a reason, changed, proposed again, approved
    assert (
        ok(as_("planner", "POST", f"/schedules/{plan}/transitions", {"to": "proposed"}))["version"]
        == 2
    )
    back = ok(
        as_(
            "client_manager",
            "POST",
            f"/schedules/{plan}/transitions",
            {"to": "draft", "reason": "Tutorial in the afternoon, please"},
        )
    )
    assert back["approval_note"] == "Tutorial in the afternoon, please"
    ok(
        as_(
            "client_manager",
            "PATCH",
            f"/shows/{tutorial['uid']}",
            {"show_start": at(5, 14), "show_end": at(5, 16)},
        )
    )
    assert (
        ok(as_("planner", "POST", f"/schedules/{plan}/transitions", {"to": "proposed"}))["version"]
        == 3
    )
    assert as_("planner", "POST", f"/schedules/{plan}/approve", {}).status_code == 403
    ok(as_("client_manager", "POST", f"/schedules/{plan}/approve", {"note": "Approved"}))

    # 3. confirmed all at once
    confirmed = ok(as_("planner", "POST", f"/schedules/{plan}/confirm", {}))
    assert confirmed["version"] == 4
    assert sorted(confirmed["confirmed_show_uids"]) == sorted([launch["uid"], tutorial["uid"]])
    shows = ok(as_("client_member", "GET", f"/schedules/{plan}/shows"))
    assert {s["show_status"] for s in shows} == {"confirmed"}
    # from now on a show changes only through a change request
    direct = as_("planner", "PATCH", f"/shows/{launch['uid']}", {"name": "Renamed"})
    assert direct.status_code == 409
    assert f"/schedules/{plan}/change-requests" in direct.json()["detail"]

    # 4. an operational time change: raised, previewed, approved, applied
    move = {"op": "move", "show_uid": launch["uid"], "show_start": at(4, 8), "show_end": at(4, 10)}
    change = ok(
        as_(
            "planner",
            "POST",
            f"/schedules/{plan}/change-requests",
            {"change_category": "OPERATIONAL", "reason": "Crew starts early", "operations": [move]},
        )
    )
    preview = ok(as_("client_member", "GET", f"/change-requests/{change['uid']}"))["preview"]
    assert preview["applicable"] is True
    assert [(c["name"], c["change_types"]) for c in preview["changes"]] == [
        ("Launch", ["TIME_CHANGE"])
    ]
    assert (
        as_("planner", "POST", f"/change-requests/{change['uid']}/approve", {}).status_code == 403
    )
    ok(as_("client_manager", "POST", f"/change-requests/{change['uid']}/approve", {"note": "OK"}))
    applied = ok(as_("planner", "POST", f"/change-requests/{change['uid']}/apply"))
    assert applied["version"] == 5
    diff = ok(as_("client_member", "GET", f"/schedules/{plan}/versions/4/diff/5"))
    assert [(c["show_uid"], c["kinds"], c["change_types"]) for c in diff] == [
        (launch["uid"], ["time"], ["TIME_CHANGE"])
    ]
    assert (diff[0]["before"]["start"], diff[0]["after"]["start"]) == (
        "2030-03-04T10:00:00Z",
        at(4, 8),
    )

    # 5. a conflicting change is refused with its report; nothing changes
    before = ok(as_("planner", "GET", f"/schedules/{plan}/shows"))
    clash = {
        "op": "move",
        "show_uid": tutorial["uid"],
        "show_start": at(4, 9),
        "show_end": at(4, 11),
    }
    refused = ok(
        as_(
            "client_manager",
            "POST",
            f"/schedules/{plan}/change-requests",
            {
                "change_category": "CLIENT_REQUESTED",
                "reason": "Both on Monday",
                "operations": [clash],
            },
        )
    )
    ok(as_("planner", "POST", f"/change-requests/{refused['uid']}/approve", {}))
    answer = as_("planner", "POST", f"/change-requests/{refused['uid']}/apply")
    assert answer.status_code == 409
    [conflict] = answer.json()["extra"]["conflicts"]
    assert [s["name"] for s in conflict["shows"]] == ["Launch", "Tutorial"]
    assert "Room Studio A is double-booked" in conflict["reason"]
    assert ok(as_("planner", "GET", f"/schedules/{plan}/shows")) == before
    assert [v["version"] for v in ok(as_("planner", "GET", f"/schedules/{plan}/versions"))][-1] == 5

    # 6. force majeure: applied at once by the studio admin, acknowledged by the client
    flood = {"op": "change_room", "show_uid": tutorial["uid"], "studio_room_uid": world.room_b}
    forced = ok(
        as_(
            "studio_admin",
            "POST",
            f"/schedules/{plan}/change-requests",
            {
                "change_category": "FORCE_MAJEURE",
                "reason": "Studio A flooded",
                "operations": [flood],
            },
        )
    )
    assert forced["status"] == "applied"
    room = ok(as_("client_member", "GET", f"/shows/{tutorial['uid']}"))["studio_room_uid"]
    assert room == world.room_b
    acknowledged = ok(
        as_("client_manager", "POST", f"/change-requests/{forced['uid']}/acknowledge")
    )
    assert "acknowledged_at" in acknowledged["metadata"]
    versions = ok(as_("client_member", "GET", f"/schedules/{plan}/versions"))
    assert [v["version"] for v in versions] == [1, 2, 3, 4, 5, 6]
