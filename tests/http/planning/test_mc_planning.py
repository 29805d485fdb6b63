"""MCs over HTTP as a planning resource: shows by MC, an MC's agenda (only the
shows the user may see) and their free time honouring their minimum rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.http.conftest import API
from tests.http.planning.conftest import Http, Studio

T = datetime(2030, 3, 4, 10, tzinfo=UTC)


def test_an_mcs_agenda_and_free_time(http: Http, world: Studio) -> None:
    svc = world.services
    mc = svc.mcs.create("Hana", min_rest_minutes=30)
    mine = svc.shows.create(
        "Glow live",
        T,
        T + timedelta(hours=2),
        studio_room_uid=world.room,
        client_uid=world.client,
        mc_uids=[mc.uid],
    ).show
    theirs = svc.shows.create(
        "Nordic live",
        T + timedelta(hours=4),
        T + timedelta(hours=6),
        studio_room_uid=world.room,
        client_uid=world.other_client,
        mc_uids=[mc.uid],
    ).show
    svc.shows.create(
        "Unhosted", T + timedelta(hours=8), T + timedelta(hours=9), studio_room_uid=world.room
    )
    planner, member = world.tokens["planner"], world.tokens["client_member"]
    agenda = http.get(f"{API}/mcs/{mc.uid}/shows", headers=planner).json()
    assert [s["uid"] for s in agenda["items"]] == [mine.uid, theirs.uid]
    only_mine = http.get(f"{API}/mcs/{mc.uid}/shows", headers=member).json()
    assert [s["uid"] for s in only_mine["items"]] == [mine.uid]
    assert only_mine["total"] == 1
    by_mc = http.get(f"{API}/shows", params={"mc_uid": mc.uid}, headers=planner).json()
    assert by_mc["total"] == 2
    assert http.get(f"{API}/mcs/mc_unknown/shows", headers=planner).status_code == 404
    free = http.get(
        f"{API}/mcs/{mc.uid}/availability",
        params={"start": "2030-03-04T08:00:00Z", "end": "2030-03-04T18:00:00Z"},
        headers=planner,
    ).json()
    assert free["rest_minutes"] == 30
    assert free["reserved"] == [
        {"start": "2030-03-04T09:30:00Z", "end": "2030-03-04T12:30:00Z"},
        {"start": "2030-03-04T13:30:00Z", "end": "2030-03-04T16:30:00Z"},
    ]
    assert [f["start"] for f in free["free"]] == [
        "2030-03-04T08:00:00Z",
        "2030-03-04T12:30:00Z",
        "2030-03-04T16:30:00Z",
    ]
    backwards = http.get(
        f"{API}/mcs/{mc.uid}/availability",
        params={"start": "2030-03-04T18:00:00Z", "end": "2030-03-04T08:00:00Z"},
        headers=planner,
    )
    assert backwards.status_code == 422
