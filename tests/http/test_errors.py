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
SECRET = 'connection to server at "db.internal.example" (10.1.2.3), port 6543 failed'


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
        (UnavailableError(f"the database connection was lost: {SECRET}"), 503, {"retry": True}),
        (RuntimeError(f"secret internals: {SECRET}"), 500, {}),
    ],
)
def test_each_error_maps_to_its_status_with_a_json_body_and_internals_are_only_logged(
    error: Exception,
    status: int,
    extra: dict[str, object],
    *,
    client: TestClient[Litestar],
    services: Services,
    as_admin: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fail(*_: object, **__: object) -> None:
        raise error

    monkeypatch.setattr(services.studios, "get", fail)
    with caplog.at_level(logging.WARNING, logger="studiocore_http"):
        response = client.get(f"{API}/studios/{UID}", headers=as_admin)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status_code"] == status
    # A 503 tells the client only that the storage is unavailable, a 500 nothing:
    # what failed (here: which database server) goes to the log.
    internal = {500: "Internal Server Error", 503: UNAVAILABLE}
    assert body["detail"] == internal.get(status, str(error))
    assert body["extra"].items() >= extra.items()
    assert body["extra"] == extra or status != 500
    assert ("retry-after" in response.headers) == (status == 503)
    if SECRET in str(error):
        for leak in ("secret internals", "db.internal.example", "10.1.2.3", "6543"):
            assert leak not in response.text
        assert SECRET in caplog.text


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
