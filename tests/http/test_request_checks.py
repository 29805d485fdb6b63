"""What every request must get right before a handler runs: declared query
parameters only, a JSON content type on bodies, JSON of bounded depth."""

from __future__ import annotations

import json

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services
from studiocore_http.request_checks import MAX_JSON_DEPTH, json_depth_exceeds

API = "/api/v1"


def _nested(levels: int) -> object:
    value: object = "leaf"
    for level in range(levels):
        value = [value] if level % 2 else {"k": value}
    return value


def _nested_text(levels: int) -> str:
    """``levels`` alternating objects and arrays as JSON text (``json.dumps``
    itself recurses, and fails at about 1,000 levels)."""
    opening = "".join("[" if level % 2 else '{"k": ' for level in range(levels))
    closing = "".join("]" if level % 2 else "}" for level in reversed(range(levels)))
    return f'{opening}"leaf"{closing}'


@pytest.mark.parametrize("levels", [400, 1_000, 5_000])
def test_json_nested_hundreds_of_levels_deep_is_a_400_naming_the_limit(
    levels: int, client: TestClient[Litestar], services: Services, as_admin: dict[str, str]
) -> None:
    body = f'{{"name": "Deep", "metadata": {_nested_text(levels)}}}'
    response = client.post(
        f"{API}/studios",
        content=body.encode(),
        headers={**as_admin, "content-type": "application/json"},
    )
    assert response.status_code == 400, response.text[:300]
    assert response.json()["status_code"] == 400
    assert str(MAX_JSON_DEPTH) in response.json()["detail"]
    assert response.json()["extra"] == {"max_depth": MAX_JSON_DEPTH}
    assert services.studios.page().total == 0


def test_json_within_the_depth_limit_is_accepted_and_kept(
    client: TestClient[Litestar], as_admin: dict[str, str]
) -> None:
    metadata = {"k": _nested(MAX_JSON_DEPTH - 2)}
    response = client.post(
        f"{API}/studios", json={"name": "Deep enough", "metadata": metadata}, headers=as_admin
    )
    assert response.status_code == 201, response.text[:300]
    assert response.json()["metadata"] == metadata


def test_the_nested_text_is_the_nested_value() -> None:
    assert json.loads(_nested_text(9)) == _nested(9)


def test_the_depth_scan_ignores_brackets_inside_strings_and_counts_nesting_not_brackets() -> None:
    assert not json_depth_exceeds(json.dumps({"s": "[" * 1000, "t": '{\\"' * 500}).encode())
    assert not json_depth_exceeds(json.dumps([[1]] * 1000).encode())
    assert json_depth_exceeds(b"[" * 65 + b"]" * 65)
    assert not json_depth_exceeds(b"[" * 64 + b"]" * 64)


@pytest.mark.parametrize(
    ("url", "unknown"),
    [
        ("/shows?studo_uid=studio_x", "studo_uid"),
        ("/studios?limit=5&bogus=1", "bogus"),
        ("/studio-rooms?studio_uids=studio_x", "studio_uids"),
        ("/material-types?nam=x", "nam"),
        ("/conflicts?studio=studio_x", "studio"),
        ("/studios/studio_01J0000000000000000000000/tags?tag=x", "tag"),
    ],
)
def test_an_unknown_query_parameter_is_a_422_naming_it(
    url: str, unknown: str, client: TestClient[Litestar], as_admin: dict[str, str]
) -> None:
    response = client.get(f"{API}{url}", headers=as_admin)
    assert response.status_code == 422, response.text
    extra = response.json()["extra"]
    assert extra["field"] == unknown
    assert "unknown query parameter" in extra["problems"][0]["reason"]


def test_a_misspelt_filter_no_longer_answers_every_show(
    client: TestClient[Litestar], services: Services, as_admin: dict[str, str]
) -> None:
    studio = services.studios.create("Seoul")
    known = client.get(f"{API}/shows?studio_uid={studio.uid}&limit=10", headers=as_admin)
    assert known.status_code == 200
    misspelt = client.get(f"{API}/shows?studo_uid={studio.uid}", headers=as_admin)
    assert misspelt.status_code == 422
    assert "studio_uid" in misspelt.json()["detail"]  # the accepted names are listed


def test_health_refuses_unknown_query_parameters_too(client: TestClient[Litestar]) -> None:
    assert client.get("/health?verbose=1").status_code == 422


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1", None],
)
def test_a_body_that_is_not_declared_json_is_a_415(
    content_type: str | None,
    client: TestClient[Litestar],
    services: Services,
    as_admin: dict[str, str],
) -> None:
    headers = dict(as_admin)
    if content_type is not None:
        headers["content-type"] = content_type
    response = client.post(f"{API}/studios", content=b'{"name": "Plain"}', headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["status_code"] == 415
    assert response.json()["extra"]["accepted"] == ["application/json", "application/*+json"]
    studio = services.studios.create("Seoul")
    patched = client.patch(f"{API}/studios/{studio.uid}", content=b'{"name": "X"}', headers=headers)
    assert patched.status_code == 415
    assert services.studios.get(studio.uid).name == "Seoul"


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON; charset=UTF-8",
        "application/merge-patch+json",
    ],
)
def test_json_content_types_are_accepted(
    content_type: str, client: TestClient[Litestar], as_admin: dict[str, str]
) -> None:
    response = client.post(
        f"{API}/studios",
        content=b'{"name": "Typed"}',
        headers={**as_admin, "content-type": content_type},
    )
    assert response.status_code == 201, response.text


def test_endpoints_without_a_body_ignore_the_content_type(
    client: TestClient[Litestar], services: Services, as_admin: dict[str, str]
) -> None:
    studio = services.studios.create("Seoul")
    response = client.delete(
        f"{API}/studios/{studio.uid}", headers={**as_admin, "content-type": "text/plain"}
    )
    assert response.status_code == 204
