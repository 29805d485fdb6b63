"""The web interface's routes, sessions, CSRF protection and page headers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request, Response, Router, get, post
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from studiocore import (
    Actor,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    Services,
    StudioError,
    User,
)
from studiocore_http.request_checks import refuse_nul_parameters
from studiocore_http.settings import Settings

__all__ = ["WEB_PATHS", "web_app_config"]

HERE = Path(__file__).parent
WEB_PATHS = ["^/$", "^/sign-in$", "^/sign-out$", "^/schedules", "^/static/"]
"""The paths of the web interface: signed in by the session cookie, not by a
bearer token (regular expressions)."""
Viewer = NamedDependency[Actor]
"""The signed-in user (:func:`provide_viewer`)."""
Form = URLEncodedBody[dict[str, str]]
"""A submitted form's fields."""
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


def _services(request: Request[Any, Any, Any]) -> Services:
    services: Services = request.app.state.services
    return services


def signed_in(request: Request[Any, Any, Any]) -> User | None:
    """The user the session names, if it names a live, unbanned one."""
    uid = request.session.get("user_uid") if request.scope.get("session") else None
    if not isinstance(uid, str):
        return None
    try:
        user = _services(request).users.get(uid)
    except NotFoundError:
        return None
    return None if user.is_banned else user


def provide_viewer(request: Request[Any, Any, Any]) -> Actor:
    """Dependency: the signed-in user's :class:`Actor` (with their grants), or
    401, which the pages answer by sending the browser to the sign-in page."""
    user = signed_in(request)
    if user is None:
        raise NotAuthorizedException("sign in first")
    return _services(request).users.actor(user.uid)


def _flash(request: Request[Any, Any, Any], message: str, kind: str = "info") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def _page(request: Request[Any, Any, Any], name: str, **context: Any) -> Template:
    flash = request.session.pop("flash", None) if request.scope.get("session") else None
    user = signed_in(request)
    return Template(template_name=name, context={"user": user, "flash": flash, **context})


# --------------------------------------------------------------------------- signing in


@get("/", sync_to_thread=True, include_in_schema=False)
def home(request: Request[Any, Any, Any]) -> Redirect:
    return Redirect("/schedules" if signed_in(request) else "/sign-in")


@get("/sign-in", sync_to_thread=True, include_in_schema=False)
def sign_in_page(request: Request[Any, Any, Any]) -> Template:
    settings: Settings = request.app.state.settings
    people: list[dict[str, str]] = []
    if settings.demo:
        from studiocore_http.demo import DEMO_ADMIN_EMAIL, DEMO_PEOPLE

        services = _services(request)
        for email, role, sees in [
            (DEMO_ADMIN_EMAIL, "system admin", "everything"),
            *((p.email, f"{p.role}, {p.group}", p.sees) for p in DEMO_PEOPLE),
        ]:
            try:
                user = services.users.by_email(email)
            except NotFoundError:
                continue
            people.append({"email": email, "name": user.name, "role": role, "sees": sees})
    return _page(request, "sign_in.html", people=people, demo=settings.demo)


@post("/sign-in", sync_to_thread=True, include_in_schema=False)
def sign_in(
    request: Request[Any, Any, Any],
    data: Form,
) -> Redirect:
    """Demo mode: sign in as the chosen demo user."""
    settings: Settings = request.app.state.settings
    if not settings.demo:
        _flash(request, "Sign-in with a password or an identity provider is not set up.", "error")
        return Redirect("/sign-in")
    try:
        user = _services(request).users.by_email(data.get("email", ""))
    except NotFoundError:
        _flash(request, "No such demo user.", "error")
        return Redirect("/sign-in")
    request.set_session({"user_uid": user.uid})
    return Redirect("/schedules")


@post("/sign-out", sync_to_thread=False, include_in_schema=False)
def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    request.clear_session()
    return Redirect("/sign-in")


# --------------------------------------------------------------------------- schedules


