"""The interactive docs at ``/schema`` load nothing from outside the application,
and the OpenAPI document is valid with one typed error body (see
``studiocore_http.api_docs``; the generated client's test is
``test_generated_client.py``, the browser's ``tests/web/test_api_docs_offline.py``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from openapi_spec_validator import validate

from studiocore_http.api_docs import ASSETS

URL = re.compile(r"""https?://[^\s'"<>)]+""")
REFERENCED = re.compile(r"""(?:src|href)=['"]([^'"]+)['"]""")
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.mark.parametrize("path", ["/schema", "/schema/", "/schema/swagger"])
def test_the_docs_page_names_no_url_outside_the_application(
    client: TestClient[Litestar], path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert URL.findall(answer.text) == []
    referenced = REFERENCED.findall(answer.text)
    assert len(referenced) == 4, referenced  # the favicon, the CSS and the two scripts
    assert all(url.startswith("/schema/assets/") for url in referenced), referenced


def test_every_asset_the_page_references_answers_without_a_token_and_is_cached(
    client: TestClient[Litestar],
) -> None:
    page = client.get("/schema").text
    expected = {
        ".js": "text/javascript",
        ".css": "text/css",
        ".png": "image/png",
    }
    for url in REFERENCED.findall(page):
        answer = client.get(url)  # no Authorization header
        assert answer.status_code == 200, url
        suffix = re.search(r"\.[a-z]+(?=\?|$)", url)
        assert suffix, url
        assert answer.headers["content-type"].split(";")[0] == expected[suffix.group(0)], url
        assert "max-age=86400" in answer.headers["cache-control"], url
        assert len(answer.content) > 1000, url
    assert "SwaggerUIBundle" in client.get("/schema/assets/swagger-ui-bundle.js").text


def test_only_the_listed_assets_are_served(client: TestClient[Litestar]) -> None:
    for name in ["swagger-editor-bundle.js", "index.css", "..%2F__init__.py", "LICENSE"]:
        answer = client.get(f"/schema/assets/{name}")
        assert answer.status_code == 404, name
        assert answer.json()["status_code"] == 404
    assert set(ASSETS) >= {"swagger-ui-bundle.js", "swagger-ui.css"}


def test_the_assets_are_not_in_the_document(app: Litestar) -> None:
    document = app.openapi_schema.to_schema()
    assert not [path for path in document["paths"] if path.startswith("/schema")]


def test_behind_a_proxy_prefix_the_asset_urls_carry_the_root_path(app: Litestar) -> None:
    with TestClient(app, root_path="/studio") as client:
        page = client.get("/schema").text
    referenced = REFERENCED.findall(page)
    assert referenced
    assert all(url.startswith("/studio/schema/assets/") for url in referenced)


def test_the_document_is_valid_openapi(app: Litestar) -> None:
    document = app.openapi_schema.to_schema()
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises with the offending part otherwise


def test_the_bearer_scheme_is_http_bearer_without_a_name(app: Litestar) -> None:
    schemes = app.openapi_schema.to_schema()["components"]["securitySchemes"]
    assert list(schemes) == ["BearerToken"]
    scheme = schemes["BearerToken"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    assert scheme["bearerFormat"] == "JWT"
    assert "name" not in scheme
    assert "studiocore token" in scheme["description"]


def _error_responses(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", code, response)
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
        for code, response in item[method]["responses"].items()
        if int(code) >= 400
    ]


def test_every_error_response_is_the_typed_error_body(app: Litestar) -> None:
    document = app.openapi_schema.to_schema()
    errors = _error_responses(document)
    assert len(errors) > 1000
    untyped = [
        (operation, code)
        for operation, code, response in errors
        if response["content"]["application/json"]["schema"]
        != {"$ref": "#/components/schemas/ErrorBody"}
        and (operation, code) != ("GET /health", "503")  # the health report itself
    ]
    assert untyped == []
    conflicts = [r for op, code, r in errors if code == "409"]
    assert conflicts
    assert all("extra.conflicts" in r["description"] for r in conflicts)
    assert {code for _, code, _ in errors} == {
        "400",
        "401",
        "403",
        "404",
        "409",
        "415",
        "422",
        "503",
    }


def test_the_error_body_schema_matches_the_wire_format(app: Litestar) -> None:
    schemas = app.openapi_schema.to_schema()["components"]["schemas"]
    body = schemas["ErrorBody"]
    assert body["required"] == ["detail", "status_code"]
    assert body["properties"]["extra"] == {"$ref": "#/components/schemas/ErrorExtra"}
    extra = schemas["ErrorExtra"]
    assert extra["type"] == "object"
    assert extra.get("required", []) == []
    assert extra.get("additionalProperties", True) is not False
    assert extra["properties"]["conflicts"]["items"] == {"$ref": "#/components/schemas/Conflict"}
    assert extra["properties"]["problems"]["items"] == {"$ref": "#/components/schemas/FieldProblem"}
    assert {"field", "entity", "uid", "from_state", "to_state", "retry"} <= set(extra["properties"])
    assert schemas["FieldProblem"]["required"] == ["field", "reason"]


def test_real_error_bodies_have_the_documented_keys(
    client: TestClient[Litestar], as_admin: dict[str, str], app: Litestar
) -> None:
    schemas = app.openapi_schema.to_schema()["components"]["schemas"]
    known = set(schemas["ErrorExtra"]["properties"])
    answers = [
        client.get("/api/v1/studios"),  # 401, no extra
        client.get("/api/v1/studios/nope", headers=as_admin),  # 404
        client.get("/api/v1/shows?limit=abc", headers=as_admin),  # 422 from decoding
        client.post("/api/v1/studios", json={"name": ""}, headers=as_admin),  # 422 from the core
        client.post(
            "/api/v1/studios",
            content=b"x",
            headers={**as_admin, "Content-Type": "text/plain"},
        ),  # 415
    ]
    for answer in answers:
        body = answer.json()
        assert answer.status_code >= 400
        assert set(body) <= {"status_code", "detail", "extra"}, body
        assert {"status_code", "detail"} <= set(body)
        assert set(body.get("extra", {})) <= known, body
        for problem in body.get("extra", {}).get("problems", []):
            assert {"field", "reason"} <= set(problem) <= {"field", "reason", "source"}
