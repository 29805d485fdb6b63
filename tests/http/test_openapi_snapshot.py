"""The public HTTP API, pinned: every operation's method, path, operation id,
tags, parameters, request body and response shapes and documented status codes
must match ``openapi_snapshot.json``.

Schemas are compared by shape, not by spelling: ``$ref`` targets are inlined,
titles, descriptions and examples dropped, and unions of enums and ``null``
merged, so moving a struct to another module or declaring a field with the
core's enum instead of a ``Literal`` of the same values changes nothing here,
while a renamed field, a changed type or a new status code does.

After a deliberate change of the API, regenerate the snapshot with
``python -m tests.http.test_openapi_snapshot`` and review its diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studiocore import Services
from studiocore_http import Settings, create_app

from .conftest import SECRET

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")
_DROPPED = frozenset({"title", "description", "examples"})
_METHODS = ("get", "post", "put", "patch", "delete")

Json = Any


def _resolve(schema: Json, components: dict[str, Json]) -> Json:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _canon(schema: Json, components: dict[str, Json]) -> Json:
    """One spelling per shape (see the module docstring)."""
    schema = _resolve(schema, components)
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") == "null":
        return {"enum": [None]}
    if "enum" in schema:
        return {"enum": sorted(schema["enum"], key=repr)}
    rest = {
        key: _canon_value(key, value, components)
        for key, value in schema.items()
        if key not in _DROPPED and key not in {"oneOf", "anyOf"}
    }
    members = schema.get("oneOf", schema.get("anyOf"))
    if members is None:
        return rest
    flat: list[Json] = []
    for member in (_canon(m, components) for m in members):
        flat.extend(member["oneOf"] if set(member) == {"oneOf"} else [member])
    values = [v for m in flat if set(m) == {"enum"} for v in m["enum"]]
    others = [m for m in flat if set(m) != {"enum"}]
    if values:
        others.append({"enum": sorted(set(values), key=repr)})
    if len(others) == 1 and not rest:
        return others[0]
    return {**rest, "oneOf": sorted(others, key=lambda m: json.dumps(m, sort_keys=True))}


def _canon_value(key: str, value: Json, components: dict[str, Json]) -> Json:
    if key == "properties":
        return {name: _canon(prop, components) for name, prop in value.items()}
    if key in {"items", "additionalProperties"} and isinstance(value, dict):
        return _canon(value, components)
    return value


def _json_schema(content: Json, components: dict[str, Json]) -> Json:
    if not content:
        return None
    return {media: _canon(body.get("schema"), components) for media, body in content.items()}


def operations(document: dict[str, Json]) -> dict[str, Json]:
    """Every operation of an OpenAPI document in canonical form, keyed by
    ``"METHOD path"``."""
    components = document.get("components", {}).get("schemas", {})
    found: dict[str, Json] = {}
    for path, item in document["paths"].items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.get("responses", {})
            found[f"{method.upper()} {path}"] = {
                "operationId": operation.get("operationId"),
                "tags": operation.get("tags", []),
                "parameters": {
                    f"{p['in']}:{p['name']}": {
                        "required": p.get("required", False),
                        "schema": _canon(p.get("schema"), components),
                    }
                    for p in operation.get("parameters", [])
                },
                "requestBody": _json_schema(
                    operation.get("requestBody", {}).get("content"), components
                ),
                "responses": {
                    code: _json_schema(response.get("content"), components)
                    if code.startswith("2")
                    else "documented"
                    for code, response in sorted(responses.items())
                },
            }
    return dict(sorted(found.items()))


def _current() -> dict[str, Json]:
    # Rate limiting on, as `studiocore serve` has it by default: the 429s are pinned too.
    settings = Settings(jwt_secret=SECRET, log_requests=False, rate_limit=True)
    app = create_app(settings, services=Services.in_memory())
    return operations(app.openapi_schema.to_schema())


def test_the_public_api_matches_the_pinned_snapshot() -> None:
    pinned = json.loads(SNAPSHOT.read_text())
    current = _current()
    assert sorted(current) == sorted(pinned), "operations added or removed"
    for key, operation in pinned.items():
        assert current[key] == operation, key


if __name__ == "__main__":  # regenerate after a deliberate API change
    SNAPSHOT.write_text(json.dumps(_current(), indent=1, sort_keys=True) + "\n")
