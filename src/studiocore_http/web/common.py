"""What every page shares: who is signed in, messages for the next page,
rendering a page, local times (internal)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import URLEncodedBody
from litestar.response import Template

from studiocore import Actor, NotFoundError, Services, User

__all__ = ["Form", "Viewer", "flash", "local", "page", "provide_viewer", "services_of", "signed_in"]

Viewer = NamedDependency[Actor]
"""The signed-in user (:func:`provide_viewer`)."""
Form = URLEncodedBody[dict[str, str]]
"""A submitted form's fields."""


def services_of(request: Request[Any, Any, Any]) -> Services:
    services: Services = request.app.state.services
    return services


def signed_in(request: Request[Any, Any, Any]) -> User | None:
    """The user the session names, if it names a live, unbanned one."""
    uid = request.session.get("user_uid") if request.scope.get("session") else None
    if not isinstance(uid, str):
        return None
    try:
        user = services_of(request).users.get(uid)
    except NotFoundError:
        return None
    return None if user.is_banned else user


def provide_viewer(request: Request[Any, Any, Any]) -> Actor:
    """Dependency: the signed-in user's :class:`Actor` (with their grants), or
    401, which the pages answer by sending the browser to the sign-in page."""
    user = signed_in(request)
    if user is None:
        raise NotAuthorizedException("sign in first")
    return services_of(request).users.actor(user.uid)


def flash(request: Request[Any, Any, Any], message: str, kind: str = "info") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def page(request: Request[Any, Any, Any], name: str, **context: Any) -> Template:
    flash = request.session.pop("flash", None) if request.scope.get("session") else None
    user = signed_in(request)
    return Template(template_name=name, context={"user": user, "flash": flash, **context})


def local(at: datetime, zone: str) -> str:
    """``at`` as the people of a studio in ``zone`` read it."""
    return at.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y %H:%M")