def _local(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y %H:%M")


@get("/schedules", sync_to_thread=True, include_in_schema=False)
def schedules(request: Request[Any, Any, Any], viewer: Viewer) -> Template:
    services = _services(request)
    found = services.schedules.page(limit=200, actor=viewer).items
    studios = {s.uid: s for s in services.studios.list(actor=viewer)}
    clients = {c.uid: c for c in services.clients.list(actor=viewer)}
    rows = []
    for schedule in sorted(found, key=lambda s: (s.start_time, s.name)):
        studio = studios.get(schedule.studio_uid)
        zone = studio.time_zone if studio else "UTC"
        rows.append(
            {
                "uid": schedule.uid,
                "name": schedule.name,
                "status": schedule.schedule_status.value,
                "studio": studio.name if studio else schedule.studio_uid,
                "client": clients[schedule.client_uid].name
                if schedule.client_uid in clients
                else schedule.client_uid,
                "start": _local(schedule.start_time, zone),
                "end": _local(schedule.end_time, zone),
                "zone": zone,
                "approved": schedule.approved_at is not None,
            }
        )
    return _page(request, "schedules.html", schedules=rows)


def _actions(status: str, approved: bool) -> list[dict[str, str]]:
    """The workflow steps a schedule in ``status`` offers; whether the viewer
    may take one is the core's answer when they try (shown on the page)."""
    steps = {
        "draft": [("propose", "Propose to the client")],
        "proposed": [
            *([] if approved else [("approve", "Approve")]),
            ("confirm", "Confirm"),
            ("send-back", "Send back to draft"),
        ],
    }.get(status, [])
    return [{"step": step, "label": label} for step, label in steps]


@get("/schedules/{uid:str}", sync_to_thread=True, include_in_schema=False)
def schedule_page(request: Request[Any, Any, Any], viewer: Viewer, uid: FromPath[str]) -> Template:
    services = _services(request)
    schedule = services.schedules.get(uid, actor=viewer)
    studio = services.studios.get(schedule.studio_uid, actor=viewer)
    client = services.clients.get(schedule.client_uid, actor=viewer)
    rooms = {r.uid: r.name for r in services.studio_rooms.list(actor=viewer)}
    zone = studio.time_zone
    shows = [
        {
            "name": s.name,
            "status": s.show_status.value,
            "room": rooms.get(s.studio_room_uid or "", "no room"),
            "start": _local(s.show_start, zone),
            "end": _local(s.show_end, zone),
        }
        for s in services.schedules.shows(uid, actor=viewer)
    ]
    versions = services.schedules.versions(uid, actor=viewer)
    return _page(
        request,
        "schedule.html",
        schedule=schedule,
        status=schedule.schedule_status.value,
        studio=studio,
        client=client,
        zone=zone,
        start=_local(schedule.start_time, zone),
        end=_local(schedule.end_time, zone),
        shows=shows,
        versions=versions,
        actions=_actions(schedule.schedule_status.value, schedule.approved_at is not None),
    )


@post("/schedules/{uid:str}/{step:str}", sync_to_thread=True, include_in_schema=False)
def schedule_step(
    request: Request[Any, Any, Any],
    viewer: Viewer,
    uid: FromPath[str],
    step: FromPath[str],
    data: Form,
) -> Redirect:
    """One workflow step from the schedule's page; the core decides whether the
    viewer may, and its refusal comes back as a message on the page."""
    services = _services(request)
    calls: dict[str, Callable[[], object]] = {
        "propose": lambda: services.schedules.propose(uid, actor=viewer),
        "approve": lambda: services.schedules.approve(
            uid, note=data.get("note") or None, actor=viewer
        ),
        "confirm": lambda: services.schedules.confirm(
            uid, reason=data.get("reason") or None, actor=viewer
        ),
        "send-back": lambda: services.schedules.send_back(
            uid, data.get("reason", ""), actor=viewer
        ),
    }
    if step not in calls:
        raise NotFoundError("page", f"/schedules/{uid}/{step}")
    done = {
        "propose": "Proposed to the client.",
        "approve": "Approved: the studio may now confirm it.",
        "confirm": "Confirmed: every draft is booked.",
        "send-back": "Sent back to draft.",
    }
    try:
        calls[step]()
    except ConflictError as exc:
        _flash(request, " ".join([str(exc), *(c.reason for c in exc.conflicts)]), "error")
    except NotFoundError:
        raise
    except (PermissionDeniedError, StudioError) as exc:
        _flash(request, str(exc), "error")
    else:
        _flash(request, done[step])
    return Redirect(f"/schedules/{uid}")


# --------------------------------------------------------------------------- errors and headers


def _not_signed_in(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return Redirect("/sign-in")


def _not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    page = _page(request, "not_found.html")
    return Template(template_name=page.template_name, context=page.context, status_code=404)


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
            home,
            sign_in_page,
            sign_in,
            sign_out,
            schedules,
            schedule_page,
            schedule_step,
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
