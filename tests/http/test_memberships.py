"""Memberships, users and clients over HTTP under the membership policy.

What a user may not read answers 404 (exactly as a uid that does not exist),
what they may read but not change answers 403, and lists hold only what they
may read, with a ``total`` that counts only that. The rules are the core's
(``studiocore.access``): these tests check that HTTP passes them on unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services, UserRole
from studiocore.access import MembershipPolicy
from studiocore_http import Settings, create_app
from tests.http.conftest import API, SECRET, bearer
from tests.support.builders import T0

MISSING_MEMBERSHIP = "mbr_01JAAAAAAAAAAAAAAAAAAAAAAA"
MISSING_USER = "user_01JAAAAAAAAAAAAAAAAAAAAAAA"

# user name -> (group, role) of their memberships
PEOPLE: dict[str, list[tuple[str, str]]] = {
    "root": [],  # a system admin
    "a_admin": [("A", "admin")],
    "a_manager": [("A", "manager")],
    "a_member": [("A", "member")],
    "c_admin": [("C", "admin"), ("A", "member")],
    "c_member": [("C", "member")],
    "d_admin": [("D", "admin")],
    "d_member": [("D", "member")],
    "outsider": [],
}


class World:
    """Studio A, clients C and D, the people above, and a show of C in A."""

    def __init__(self) -> None:
        self.svc = Services.in_memory(policy=MembershipPolicy())
        svc = self.svc
        self.uid: dict[str, str] = {
            "A": svc.studios.create("Studio A").uid,
            "C": svc.clients.create("Client C").uid,
            "D": svc.clients.create("Client D").uid,
        }
        self.membership: dict[tuple[str, str], str] = {}
        for name, grants in PEOPLE.items():
            role = UserRole.ADMIN if name == "root" else UserRole.USER
            self.uid[name] = svc.users.create(f"{name}@example.com", name, role=role).uid
            for group, group_role in grants:
                made = svc.memberships.create(self.uid[name], self.uid[group], group_role)
                self.membership[name, group] = made.uid
        room = svc.studio_rooms.create(self.uid["A"], "A1").uid
        start = T0 + timedelta(days=1)
        svc.shows.create(
            "C's launch",
            start,
            start + timedelta(hours=2),
            studio_room_uid=room,
            client_uid=self.uid["C"],
        )

    def headers(self, name: str) -> dict[str, str]:
        return bearer(Settings(jwt_secret=SECRET), self.svc.users.get(self.uid[name]))


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def client(world: World) -> Iterator[TestClient[Litestar]]:
    settings = Settings(
        jwt_secret=SECRET, log_requests=False, auth_cache_seconds=0, access_policy="membership"
    )
    with TestClient(create_app(settings, services=world.svc)) as test_client:
        yield test_client


class Caller:
    """One user's requests (``as_(name).get(path)``), paths under ``/api/v1``."""

    def __init__(self, client: TestClient[Litestar], headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    def get(self, path: str, **params: str) -> Response:
        return self.client.get(f"{API}{path}", params=params, headers=self.headers)

    def post(self, path: str, body: dict[str, Any]) -> Response:
        return self.client.post(f"{API}{path}", json=body, headers=self.headers)

    def patch(self, path: str, body: dict[str, Any]) -> Response:
        return self.client.patch(f"{API}{path}", json=body, headers=self.headers)

    def delete(self, path: str) -> Response:
        return self.client.delete(f"{API}{path}", headers=self.headers)


As = Callable[[str], Caller]


@pytest.fixture
def as_(client: TestClient[Litestar], world: World) -> As:
    return lambda name: Caller(client, world.headers(name))


def _grant(world: World, user: str, group: str, role: str) -> dict[str, str]:
    return {"user_uid": world.uid[user], "group_uid": world.uid[group], "role": role}


def _listed(response: Response) -> tuple[int, set[str]]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])  # one page holds them all here
    return body["total"], {item["uid"] for item in body["items"]}


# --------------------------------------------------------------------------- memberships


