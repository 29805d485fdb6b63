"""The options every route of the API gives its decorator, in one place:
``@get("/{uid:str}/versions", **operation("ListScheduleVersions"))``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from litestar.exceptions import HTTPException

from studiocore_http.errors import READ_ERRORS

__all__ = ["Described", "RouteOptions", "operation"]


class RouteOptions(TypedDict, total=False):
    """Keyword arguments of Litestar's route decorators."""

    operation_id: str
    sync_to_thread: bool
    raises: Sequence[type[HTTPException]]
    status_code: int
    summary: str
    description: str


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
) -> RouteOptions:
    """The decorator options of the operation ``operation_id``: run in a worker
    thread (the services are synchronous), with ``raises`` documented as its
    error responses (a read's by default) and ``status_code`` as its answer
    (default: the HTTP method's).

    ``summary`` is the short phrase the OpenAPI document shows (default: Litestar's,
    from the handler's name); ``description`` its Markdown description (default: the
    handler's docstring, as the app sets ``use_handler_docstrings``)."""
    options = RouteOptions(operation_id=operation_id, sync_to_thread=True, raises=raises)
    if status_code is not None:
        options["status_code"] = status_code
    if summary is not None:
        options["summary"] = summary
    if description is not None:
        options["description"] = description
    return options
