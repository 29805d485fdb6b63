"""Schedules over HTTP with real tokens under the membership policy: a client's
schedule drafted by the studio and the client together, proposed, sent back
with a reason, proposed again, approved by the client and confirmed all at
once; versions and their diff; the refusals along the way."""

from __future__ import annotations

from tests.http.conftest import API
from tests.http.planning.conftest import Http, Studio, create_schedule, draft, hours


def test_the_promotable_draft_story(http: Http, world: Studio) -> None:
    as_ = world.tokens
    created = create_schedule(http, world, "planner")
    assert created.status_code == 201, created.text
    uid = created.json()["uid"]
    base = f"{API}/schedules/{uid}"
    # the studio and the client draft together
    first = http.post(
        f"{base}/shows", json=draft("Launch", world.room, 4, 10, 12), headers=as_["planner"]
    )
    assert first.status_code == 201, first.text
    assert first.json()["show_status"] == "draft"
    second = http.post(
        f"{base}/shows",
        json=draft("Tutorial", world.room_b, 5, 10, 12),
        headers=as_["client_manager"],
    )
    assert second.status_code == 201, second.text
    refused = http.post(
        f"{base}/shows", json=draft("Extra", world.room, 6, 10, 12), headers=as_["client_member"]
    )
    assert refused.status_code == 403
    # proposed, sent back with a reason, proposed again
    proposed = http.post(f"{base}/transitions", json={"to": "proposed"}, headers=as_["planner"])
    assert proposed.json()["version"] == 2
    no_reason = http.post(
        f"{base}/transitions", json={"to": "draft"}, headers=as_["client_manager"]
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["extra"]["field"] == "reason"
    back = http.post(
        f"{base}/transitions",
        json={"to": "draft", "reason": "Tutorial an hour later, please"},
        headers=as_["client_manager"],
    )
    assert back.status_code == 200, back.text
    assert back.json()["approval_note"] == "Tutorial an hour later, please"
    moved = http.patch(
        f"{API}/shows/{second.json()['uid']}",
        json={"show_start": "2030-03-05T11:00:00Z", "show_end": "2030-03-05T13:00:00Z"},
        headers=as_["client_manager"],
    )
    assert moved.status_code == 200, moved.text
    assert (
        http.post(
            f"{base}/transitions", json={"to": "proposed"}, headers=as_["planner"]
        ).status_code
        == 200
    )
    # only the client's managers approve; only an approved proposal is confirmed
    for who in ("planner", "client_member"):
        assert http.post(f"{base}/approve", json={}, headers=as_[who]).status_code == 403
    unapproved = http.post(f"{base}/confirm", json={}, headers=as_["planner"])
    assert unapproved.status_code == 422
    assert unapproved.json()["extra"]["field"] == "reason"
    approved = http.post(
        f"{base}/approve", json={"note": "Looks good"}, headers=as_["client_manager"]
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_at"] is not None
    check = http.get(f"{base}/conflicts", headers=as_["client_member"]).json()
    assert check["promotable"] is True
    assert len(check["show_uids"]) == 2
    assert http.post(f"{base}/confirm", json={}, headers=as_["client_manager"]).status_code == 403
    confirmed = http.post(f"{base}/confirm", json={}, headers=as_["planner"])
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["schedule"]["schedule_status"] == "confirmed"
    assert sorted(body["confirmed_show_uids"]) == sorted(
        [first.json()["uid"], second.json()["uid"]]
    )
    assert body["version"] == 4
    shows = http.get(f"{base}/shows", headers=as_["client_member"]).json()
    assert {s["show_status"] for s in shows} == {"confirmed"}
    # every version is kept; the diff names what changed between two proposals
    versions = http.get(f"{base}/versions", headers=as_["client_member"]).json()
    assert [(v["version"], v["note"], v["show_count"]) for v in versions] == [
        (1, "created", 0),
        (2, "proposed", 2),
        (3, "proposed", 2),
        (4, "promoted: 2 show(s) confirmed", 2),
    ]
    diff = http.get(f"{base}/versions/2/diff/3", headers=as_["client_member"]).json()
    assert [(c["name"], c["kinds"], c["change_types"]) for c in diff] == [
        ("Tutorial", ["time"], ["TIME_CHANGE"])
    ]
    assert diff[0]["before"]["start"] == "2030-03-05T10:00:00Z"
    assert diff[0]["after"]["start"] == "2030-03-05T11:00:00Z"
    # confirmed is not sent back to draft
    again = http.post(
        f"{base}/transitions", json={"to": "draft", "reason": "x"}, headers=as_["planner"]
    )
    assert again.status_code == 409


def test_another_clients_schedule_is_not_found_and_not_listed(http: Http, world: Studio) -> None:
    schedule = world.schedule("Glow week")
    stranger = world.tokens["stranger"]
    for path in ("", "/shows", "/versions", "/versions/1", "/conflicts"):
        assert http.get(f"{API}/schedules/{schedule}{path}", headers=stranger).status_code == 404
    for path, body in (("/approve", {}), ("/confirm", {}), ("/transitions", {"to": "proposed"})):
        assert (
            http.post(f"{API}/schedules/{schedule}{path}", json=body, headers=stranger).status_code
            == 404
        )
    assert http.get(f"{API}/schedules", headers=stranger).json()["total"] == 0
    assert http.get(f"{API}/schedules", headers=world.tokens["client_member"]).json()["total"] == 1
    assert world.services.schedules.get(schedule).schedule_status.value == "draft"


def test_drafts_stay_inside_the_window_and_the_studio(http: Http, world: Studio) -> None:
    schedule = world.schedule("Glow week")
    planner = world.tokens["planner"]
    outside = http.post(
        f"{API}/schedules/{schedule}/shows",
        json=draft("Late", world.room, 12, 10, 12),
        headers=planner,
    )
    assert outside.status_code == 422
    assert outside.json()["extra"]["field"] == "show_start"
    elsewhere = http.post(
        f"{API}/schedules/{schedule}/shows",
        json=draft("Berlin", world.berlin_room, 5, 10, 12),
        headers=world.tokens["admin"],
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["extra"]["field"] == "studio_room_uid"
    assert world.services.schedules.shows(schedule) == []


def test_a_conflicting_confirmation_is_refused_with_the_report_and_changes_nothing(
    http: Http, world: Studio
) -> None:
    svc = world.services
    booked = svc.shows.create(
        "Booked", *hours(4, 11, 13), studio_room_uid=world.room, client_uid=world.other_client
    ).show
    schedule = world.schedule("Glow week")
    clash = svc.shows.create(
        "Launch", *hours(4, 10, 12), studio_room_uid=world.room, schedule_uid=schedule
    ).show
    svc.shows.create("Fine", *hours(5, 10, 12), studio_room_uid=world.room, schedule_uid=schedule)
    svc.schedules.propose(schedule)
    svc.schedules.approve(schedule)
    report = http.get(
        f"{API}/schedules/{schedule}/conflicts", headers=world.tokens["planner"]
    ).json()
    assert report["promotable"] is False
    refused = http.post(
        f"{API}/schedules/{schedule}/confirm", json={}, headers=world.tokens["planner"]
    )
    assert refused.status_code == 409, refused.text
    [conflict] = refused.json()["extra"]["conflicts"]
    assert set(conflict["show_uids"]) == {booked.uid, clash.uid}
    assert svc.schedules.get(schedule).schedule_status.value == "proposed"
    assert {s.show_status.value for s in svc.schedules.shows(schedule)} == {"draft"}


def test_drafts_confirmed_in_bulk_all_or_nothing(http: Http, world: Studio) -> None:
    svc = world.services
    plan = world.schedule("Glow week")
    first = svc.shows.create(
        "One", *hours(4, 10, 12), studio_room_uid=world.room, schedule_uid=plan
    )
    second = svc.shows.create(
        "Two", *hours(4, 11, 13), studio_room_uid=world.room, schedule_uid=plan
    )
    third = svc.shows.create(
        "Three", *hours(5, 10, 12), studio_room_uid=world.room, schedule_uid=plan
    )
    svc.schedules.propose(plan)
    svc.schedules.approve(plan)
    body = {"show_uids": [first.show.uid, second.show.uid]}
    as_planner = world.tokens["planner"]
    clash = http.post(f"{API}/shows/confirm", json=body, headers=as_planner)
    assert clash.status_code == 409, clash.text
    assert "One" in clash.json()["detail"]
    assert (
        http.post(
            f"{API}/shows/confirm", json=body, headers=world.tokens["client_manager"]
        ).status_code
        == 403
    )
    done = http.post(
        f"{API}/shows/confirm",
        json={"show_uids": [first.show.uid, third.show.uid]},
        headers=as_planner,
    )
    assert done.status_code == 200, done.text
    assert done.json()["versions"] == {plan: 3}
    single = http.post(
        f"{API}/shows/{second.show.uid}/status",
        json={"show_status": "confirmed"},
        headers=as_planner,
    )
    assert single.status_code == 409  # a draft is not confirmed on its own
    assert "confirm the schedule" in single.json()["detail"]
