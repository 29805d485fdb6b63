"""The OpenAPI document's ``servers`` behind a path prefix.

Served under ``studiocore serve --root-path /sc`` (a reverse proxy that strips
``/sc``), the document's ``servers`` must say ``/sc``, or Swagger UI's "Try it
out" (and a client that reads ``servers``) calls ``/api/v1/...`` at the root of
the proxy's host. Litestar builds the document once, so the render plugins
rewrite it per request: each server URL that is a path (``/``) is put behind the
request's ASGI ``root_path``. :class:`RootPathServers` does it for any render
plugin it is mixed into (it overrides ``render_json``, which Litestar's plugins
use for the document, inlined or not). With no ``root_path`` the document is
exactly Litestar's.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin

__all__ = [
    "RootPathJsonRenderPlugin",
    "RootPathServers",
    "behind_root_path",
]


def behind_root_path(request: Request[Any, Any, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (an OpenAPI document as a dict) for ``request``: its servers
    whose URL is a path (``/``, ``/v1``) behind the request's ``root_path``
    (``/sc``, ``/sc/v1``); ``schema`` itself, unchanged, without a root_path."""
    root = str(request.scope.get("root_path") or "").rstrip("/")
    servers = schema.get("servers")
    if not root or not isinstance(servers, list):
        return schema
    moved = [
        {**server, "url": root + server["url"].rstrip("/")}
        if isinstance(server, dict)
        and isinstance(server.get("url"), str)
        and server["url"].startswith("/")
        and not server["url"].startswith("//")
        else server
        for server in servers
    ]
    return {**schema, "servers": moved}


class RootPathServers:
    """Mixin for a Litestar OpenAPI render plugin (before it in the bases):
    the document it renders has its servers :func:`behind_root_path`."""

    @staticmethod
    def render_json(request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return OpenAPIRenderPlugin.render_json(request, behind_root_path(request, openapi_schema))


class RootPathJsonRenderPlugin(RootPathServers, JsonRenderPlugin):
    """``/schema/openapi.json`` with its servers behind the request's root_path."""
