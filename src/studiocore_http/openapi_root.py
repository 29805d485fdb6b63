"""The OpenAPI document and its Swagger UI page behind a path prefix.

Served under ``studiocore serve --root-path /sc`` (a reverse proxy that strips
``/sc``), the document's ``servers`` must say ``/sc``, or Swagger UI's "Try it
out" and generated clients that read ``servers`` call ``/api/v1/...`` on the
proxy's host root. Litestar builds the document once, so these render plugins
rewrite it per request: each server URL that is a path (``/``) is put behind
the request's ASGI ``root_path``; and the Swagger page's asset URLs that are
paths (the application serving its own assets) are too. With no ``root_path``
the document and the page are exactly Litestar's.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin

__all__ = ["RootPathJsonRenderPlugin", "RootPathSwaggerRenderPlugin", "behind_root_path"]

_ASSETS = ("js_url", "css_url", "standalone_preset_js_url", "oauth2_redirect_url")
_FAVICON_PATH = re.compile(r"""href=(['"])/(?!/)""")


def _root(request: Request[Any, Any, Any]) -> str:
    return str(request.scope.get("root_path") or "").rstrip("/")


def behind_root_path(request: Request[Any, Any, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (an OpenAPI document as a dict) for ``request``: its servers
    whose URL is a path (``/``, ``/v1``) behind the request's ``root_path``
    (``/sc``, ``/sc/v1``); ``schema`` itself, unchanged, without a root_path."""
    root = _root(request)
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


class RootPathJsonRenderPlugin(JsonRenderPlugin):
    """``/schema/openapi.json`` with its servers behind the request's root_path."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return self.render_json(request, behind_root_path(request, openapi_schema))


class RootPathSwaggerRenderPlugin(SwaggerRenderPlugin):
    """Swagger UI whose inlined document and asset paths (``js_url`` and the
    like, when they are paths of this app) are behind the request's root_path."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        root = _root(request)
        plugin: SwaggerRenderPlugin = self
        if root:
            plugin = copy.copy(self)  # per request: the plugin is shared by every request
            for name in _ASSETS:
                value = getattr(plugin, name, None)
                if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
                    setattr(plugin, name, root + value)
            plugin.favicon = _FAVICON_PATH.sub(
                lambda m: f"href={m.group(1)}{root}/", plugin.favicon
            )
        return SwaggerRenderPlugin.render(
            plugin, request, behind_root_path(request, openapi_schema)
        )
