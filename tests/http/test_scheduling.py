"""Availability and the conflict audit over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services, Studio

API = "/api/v1"
Headers = dict[str, str]


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 3, 2, hour, minute, tzinfo=UTC)


@pytest.fixture
def studio(services: Services) -> Studio:
    return services.studios.create("Seoul")


def test_availability_lists_each_rooms_free_time_in_the_window(
    client: TestClient[Litestar], services: Services, studio: Studio, as_member: Headers
) -> None:
    a = services.studio_rooms.create(studio.uid, "A")
    b = services.studio_rooms.create(studio.uid, "B")
    services.shows.create("Busy", at(10), at(12), studio_room_uid=a.uid)
    response = client.get(
        f"{API}/studios/{studio.uid}/availability"
        "?start=2030-03-02T09:00:00Z&end=2030-03-02T13:00:00%2B00:00",
        headers=as_member,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["start"], body["end"]) == ("2030-03-02T09:00:00Z", "2030-03-02T13:00:00Z")
    rooms = {r["room_uid"]: r for r in body["rooms"]}
    assert [r["room_name"] for r in body["rooms"]] == ["A", "B"]
    assert rooms[a.uid]["free"] == [
        {"start": "2030-03-02T09:00:00Z", "end": "2030-03-02T10:00:00Z"},
        {"start": "2030-03-02T12:00:00Z", "end": "2030-03-02T13:00:00Z"},
    ]
    assert rooms[a.uid]["reserved"] == [
        {"start": "2030-03-02T10:00:00Z", "end": "2030-03-02T12:00:00Z"}
    ]
    assert rooms[b.uid]["free"] == [
        {"start": "2030-03-02T09:00:00Z", "end": "2030-03-02T13:00:00Z"}
    ]
    longer = client.get(
        f"{API}/studios/{studio.uid}/availability"
        "?start=2030-03-02T09:00:00Z&end=2030-03-02T13:00:00Z&min_minutes=90",
        headers=as_member,
    ).json()
    assert {r["room_uid"]: len(r["free"]) for r in longer["rooms"]} == {a.uid: 0, b.uid: 1}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2030-03-02T09:00:00&end=2030-03-02T13:00:00Z", "start"),
        ("start=2030-03-02T13:00:00Z&end=2030-03-02T09:00:00Z", "end"),
        ("start=2030-03-02T09:00:00Z", "end"),
        ("start=2030-03-02T09:00:00Z&end=2030-03-02T13:00:00Z&min_minutes=0", "min_minutes"),
    ],
)
def test_bad_availability_windows_are_a_422_naming_the_parameter(
    query: str, field: str, client: TestClient[Litestar], studio: Studio, as_member: Headers
) -> None:
    response = client.get(f"{API}/studios/{studio.uid}/availability?{query}", headers=as_member)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == field


def test_availability_of_an_unknown_studio_is_a_404(
    client: TestClient[Litestar], as_member: Headers
) -> None:
    response = client.get(
        f"{API}/studios/studio_01J0000000000000000000000/availability"
        "?start=2030-03-02T09:00:00Z&end=2030-03-02T13:00:00Z",
        headers=as_member,
    )
    assert response.status_code == 404


def test_the_conflict_audit_is_empty_then_lists_buffer_warnings(
    client: TestClient[Litestar], services: Services, studio: Studio, as_member: Headers
) -> None:
    room = services.studio_rooms.create(studio.uid, "A", changeover_minutes=30)
    first = services.shows.create("One", at(9), at(10), studio_room_uid=room.uid).show
    assert client.get(f"{API}/conflicts", headers=as_member).json() == []
    second = services.shows.create("Two", at(10, 10), at(11), studio_room_uid=room.uid).show

    everything = client.get(f"{API}/conflicts", headers=as_member)
    assert everything.status_code == 200
    [conflict] = everything.json()
    assert conflict["kind"] == "room_changeover"
    assert conflict["severity"] == "WARN"
    assert conflict["show_uids"] == [first.uid, second.uid]

    scoped = client.get(
        f"{API}/conflicts?studio_uid={studio.uid}"
        "&start_from=2030-03-02T00:00:00Z&start_to=2030-03-03T00:00:00Z",
        headers=as_member,
    ).json()
    assert scoped == everything.json()
    elsewhere = client.get(
        f"{API}/conflicts?start_from=2030-04-01T00:00:00Z", headers=as_member
    ).json()
    assert elsewhere == []


def test_conflict_audit_parameters_are_validated(
    client: TestClient[Litestar], as_member: Headers
) -> None:
    naive = client.get(f"{API}/conflicts?start_from=2030-03-02T00:00:00", headers=as_member)
    assert naive.status_code == 422
    assert naive.json()["extra"]["field"] == "start_from"
    backwards = client.get(
        f"{API}/conflicts?start_from=2030-03-02T00:00:00Z&start_to=2030-03-01T00:00:00Z",
        headers=as_member,
    )
    assert backwards.status_code == 422
    assert backwards.json()["extra"]["field"] == "start_to"
    unknown = client.get(
        f"{API}/conflicts?studio_uid=studio_01J0000000000000000000000", headers=as_member
    )
    assert unknown.status_code == 404
