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
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from studiocore import Services, User
from studiocore_http import Settings, create_app
from studiocore_http.api_docs import ASSETS, COUNTED_HEADERS, ERROR_EXAMPLES, RATE_LIMIT_HEADERS
from studiocore_http.settings import Rate

from .conftest import API, SECRET, bearer, post_show

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
    # The page embeds the document; links in operation descriptions are text a
    # reader may follow, not something the page loads: the rest names no URL.
    document = client.get("/schema/openapi.json").content
    assert document in answer.content
    page = answer.content.replace(document, b"").decode()
    assert URL.findall(page) == []
    referenced = REFERENCED.findall(page)
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


_HEALTH_REPORTS = {("GET /health", "503"), ("GET /health/ready", "503")}
"""A 503 of readiness answers with the health report itself, not an error body."""


def test_every_error_response_is_the_typed_error_body(app: Litestar) -> None:
    document = app.openapi_schema.to_schema()
    errors = _error_responses(document)
    assert len(errors) > 1000
    untyped = [
        (operation, code)
        for operation, code, response in errors
        if response["content"]["application/json"]["schema"]
        != {"$ref": "#/components/schemas/ErrorBody"}
        and (operation, code) not in _HEALTH_REPORTS
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


def error_body_validator(document: dict[str, Any]) -> OAS31Validator:
    """Validates a JSON value against the document's ``ErrorBody`` (its
    references resolved within the document)."""
    return OAS31Validator(
        {"$ref": "#/components/schemas/ErrorBody", "components": document["components"]}
    )


def test_every_error_example_in_the_document_is_a_valid_error_body(app: Litestar) -> None:
    document = app.openapi_schema.to_schema()
    validator = error_body_validator(document)
    seen = set()
    for operation, code, response in _error_responses(document):
        examples = response["content"]["application/json"].get("examples", {})
        if (operation, code) in _HEALTH_REPORTS:
            continue
        assert examples, (operation, code)
        for example in examples.values():
            validator.validate(example["value"])
            assert example["value"]["status_code"] == int(code)
            seen.add(code)
    # the 429's only with rate limiting on (test_the_rate_limit_is_documented...)
    assert seen == {str(status) for status in ERROR_EXAMPLES} - {"429"}
    # the validator does refuse what is not an error body
    assert list(validator.iter_errors({"status_code": 409}))
    assert list(validator.iter_errors({"status_code": 409, "detail": "x", "extra": []}))


def test_real_error_bodies_are_valid_error_bodies(
    client: TestClient[Litestar], as_admin: dict[str, str], app: Litestar
) -> None:
    validator = error_body_validator(app.openapi_schema.to_schema())
    studio = client.post(
        f"{API}/studios", json={"name": "Seoul", "time_zone": "Asia/Seoul"}, headers=as_admin
    ).json()
    room = client.post(
        f"{API}/studio-rooms", json={"studio_uid": studio["uid"], "name": "A"}, headers=as_admin
    ).json()
    booked = post_show(
        client, as_admin, room["uid"], "2031-03-02T09:00+09:00", "2031-03-02T11:00+09:00"
    )
    assert booked.status_code == 201
    answers = {
        "401": client.get(f"{API}/studios"),
        "404": client.get(f"{API}/studios/nope", headers=as_admin),
        "409 conflict": post_show(
            client, as_admin, room["uid"], "2031-03-02T10:00+09:00", "2031-03-02T12:00+09:00"
        ),
        "409 duplicate": client.post(
            f"{API}/users", json={"email": "admin@example.com", "name": "Again"}, headers=as_admin
        ),
        "415": client.post(
            f"{API}/studios", content=b"x", headers={**as_admin, "Content-Type": "text/plain"}
        ),
        "422 decoding": client.get(f"{API}/shows?limit=abc", headers=as_admin),
        "422 core": client.post(f"{API}/studios", json={"name": ""}, headers=as_admin),
        "422 naive time": post_show(
            client, as_admin, room["uid"], "2031-03-03T10:00", "2031-03-03T12:00+09:00"
        ),
    }
    for case, answer in answers.items():
        assert str(answer.status_code) == case.split()[0], (case, answer.text)
        validator.validate(answer.json())
    assert answers["409 conflict"].json()["extra"]["conflicts"][0]["kind"] == "room_overlap"


def rate_limited_app(services: Services, limit: int = 1) -> Litestar:
    """An app with rate limiting on and a budget of ``limit`` reads per minute."""
    settings = Settings(
        jwt_secret=SECRET,
        log_requests=False,
        rate_limit=True,
        rate_limit_reads=Rate(limit=limit, period=60),
    )
    return create_app(settings, services=services)


def test_without_rate_limiting_no_operation_lists_a_429(app: Litestar) -> None:
    errors = _error_responses(app.openapi_schema.to_schema())
    assert [operation for operation, code, _ in errors if code == "429"] == []


def test_with_rate_limiting_every_counted_operation_documents_its_429(services: Services) -> None:
    document = rate_limited_app(services).openapi_schema.to_schema()
    validate(document)
    validator = error_body_validator(document)
    operations = [
        (f"{method.upper()} {path}", item[method])
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
    ]
    exempt = {key for key, op in operations if "429" not in op["responses"]}
    assert exempt == {"GET /health", "GET /health/live", "GET /health/ready"}
    assert len(operations) - len(exempt) > 100
    for key, operation in operations:
        if key in exempt:
            continue
        response = operation["responses"]["429"]
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"
        }, key
        assert set(response["headers"]) == set(RATE_LIMIT_HEADERS), key
        assert response["headers"]["Retry-After"]["schema"] == {"type": "integer"}
        assert "Retry-After" in response["description"]
        (example,) = response["content"]["application/json"]["examples"].values()
        validator.validate(example["value"])
    extra = document["components"]["schemas"]["ErrorExtra"]["properties"]
    assert {"code", "group", "limit", "window_seconds", "retry_after"} <= set(extra)
    assert extra["retry_after"]["type"] == "integer"


