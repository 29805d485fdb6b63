"""End to end: the README's run command (``studiocore serve --demo``) as a real
server process on a free port with a fresh SQLite file, driven over HTTP."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.servers import Server, running_server, server_env, studiocore_command


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with running_server(f"sqlite:///{tmp_path / 'e2e.db'}", tmp_path) as running:
        yield running


def test_serve_demo_gives_a_working_api_with_data_and_an_admin_token(server: Server) -> None:
    assert f"{server.base_url}/schema" in server.output
    assert httpx.get(f"{server.base_url}/api/v1/studios").status_code == 401
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:
        studios = http.get("/api/v1/studios").json()
        assert studios["total"] == 2
        seoul = next(s for s in studios["items"] if s["name"] == "Seoul Main")
        rooms = http.get(f"/api/v1/studio-rooms?studio_uid={seoul['uid']}").json()["items"]
        room = f"studio_room_uid={rooms[0]['uid']}"
        shows = http.get(f"/api/v1/shows?{room}&status=confirmed&limit=1").json()
        assert shows["total"] >= 7
        booked = shows["items"][0]
        clash = http.post(
            "/api/v1/shows",
            json={
                "name": "Double booking",
                "studio_room_uid": rooms[0]["uid"],
                "show_start": booked["show_start"],
                "show_end": booked["show_end"],
            },
        )
        assert clash.status_code == 409
        assert booked["uid"] in clash.json()["extra"]["conflicts"][0]["show_uids"]
        created = http.post("/api/v1/clients", json={"name": "E2E client"})
        assert created.status_code == 201
        assert http.get(f"/api/v1/clients/{created.json()['uid']}").status_code == 200
        # the demo's near-conflicts only warn: nothing it holds is double-booked
        assert {c["severity"] for c in http.get("/api/v1/conflicts").json()} <= {"WARN"}
        assert http.get("/schema/openapi.json").json()["openapi"].startswith("3.1")


def test_serve_demo_prints_a_token_per_role_and_each_sees_what_their_role_allows(
    server: Server,
) -> None:
    def client(email: str | None) -> httpx.Client:
        token = server.token if email is None else server.token_of(email)
        return httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )

    with client(None) as admin:
        every = admin.get("/api/v1/shows?limit=500").json()["items"]
        studios = {s["uid"]: s["name"] for s in admin.get("/api/v1/studios").json()["items"]}
        clients = {c["uid"]: c["name"] for c in admin.get("/api/v1/clients").json()["items"]}
        rooms = admin.get("/api/v1/studio-rooms").json()["items"]
    studio_of_room = {r["uid"]: studios[r["studio_uid"]] for r in rooms}
    glow = {s["uid"] for s in every if clients.get(s["client_uid"]) == "Glow Cosmetics"}
    seoul = {s["uid"] for s in every if studio_of_room[s["studio_room_uid"]] == "Seoul Main"}
    other = next(s for s in every if s["uid"] not in glow)
    assert glow
    assert seoul
    with client("client.member@demo.studiocore.dev") as member:
        listed = member.get("/api/v1/shows?limit=500").json()
        assert {s["uid"] for s in listed["items"]} == glow
        assert listed["total"] == len(glow)
        assert member.get(f"/api/v1/shows/{other['uid']}").status_code == 404
        mine = min(glow)
        assert member.patch(f"/api/v1/shows/{mine}", json={"name": "x"}).status_code == 403
        assert [c["name"] for c in member.get("/api/v1/clients").json()["items"]] == [
            "Glow Cosmetics"
        ]
    with client("studio.manager@demo.studiocore.dev") as manager:
        listed = manager.get("/api/v1/shows?limit=500").json()
        assert {s["uid"] for s in listed["items"]} == seoul
        # a confirmed show outside any schedule: a scheduled one changes through
        # change requests, a completed or cancelled one (the history) not at all
        loose = sorted(
            s["uid"]
            for s in every
            if s["uid"] in seoul and not s["schedule_uid"] and s["show_status"] == "confirmed"
        )
        renamed = manager.patch(f"/api/v1/shows/{loose[0]}", json={"name": "Renamed"})
        assert renamed.status_code == 200, renamed.text
    with client("client.manager@demo.studiocore.dev") as planner:
        [confirmed] = planner.get("/api/v1/schedules?status=confirmed").json()["items"]
        versions = planner.get(f"/api/v1/schedules/{confirmed['uid']}/versions").json()
        assert [v["version"] for v in versions] == [1, 2, 3, 4]
        waiting = planner.get(
            f"/api/v1/schedules/{confirmed['uid']}/change-requests?status=pending"
        ).json()
        assert len(waiting) == 1
        preview = planner.get(f"/api/v1/change-requests/{waiting[0]['uid']}").json()["preview"]
        assert preview["applicable"] is True
        assert [c["kinds"] for c in preview["changes"]] == [["room"]]
    with client("mc.hana@demo.studiocore.dev") as host:
        hosted = host.get("/api/v1/shows?limit=500").json()
        assert 0 < hosted["total"] < len(seoul)


@pytest.mark.postgres
def test_concurrent_bookings_of_one_room_on_postgresql_give_one_201_and_409s(
    tmp_path: Path,
) -> None:
    from tests.support.postgres import scratch_database

    with scratch_database() as url, running_server(url, tmp_path) as running:
        headers = {"Authorization": f"Bearer {running.token}"}
        with httpx.Client(base_url=running.base_url, headers=headers, timeout=30) as http:
            studio = http.post("/api/v1/studios", json={"name": "Race"}).json()
            room = http.post(
                "/api/v1/studio-rooms", json={"studio_uid": studio["uid"], "name": "R"}
            ).json()
            body = {
                "name": "Contested",
                "studio_room_uid": room["uid"],
                "show_start": "2031-01-01T10:00:00Z",
                "show_end": "2031-01-01T12:00:00Z",
            }
            with ThreadPoolExecutor(max_workers=8) as pool:
                codes = sorted(
                    pool.map(lambda _: http.post("/api/v1/shows", json=body).status_code, range(8))
                )
            assert codes == [201] + [409] * 7
            listed = http.get(f"/api/v1/shows?studio_room_uid={room['uid']}").json()
            assert listed["total"] == 1


def test_the_documented_deployment_path_works_with_real_processes(tmp_path: Path) -> None:
    """db upgrade, users create-admin, token, serve: as docs/http-api.md runs them."""
    env = server_env(
        f"sqlite:///{tmp_path / 'prod.db'}", "a-production-secret-of-at-least-32-bytes"
    )

    def studiocore(*args: str) -> str:
        done = subprocess.run(
            [*studiocore_command(), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    studiocore("db", "upgrade")
    uid = studiocore("users", "create-admin", "--email", "ops@example.com", "--name", "Ops")
    token = studiocore("token", "--email", "ops@example.com").strip()
    assert uid.strip().startswith("user_")
    with running_server(
        env["STUDIOCORE_DATABASE_URL"],
        tmp_path,
        demo=False,
        secret=env["STUDIOCORE_JWT_SECRET"],
    ) as running:
        assert "Admin token" not in running.output
        headers = {"Authorization": f"Bearer {token}"}
        me = httpx.get(f"{running.base_url}/api/v1/users/{uid.strip()}", headers=headers)
        assert me.status_code == 200
        assert me.json()["role"] == "admin"
        assert httpx.get(f"{running.base_url}/api/v1/studios", headers=headers).json()["total"] == 0
