"""The OpenAPI document reads well: every operation has a human summary and a
description of substance written in CommonMark (no reStructuredText left over),
lists the error statuses it can return, every tag is described, and every
example validates against the schema it illustrates (with realistic uids and
timezone-aware times)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from studiocore import Services
from studiocore.ids import is_uid
from studiocore_http import Settings, create_app

from .conftest import SECRET

Json = Any
_METHODS = ("get", "post", "put", "patch", "delete")
_RST = re.compile(r"``|:(class|meth|func|mod|data|attr|exc|obj):`|^\.\. \w+::", re.MULTILINE)
_CAMEL = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$")
_MAIN_EXAMPLES = {
    # operation id: (request example expected, statuses with response examples)
    "CreateShow": (True, {"201", "409"}),
    "ListShows": (False, {"200"}),
    "GetShow": (False, {"200"}),
    "CreateSchedule": (True, {"201"}),
    "CreateScheduleShow": (True, {"201"}),
    "TransitionSchedule": (True, {"200", "409"}),
    "ApproveSchedule": (True, {"200"}),
    "ConfirmSchedule": (True, {"200", "409"}),
    "CreateChangeRequest": (True, {"201"}),
    "ApproveChangeRequest": (True, {"200"}),
    "GetStudioAvailability": (False, {"200"}),
    "ListNotifications": (False, {"200"}),
    "CreateWebhook": (True, {"201"}),
    "CreateStudio": (True, {"201"}),
}
"""The main operations and the examples each must carry."""
_UID_PREFIXES = {
    "studio_uid": "studio",
    "studio_room_uid": "room",
    "room_uid": "room",
    "client_uid": "client",
    "schedule_uid": "schedule",
    "show_uid": "show",
    "mc_uid": "mc",
    "platform_uid": "platform",
    "material_uid": "material",
    "tag_uid": "tag",
    "recipient_uid": "user",
    "actor_uid": "user",
    "owner_uid": "user",
    "requested_by_uid": "user",
    "reviewed_by_uid": "user",
    "approved_by_uid": "user",
    "user_uid": "user",
}


@cache
def _document() -> dict[str, Json]:
    # Rate limiting on (the default of `studiocore serve`): the 429s and their examples too.
    settings = Settings(jwt_secret=SECRET, log_requests=False, rate_limit=True)
    app = create_app(settings, services=Services.in_memory())
    document: dict[str, Json] = app.openapi_schema.to_schema()
    return document


def _operations() -> Iterator[tuple[str, dict[str, Json]]]:
    for path, item in _document()["paths"].items():
        for method in _METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def _ids() -> list[str]:
    return [key for key, _ in _operations()]


@pytest.mark.parametrize(("key", "operation"), list(_operations()), ids=_ids())
def test_every_operation_has_a_human_summary(key: str, operation: dict[str, Json]) -> None:
    summary = operation.get("summary", "")
    assert summary, f"{key}: no summary"
    assert summary != operation["operationId"], f"{key}: the summary is the operation id"
    assert not _CAMEL.match(summary), f"{key}: {summary!r} reads like an identifier"
    assert summary[0].isupper(), f"{key}: {summary!r}"
    assert len(summary.split()) >= 2, f"{key}: {summary!r} is one word"
    assert len(summary) <= 80, f"{key}: {summary!r} is too long for a summary"
    assert not summary.endswith("."), f"{key}: {summary!r} is a sentence, not a phrase"


@pytest.mark.parametrize(("key", "operation"), list(_operations()), ids=_ids())
def test_every_operation_has_a_markdown_description(key: str, operation: dict[str, Json]) -> None:
    description = operation.get("description", "")
    assert len(description) >= 80, f"{key}: description too thin: {description!r}"
    assert not _RST.search(description), f"{key}: reStructuredText in {description!r}"
    assert "\n    " not in description, f"{key}: indented lines render as code blocks"
    assert description.count("`") % 2 == 0, f"{key}: unbalanced backticks"


def test_operations_that_change_data_say_who_may_call_them() -> None:
    for key, operation in _operations():
        if key.startswith(("POST", "PATCH", "DELETE")):
            text = operation["description"]
            assert "Who may" in text or "system admins" in text, f"{key}: no access rule"


def test_every_parameter_is_described() -> None:
    for key, operation in _operations():
        for parameter in operation.get("parameters", []):
            description = parameter.get("description", "")
            assert len(description) >= 10, f"{key}: parameter {parameter['name']} undescribed"
            assert not _RST.search(description), f"{key}: {parameter['name']}: {description!r}"


def test_summaries_are_unique() -> None:
    seen: dict[str, str] = {}
    for key, operation in _operations():
        summary = operation["summary"]
        assert summary not in seen, f"{key} and {seen.get(summary)} share {summary!r}"
        seen[summary] = key


def test_every_tag_is_described() -> None:
    declared = {tag["name"]: tag.get("description", "") for tag in _document().get("tags", [])}
    used = {tag for _, op in _operations() for tag in op.get("tags", [])}
    assert used <= set(declared), f"undeclared tags: {sorted(used - set(declared))}"
    for name, description in declared.items():
        assert len(description) >= 30, f"tag {name}: {description!r}"
        assert not _RST.search(description), f"tag {name}: reStructuredText"


def test_operations_list_the_errors_they_can_return() -> None:
    for key, operation in _operations():
        codes = set(operation["responses"])
        secured = operation.get("security") != [{}]
        if not key.startswith("GET /health"):
            assert "429" in codes, f"{key}: {sorted(codes)}"
        if secured:
            assert {"401", "404", "503"} <= codes, f"{key}: {sorted(codes)}"
            if "/notifications" not in key and "/webhooks/event-types" not in key:
                assert "403" in codes, f"{key}: {sorted(codes)}"
        if key.startswith(("POST", "PATCH", "DELETE")):
            assert {"409", "422"} <= codes, f"{key}: {sorted(codes)}"
        if "requestBody" in operation:
            assert {"400", "415", "422"} <= codes, f"{key}: {sorted(codes)}"


def test_the_main_operations_carry_examples() -> None:
    found = {op["operationId"]: op for _, op in _operations()}
    for operation_id, (request, statuses) in _MAIN_EXAMPLES.items():
        operation = found[operation_id]
        if request:
            media = operation["requestBody"]["content"]["application/json"]
            assert media.get("examples"), f"{operation_id}: no request example"
        for status in statuses:
            media = operation["responses"][status]["content"]["application/json"]
            assert media.get("examples"), f"{operation_id}: no {status} example"


def _examples() -> Iterator[tuple[str, Json, Json]]:
    """Every example of the document: (where, value, the schema it illustrates)."""
    for key, operation in _operations():
        media_types = [("request", operation.get("requestBody", {}).get("content", {}))]
        media_types += [
            (status, response.get("content") or {})
            for status, response in operation["responses"].items()
        ]
        for where, content in media_types:
            for media_type, media in content.items():
                for name, example in (media.get("examples") or {}).items():
                    yield f"{key} {where} {media_type} {name}", example["value"], media["schema"]
        for parameter in operation.get("parameters", []):
            for name, example in (parameter.get("examples") or {}).items():
                yield f"{key} {parameter['name']} {name}", example["value"], parameter["schema"]
    for name, schema in _document()["components"]["schemas"].items():
        for index, value in enumerate(schema.get("examples") or []):
            yield f"components {name} {index}", value, schema


def test_there_are_examples_to_validate() -> None:
    assert len(list(_examples())) >= 30


@pytest.mark.parametrize(("where", "value", "schema"), list(_examples()), ids=lambda x: "")
def test_every_example_validates_against_its_schema(where: str, value: Json, schema: Json) -> None:
    components = _document()["components"]
    validator = Draft202012Validator(
        {**schema, "components": components}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(value)
    ]
    assert not errors, f"{where}: {errors}"
    _realistic(where, value)


def _realistic(where: str, value: Json, field: str = "") -> None:
    """Uids are `<prefix>_<ULID>` of the right kind; times carry an offset."""
    if isinstance(value, dict):
        for key, item in value.items():
            _realistic(where, item, key)
    elif isinstance(value, list):
        for item in value:
            _realistic(where, item, field.removesuffix("s"))
    elif isinstance(value, str):
        if field == "uid" or field.endswith("_uid"):
            assert is_uid(value, _UID_PREFIXES.get(field)), f"{where}: {field} {value!r}"
        if re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d", value):
            moment = datetime.fromisoformat(value)
            assert moment.utcoffset() is not None, f"{where}: {field} {value!r} is naive"


def test_a_wrong_example_fails_validation() -> None:
    """The check above has teeth: a show without its name, with a naive time."""
    schema = {"$ref": "#/components/schemas/ShowCreate"}
    validator = Draft202012Validator({**schema, "components": _document()["components"]})
    assert list(validator.iter_errors({"show_start": "x", "show_end": 3}))
    with pytest.raises(AssertionError, match="naive"):
        _realistic("here", {"show_start": "2026-12-01T19:00:00"})
    with pytest.raises(AssertionError, match="studio_room_uid"):
        _realistic("here", {"studio_room_uid": "studio_01M8Q88K6C6439BDKAWVDJNZG8"})


def test_the_docs_example_runs_and_says_what_it_claims(capsys: pytest.CaptureFixture[str]) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "http-api.md").read_text()
    text = doc[doc.index("## The API document: summaries") :]
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL)
    assert code is not None
    exec(compile(code.group(1), "http-api.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["Book a show", "['room_overlap', 'mc_overlap']"]
