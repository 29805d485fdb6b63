"""Tagging endpoints exist on every taggable resource and behave the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services

API = "/api/v1"


def _show(sv: Services) -> str:
    room = sv.studio_rooms.create(sv.studios.create("S").uid, "R")
    start = datetime(2030, 1, 1, 9, tzinfo=UTC)
    return sv.shows.create("S", start, start.replace(hour=10), studio_room_uid=room.uid).show.uid


MAKERS: dict[str, Callable[[Services], str]] = {
    "studios": lambda sv: sv.studios.create("S").uid,
    "studio-rooms": lambda sv: sv.studio_rooms.create(sv.studios.create("S").uid, "R").uid,
    "clients": lambda sv: sv.clients.create("C").uid,
    "users": lambda sv: sv.users.create("u@example.com", "U").uid,
    "mcs": lambda sv: sv.mcs.create("M").uid,
    "platforms": lambda sv: sv.platforms.create("P").uid,
    "materials": lambda sv: sv.materials.create("M", "brief").uid,
    "shows": _show,
}


@pytest.mark.parametrize("resource", sorted(MAKERS))
def test_a_tag_is_attached_listed_and_detached(
    resource: str, client: TestClient[Litestar], services: Services, as_admin: dict[str, str]
) -> None:
    uid = MAKERS[resource](services)
    tag = services.tags.create("vip")
    url = f"{API}/{resource}/{uid}/tags"
    linked = client.post(url, json={"tag_uid": tag.uid}, headers=as_admin)
    assert linked.status_code == 201, linked.text
    assert linked.json()["taggable_uid"] == uid
    assert [t["uid"] for t in client.get(url, headers=as_admin).json()] == [tag.uid]
    assert client.delete(f"{url}/{tag.uid}", headers=as_admin).status_code == 204
    assert client.get(url, headers=as_admin).json() == []
    assert client.delete(f"{url}/{tag.uid}", headers=as_admin).status_code == 404


def test_tagging_through_the_wrong_resource_path_is_a_404(
    client: TestClient[Litestar], services: Services, as_admin: dict[str, str]
) -> None:
    studio = services.studios.create("S")
    tag = services.tags.create("vip")
    response = client.post(
        f"{API}/clients/{studio.uid}/tags", json={"tag_uid": tag.uid}, headers=as_admin
    )
    assert response.status_code == 404
    assert services.tags.tags_of(studio.uid) == []


def test_an_unknown_tag_is_a_422_naming_tag_uid(
    client: TestClient[Litestar], services: Services, as_admin: dict[str, str]
) -> None:
    studio = services.studios.create("S")
    response = client.post(
        f"{API}/studios/{studio.uid}/tags",
        json={"tag_uid": "tag_01J0000000000000000000000"},
        headers=as_admin,
    )
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == "tag_uid"


def test_members_read_tags_but_cannot_tag(
    client: TestClient[Litestar], services: Services, as_member: dict[str, str]
) -> None:
    studio = services.studios.create("S")
    tag = services.tags.create("vip")
    url = f"{API}/studios/{studio.uid}/tags"
    assert client.get(url, headers=as_member).status_code == 200
    assert client.post(url, json={"tag_uid": tag.uid}, headers=as_member).status_code == 403
    assert services.tags.tags_of(studio.uid) == []
