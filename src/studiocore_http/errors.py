"""Domain errors -> HTTP responses, in one table.

Every error body is JSON of the shape Litestar documents for errors::

    {"status_code": 409, "detail": "...", "extra": {...}}

* ``ValidationError`` -> 422, ``extra.field`` names the first offending field and
  ``extra.problems`` lists ``{"field", "reason"}`` for each one. Litestar's own
  request validation (wrong JSON type, unknown enum value, bad query parameter) is
  reshaped the same way, so every validation failure is a 422 naming its field.
* ``NotFoundError`` -> 404, ``extra.entity`` / ``extra.uid``.
* ``ConflictError`` -> 409, ``extra.conflicts``: the conflict report (list of
  :class:`studiocore.Conflict` as JSON; empty for uniqueness violations).
* ``InvalidTransitionError`` -> 409 (the request is well formed; the resource's
  current state forbids it), ``extra.from_state`` / ``extra.to_state``.
* ``ConcurrencyError`` -> 409 (retry).
* ``PermissionDeniedError`` -> 403.
* ``UnavailableError`` -> 503 with ``Retry-After: 1`` and ``extra.retry``: the
  database could not be reached or dropped the connection. The body says only
  that the storage is unavailable; the error's own message (which names the
  database server) goes to the log.

The ``*Response`` exception classes below are only used to *document* these
responses in OpenAPI (``raises=``); the handlers never raise them. In the
OpenAPI document every error response has one typed body, :class:`ErrorBody`
(``extra`` an :class:`ErrorExtra`: an object whose known keys are all optional
and which may carry others), so client generators produce one error model
(:class:`studiocore_http.api_docs.TypedErrorDocs` puts it on every operation).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Annotated, Any, TypedDict

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ServiceUnavailableException,
)
from litestar.exceptions import ValidationException as LitestarValidationException
from litestar.params import KwargDefinition
from litestar.status_codes import (
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from studiocore import (
    ConcurrencyError,
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    StudioError,
    UnavailableError,
    ValidationError,
    to_jsonable,
)
from studiocore.conflicts import Conflict

__all__ = [
    "BODY_ERRORS",
    "ERROR_DESCRIPTIONS",
    "READ_ERRORS",
    "WRITE_ERRORS",
    "ConflictResponse",
    "ErrorBody",
    "ErrorExtra",
    "FieldProblem",
    "UnprocessableResponse",
    "UnsupportedMediaTypeResponse",
    "error_description",
    "exception_handlers",
]

log = logging.getLogger("studiocore_http")


class ConflictResponse(HTTPException):
    """The request conflicts with existing data (double booking, duplicate name,
    forbidden status change); ``extra.conflicts`` lists conflicting shows."""

    status_code = HTTP_409_CONFLICT
    detail = "Conflict"


class UnprocessableResponse(HTTPException):
    """Invalid input; ``extra.field`` names the offending field."""

    status_code = HTTP_422_UNPROCESSABLE_ENTITY
    detail = "Validation failed"


class UnsupportedMediaTypeResponse(HTTPException):
    """The body is not JSON (``Content-Type`` other than ``application/json``)."""

    status_code = HTTP_415_UNSUPPORTED_MEDIA_TYPE
    detail = "Unsupported Media Type"


READ_ERRORS: list[type[HTTPException]] = [
    NotAuthorizedException,
    PermissionDeniedException,
    NotFoundException,
    UnprocessableResponse,
    ServiceUnavailableException,
]
"""Responses every authenticated read may give (documented in OpenAPI)."""

WRITE_ERRORS: list[type[HTTPException]] = [*READ_ERRORS, ConflictResponse]
"""Responses every authenticated write may give."""

BODY_ERRORS: list[type[HTTPException]] = [*WRITE_ERRORS, UnsupportedMediaTypeResponse]
"""Responses every write with a JSON body may give (400, for malformed or too
deeply nested JSON, Litestar documents on every operation itself)."""


def _says(description: str) -> KwargDefinition:
    """A field's description in the OpenAPI document."""
    return KwargDefinition(description=description)


class _FieldProblemRequired(TypedDict):
    field: Annotated[str, _says("The field: a dotted path into the body, or a parameter.")]
    reason: Annotated[str, _says("Why it was refused.")]