def test_with_rate_limiting_every_other_answer_documents_the_budget_headers_it_carries(
    services: Services, admin: User
) -> None:
    app = rate_limited_app(services, limit=100)
    document = app.openapi_schema.to_schema()
    for path, item in document["paths"].items():
        for method in METHODS:
            responses = item.get(method, {}).get("responses", {})
            if "429" not in responses:
                continue  # not counted
            for code, response in responses.items():
                expected = RATE_LIMIT_HEADERS if code == "429" else COUNTED_HEADERS
                budget = {
                    name
                    for name in response.get("headers", {})
                    if name.startswith("RateLimit-") or name == "Retry-After"
                }
                assert budget == set(expected), (method, path, code)
    headers = bearer(Settings(jwt_secret=SECRET), admin)
    with TestClient(app) as client:
        found = client.get(f"{API}/studios", headers=headers)
        missing = client.get(f"{API}/studios/studio_01NOTTHERE0000000000000000", headers=headers)
    assert (found.status_code, missing.status_code) == (200, 404)
    studios = document["paths"][f"{API}/studios"]["get"]["responses"]
    one = document["paths"][f"{API}/studios/{{uid}}"]["get"]["responses"]
    for answer, documented in ((found, studios["200"]), (missing, one["404"])):
        for name in COUNTED_HEADERS:
            assert name in documented["headers"], name
            assert answer.headers[name].isdigit() or name == "RateLimit-Policy", name
        assert answer.headers["RateLimit-Policy"] == "100;w=60"
    assert int(missing.headers["RateLimit-Remaining"]) == 98


def test_a_real_429_matches_its_documented_body_and_headers(
    services: Services, admin: User
) -> None:
    app = rate_limited_app(services)
    document = app.openapi_schema.to_schema()
    documented = document["paths"][f"{API}/studios"]["get"]["responses"]["429"]
    headers = bearer(Settings(jwt_secret=SECRET), admin)
    with TestClient(app) as client:
        assert client.get(f"{API}/studios", headers=headers).status_code == 200
        answer = client.get(f"{API}/studios", headers=headers)
    assert answer.status_code == 429, answer.text
    body = answer.json()
    error_body_validator(document).validate(body)
    assert body["extra"] == {
        "code": "rate_limited",
        "group": "reads",
        "limit": 1,
        "window_seconds": 60,
        "retry_after": int(answer.headers["Retry-After"]),
    }
    # the example has the same keys as what is really sent
    (example,) = documented["content"]["application/json"]["examples"].values()
    assert set(example["value"]["extra"]) == set(body["extra"])
    assert set(example["value"]) == set(body)
    for name, header in documented["headers"].items():
        assert name in answer.headers, name
        if header["schema"]["type"] == "integer":
            assert int(answer.headers[name]) >= 0, name
    assert answer.headers["RateLimit-Policy"] == "1;w=60"
