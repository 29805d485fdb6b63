"""The membership policy over HTTP: the server loads each user's grants, hides
what they may not read (404, as for a uid that does not exist), refuses what
they may read but not change (403), and lists only what they may see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services, User
from studiocore.access import MembershipPolicy
from studiocore_http import ConfigError, Settings, create_app
from tests.http.conftest import API, SECRET, bearer
from tests.support.builders import T0


@pytest.fixture
def world() -> tuple[Services, dict[str, str]]:
    svc = Services.in_memory(policy=MembershipPolicy())
    u: dict[str, str] = {}
    u["A"] = svc.studios.create("Studio A").uid
    u["room"] = svc.studio_rooms.create(u["A"], "A1").uid
    u["C"] = svc.clients.create("Client C").uid
    u["D"] = svc.clients.create("Client D").uid
    for name in ("manager", "member", "c_member", "d_member"):
        u[name] = svc.users.create(f"{name}@example.com", name).uid
    svc.memberships.create(u["manager"], u["A"], "manager")
    svc.memberships.create(u["member"], u["A"], "member")
    svc.memberships.create(u["c_member"], u["C"], "member")
    svc.memberships.create(u["d_member"], u["D"], "member")
    start = T0 + timedelta(days=1)
    u["show"] = svc.shows.create(
        "C's launch",
        start,
        start + timedelta(hours=2),
        studio_room_uid=u["room"],
        client_uid=u["C"],
    ).show.uid
    return svc, u


@pytest.fixture
def client(world: tuple[Services, dict[str, str]]) -> Iterator[TestClient[Litestar]]:
    settings = Settings(jwt_secret=SECRET, log_requests=False, access_policy="membership")
    with TestClient(create_app(settings, services=world[0])) as test_client:
        yield test_client


def _as(world: tuple[Services, dict[str, str]], name: str) -> dict[str, str]:
    svc, u = world
    user: User = svc.users.get(u[name])
    return bearer(Settings(jwt_secret=SECRET), user)


def test_a_show_of_another_client_answers_404_like_a_missing_one(
    client: TestClient[Litestar],
    world: tuple[Services, dict[str, str]],
) -> None:
    show = world[1]["show"]
    assert client.get(f"{API}/shows/{show}", headers=_as(world, "c_member")).status_code == 200
    hidden = client.get(f"{API}/shows/{show}", headers=_as(world, "d_member"))
    missing = client.get(
        f"{API}/shows/show_01JAAAAAAAAAAAAAAAAAAAAAAA", headers=_as(world, "d_member")
    )
    assert hidden.status_code == missing.status_code == 404
    assert set(hidden.json()) == set(missing.json())


def test_lists_hold_only_what_the_user_may_see(
    client: TestClient[Litestar],
    world: tuple[Services, dict[str, str]],
) -> None:
    for name, expected in (("c_member", 1), ("d_member", 0), ("member", 1)):
        body = client.get(f"{API}/shows", headers=_as(world, name)).json()
        assert body["total"] == expected, name
        assert len(body["items"]) == expected, name
    clients = client.get(f"{API}/clients", headers=_as(world, "d_member")).json()
    assert [c["name"] for c in clients["items"]] == ["Client D"]


def test_staff_change_what_their_role_allows_and_nothing_more(
    client: TestClient[Litestar],
    world: tuple[Services, dict[str, str]],
) -> None:
    show = world[1]["show"]
    patch = {"name": "C's big launch"}
    refused = client.patch(f"{API}/shows/{show}", json=patch, headers=_as(world, "member"))
    assert refused.status_code == 403
    done = client.patch(f"{API}/shows/{show}", json=patch, headers=_as(world, "manager"))
    assert done.status_code == 200, done.text
    assert world[0].shows.get(show).name == "C's big launch"


def test_the_policy_setting_is_checked() -> None:
    assert Settings.from_env({"STUDIOCORE_ACCESS_POLICY": "simple"}).access_policy == "simple"
    assert Settings.from_env({}).access_policy == "membership"  # the default
    assert isinstance(Settings().policy(), MembershipPolicy)
    with pytest.raises(ConfigError, match="ACCESS_POLICY must be one of membership, simple"):
        Settings.from_env({"STUDIOCORE_ACCESS_POLICY": "open"})
