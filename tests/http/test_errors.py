"""The one error table: every domain error and an unexpected crash become JSON
with the documented status code."""

from __future__ import annotations

import logging

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import (
    ConcurrencyError,
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    Services,
    StudioError,
    UnavailableError,
    ValidationError,
)
from studiocore_http.errors import UNAVAILABLE

API = "/api/v1"
UID = "studio_01J0000000000000000000000"


@pytest.mark.parametrize(
    ("error", "status", "extra"),
    [
        (ValidationError("name", "too long"), 422, {"field": "name"}),
        (NotFoundError("studio", UID), 404, {"entity": "studio", "uid": UID}),
        (ConflictError("taken"), 409, {"conflicts": []}),
        (
            InvalidTransitionError("show", UID, "live", "draft"),
            409,
            {"from_state": "live", "to_state": "draft"},
        ),
        (ConcurrencyError("try again"), 409, {"retry": True}),
        (PermissionDeniedError("no", action="read", resource="studios"), 403, {"action": "read"}),
        (StudioError("some other refusal"), 422, {"field": None}),
        (UnavailableError("the database connection was lost"), 503, {"retry": True}),
    ],
)
def test_each_domain_error_maps_to_its_status_with_a_json_body(
    error: StudioError,
    status: int,
    extra: dict[str, object],
    *,
    client: TestClient[Litestar],
    services: Services,
    as_admin: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*_: object, **__: object) -> None:
        raise error

    monkeypatch.setattr(services.studios, "get", fail)
    response = client.get(f"{API}/studios/{UID}", headers=as_admin)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status_code"] == status
    # A 503 tells the client only that the storage is unavailable (the message
    # names the database server and goes to the log).
    assert body["detail"] == (UNAVAILABLE if status == 503 else error.message)
    assert body["extra"].items() >= extra.items()
    assert ("retry-after" in response.headers) == (status == 503)


def test_an_unexpected_crash_is_a_json_500_without_internals(
    client: TestClient[Litestar],
    services: Services,
    as_admin: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def crash(*_: object, **__: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services.studios, "get", crash)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"{API}/studios/{UID}", headers=as_admin)
    assert response.status_code == 500
    assert response.json() == {
        "status_code": 500,
        "detail": "Internal Server Error",
        "extra": {},
    }
    assert "secret internals" not in response.text


def test_unknown_routes_and_methods_answer_json(
    client: TestClient[Litestar], as_admin: dict[str, str]
) -> None:
    missing = client.get("/api/v1/nothing-here", headers=as_admin)
    assert missing.status_code == 404
    assert missing.json()["status_code"] == 404
    wrong = client.put(f"{API}/studios", headers=as_admin)
    assert wrong.status_code == 405
    assert wrong.json()["status_code"] == 405
    malformed = client.post(
        f"{API}/studios",
        content=b"{not json",
        headers={**as_admin, "content-type": "application/json"},
    )
    assert malformed.status_code == 400
    assert malformed.json()["status_code"] == 400


def test_a_503_names_no_database_server_and_the_detail_is_logged(
    client: TestClient[Litestar],
    services: Services,
    as_admin: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = 'connection to server at "db.internal.example" (10.1.2.3), port 6543 failed'

    def unreachable(*_: object, **__: object) -> None:
        raise UnavailableError(f"cannot connect to the database: {secret}")

    monkeypatch.setattr(services.studios, "page", unreachable)
    with caplog.at_level(logging.WARNING, logger="studiocore_http"):
        response = client.get(f"{API}/studios", headers=as_admin)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json() == {
        "status_code": 503,
        "detail": "The storage is unavailable; retry shortly.",
        "extra": {"retry": True},
    }
    for leak in ("db.internal.example", "10.1.2.3", "6543"):
        assert leak not in response.text
    assert secret in caplog.text