class FieldProblem(_FieldProblemRequired, total=False):
    """One invalid input of a 422. (The optional keys are a ``total=False``
    subclass: ``NotRequired`` is lost to ``from __future__ import annotations``.)"""

    source: Annotated[
        str, _says("Where the field was: body, query, path or header (decoding errors only).")
    ]


class ErrorExtra(TypedDict, total=False):
    """What an error says beyond its ``detail``, by kind; every key is optional
    and other keys may appear (clients should ignore those they do not know)."""

    field: Annotated[str | None, _says("422: the first offending field.")]
    problems: Annotated[list[FieldProblem], _says("422: every offending field.")]
    entity: Annotated[str, _says("404, 409 (status change): the kind of record, e.g. Studio.")]
    uid: Annotated[str, _says("404, 409 (status change): the record's uid.")]
    conflicts: Annotated[
        list[Conflict],
        _says(
            "409: the conflict report (empty for duplicates, status changes and concurrent edits)."
        ),
    ]
    from_state: Annotated[str, _says("409 (status change): the record's current status.")]
    to_state: Annotated[str, _says("409 (status change): the status asked for.")]
    retry: Annotated[bool, _says("409 (concurrent edit), 503: the same request may succeed.")]
    action: Annotated[str, _says("403: the refused action (read, write, ...).")]
    resource: Annotated[str, _says("403: the resource the action was refused on.")]
    content_type: Annotated[str | None, _says("415: the request's Content-Type (null: none).")]
    accepted: Annotated[list[str], _says("415: the accepted content types.")]
    max_depth: Annotated[int, _says("400: the deepest nesting of JSON accepted.")]
    code: Annotated[str, _says("429: `rate_limited`.")]
    group: Annotated[str, _says("429: the budget exceeded: `reads`, `writes` or `sign_in`.")]
    limit: Annotated[int, _says("429: the requests the budget allows per window.")]
    window_seconds: Annotated[int, _says("429: the budget's window, in seconds.")]
    retry_after: Annotated[int, _says("429: seconds until the window ends (`Retry-After`).")]


class _ErrorBodyRequired(TypedDict):
    status_code: Annotated[int, _says("The HTTP status code, repeated.")]
    detail: Annotated[str, _says("What went wrong, for people.")]


class ErrorBody(_ErrorBodyRequired, total=False):
    """Every error response's body: ``{"status_code", "detail", "extra"}``."""

    extra: ErrorExtra
    """Structured details by kind of error (absent when there are none); a plain
    ``$ref`` in the document (a description beside it would make Litestar wrap
    it in ``allOf``, which generators turn into a second model)."""


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The request is malformed: its JSON cannot be parsed or is nested too deeply.",
    401: "No valid bearer token: missing, expired, or of an unknown user.",
    403: "The token's user may not do this; `extra.action` and `extra.resource` say what.",
    404: "Nothing at this path, or a record it names does not exist (`extra.entity`, `extra.uid`).",
    409: "The request conflicts with existing data: a double booking (`extra.conflicts` "
    "is the conflict report), a duplicate, a forbidden status change "
    "(`extra.from_state`, `extra.to_state`) or a concurrent edit (`extra.retry`).",
    415: "The body is not JSON (`Content-Type` other than `application/json`).",
    422: "Invalid input: `extra.field` names the first offending field and "
    "`extra.problems` lists every one with its reason.",
    429: "Too many requests: the caller's budget for this kind of request "
    "(`extra.group`: reads, writes or sign-in) is spent until the window ends; "
    "retry after `Retry-After` seconds (`extra.retry_after`).",
    503: "The storage is unavailable; retry shortly (`Retry-After`).",
}
"""What each error status means, as the OpenAPI document describes it."""


def error_description(status: int) -> str:
    """The OpenAPI description of error responses with ``status``."""
    if status in ERROR_DESCRIPTIONS:
        return ERROR_DESCRIPTIONS[status]
    try:
        return HTTPStatus(status).description or HTTPStatus(status).phrase
    except ValueError:
        return "Error"


UNAVAILABLE = "The storage is unavailable; retry shortly."
"""The whole ``detail`` of a 503: what went wrong with which server is logged,
not told to the client."""


