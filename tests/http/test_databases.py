"""The API over the real adapters (SQLite, PostgreSQL) and the app's default
database path: the SQL adapter opened and migrated from the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from litestar.testing import TestClient

from studiocore import Services, UserRole
from studiocore_http import Settings, create_app, issue_token
from tests.conftest import FreshDatabase
from tests.support.postgres import fresh_database, terminate_backend

from .conftest import API, SECRET, post_show


def test_booking_conflicts_availability_and_tags_work_on_every_adapter(
    fresh_db: FreshDatabase, settings: Settings
) -> None:
    services = Services(fresh_db())
    admin = services.users.create("admin@example.com", "Admin", role=UserRole.ADMIN)
    headers = {"Authorization": f"Bearer {issue_token(settings, admin.uid)}"}
    with TestClient(create_app(settings, services=services)) as client:
        studio = client.post(
            f"{API}/studios", json={"name": "Seoul", "time_zone": "Asia/Seoul"}, headers=headers
        ).json()
        room = client.post(
            f"{API}/studio-rooms", json={"studio_uid": studio["uid"], "name": "A"}, headers=headers
        ).json()
        mc = client.post(f"{API}/mcs", json={"name": "Hana"}, headers=headers).json()
        show = post_show(
            client,
            headers,
            room["uid"],
            "2030-03-02T09:00:00+09:00",
            "2030-03-02T11:00:00+09:00",
            name="Morning",
            mc_uids=[mc["uid"]],
        )
        assert show.status_code == 201, show.text
        clash = post_show(
            client,
            headers,
            room["uid"],
            "2030-03-02T10:00:00+09:00",
            "2030-03-02T12:00:00+09:00",
            name="Clash",
        )
        assert clash.status_code == 409
        assert show.json()["uid"] in clash.json()["extra"]["conflicts"][0]["show_uids"]
        listed = client.get(f"{API}/shows?studio_uid={studio['uid']}", headers=headers).json()
        assert [s["uid"] for s in listed["items"]] == [show.json()["uid"]]
        free = client.get(
            f"{API}/studios/{studio['uid']}/availability"
            "?start=2030-03-02T00:00:00Z&end=2030-03-02T03:00:00Z",
            headers=headers,
        ).json()
        assert free["rooms"][0]["free"] == [
            {"start": "2030-03-02T02:00:00Z", "end": "2030-03-02T03:00:00Z"}
        ]
        tag = client.post(f"{API}/tags", json={"name": "vip"}, headers=headers).json()
        tagged = client.post(
            f"{API}/shows/{show.json()['uid']}/tags", json={"tag_uid": tag["uid"]}, headers=headers
        )
        assert tagged.status_code == 201
        assert client.get(f"{API}/conflicts", headers=headers).json() == []
        assert client.get("/health").json()["database"] == "ok"


def test_the_default_app_opens_and_migrates_the_configured_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'api.db'}"
    settings = Settings(database_url=url, jwt_secret=SECRET, log_requests=False)
    app = create_app(settings)
    services: Services = app.state.services
    admin = services.users.create("admin@example.com", "Admin", role=UserRole.ADMIN)
    headers = {"Authorization": f"Bearer {issue_token(settings, admin.uid)}"}
    with TestClient(app) as client:
        assert client.get("/health").json() == {
            "status": "ok",
            "database": "ok",
            "migrations": "current",
            "replica": "none",
            "replica_lag_seconds": None,
            "version": client.get("/health").json()["version"],
        }
        created = client.post(f"{API}/clients", json={"name": "Glow"}, headers=headers)
        assert created.status_code == 201
    assert (tmp_path / "api.db").exists()
    reopened = create_app(settings)
    assert [c.name for c in reopened.state.services.clients.list()] == ["Glow"]


def test_a_lost_database_connection_answers_503_and_the_next_request_reconnects(
    settings: Settings,
) -> None:
    with fresh_database(pool_size=1, max_overflow=0) as db:
        services = Services(db)
        admin = services.users.create("admin@example.com", "Admin", role=UserRole.ADMIN)
        headers = {"Authorization": f"Bearer {issue_token(settings, admin.uid)}"}
        url = db.engine.url.render_as_string(hide_password=False)
        dropped: list[int] = []

        def drop_after_the_ping(dbapi_connection: Any, *_: Any) -> None:
            # the pool pings a connection before handing it out (pool_pre_ping):
            # the server drops this one right after the ping, once
            if not dropped:
                dropped.append(dbapi_connection.info.backend_pid)
                terminate_backend(url, dropped[0])

        with TestClient(create_app(settings, services=services)) as client:
            assert client.get(f"{API}/studios", headers=headers).status_code == 200
            sa.event.listen(db.engine, "checkout", drop_after_the_ping)
            lost = client.get(f"{API}/studios", headers=headers)
            assert lost.status_code == 503, lost.text
            assert lost.headers["retry-after"] == "1"
            assert lost.json()["extra"] == {"retry": True}
            assert client.get(f"{API}/studios", headers=headers).status_code == 200
