"""Change requests over HTTP with real tokens: after the client approved and
the studio confirmed a schedule, an operational time change raised by the
studio is previewed, approved by the client and applied (a new version whose
diff is exactly that move); a conflicting change is refused with its report;
a force-majeure room change is applied at once and acknowledged."""

from __future__ import annotations

from typing import Any

from httpx import Response

from tests.http.conftest import API, Headers
from tests.http.planning.conftest import Http, Studio, create_schedule, draft, hours


def confirmed_week(http: Http, world: Studio) -> tuple[str, dict[str, str]]:
    """A schedule proposed by the studio, approved by the client and confirmed,
    with two shows in Studio A."""
    as_ = world.tokens
    uid = create_schedule(http, world, "planner").json()["uid"]
    shows = {}
    for name, day in (("Launch", 4), ("Tutorial", 5)):
        body = draft(name, world.room, day, 10, 12)
        shows[name] = http.post(
            f"{API}/schedules/{uid}/shows", json=body, headers=as_["planner"]
        ).json()["uid"]
    http.post(f"{API}/schedules/{uid}/transitions", json={"to": "proposed"}, headers=as_["planner"])
    http.post(f"{API}/schedules/{uid}/approve", json={}, headers=as_["client_manager"])
    done = http.post(f"{API}/schedules/{uid}/confirm", json={}, headers=as_["planner"])
    assert done.json()["version"] == 3, done.text
    return uid, shows


def move(show: str, day: int, start: int, end: int) -> dict[str, Any]:
    return {
        "op": "move",
        "show_uid": show,
        "show_start": f"2030-03-{day:02d}T{start:02d}:00:00Z",
        "show_end": f"2030-03-{day:02d}T{end:02d}:00:00Z",
    }


def change(category: str, reason: str, *operations: dict[str, Any]) -> dict[str, Any]:
    """The body of a change request."""
    return {"change_category": category, "reason": reason, "operations": list(operations)}


def raise_change(http: Http, schedule: str, body: dict[str, Any], headers: Headers) -> Response:
    """POST the change request ``body`` on ``schedule``."""
    return http.post(f"{API}/schedules/{schedule}/change-requests", json=body, headers=headers)


def test_an_operational_change_is_previewed_approved_applied_and_versioned(
    http: Http, world: Studio
) -> None:
    as_ = world.tokens
    schedule, shows = confirmed_week(http, world)
    # a confirmed schedule's shows are changed through change requests
    crew_shift = change("OPERATIONAL", "Crew shift moved", move(shows["Launch"], 4, 14, 16))
    raised = raise_change(http, schedule, crew_shift, as_["planner"])
    assert raised.status_code == 201, raised.text
    request = raised.json()
    assert (request["status"], request["change_types"]) == ("pending", ["TIME_CHANGE"])
    uid = request["uid"]
    seen = http.get(f"{API}/change-requests/{uid}", headers=as_["client_member"]).json()
    assert seen["preview"]["applicable"] is True
    assert [(c["name"], c["kinds"]) for c in seen["preview"]["changes"]] == [("Launch", ["time"])]
    listed = http.get(
        f"{API}/schedules/{schedule}/change-requests?status=pending", headers=as_["client_member"]
    ).json()
    assert [r["uid"] for r in listed] == [uid]
    # who decides: the other side, never the side that raised it
    assert (
        http.post(f"{API}/change-requests/{uid}/apply", headers=as_["planner"]).status_code == 409
    )
    own_side = http.post(
        f"{API}/change-requests/{uid}/approve", json={}, headers=as_["studio_admin"]
    )
    assert own_side.status_code == 403
    other_client = http.post(
        f"{API}/change-requests/{uid}/approve", json={}, headers=as_["stranger"]
    )
    assert other_client.status_code == 404
    approved = http.post(
        f"{API}/change-requests/{uid}/approve", json={"note": "OK"}, headers=as_["client_manager"]
    )
    assert approved.status_code == 200, approved.text
    applied = http.post(f"{API}/change-requests/{uid}/apply", headers=as_["planner"])
    assert applied.status_code == 200, applied.text
    assert applied.json()["version"] == 4
    again = http.post(f"{API}/change-requests/{uid}/apply", headers=as_["planner"])
    assert again.json()["version"] == 4  # the same answer, nothing written
    diff = http.get(
        f"{API}/schedules/{schedule}/versions/3/diff/4", headers=as_["client_member"]
    ).json()
    assert [(c["name"], c["kinds"], c["change_types"]) for c in diff] == [
        ("Launch", ["time"], ["TIME_CHANGE"])
    ]
    assert (diff[0]["before"]["start"], diff[0]["after"]["start"]) == (
        "2030-03-04T10:00:00Z",
        "2030-03-04T14:00:00Z",
    )