def _body(
    status: int,
    detail: str,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[Any]:
    return Response(
        content={"status_code": status, "detail": detail, "extra": dict(extra or {})},
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def _validation(_: Request[Any, Any, Any], exc: ValidationError) -> Response[Any]:
    problems = [{"field": p.field, "reason": p.reason} for p in exc.problems]
    return _body(
        HTTP_422_UNPROCESSABLE_ENTITY, exc.message, {"field": exc.field, "problems": problems}
    )


def _not_found(_: Request[Any, Any, Any], exc: NotFoundError) -> Response[Any]:
    return _body(HTTP_404_NOT_FOUND, exc.message, {"entity": exc.entity, "uid": exc.uid})


def _conflict(_: Request[Any, Any, Any], exc: ConflictError) -> Response[Any]:
    return _body(HTTP_409_CONFLICT, exc.message, {"conflicts": to_jsonable(list(exc.conflicts))})


def _transition(_: Request[Any, Any, Any], exc: InvalidTransitionError) -> Response[Any]:
    return _body(
        HTTP_409_CONFLICT,
        exc.message,
        {
            "entity": exc.entity,
            "uid": exc.uid,
            "from_state": exc.from_state,
            "to_state": exc.to_state,
            "conflicts": [],
        },
    )


def _concurrency(_: Request[Any, Any, Any], exc: ConcurrencyError) -> Response[Any]:
    return _body(HTTP_409_CONFLICT, exc.message, {"retry": True, "conflicts": []})


def _unavailable(_: Request[Any, Any, Any], exc: UnavailableError) -> Response[Any]:
    log.warning("storage unavailable: %s", exc.message)
    return _body(
        HTTP_503_SERVICE_UNAVAILABLE, UNAVAILABLE, {"retry": True}, headers={"Retry-After": "1"}
    )


def _permission(_: Request[Any, Any, Any], exc: PermissionDeniedError) -> Response[Any]:
    return _body(HTTP_403_FORBIDDEN, exc.message, {"action": exc.action, "resource": exc.resource})


def _other_domain_error(_: Request[Any, Any, Any], exc: StudioError) -> Response[Any]:
    # A StudioError subclass without a row in the table: a bug in this table, but
    # still the client's request that the domain refused, not a server crash.
    log.warning("unmapped domain error %s: %s", type(exc).__name__, exc)
    return _body(HTTP_422_UNPROCESSABLE_ENTITY, exc.message, {"field": None, "problems": []})


_NAMED_FIELD = re.compile(r"field `([^`]+)`|parameter '([^']+)'")


def _field_of(item: Mapping[str, Any]) -> str:
    """The offending field of one Litestar validation message: the message names
    it for missing or unknown fields, the key otherwise."""
    key = str(item.get("key") or "")
    named = _NAMED_FIELD.search(str(item.get("message", "")))
    if named and key in {"", "data"}:
        return named.group(1) or named.group(2)
    return key or "body"


def _server_error(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("unhandled error", exc_info=exc)
    return _body(HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error")


def _request_validation(
    _: Request[Any, Any, Any], exc: LitestarValidationException
) -> Response[Any]:
    """Litestar's own decoding errors (wrong types, bad enum values, missing or
    malformed parameters) as 422 naming the field, like the domain's."""
    raw = exc.extra if isinstance(exc.extra, list) else []
    problems = [
        {
            "field": _field_of(item),
            "reason": str(item.get("message", exc.detail)),
            "source": str(getattr(item.get("source"), "value", item.get("source") or "body")),
        }
        for item in raw
        if isinstance(item, dict)
    ]
    if not problems:
        named = _NAMED_FIELD.search(exc.detail)
        field = (named.group(1) or named.group(2)) if named else "body"
        source = "query" if "query parameter" in exc.detail else "body"
        problems = [{"field": field, "reason": exc.detail, "source": source}]
    detail = "; ".join(f"{p['field']}: {p['reason']}" for p in problems)
    return _body(
        HTTP_422_UNPROCESSABLE_ENTITY, detail, {"field": problems[0]["field"], "problems": problems}
    )


ExceptionHandler = Callable[[Request[Any, Any, Any], Any], Response[Any]]

exception_handlers: dict[type[Exception] | int, ExceptionHandler] = {
    ValidationError: _validation,
    NotFoundError: _not_found,
    ConflictError: _conflict,
    InvalidTransitionError: _transition,
    ConcurrencyError: _concurrency,
    UnavailableError: _unavailable,
    PermissionDeniedError: _permission,
    StudioError: _other_domain_error,
    LitestarValidationException: _request_validation,
    HTTP_500_INTERNAL_SERVER_ERROR: _server_error,
}
"""The one table mapping errors to responses, registered on the app."""