def test_a_system_admin_grants_reads_changes_lists_and_revokes(world: World, as_: As) -> None:
    root = as_("root")
    created = root.post("/memberships", _grant(world, "outsider", "D", "member"))
    assert created.status_code == 201, created.text
    membership = created.json()
    assert membership["group_type"] == "client"  # follows from the group's uid
    assert membership["role"] == "member"
    path = f"/memberships/{membership['uid']}"
    assert root.get(path).json() == membership

    changed = root.patch(path, {"role": "manager", "metadata": {"note": "season 2"}})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["role"], changed.json()["metadata"]) == ("manager", {"note": "season 2"})
    assert world.svc.memberships.role_in(world.uid["outsider"], world.uid["D"]) == "manager"

    assert _listed(root.get("/memberships", user_uid=world.uid["outsider"]))[1] == {
        membership["uid"]
    }
    assert root.delete(path).status_code == 204
    assert root.get(path).status_code == 404
    assert world.svc.memberships.role_in(world.uid["outsider"], world.uid["D"]) is None


def test_lists_filter_by_user_group_and_kind_of_group(world: World, as_: As) -> None:
    root = as_("root")
    total, _ = _listed(root.get("/memberships"))
    assert total == len(world.membership)
    studio = {uid for (_, group), uid in world.membership.items() if group == "A"}
    assert _listed(root.get("/memberships", group_type="studio"))[1] == studio
    assert _listed(root.get("/memberships", group_uid=world.uid["A"]))[1] == studio
    assert _listed(root.get("/memberships", group_type="client", user_uid=world.uid["c_admin"]))[
        1
    ] == {world.membership["c_admin", "C"]}
    unknown = root.get("/memberships", group_type="studios")
    assert unknown.status_code == 422
    assert unknown.json()["extra"]["field"] == "group_type"


def test_bodies_are_checked(world: World, as_: As) -> None:
    root = as_("root")
    room_uid = world.svc.studio_rooms.list()[0].uid
    not_a_group = root.post(
        "/memberships", {**_grant(world, "outsider", "C", "member"), "group_uid": room_uid}
    )
    assert not_a_group.status_code == 422
    assert not_a_group.json()["extra"]["field"] == "group_uid"
    bad_role = root.post("/memberships", _grant(world, "outsider", "C", "owner"))
    assert (bad_role.status_code, bad_role.json()["extra"]["field"]) == (422, "role")
    no_user = root.post(
        "/memberships", {**_grant(world, "outsider", "C", "member"), "user_uid": MISSING_USER}
    )
    assert (no_user.status_code, no_user.json()["extra"]["field"]) == (422, "user_uid")
    twice = root.post("/memberships", _grant(world, "c_member", "C", "manager"))
    assert twice.status_code == 409  # one membership per user and group: change its role
    path = f"/memberships/{world.membership['c_member', 'C']}"
    for fixed in ({"group_uid": world.uid["D"]}, {"user_uid": world.uid["outsider"]}):
        moved = root.patch(path, fixed)
        assert moved.status_code == 422, fixed
        assert moved.json()["extra"]["field"] == next(iter(fixed))


def test_members_see_the_memberships_of_their_groups_only(world: World, as_: As) -> None:
    c_admin = as_("c_admin")
    # c_admin is in C (admin) and A (member): both groups' memberships, no D ones
    expected = {uid for (_, group), uid in world.membership.items() if group in {"A", "C"}}
    assert _listed(c_admin.get("/memberships")) == (len(expected), expected)
    assert _listed(c_admin.get("/memberships", group_uid=world.uid["D"])) == (0, set())
    assert _listed(c_admin.get("/memberships", user_uid=world.uid["d_admin"])) == (0, set())

    d_membership = f"/memberships/{world.membership['d_member', 'D']}"
    hidden = c_admin.get(d_membership)
    missing = c_admin.get(f"/memberships/{MISSING_MEMBERSHIP}")
    assert hidden.status_code == missing.status_code == 404
    assert set(hidden.json()) == set(missing.json())
    assert c_admin.patch(d_membership, {"role": "admin"}).status_code == 404
    assert c_admin.delete(d_membership).status_code == 404
    assert world.svc.memberships.get(world.membership["d_member", "D"]).role == "member"

    alone = as_("outsider")
    assert _listed(alone.get("/memberships")) == (0, set())


