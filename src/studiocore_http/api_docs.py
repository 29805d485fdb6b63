"""The OpenAPI document's extras: interactive docs that work offline, and typed
error responses that client generators understand.

* :class:`OfflineSwaggerRenderPlugin` is Litestar's Swagger UI page with its
  JavaScript, CSS and favicon served by the application itself, from the
  ``swagger-ui-py`` package, under ``<schema path>/assets/`` (no token needed,
  cached by browsers, not in the document). The page makes no request outside
  the application, so it works on an isolated network.
* :class:`TypedErrorDocs` gives every error response of every operation the
  one typed body :class:`~studiocore_http.errors.ErrorBody` (a ``$ref`` to a
  component) instead of Litestar's inline schema, whose ``extra`` (a union of
  ``null``, object and array) generators cannot parse. With rate limiting on,
  every operation that is counted (see :mod:`studiocore_http.ratelimit`) also
  lists its 429, with the ``Retry-After`` and ``RateLimit-*`` headers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from importlib import resources
from typing import Any

from litestar import MediaType, Request, Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    TooManyRequestsException,
    ValidationException,
)
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import (
    Example,
    OpenAPIHeader,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)
from litestar.params import FromPath, FromQuery
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from .errors import ErrorBody, error_description
from .openapi_root import RootPathServers
from .ratelimit import EXEMPT_PATHS

__all__ = [
    "ASSETS",
    "COUNTED_HEADERS",
    "ERROR_EXAMPLES",
    "RATE_LIMIT_HEADERS",
    "OfflineSwaggerRenderPlugin",
    "TypedErrorDocs",
]

ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
"""The files of ``swagger_ui/static`` the docs page uses, with their media types
(only these are served)."""

ASSET_MAX_AGE = 86_400
"""How long browsers may keep an asset (seconds); the URLs carry the package's
version, so an upgrade is fetched at once."""


@functools.cache
def _asset(name: str) -> bytes:
    return resources.files("swagger_ui").joinpath("static", name).read_bytes()


@functools.cache
def _assets_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("swagger-ui-py")
    except PackageNotFoundError:  # pragma: no cover - vendored without metadata
        return "0"


@get(
    "/assets/{name:str}",
    include_in_schema=False,
    sync_to_thread=False,
    cache_control=CacheControlHeader(max_age=ASSET_MAX_AGE, public=True),
    opt={"exclude_from_auth": True},
    name="api-docs-asset",
)
def api_docs_asset(name: FromPath[str], v: FromQuery[str | None] = None) -> Response[bytes]:
    """One file of the Swagger UI (404 for any other name); ``v``, the
    package's version in the URL, only makes an upgrade a new URL."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise NotFoundException(f"no docs asset {name!r}")
    return Response(_asset(name), media_type=media_type)


class OfflineSwaggerRenderPlugin(RootPathServers, SwaggerRenderPlugin):
    """Swagger UI whose assets come from the application (see the module doc).

    The asset URLs are absolute paths under the request's ``root_path``, so the
    page also works behind a reverse proxy that mounts the API under a prefix.
    """

    def __init__(self, path: str | Sequence[str] = ("/", "/swagger")) -> None:
        super().__init__(path=list(path) if not isinstance(path, str) else path)
        self._router_path = "/schema"

    def receive_router(self, router: Router) -> None:
        """Add the assets route (and Swagger's OAuth2 redirect page) to the
        router that serves the docs."""
        super().receive_router(router)
        self._router_path = router.path.rstrip("/")
        router.register(api_docs_asset)

    def asset_url(self, request: Request[Any, Any, Any], name: str) -> str:
        """The URL of the asset ``name`` as the browser must ask for it."""
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return f"{root}{self._router_path}/assets/{name}?v={_assets_version()}"

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        """Litestar's Swagger UI page, pointed at the local assets."""
        page = copy(self)
        page.js_url = self.asset_url(request, "swagger-ui-bundle.js")
        page.css_url = self.asset_url(request, "swagger-ui.css")
        page.standalone_preset_js_url = self.asset_url(request, "swagger-ui-standalone-preset.js")
        favicon = self.asset_url(request, "favicon-32x32.png")
        page.favicon = f"<link rel='icon' type='image/png' href='{favicon}'>"
        return SwaggerRenderPlugin.render(page, request, openapi_schema)


_ROOM = "room_01M8Q93N7RD8J6YTYMPXAJ6KF1"
_LAUNCH = "show_01M8Q93N8JA305GCEYVQ9D8DKM"
_SALE = "show_01M8Q93N94FT6FW5N8Y4GP7609"
_DOUBLE_BOOKED = (
    'Room Room A is double-booked: "Launch" 09:00-11:00 and "Spring sale" 10:00-12:00 '
    "(Asia/Seoul, Mon 2 Mar 2026; UTC 00:00-02:00 and 01:00-03:00), overlap 1 h"
)
_NAIVE = "must include a UTC offset such as +00:00 or Z (naive timestamps are ambiguous)"

