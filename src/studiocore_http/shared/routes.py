"""The options every route of the API gives its decorator, in one place:
``@get("/{uid:str}/versions", **operation("ListScheduleVersions"))``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from litestar.exceptions import HTTPException
from litestar.openapi.spec import Example, Operation

from studiocore_http.errors import READ_ERRORS

from .examples import OperationExamples

__all__ = ["PATH_PARAMETERS", "Described", "RouteOptions", "documented", "operation"]


class RouteOptions(TypedDict, total=False):
    """Keyword arguments of Litestar's route decorators."""

    operation_id: str
    sync_to_thread: bool
    raises: Sequence[type[HTTPException]]
    status_code: int
    summary: str
    description: str
    operation_class: type[Operation]


class Described(TypedDict):
    """An operation's summary and description, as :func:`operation` takes them."""

    summary: str
    description: str


def operation(
    operation_id: str,
    raises: Sequence[type[HTTPException]] = READ_ERRORS,
    status_code: int | None = None,
    *,
    summary: str | None = None,
    description: str | None = None,
    examples: OperationExamples | None = None,
) -> RouteOptions:
    """The decorator options of the operation ``operation_id``: run in a worker
    thread (the services are synchronous), with ``raises`` documented as its
    error responses (a read's by default) and ``status_code`` as its answer
    (default: the HTTP method's).

    ``summary`` is the short phrase the OpenAPI document shows (default: Litestar's,
    from the handler's name); ``description`` its Markdown description (default: the
    handler's docstring, as the app sets ``use_handler_docstrings``); ``examples``
    are put on its JSON request body and responses."""
    options = RouteOptions(operation_id=operation_id, sync_to_thread=True, raises=raises)
    if status_code is not None:
        options["status_code"] = status_code
    if summary is not None:
        options["summary"] = summary
    if description is not None:
        options["description"] = description
    options["operation_class"] = documented(operation_id, examples or OperationExamples())
    return options


PATH_PARAMETERS: dict[str, str] = {
    "uid": "The uid of the record the path names, `<prefix>_<ULID>` (`show_01M8Q88K...`).",
    "tag_uid": "The tag's uid (`tag_<ULID>`).",
    "mc_uid": "The MC's uid (`mc_<ULID>`).",
    "platform_uid": "The platform's uid (`platform_<ULID>`).",
    "material_uid": "The material's uid (`material_<ULID>`).",
    "token": "The feed link's signed token, then `.ics`.",
}
"""What each path parameter of the API is, where its handler does not say."""


def _json_media(document: dict[str, Any], where: str, operation_id: str) -> dict[str, Any]:
    media: dict[str, Any] | None = document.get("content", {}).get("application/json")
    if media is None:
        raise ValueError(f"{operation_id} has no JSON {where} to give examples to")
    return media


def _rendered(examples: Mapping[str, Example]) -> dict[str, Any]:
    """``examples`` as OpenAPI Example objects, their values as they are (Litestar's
    rendering would drop the ``null`` fields a response really has)."""
    rendered: dict[str, Any] = {}
    for name, example in examples.items():
        entry = {"summary": example.summary, "description": example.description}
        rendered[name] = {k: v for k, v in entry.items() if v is not None}
        rendered[name]["value"] = example.value
    return rendered


def documented(operation_id: str, examples: OperationExamples) -> type[Operation]:
    """An OpenAPI :class:`Operation` that, rendered, describes its path parameters
    (:data:`PATH_PARAMETERS`, where the handler does not) and carries ``examples`` on
    its JSON request body and responses (as OpenAPI media-type `examples`, beside the
    schema, which stays as Litestar makes it). A status or body the operation does
    not document is a :class:`ValueError` when the document is rendered."""

    @dataclass
    class DocumentedOperation(Operation):
        def to_schema(self) -> dict[str, Any]:
            document = super().to_schema()
            for parameter in document.get("parameters", []):
                if parameter.get("in") == "path" and not parameter.get("description"):
                    described = PATH_PARAMETERS.get(parameter["name"])
                    if described is not None:
                        parameter["description"] = described
            if examples.request:
                media = _json_media(document.get("requestBody", {}), "request body", operation_id)
                media.setdefault("examples", {}).update(_rendered(examples.request))
            for status, named in examples.responses.items():
                response = document.get("responses", {}).get(str(status), {})
                media = _json_media(response, f"{status} response", operation_id)
                media.setdefault("examples", {}).update(_rendered(named))
            return document

    DocumentedOperation.__name__ = DocumentedOperation.__qualname__ = f"{operation_id}Operation"
    return DocumentedOperation
