"""The web interface's routes, sessions, CSRF protection and page headers."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from studiocore import Actor, NotFoundError
from studiocore_http.request_checks import refuse_nul_parameters
from studiocore_http.settings import Settings

from .admin import ADMIN_ROUTES
from .agenda import AGENDA_ROUTES
from .board import BOARD_ROUTES
from .board_edit import BOARD_EDIT_ROUTES
from .change_requests import CHANGE_REQUEST_ROUTES
from .comments import COMMENT_ROUTES
from .common import page, provide_viewer, redirect
from .notifications import NOTIFICATION_ROUTES
from .oidc_sign_in import OIDC_ROUTES
from .schedules import SCHEDULE_ROUTES
from .sign_in import SIGN_IN_ROUTES

__all__ = ["WEB_PATHS", "web_app_config"]

HERE = Path(__file__).parent
WEB_PATHS = [
    "^/$",
    "^/sign-in",
    "^/sign-out$",
    "^/admin",
    "^/board",
    "^/schedules",
    "^/inbox$",
    "^/agenda$",
    "^/change-requests",
    "^/comments/",
    "^/notifications",
    "^/static/",
]
"""The paths of the web interface: signed in by the session cookie, not by a
bearer token (regular expressions)."""
SESSION_COOKIE = "studiocore_session"
CSRF_COOKIE = "studiocore_csrf"
_NOT_PAGES = ["^/api/", "^/health", "^/schema"]
"""The API's paths: no session, no CSRF cookie (bearer tokens, not cookies)."""
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _key(settings: Settings, purpose: str) -> bytes:
    """A 32-byte key for ``purpose``, derived from the server's signing secret."""
    return hashlib.sha256(f"{purpose}:{settings.signing_secret()}".encode()).digest()


# --------------------------------------------------------------------------- who is signed in


def _not_signed_in(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return redirect(request, "/sign-in")


def _not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    shown = page(request, "not_found.html")
    return Template(template_name=shown.template_name, context=shown.context, status_code=404)


async def _web_checks(request: Request[Any, Any, Any]) -> None:
    """The pages' own request checks: forms are URL-encoded, not JSON, and a
    page ignores a query parameter it does not know; a NUL is still refused."""
    refuse_nul_parameters(request)


def web_app_config(settings: Settings) -> dict[str, Any]:
    """What the app adds for the web interface: its router (pages, static
    files, security headers), the session middleware, the templates and CSRF
    protection (the last three app-wide, off for the API's paths)."""
    session = CookieBackendConfig(
        secret=_key(settings, "session"),
        key=SESSION_COOKIE,
        httponly=True,
        secure=True,  # browsers keep Secure cookies on http://localhost too
        samesite="lax",
        max_age=12 * 3600,
        exclude=_NOT_PAGES,
    )
    pages = Router(
        path="/",
        route_handlers=[
            *SIGN_IN_ROUTES,
            *OIDC_ROUTES,
            *BOARD_ROUTES,
            *BOARD_EDIT_ROUTES,
            *SCHEDULE_ROUTES,
            *CHANGE_REQUEST_ROUTES,
            *COMMENT_ROUTES,
            *AGENDA_ROUTES,
            *NOTIFICATION_ROUTES,
            *ADMIN_ROUTES,
        ],
        dependencies={"viewer": Provide(provide_viewer, sync_to_thread=True)},
        response_headers=[ResponseHeader(name="Content-Security-Policy", value=CSP)],
        exception_handlers={
            NotAuthorizedException: _not_signed_in,
            NotFoundError: _not_found,
        },
        signature_namespace={"Actor": Actor},
        before_request=_web_checks,
    )
    static = create_static_files_router(
        path="/static", directories=[HERE / "static"], include_in_schema=False
    )
    return {
        "route_handlers": [pages, static],
        "middleware": [session.middleware],
        "template_config": TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine),
        "csrf_config": CSRFConfig(
            secret=_key(settings, "csrf").hex(),
            cookie_name=CSRF_COOKIE,
            cookie_secure=True,
            cookie_samesite="lax",
            cookie_httponly=True,
            exclude=_NOT_PAGES,
        ),
    }
