"""The world of the HTTP planning tests: a studio with two rooms, two clients,
one user per role with their token, and an app over it (``world`` and ``http``);
a client's week and the requests that plan it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services, UserRole
from studiocore.access import MembershipPolicy
from studiocore_http import Settings, create_app
from tests.http.conftest import API, SECRET, bearer

Http = TestClient[Litestar]

WEEK = {"start_time": "2030-03-04T00:00:00Z", "end_time": "2030-03-11T00:00:00Z"}


def hours(day: int, start: int, end: int) -> tuple[datetime, datetime]:
    """From hour ``start`` to hour ``end`` (UTC) of March ``day``, 2030."""
    return datetime(2030, 3, day, start, tzinfo=UTC), datetime(2030, 3, day, end, tzinfo=UTC)


def draft(name: str, room: str, day: int, start: int, end: int) -> dict[str, Any]:
    """The body of a show from hour ``start`` to hour ``end`` of March ``day``."""
    return {
        "name": name,
        "studio_room_uid": room,
        "show_start": f"2030-03-{day:02d}T{start:02d}:00:00Z",
        "show_end": f"2030-03-{day:02d}T{end:02d}:00:00Z",
    }


class Studio:
    """A studio with two rooms, clients C and D, and one user per role."""

    def __init__(self) -> None:
        svc = Services.in_memory(policy=MembershipPolicy())
        self.services = svc
        self.settings = Settings(jwt_secret=SECRET, log_requests=False)
        self.studio = svc.studios.create("Seoul Main", time_zone="Asia/Seoul").uid
        self.other_studio = svc.studios.create("Berlin Loft").uid
        self.room = svc.studio_rooms.create(self.studio, "Studio A").uid
        self.room_b = svc.studio_rooms.create(self.studio, "Studio B").uid
        self.berlin_room = svc.studio_rooms.create(self.other_studio, "Loft 1").uid
        self.client = svc.clients.create("Glow Cosmetics").uid
        self.other_client = svc.clients.create("Nordic Outdoor").uid
        self.tokens: dict[str, dict[str, str]] = {}
        people = {
            "planner": (self.studio, "manager"),
            "studio_admin": (self.studio, "admin"),
            "client_manager": (self.client, "manager"),
            "client_member": (self.client, "member"),
            "stranger": (self.other_client, "manager"),
        }
        for name, (group, role) in people.items():
            user = svc.users.create(f"{name}@example.com", name.replace("_", " ").title())
            svc.memberships.create(user.uid, group, role)
            self.tokens[name] = bearer(self.settings, user)
        admin = svc.users.create("admin@example.com", "Admin", role=UserRole.ADMIN)
        self.tokens["admin"] = bearer(self.settings, admin)

    def schedule(self, name: str) -> str:
        """A draft schedule of client C for the ``WEEK``, made through the services."""
        start, end = (datetime.fromisoformat(WEEK[k]) for k in ("start_time", "end_time"))
        return self.services.schedules.create(self.client, self.studio, name, start, end).uid


@pytest.fixture
def world() -> Studio:
    return Studio()


@pytest.fixture
def http(world: Studio) -> Iterator[Http]:
    with TestClient(create_app(world.settings, services=world.services)) as client:
        yield client


def create_schedule(http: Http, world: Studio, who: str, name: str = "Spring week") -> Response:
    """POST a schedule of client C for the ``WEEK``, as ``who``."""
    body = {"client_uid": world.client, "studio_uid": world.studio, "name": name, **WEEK}
    return http.post(f"{API}/schedules", json=body, headers=world.tokens[who])
