"""What every page shares: who is signed in, messages for the next page,
rendering a page, the links a browser follows, local times (internal).

Served under a path prefix (``studiocore serve --root-path /sc`` behind a proxy
that strips ``/sc``), every URL handed to a browser carries the request's ASGI
``root_path``: Python builds them with :func:`href` and :func:`redirect`,
templates write ``{{ root }}/agenda`` (``root`` is in every page's context) and
the scripts read ``<meta name="studiocore-root">``."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from studiocore import Actor, NotFoundError, Services, User
from studiocore.scheduling import ShowChange, ShowState
from studiocore_http.access_cache import ActorLookup

__all__ = [
    "Form",
    "Viewer",
    "flash",
    "href",
    "local",
    "page",
    "provide_viewer",
    "redirect",
    "root",
    "services_of",
    "show_change",
    "signed_in",
]

Viewer = NamedDependency[Actor]
"""The signed-in user (:func:`provide_viewer`)."""
Form = URLEncodedBody[dict[str, str]]
"""A submitted form's fields."""


def services_of(request: Request[Any, Any, Any]) -> Services:
    services: Services = request.app.state.services
    return services


def signed_in(request: Request[Any, Any, Any]) -> User | None:
    """The user the session names, if it names a live, unbanned one (read once
    per request: the viewer dependency and the page's header both ask)."""
    if "signed_in" in request.state:
        found: User | None = request.state["signed_in"]
        return found
    uid = request.session.get("user_uid") if request.scope.get("session") else None
    user = None
    if isinstance(uid, str):
        # from the primary (a ban applies at once) or the access cache, with
        # the user's actor (their grants) for the viewer dependency
        lookup: ActorLookup = request.app.state.actor_lookup
        read = lookup.find(uid)
        if read is not None:
            user, request.state["viewer"] = read
    shown = None if user is None or user.is_banned else user
    request.state["signed_in"] = shown
    return shown


def provide_viewer(request: Request[Any, Any, Any]) -> Actor:
    """Dependency: the signed-in user's :class:`Actor` (with their grants), or
    401, which the pages answer by sending the browser to the sign-in page."""
    user = signed_in(request)
    if user is None:
        raise NotAuthorizedException("sign in first")
    actor: Actor = request.state["viewer"]  # read with the user (signed_in)
    return actor


def root(request: Request[Any, Any, Any]) -> str:
    """The path prefix the app is served under: the request's ASGI
    ``root_path`` (``studiocore serve --root-path``) without a trailing slash,
    ``""`` when the app is served at the root of its host."""
    prefix = request.scope.get("root_path") or ""
    return str(prefix).rstrip("/")


def href(request: Request[Any, Any, Any], path: str) -> str:
    """``path``, a path of the app (``"/agenda"``, ``"/board?studio=..."``), as
    the browser must ask for it: behind the request's path prefix.

    Raises :class:`ValueError` for anything but an absolute path of this app
    (a relative path, a ``//host`` or a full URL), which must not be prefixed."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"path: {path!r} is not an absolute path of this app")
    return root(request) + path


def redirect(request: Request[Any, Any, Any], path: str) -> Redirect:
    """A 302 redirect to ``path`` of this app, behind the request's path prefix."""
    return Redirect(href(request, path))


def flash(request: Request[Any, Any, Any], message: str, kind: str = "info") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def page(
    request: Request[Any, Any, Any], name: str, *, status_code: int = 200, **context: Any
) -> Template:
    flash = request.session.pop("flash", None) if request.scope.get("session") else None
    user = signed_in(request)
    unread = _unread(request, user)
    context = {"user": user, "flash": flash, "unread": unread, "root": root(request), **context}
    return Template(template_name=name, context=context, status_code=status_code)


def _unread(request: Request[Any, Any, Any], user: User | None) -> int | None:
    """The signed-in user's unread notifications for the header (one count
    query; none for a signed-out page)."""
    if user is None:
        return None
    try:
        return services_of(request).notifications.unread_count(actor=provide_viewer(request))
    except (NotFoundError, NotAuthorizedException):
        return None


def local(at: datetime, zone: str) -> str:
    """``at`` as the people of a studio in ``zone`` read it."""
    return at.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y %H:%M")


def _state(state: ShowState | None, rooms: dict[str, str], zone: str) -> str:
    if state is None:
        return "-"
    room = rooms.get(state.room_uid or "", "no room")
    return f"{local(state.start, zone)} - {local(state.end, zone)[-5:]}, {room}, {state.status}"


def show_change(change: ShowChange, rooms: dict[str, str], zone: str) -> dict[str, str]:
    """One show's change as a row: what changed, and the show before and after
    in local time with its room's name."""
    return {
        "name": change.name,
        "kinds": ", ".join(sorted(k.value for k in change.kinds)),
        "types": ", ".join(sorted(t.value for t in change.change_types)),
        "before": _state(change.before, rooms, zone),
        "after": _state(change.after, rooms, zone),
    }