ERROR_EXAMPLES: dict[int, tuple[str, dict[str, Any]]] = {
    400: (
        "JSON nested too deeply",
        {
            "status_code": 400,
            "detail": "the JSON body is nested deeper than 64 levels of arrays and objects",
            "extra": {"max_depth": 64},
        },
    ),
    401: ("An expired token", {"status_code": 401, "detail": "token expired"}),
    403: (
        "Not an admin",
        {
            "status_code": 403,
            "detail": "only admins may change studios records",
            "extra": {"action": "write", "resource": "studios"},
        },
    ),
    404: (
        "An unknown uid",
        {
            "status_code": 404,
            "detail": "Studio 'studio_01M8Q93N7RD8J6YTYMPXAJ6KF0' does not exist",
            "extra": {"entity": "Studio", "uid": "studio_01M8Q93N7RD8J6YTYMPXAJ6KF0"},
        },
    ),
    409: (
        "A double booking and its conflict report",
        {
            "status_code": 409,
            "detail": _DOUBLE_BOOKED,
            "extra": {
                "conflicts": [
                    {
                        "kind": "room_overlap",
                        "severity": "BLOCK",
                        "resource_type": "studio_room",
                        "resource_uid": _ROOM,
                        "show_uids": [_LAUNCH, _SALE],
                        "start": "2026-03-02T01:00:00+00:00",
                        "end": "2026-03-02T02:00:00+00:00",
                        "reason": _DOUBLE_BOOKED,
                        "required": None,
                        "resource_name": "Room A",
                        "time_zone": "Asia/Seoul",
                        "shows": [
                            {
                                "uid": _LAUNCH,
                                "name": "Launch",
                                "start": "2026-03-02T00:00:00+00:00",
                                "end": "2026-03-02T02:00:00+00:00",
                                "local_start": "2026-03-02T09:00:00+09:00",
                                "local_end": "2026-03-02T11:00:00+09:00",
                            },
                            {
                                "uid": _SALE,
                                "name": "Spring sale",
                                "start": "2026-03-02T01:00:00+00:00",
                                "end": "2026-03-02T03:00:00+00:00",
                                "local_start": "2026-03-02T10:00:00+09:00",
                                "local_end": "2026-03-02T12:00:00+09:00",
                            },
                        ],
                    }
                ]
            },
        },
    ),
    415: (
        "A form instead of JSON",
        {
            "status_code": 415,
            "detail": "the body must be JSON (Content-Type: application/json), not text/plain",
            "extra": {
                "content_type": "text/plain",
                "accepted": ["application/json", "application/*+json"],
            },
        },
    ),
    422: (
        "A timestamp without an offset",
        {
            "status_code": 422,
            "detail": f"show_start: {_NAIVE}",
            "extra": {
                "field": "show_start",
                "problems": [{"field": "show_start", "reason": _NAIVE}],
            },
        },
    ),
    429: (
        "Too many writes",
        {
            "status_code": 429,
            "detail": "Too many requests: at most 120 write requests per 60 s; retry in 17 s",
            "extra": {
                "code": "rate_limited",
                "group": "writes",
                "limit": 120,
                "window_seconds": 60,
                "retry_after": 17,
            },
        },
    ),
    503: (
        "The database does not answer",
        {
            "status_code": 503,
            "detail": "The storage is unavailable; retry shortly.",
            "extra": {"retry": True},
        },
    ),
}
"""One real error body per status, shown in the document next to ``ErrorBody``."""


RATE_LIMIT_HEADERS: dict[str, str] = {
    "Retry-After": "Seconds until the window ends and requests are accepted again.",
    "RateLimit-Limit": "The requests this budget allows per window.",
    "RateLimit-Remaining": "The requests left in the current window (0 here).",
    "RateLimit-Reset": "Seconds until the current window ends.",
    "RateLimit-Policy": "The budget as `<limit>;w=<window seconds>`, e.g. `120;w=60`.",
}
"""The headers of a 429 (``studiocore_http.ratelimit``) and what they mean; all
but ``RateLimit-Policy`` are integers."""

COUNTED_HEADERS: dict[str, str] = {
    **{name: text for name, text in RATE_LIMIT_HEADERS.items() if name.startswith("RateLimit-")},
    "RateLimit-Remaining": "The requests left in the current window.",
}
"""The headers of every other answer to a counted request: the budget it was
counted against, and what is left of it."""


def _rate_limit_headers(described: Mapping[str, str]) -> dict[str, OpenAPIHeader | Reference]:
    return {
        name: OpenAPIHeader(
            schema=Schema(
                type=OpenAPIType.STRING if name == "RateLimit-Policy" else OpenAPIType.INTEGER
            ),
            description=description,
            required=True,
        )
        for name, description in described.items()
    }