def test_a_group_admin_grants_changes_and_revokes_in_their_group(world: World, as_: As) -> None:
    c_admin = as_("c_admin")
    made = c_admin.post("/memberships", _grant(world, "outsider", "C", "manager"))
    assert made.status_code == 201, made.text
    path = f"/memberships/{made.json()['uid']}"
    # their own role is the ceiling, and admin is the highest role
    assert c_admin.patch(path, {"role": "admin"}).status_code == 200
    assert c_admin.delete(path).status_code == 204
    assert world.svc.memberships.role_in(world.uid["outsider"], world.uid["C"]) is None
    # ... and step down: an admin's own role is within their own role
    own = f"/memberships/{world.membership['c_admin', 'C']}"
    assert c_admin.patch(own, {"role": "manager"}).status_code == 200
    assert c_admin.post("/memberships", _grant(world, "outsider", "C", "member")).status_code == 403


def test_nobody_grants_a_role_above_their_own(world: World, as_: As) -> None:
    # A manager reads their studio's memberships but grants nothing: granting
    # belongs to admins, and a manager's own role is below theirs.
    a_manager = as_("a_manager")
    for role in ("admin", "manager", "member"):
        refused = a_manager.post("/memberships", _grant(world, "outsider", "A", role))
        assert refused.status_code == 403, role
    member_path = f"/memberships/{world.membership['a_member', 'A']}"
    assert a_manager.get(member_path).status_code == 200
    assert a_manager.patch(member_path, {"role": "admin"}).status_code == 403
    assert a_manager.delete(member_path).status_code == 403
    # c_admin is an admin of C but only a member of A
    c_admin = as_("c_admin")
    assert c_admin.post("/memberships", _grant(world, "outsider", "A", "member")).status_code == 403
    assert c_admin.patch(member_path, {"role": "manager"}).status_code == 403
    assert world.svc.memberships.role_in(world.uid["outsider"], world.uid["A"]) is None
    assert world.svc.memberships.get(world.membership["a_member", "A"]).role == "member"


def test_nobody_changes_their_own_role(world: World, as_: As) -> None:
    for name, group in (("c_member", "C"), ("a_manager", "A")):
        path = f"/memberships/{world.membership[name, group]}"
        caller = as_(name)
        assert caller.get(path).status_code == 200
        assert caller.patch(path, {"role": "admin"}).status_code == 403, name
    user_path = f"/users/{world.uid['c_member']}"
    assert as_("c_member").patch(user_path, {"role": "admin"}).status_code == 403
    assert world.svc.users.get(world.uid["c_member"]).role is UserRole.USER


def test_granting_in_a_group_one_does_not_belong_to_is_refused(world: World, as_: As) -> None:
    # The new membership's group is one the caller cannot read: refused in the
    # words of a group that does not exist (nothing existing is revealed).
    for name in ("a_manager", "c_admin"):
        refused = as_(name).post("/memberships", _grant(world, "outsider", "D", "member"))
        missing = _grant(world, "outsider", "D", "member") | {
            "group_uid": "client_0000000000000000000000000"
        }
        unknown = as_(name).post("/memberships", missing)
        assert refused.status_code == unknown.status_code == 422, name
        assert refused.json()["extra"]["field"] == unknown.json()["extra"]["field"] == "group_uid"
    assert world.svc.memberships.role_in(world.uid["outsider"], world.uid["D"]) is None


# --------------------------------------------------------------------------- users