def test_a_conflicting_change_is_refused_with_its_report_and_nothing_changes(
    http: Http, world: Studio
) -> None:
    as_ = world.tokens
    schedule, shows = confirmed_week(http, world)
    clash = move(shows["Tutorial"], 4, 11, 13)  # into Launch's hours
    body = change("CLIENT_REQUESTED", "Both on Tuesday", clash)
    uid = raise_change(http, schedule, body, as_["client_manager"]).json()["uid"]
    assert (
        http.post(
            f"{API}/change-requests/{uid}/approve", json={}, headers=as_["client_manager"]
        ).status_code
        == 403
    )  # the client raised it: the studio decides
    http.post(f"{API}/change-requests/{uid}/approve", json={}, headers=as_["planner"])
    before = http.get(f"{API}/schedules/{schedule}/shows", headers=as_["planner"]).json()
    refused = http.post(f"{API}/change-requests/{uid}/apply", headers=as_["planner"])
    assert refused.status_code == 409, refused.text
    [conflict] = refused.json()["extra"]["conflicts"]
    assert set(conflict["show_uids"]) == {shows["Launch"], shows["Tutorial"]}
    assert http.get(f"{API}/schedules/{schedule}/shows", headers=as_["planner"]).json() == before
    assert http.get(f"{API}/change-requests/{uid}", headers=as_["planner"]).json()["status"] == (
        "approved"
    )


def test_a_force_majeure_room_change_is_applied_at_once_and_acknowledged(
    http: Http, world: Studio
) -> None:
    as_ = world.tokens
    schedule, shows = confirmed_week(http, world)
    flood = {"op": "change_room", "show_uid": shows["Tutorial"], "studio_room_uid": world.room_b}
    flooded = change("FORCE_MAJEURE", "Studio A flooded", flood)
    assert raise_change(http, schedule, flooded, as_["planner"]).status_code == 403
    raised = raise_change(http, schedule, flooded, as_["studio_admin"])
    assert raised.status_code == 201, raised.text
    assert (raised.json()["status"], raised.json()["change_types"]) == (
        "applied",
        ["RESOURCE_CHANGE"],
    )
    uid = raised.json()["uid"]
    show = http.get(f"{API}/shows/{shows['Tutorial']}", headers=as_["client_member"]).json()
    assert show["studio_room_uid"] == world.room_b
    assert (
        http.post(
            f"{API}/change-requests/{uid}/acknowledge", headers=as_["client_member"]
        ).status_code
        == 403
    )
    acknowledged = http.post(
        f"{API}/change-requests/{uid}/acknowledge", headers=as_["client_manager"]
    )
    assert acknowledged.status_code == 200, acknowledged.text
    assert "acknowledged_at" in acknowledged.json()["metadata"]


def test_bad_operations_are_422_naming_the_operation(http: Http, world: Studio) -> None:
    schedule, shows = confirmed_week(http, world)
    teleport = change("OPERATIONAL", "x", move(shows["Launch"], 4, 14, 16), {"op": "teleport"})
    bad = raise_change(http, schedule, teleport, world.tokens["planner"])
    assert bad.status_code == 422
    assert bad.json()["extra"]["field"] == "operations[1].op"


def test_every_direct_edit_of_a_confirmed_schedules_show_is_refused_in_order(
    http: Http, world: Studio
) -> None:
    """Who may comes before what the data says: a client member, who may read
    but not edit the show, is told 403 by every path; the studio's planner, who
    may edit shows, is told 409 naming the change-request endpoint; the show
    stays as it was."""
    svc = world.services
    mc, platform = svc.mcs.create("Mina").uid, svc.platforms.create("YouTube").uid
    schedule = world.schedule("Spring week")
    show = svc.shows.create(
        "Launch",
        *hours(4, 10, 12),
        studio_room_uid=world.room,
        schedule_uid=schedule,
        mc_uids=[mc],
        platform_uids=[platform],
    ).show.uid
    svc.schedules.promote(schedule)
    before = http.get(f"{API}/shows/{show}", headers=world.tokens["planner"]).json()
    mc_2 = world.services.mcs.create("Jun").uid
    platform_2 = world.services.platforms.create("Twitch").uid
    edits = [
        ("PATCH", f"/shows/{show}", {"name": "Renamed"}),
        ("POST", f"/shows/{show}/mcs", {"mc_uid": mc_2}),
        ("DELETE", f"/shows/{show}/mcs/{mc}", None),
        ("POST", f"/shows/{show}/platforms", {"platform_uid": platform_2}),
        ("DELETE", f"/shows/{show}/platforms/{platform}", None),
        ("POST", f"/shows/{show}/status", {"show_status": "cancelled"}),
        ("DELETE", f"/shows/{show}", None),
    ]
    for who, status in (("client_member", 403), ("planner", 409)):
        for method, path, body in edits:
            answer = http.request(method, f"{API}{path}", json=body, headers=world.tokens[who])
            assert answer.status_code == status, (who, method, path, answer.text)
            if status == 409:
                assert f"/api/v1/schedules/{schedule}/change-requests" in answer.text, path
    after = http.get(f"{API}/shows/{show}", headers=world.tokens["planner"]).json()
    assert after == before
    links = {kind: http.get(f"{API}/shows/{show}/{kind}", headers=world.tokens["planner"]).json()
             for kind in ("mcs", "platforms")}  # fmt: skip
    assert [link["mc_uid"] for link in links["mcs"]] == [mc]
    assert [link["platform_uid"] for link in links["platforms"]] == [platform]
