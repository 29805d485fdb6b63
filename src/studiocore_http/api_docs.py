"""The OpenAPI document's extras: interactive docs that work offline, and typed
error responses that client generators understand.

* :class:`OfflineSwaggerRenderPlugin` is Litestar's Swagger UI page with its
  JavaScript, CSS and favicon served by the application itself, from the
  ``swagger-ui-py`` package, under ``<schema path>/assets/`` (no token needed,
  cached by browsers, not in the document). The page makes no request outside
  the application, so it works on an isolated network.
* :func:`document_errors` gives every error response of every operation the
  one typed body :class:`~studiocore_http.errors.ErrorBody` (a ``$ref`` to a
  component) instead of Litestar's inline schema, whose ``extra`` (a union of
  ``null``, object and array) generators cannot parse.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from importlib import resources
from typing import Any

from litestar import Litestar, MediaType, Request, Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Operation, Reference, Schema
from litestar.params import FromPath, FromQuery
from litestar.routes import HTTPRoute

from .errors import ErrorBody, error_description

__all__ = ["ASSETS", "OfflineSwaggerRenderPlugin", "document_errors"]

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


class OfflineSwaggerRenderPlugin(SwaggerRenderPlugin):
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


def _statuses(raises: Iterable[type[HTTPException]]) -> list[int]:
    return sorted({exc.status_code for exc in raises})


def _is_litestar_error_schema(schema: object) -> bool:
    """Litestar's inline error body (``create_error_responses``)."""
    properties = getattr(schema, "properties", None) if isinstance(schema, Schema) else None
    if isinstance(schema, Schema) and schema.one_of:
        return all(_is_litestar_error_schema(member) for member in schema.one_of)
    return properties is not None and set(properties) == {"status_code", "detail", "extra"}


_OPERATION_CLASSES: dict[tuple[type[Operation], str], type[Operation]] = {}


def _operation_class(base: type[Operation], typed: str) -> type[Operation]:
    """``base`` whose error responses still carrying Litestar's inline schema
    (the 400 Litestar adds to operations with parameters or a body) take the
    typed body of the response ``typed``, built from the same
    :class:`ResponseSpec` (so it is the same component reference)."""

    known = _OPERATION_CLASSES.get((base, typed))
    if known is not None:
        return known

    @dataclass
    class TypedErrorsOperation(base):  # type: ignore[valid-type,misc]
        def __post_init__(self) -> None:
            responses = self.responses or {}
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
                    response.description = error_description(int(code))

    TypedErrorsOperation.__name__ = TypedErrorsOperation.__qualname__ = f"Typed{base.__name__}"
    _OPERATION_CLASSES[base, typed] = TypedErrorsOperation
    return TypedErrorsOperation


def _document_handler(handler: HTTPRouteHandler) -> None:
    statuses = _statuses(handler.raises or [])
    if not statuses:
        return
    own = dict(handler.responses or {})
    typed = {
        status: ResponseSpec(
            data_container=ErrorBody,
            description=error_description(status),
            generate_examples=False,
        )
        for status in statuses
        if status not in own
    }
    handler.responses = {**typed, **own}
    if typed and ValidationException.status_code not in own:
        handler.operation_class = _operation_class(handler.operation_class, str(min(typed)))


def document_errors(app: Litestar) -> None:
    """Give the error responses of every operation of ``app`` the typed
    :class:`~studiocore_http.errors.ErrorBody`: each status an operation
    ``raises=`` becomes a response of that body (unless the operation
    documents the status itself), and so does the 400 Litestar adds to
    operations that take input. The wire format is unchanged; only the
    document is. Call it once, after the app is built, before the document is
    first generated (it is generated lazily, on first use)."""
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                if handler.resolve_include_in_schema():
                    _document_handler(handler)