def _examples(status: int) -> list[Example]:
    if status not in ERROR_EXAMPLES:
        return []
    summary, value = ERROR_EXAMPLES[status]
    return [Example(summary=summary, value=value)]


def _statuses(raises: Iterable[type[HTTPException]]) -> list[int]:
    return sorted({exc.status_code for exc in raises})


def _is_litestar_error_schema(schema: object) -> bool:
    """Litestar's inline error body (``create_error_responses``)."""
    properties = getattr(schema, "properties", None) if isinstance(schema, Schema) else None
    if isinstance(schema, Schema) and schema.one_of:
        return all(_is_litestar_error_schema(member) for member in schema.one_of)
    return properties is not None and set(properties) == {"status_code", "detail", "extra"}


_OPERATION_CLASSES: dict[tuple[type[Operation], str, bool], type[Operation]] = {}


def _operation_class(base: type[Operation], typed: str, rate_limited: bool) -> type[Operation]:
    """``base`` whose error responses still carrying Litestar's inline schema
    (the 400 Litestar adds to operations with parameters or a body) take the
    typed body of the response ``typed``, built from the same
    :class:`ResponseSpec` (so it is the same component reference); when
    ``rate_limited``, its 429 gets the rate limit's headers and its other
    responses the ``RateLimit-*`` ones (a :class:`ResponseSpec` has no
    headers)."""

    known = _OPERATION_CLASSES.get((base, typed, rate_limited))
    if known is not None:
        return known

    @dataclass
    class TypedErrorsOperation(base):  # type: ignore[valid-type,misc]
        def __post_init__(self) -> None:
            responses = self.responses or {}
            if rate_limited:
                for code, answer in responses.items():
                    if isinstance(answer, OpenAPIResponse):
                        described = RATE_LIMIT_HEADERS if code == "429" else COUNTED_HEADERS
                        answer.headers = {
                            **(answer.headers or {}),
                            **_rate_limit_headers(described),
                        }
            source = responses.get(typed)
            content = getattr(source, "content", None) or {}
            reference = getattr(content.get(MediaType.JSON), "schema", None)
            if not isinstance(reference, Reference):
                return
            for code, response in responses.items():
                media = (getattr(response, "content", None) or {}).get(MediaType.JSON)
                if not code.isdigit() or int(code) < 400 or media is None:
                    continue
                if _is_litestar_error_schema(media.schema):
                    media.schema = reference
                    media.examples = {
                        f"errorbody-example-{n}": example
                        for n, example in enumerate(_examples(int(code)), 1)
                    } or None
                    response.description = error_description(int(code))

    TypedErrorsOperation.__name__ = TypedErrorsOperation.__qualname__ = f"Typed{base.__name__}"
    _OPERATION_CLASSES[base, typed, rate_limited] = TypedErrorsOperation
    return TypedErrorsOperation


def _document_handler(handler: HTTPRouteHandler, rate_limited: bool = False) -> None:
    statuses = _statuses(handler.raises or [])
    if rate_limited:
        statuses = sorted({*statuses, TooManyRequestsException.status_code})
    if not statuses:
        return
    own = dict(handler.responses or {})
    typed = {
        status: ResponseSpec(
            data_container=ErrorBody,
            description=error_description(status),
            generate_examples=False,
            examples=_examples(status) or None,
        )
        for status in statuses
        if status not in own
    }
    handler.responses = {**typed, **own}
    retype = bool(typed) and ValidationException.status_code not in own
    rate_limited = TooManyRequestsException.status_code in typed
    if retype or rate_limited:
        handler.operation_class = _operation_class(
            handler.operation_class, str(min(typed)), rate_limited
        )


class TypedErrorDocs(ReceiveRoutePlugin):
    """Gives the error responses of every operation the typed
    :class:`~studiocore_http.errors.ErrorBody`, as routes are registered: each
    status an operation ``raises=`` becomes a response of that body (unless the
    operation documents the status itself), and so does the 400 Litestar adds
    to operations that take input. The wire format is unchanged; only the
    document is (it is generated lazily, after every route is in).

    With ``rate_limited`` (the app's ``Settings.rate_limit``), every operation
    whose path is counted (not ``ratelimit.EXEMPT_PATHS``) also lists a 429
    with the ``Retry-After`` and ``RateLimit-*`` headers, and its other
    responses the ``RateLimit-*`` ones."""

    __slots__ = ("rate_limited",)

    def __init__(self, rate_limited: bool = False) -> None:
        self.rate_limited = rate_limited

    def receive_route(self, route: BaseRoute) -> None:
        """Document the error responses of ``route``'s operations."""
        if isinstance(route, HTTPRoute):
            counted = self.rate_limited and not EXEMPT_PATHS.match(route.path)
            for handler in route.route_handlers:
                if handler.resolve_include_in_schema():
                    _document_handler(handler, counted)
