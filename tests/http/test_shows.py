"""Shows over HTTP: booking, conflicts (409 with the report), filters, relations, status."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services, StudioRoom

from .conftest import API, Headers, post_show, show_body


@pytest.fixture
def room(services: Services) -> StudioRoom:
    studio = services.studios.create("Seoul", time_zone="Asia/Seoul")
    return services.studio_rooms.create(studio.uid, "Room A", changeover_minutes=30)


def test_a_show_without_schedule_is_confirmed_and_reports_buffer_warnings(
    client: TestClient[Litestar], room: StudioRoom, as_admin: Headers
) -> None:
    first = post_show(
        client, as_admin, room.uid, "2030-03-02T09:00:00+09:00", "2030-03-02T10:00:00+09:00"
    )
    assert first.status_code == 201
    assert first.json()["show_status"] == "confirmed"
    assert first.json()["show_start"] == "2030-03-02T00:00:00Z"
    assert first.json()["warnings"] == []
    tight = post_show(
        client, as_admin, room.uid, "2030-03-02T10:10:00+09:00", "2030-03-02T11:00:00+09:00"
    )
    assert tight.status_code == 201, tight.text
    [warning] = tight.json()["warnings"]
    assert warning["kind"] == "room_changeover"
    assert warning["severity"] == "WARN"
    assert warning["show_uids"] == [first.json()["uid"], tight.json()["uid"]]


def test_a_double_booking_is_a_409_listing_the_conflicting_shows(
    client: TestClient[Litestar], services: Services, room: StudioRoom, as_admin: Headers
) -> None:
    first = post_show(
        client, as_admin, room.uid, "2030-03-02T09:00:00+09:00", "2030-03-02T11:00:00+09:00"
    ).json()
    clash = post_show(
        client, as_admin, room.uid, "2030-03-02T10:00:00+09:00", "2030-03-02T12:00:00+09:00"
    )
    assert clash.status_code == 409
    body = clash.json()
    assert body["status_code"] == 409
    [conflict] = body["extra"]["conflicts"]
    assert conflict["kind"] == "room_overlap"
    assert conflict["severity"] == "BLOCK"
    assert conflict["resource_uid"] == room.uid
    assert first["uid"] in conflict["show_uids"]
    assert conflict["start"] == "2030-03-02T01:00:00+00:00"
    assert conflict["end"] == "2030-03-02T02:00:00+00:00"
    assert services.shows.search().total == 1


def test_an_mc_cannot_host_two_overlapping_shows_in_different_studios(
    client: TestClient[Litestar], services: Services, room: StudioRoom, as_admin: Headers
) -> None:
    other_studio = services.studios.create("Berlin")
    other_room = services.studio_rooms.create(other_studio.uid, "Loft")
    mc = services.mcs.create("Hana")
    window = ("2030-03-02T09:00:00+00:00", "2030-03-02T10:00:00+00:00")
    ok = post_show(client, as_admin, room.uid, *window, mc_uids=[mc.uid])
    assert ok.status_code == 201
    clash = post_show(client, as_admin, other_room.uid, *window, mc_uids=[mc.uid])
    assert clash.status_code == 409
    assert clash.json()["extra"]["conflicts"][0]["kind"] == "mc_overlap"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("show_start", "2030-03-02T09:00:00"),
        ("show_end", "2030-03-02T12:00:00"),
        ("show_start", 1900000000),
        ("show_start", "next tuesday"),
        ("show_start", "0001-01-01T00:00:00+05:00"),
    ],
)
def test_timestamps_without_offset_or_not_iso_are_a_422_naming_the_field(
    field: str, value: object, client: TestClient[Litestar], room: StudioRoom, as_admin: Headers
) -> None:
    body = show_body(room.uid, "2030-03-02T09:00:00+00:00", "2030-03-02T11:00:00+00:00")
    body[field] = value
    response = client.post(f"{API}/shows", json=body, headers=as_admin)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == field


def test_unknown_lookup_names_and_missing_fields_are_a_422_naming_the_field(
    client: TestClient[Litestar], room: StudioRoom, as_admin: Headers
) -> None:
    body = show_body(room.uid, "2030-03-02T09:00:00Z", "2030-03-02T11:00:00Z", show_type="gala")
    response = client.post(f"{API}/shows", json=body, headers=as_admin)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == "show_type"
    assert "bau" in response.json()["detail"]
    del body["name"]
    response = client.post(f"{API}/shows", json=body, headers=as_admin)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == "name"


def test_shows_are_filtered_by_studio_room_status_and_start(
    client: TestClient[Litestar], services: Services, room: StudioRoom, as_admin: Headers
) -> None:
    from datetime import UTC, datetime

    def at(day: int) -> datetime:
        return datetime(2030, 3, day, 9, tzinfo=UTC)

    early = services.shows.create("Early", at(1), at(2), studio_room_uid=room.uid).show
    late = services.shows.create("Late", at(5), at(6), studio_room_uid=room.uid).show
    services.shows.cancel(late.uid)
    other = services.studios.create("Elsewhere")
    services.shows.create(
        "Elsewhere",
        at(1),
        at(2),
        studio_room_uid=services.studio_rooms.create(other.uid, "X").uid,
    )

    def uids(query: str) -> list[str]:
        response = client.get(f"{API}/shows?{query}", headers=as_admin)
        assert response.status_code == 200, response.text
        return [s["uid"] for s in response.json()["items"]]

    assert uids(f"studio_uid={room.studio_uid}") == [early.uid, late.uid]
    assert uids(f"studio_room_uid={room.uid}&status=cancelled") == [late.uid]
    assert uids(f"studio_uid={room.studio_uid}&start_from=2030-03-03T00:00:00%2B00:00") == [
        late.uid
    ]
    assert uids(f"studio_uid={room.studio_uid}&start_to=2030-03-03T00:00:00Z") == [early.uid]
    response = client.get(f"{API}/shows?start_from=2030-03-03T00:00:00", headers=as_admin)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == "start_from"
    response = client.get(f"{API}/shows?status=paused", headers=as_admin)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == "status"


def test_moving_a_show_onto_another_is_a_409_and_changes_nothing(
    client: TestClient[Litestar], services: Services, room: StudioRoom, as_admin: Headers
) -> None:
    a = post_show(client, as_admin, room.uid, "2030-03-02T09:00:00Z", "2030-03-02T10:00:00Z").json()
    b = post_show(client, as_admin, room.uid, "2030-03-02T12:00:00Z", "2030-03-02T13:00:00Z").json()
    moved = client.patch(
        f"{API}/shows/{b['uid']}", json={"show_start": "2030-03-02T09:30:00Z"}, headers=as_admin
    )
    assert moved.status_code == 409
    assert a["uid"] in moved.json()["extra"]["conflicts"][0]["show_uids"]
    assert client.get(f"{API}/shows/{b['uid']}", headers=as_admin).json()["show_start"] == (
        "2030-03-02T12:00:00Z"
    )
    ok = client.patch(
        f"{API}/shows/{b['uid']}", json={"show_start": "2030-03-02T11:00:00Z"}, headers=as_admin
    )
    assert ok.status_code == 200
    assert ok.json()["show_start"] == "2030-03-02T11:00:00Z"
    assert ok.json()["warnings"] == []


def test_status_changes_follow_the_workflow_and_a_forbidden_one_is_a_409(
    client: TestClient[Litestar], room: StudioRoom, as_admin: Headers
) -> None:
    show = post_show(
        client, as_admin, room.uid, "2030-03-02T09:00:00Z", "2030-03-02T10:00:00Z"
    ).json()
    live = client.post(
        f"{API}/shows/{show['uid']}/status", json={"show_status": "live"}, headers=as_admin
    )
    assert live.status_code == 200
    assert live.json()["show_status"] == "live"
    back = client.post(
        f"{API}/shows/{show['uid']}/status", json={"show_status": "draft"}, headers=as_admin
    )
    assert back.status_code == 409
    assert back.json()["extra"]["from_state"] == "live"
    assert back.json()["extra"]["to_state"] == "draft"


def test_mcs_platforms_and_materials_are_linked_updated_and_unlinked(
    client: TestClient[Litestar], services: Services, room: StudioRoom, as_admin: Headers
) -> None:
    glow = services.clients.create("Glow")
    mc = services.mcs.create("Hana")
    youtube = services.platforms.create("YouTube")
    brief = services.materials.create("Brief", "brief", client_uid=glow.uid)
    show = post_show(
        client,
        as_admin,
        room.uid,
        "2030-03-02T09:00:00Z",
        "2030-03-02T10:00:00Z",
        client_uid=glow.uid,
    ).json()
    base = f"{API}/shows/{show['uid']}"

    added = client.post(f"{base}/mcs", json={"mc_uid": mc.uid, "rating": 8}, headers=as_admin)
    assert added.status_code == 201
    assert added.json()["rating"] == 8
    assert client.post(f"{base}/mcs", json={"mc_uid": mc.uid}, headers=as_admin).status_code == 409
    patched = client.patch(f"{base}/mcs/{mc.uid}", json={"note": "great"}, headers=as_admin)
    assert (patched.json()["rating"], patched.json()["note"]) == (8, "great")
    assert [m["mc_uid"] for m in client.get(f"{base}/mcs", headers=as_admin).json()] == [mc.uid]
    assert client.delete(f"{base}/mcs/{mc.uid}", headers=as_admin).status_code == 204
    assert client.get(f"{base}/mcs", headers=as_admin).json() == []
    assert client.delete(f"{base}/mcs/{mc.uid}", headers=as_admin).status_code == 404

    platform = client.post(
        f"{base}/platforms",
        json={"platform_uid": youtube.uid, "live_stream_link": "https://youtu.be/x"},
        headers=as_admin,
    )
    assert platform.status_code == 201
    counted = client.patch(
        f"{base}/platforms/{youtube.uid}", json={"viewer_count": 1200}, headers=as_admin
    )
    assert counted.json()["viewer_count"] == 1200
    assert counted.json()["live_stream_link"] == "https://youtu.be/x"
    assert len(client.get(f"{base}/platforms", headers=as_admin).json()) == 1
    assert client.delete(f"{base}/platforms/{youtube.uid}", headers=as_admin).status_code == 204

    used = client.post(f"{base}/materials", json={"material_uid": brief.uid}, headers=as_admin)
    assert used.status_code == 201
    assert [
        m["material_uid"] for m in client.get(f"{base}/materials", headers=as_admin).json()
    ] == [brief.uid]
    assert client.delete(f"{base}/materials/{brief.uid}", headers=as_admin).status_code == 204

    other = services.clients.create("Other")
    foreign = services.materials.create("Secret", "brief", client_uid=other.uid)
    refused = client.post(f"{base}/materials", json={"material_uid": foreign.uid}, headers=as_admin)
    assert refused.status_code == 422
    assert refused.json()["extra"]["field"] == "material_uid"


def test_relations_of_an_unknown_show_are_a_404(
    client: TestClient[Litestar], as_admin: Headers
) -> None:
    missing = "show_01J0000000000000000000000"
    assert client.get(f"{API}/shows/{missing}/mcs", headers=as_admin).status_code == 404
    assert client.get(f"{API}/shows/{missing}", headers=as_admin).status_code == 404
    response = client.post(
        f"{API}/shows/{missing}/platforms",
        json={"platform_uid": "platform_01J0000000000000000000000"},
        headers=as_admin,
    )
    assert response.status_code == 404
    assert response.json()["extra"]["uid"] == missing


def test_a_room_with_upcoming_shows_cannot_be_deleted(
    client: TestClient[Litestar], room: StudioRoom, as_admin: Headers
) -> None:
    post_show(client, as_admin, room.uid, "2030-03-02T09:00:00Z", "2030-03-02T10:00:00Z")
    response = client.delete(f"{API}/studio-rooms/{room.uid}", headers=as_admin)
    assert response.status_code == 409
    assert response.json()["extra"]["conflicts"] == []
    assert client.get(f"{API}/studio-rooms/{room.uid}", headers=as_admin).status_code == 200