def test_users_see_themselves_and_group_admins_see_their_members(world: World, as_: As) -> None:
    uid = world.uid
    alone = as_("outsider")
    assert _listed(alone.get("/users"))[1] == {uid["outsider"]}
    assert alone.get(f"/users/{uid['outsider']}").status_code == 200
    hidden = alone.get(f"/users/{uid['c_member']}")
    missing = alone.get(f"/users/{MISSING_USER}")
    assert hidden.status_code == missing.status_code == 404
    assert set(hidden.json()) == set(missing.json())

    # c_admin administers C (c_admin, c_member); a member of A is no admin there
    c_admin = as_("c_admin")
    assert _listed(c_admin.get("/users")) == (2, {uid["c_admin"], uid["c_member"]})
    assert c_admin.get(f"/users/{uid['c_member']}").status_code == 200
    assert c_admin.get(f"/users/{uid['a_member']}").status_code == 404
    assert c_admin.get(f"/users/{uid['d_member']}").status_code == 404

    a_admin = as_("a_admin")
    in_a = {uid[n] for n, grants in PEOPLE.items() if any(g == "A" for g, _ in grants)}
    assert _listed(a_admin.get("/users")) == (len(in_a), in_a)

    assert _listed(as_("root").get("/users"))[0] == len(PEOPLE)


def test_users_change_their_own_name_and_nothing_else(world: World, as_: As) -> None:
    uid = world.uid
    me = as_("c_member")
    renamed = me.patch(f"/users/{uid['c_member']}", {"name": "Cee"})
    assert renamed.status_code == 200, renamed.text
    assert world.svc.users.get(uid["c_member"]).name == "Cee"
    for change in ({"is_banned": True}, {"email": "new@example.com"}, {"role": "manager"}):
        assert me.patch(f"/users/{uid['c_member']}", change).status_code == 403, change
    assert me.delete(f"/users/{uid['c_member']}").status_code == 403

    # a group admin reads their members but does not edit them
    c_admin = as_("c_admin")
    assert c_admin.patch(f"/users/{uid['c_member']}", {"name": "X"}).status_code == 403
    assert c_admin.delete(f"/users/{uid['c_member']}").status_code == 403
    assert c_admin.patch(f"/users/{uid['d_member']}", {"name": "X"}).status_code == 404

    root = as_("root")
    assert root.patch(f"/users/{uid['c_member']}", {"role": "manager"}).status_code == 200
    assert world.svc.users.get(uid["c_member"]).role is UserRole.MANAGER


def test_only_a_system_admin_creates_users(world: World, as_: As) -> None:
    body = {"email": "new@example.com", "name": "New"}
    for name in ("c_admin", "a_admin", "outsider"):
        assert as_(name).post("/users", body).status_code == 403, name
    assert world.svc.users.page(where={"email": "new@example.com"}).total == 0
    assert as_("root").post("/users", body).status_code == 201


# --------------------------------------------------------------------------- clients


def test_clients_are_seen_by_their_members_and_their_studios_staff(world: World, as_: As) -> None:
    uid = world.uid
    assert _listed(as_("c_member").get("/clients")) == (1, {uid["C"]})
    assert _listed(as_("d_member").get("/clients")) == (1, {uid["D"]})
    # C has a show in studio A: A's staff see C, not D
    assert _listed(as_("a_member").get("/clients")) == (1, {uid["C"]})
    assert _listed(as_("outsider").get("/clients")) == (0, set())
    hidden = as_("c_member").get(f"/clients/{uid['D']}")
    assert hidden.status_code == 404
    assert as_("c_member").patch(f"/clients/{uid['D']}", {"name": "X"}).status_code == 404


def test_a_client_admin_edits_its_contact_details_only(world: World, as_: As) -> None:
    uid = world.uid
    c_admin = as_("c_admin")
    contact = {"contact_person": "Ji-woo", "contact_email": "ji@c.example"}
    done = c_admin.patch(f"/clients/{uid['C']}", contact)
    assert done.status_code == 200, done.text
    assert world.svc.clients.get(uid["C"]).contact_person == "Ji-woo"
    assert c_admin.patch(f"/clients/{uid['C']}", {"name": "Renamed"}).status_code == 403
    assert c_admin.delete(f"/clients/{uid['C']}").status_code == 403
    assert c_admin.post("/clients", {"name": "Mine"}).status_code == 403
    assert as_("c_member").patch(f"/clients/{uid['C']}", contact).status_code == 403
    assert as_("a_admin").patch(f"/clients/{uid['C']}", contact).status_code == 403
    assert c_admin.patch(f"/clients/{uid['D']}", contact).status_code == 404
    assert as_("root").post("/clients", {"name": "New"}).status_code == 201
