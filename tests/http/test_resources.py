"""Every resource answers list / create / get / PATCH / DELETE the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services

Body = dict[str, Any]
API = "/api/v1"


def _studio(services: Services) -> str:
    return services.studios.create("Parent studio").uid


def _room(services: Services) -> str:
    return services.studio_rooms.create(_studio(services), "Parent room").uid


# path, POST body (may create parents through the core), PATCH body
CASES: dict[str, tuple[Callable[[Services], Body], Body]] = {
    "studios": (lambda sv: {"name": "Seoul", "time_zone": "Asia/Seoul"}, {"name": "Seoul 2"}),
    "studio-rooms": (
        lambda sv: {"studio_uid": _studio(sv), "name": "Room A", "changeover_minutes": 15},
        {"changeover_minutes": 30},
    ),
    "clients": (
        lambda sv: {"name": "Glow", "contact_email": "a@glow.example"},
        {"contact_person": "Ji-woo"},
    ),
    "users": (lambda sv: {"email": "New@Example.com", "name": "New"}, {"name": "Renamed"}),
    "mcs": (lambda sv: {"name": "Hana", "min_rest_minutes": 30}, {"alias_name": "H"}),
    "platforms": (lambda sv: {"name": "YouTube", "api_config": {"k": 1}}, {"name": "YT"}),
    "materials": (
        lambda sv: {"name": "Brief", "material_type": "brief", "version": "v1"},
        {"version": "v2", "expiring_at": "2030-01-01T00:00:00+09:00"},
    ),
    "tags": (lambda sv: {"name": "vip", "metadata": {"color": "red"}}, {"name": "very-vip"}),
    "shows": (
        lambda sv: {
            "name": "Morning live",
            "studio_room_uid": _room(sv),
            "show_start": "2030-03-02T09:00:00+09:00",
            "show_end": "2030-03-02T11:00:00+09:00",
        },
        {"name": "Evening live"},
    ),
    "material-types": (lambda sv: {"name": "storyboard"}, {"description": "frames"}),
    "schedule-statuses": (lambda sv: {"name": "on_hold"}, {"description": "paused"}),
    "change-categories": (lambda sv: {"name": "WEATHER"}, {"description": "rain"}),
    "change-types": (lambda sv: {"name": "VENUE_CHANGE"}, {"description": "moved"}),
}


@pytest.mark.parametrize("resource", sorted(CASES))
def test_a_resource_goes_through_create_get_update_list_and_delete(
    resource: str,
    client: TestClient[Litestar],
    services: Services,
    as_admin: dict[str, str],
) -> None:
    make_body, patch_body = CASES[resource]
    body = make_body(services)
    url = f"{API}/{resource}"
    before = client.get(url, headers=as_admin).json()["total"]

    created = client.post(url, json=body, headers=as_admin)
    assert created.status_code == 201, created.text
    item = created.json()
    uid = item["uid"]
    assert "id" not in item
    for key, value in body.items():
        if key == "email":
            assert item[key] == value.lower()
        elif key in {"show_start", "show_end"}:
            assert item[key].endswith("Z")
        elif key == "api_config":  # write-only: values masked, keys shown to admins
            assert item[key] == dict.fromkeys(value, "********")
        else:
            assert item[key] == value, key

    fetched = client.get(f"{url}/{uid}", headers=as_admin)
    assert fetched.status_code == 200
    assert fetched.json()["uid"] == uid

    patched = client.patch(f"{url}/{uid}", json=patch_body, headers=as_admin)
    assert patched.status_code == 200, patched.text
    for key, value in patch_body.items():
        if key == "expiring_at":
            assert patched.json()[key] == "2029-12-31T15:00:00Z"
        else:
            assert patched.json()[key] == value
    untouched = next(k for k in body if k not in patch_body)
    assert patched.json()[untouched] == item[untouched]

    listing = client.get(url, headers=as_admin).json()
    assert listing["total"] == before + 1
    assert uid in [row["uid"] for row in listing["items"]]

    deleted = client.delete(f"{url}/{uid}", headers=as_admin)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert client.get(f"{url}/{uid}", headers=as_admin).status_code == 404
    after = client.get(url, headers=as_admin).json()
    assert after["total"] == before
    assert uid not in [row["uid"] for row in after["items"]]


def test_lists_page_with_limit_and_offset_and_report_the_total(
    client: TestClient[Litestar], services: Services, as_admin: dict[str, str]
) -> None:
    uids = [services.clients.create(f"Client {i:02}").uid for i in range(55)]
    first = client.get(f"{API}/clients", headers=as_admin).json()
    assert (first["limit"], first["offset"], first["total"]) == (50, 0, 55)
    assert [c["uid"] for c in first["items"]] == uids[:50]
    rest = client.get(f"{API}/clients?limit=10&offset=50", headers=as_admin).json()
    assert [c["uid"] for c in rest["items"]] == uids[50:]
    assert client.get(f"{API}/clients?limit=500", headers=as_admin).status_code == 200


def test_lists_sort_by_the_fields_asked_for(
    client: TestClient[Litestar], services: Services, as_admin: dict[str, str]
) -> None:
    for name, minutes in (("b", 30), ("C", 0), ("a", 30)):
        services.mcs.create(name, min_rest_minutes=minutes)

    def names(sort: str) -> list[str]:
        answer = client.get(f"{API}/mcs?sort={sort}", headers=as_admin)
        assert answer.status_code == 200, answer.text
        return [m["name"] for m in answer.json()["items"]]

    assert names("name") == ["a", "b", "C"]  # ignoring case
    assert names("-min_rest_minutes,-name") == ["b", "a", "C"]
    assert names("%20-name%20,") == ["C", "b", "a"]
    refused = client.get(f"{API}/mcs?sort=user_uid", headers=as_admin)
    assert refused.status_code == 422
    extra = refused.json()["extra"]
    assert extra["field"] == "sort"
    assert "name" in extra["problems"][0]["reason"]  # the fields it can sort by


@pytest.mark.parametrize("query", ["limit=501", "limit=0", "limit=-1", "limit=abc", "offset=-1"])
def test_page_parameters_out_of_range_are_a_422_naming_the_parameter(
    query: str, client: TestClient[Litestar], as_admin: dict[str, str]
) -> None:
    response = client.get(f"{API}/studios?{query}", headers=as_admin)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == query.split("=", maxsplit=1)[0]


def test_rooms_and_materials_filter_by_their_parents(
    client: TestClient[Litestar], services: Services, as_admin: dict[str, str]
) -> None:
    one, two = services.studios.create("One"), services.studios.create("Two")
    room = services.studio_rooms.create(one.uid, "A")
    services.studio_rooms.create(two.uid, "B")
    rooms = client.get(f"{API}/studio-rooms?studio_uid={one.uid}", headers=as_admin).json()
    assert [r["uid"] for r in rooms["items"]] == [room.uid]

    glow = services.clients.create("Glow")
    youtube = services.platforms.create("YouTube")
    mine = services.materials.create("Brief", "brief", client_uid=glow.uid)
    streamed = services.materials.create("Overlay", "scene", platform_uid=youtube.uid)
    services.materials.create("Generic", "other")
    by_client = client.get(f"{API}/materials?client_uid={glow.uid}", headers=as_admin).json()
    assert [m["uid"] for m in by_client["items"]] == [mine.uid]
    by_platform = client.get(f"{API}/materials?platform_uid={youtube.uid}", headers=as_admin).json()
    assert [m["uid"] for m in by_platform["items"]] == [streamed.uid]


def test_lookup_values_are_found_by_name(
    client: TestClient[Litestar], as_admin: dict[str, str]
) -> None:
    found = client.get(f"{API}/material-types?name=script", headers=as_admin).json()
    assert [m["name"] for m in found["items"]] == ["script"]
    types = client.get(f"{API}/show-types", headers=as_admin).json()
    assert {t["name"] for t in types["items"]} >= {"bau", "campaign"}


def test_a_workflow_status_cannot_be_deleted(
    client: TestClient[Litestar], as_admin: dict[str, str]
) -> None:
    draft = client.get(f"{API}/schedule-statuses?name=draft", headers=as_admin).json()
    uid = draft["items"][0]["uid"]
    response = client.delete(f"{API}/schedule-statuses/{uid}", headers=as_admin)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == "name"


def test_nul_characters_are_refused_in_bodies_paths_and_queries(
    client: TestClient[Litestar], services: Services, as_admin: dict[str, str]
) -> None:
    response = client.post(f"{API}/studios", json={"name": "a\x00b"}, headers=as_admin)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == "name"
    response = client.post(
        f"{API}/clients", json={"name": "ok", "metadata": {"k": ["\x00"]}}, headers=as_admin
    )
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == "metadata"
    response = client.get(f"{API}/studio-rooms?studio_uid=%00", headers=as_admin)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == "studio_uid"
    assert client.get(f"{API}/studios/x%00y", headers=as_admin).status_code == 422
    assert services.studios.list() == []
    assert services.clients.list() == []
