"""Signing in and out (demo mode: as a demo person)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from studiocore import NotFoundError
from studiocore_http.settings import Settings

from .common import Form, flash, page, redirect, services_of, signed_in

__all__ = ["SIGN_IN_ROUTES"]


@get("/", sync_to_thread=True, include_in_schema=False)
def home(request: Request[Any, Any, Any]) -> Redirect:
    return redirect(request, "/schedules" if signed_in(request) else "/sign-in")


@get("/sign-in", sync_to_thread=True, include_in_schema=False)
def sign_in_page(request: Request[Any, Any, Any]) -> Template:
    settings: Settings = request.app.state.settings
    people: list[dict[str, str]] = []
    if settings.demo:
        from studiocore_http.demo import DEMO_ADMIN_EMAIL, DEMO_PEOPLE

        services = services_of(request)
        for email, role, sees in [
            (DEMO_ADMIN_EMAIL, "system admin", "everything"),
            *((p.email, f"{p.role}, {p.group}", p.sees) for p in DEMO_PEOPLE),
        ]:
            try:
                user = services.users.by_email(email)
            except NotFoundError:
                continue
            people.append({"email": email, "name": user.name, "role": role, "sees": sees})
    return page(
        request,
        "sign_in.html",
        people=people,
        demo=settings.demo,
        provider=settings.web_provider() is not None,
    )


@post("/sign-in", sync_to_thread=True, include_in_schema=False)
def sign_in(
    request: Request[Any, Any, Any],
    data: Form,
) -> Redirect:
    """Demo mode: sign in as the chosen demo user."""
    settings: Settings = request.app.state.settings
    if not settings.demo:
        flash(request, "Sign-in with a password or an identity provider is not set up.", "error")
        return redirect(request, "/sign-in")
    try:
        user = services_of(request).users.by_email(data.get("email", ""))
    except NotFoundError:
        flash(request, "No such demo user.", "error")
        return redirect(request, "/sign-in")
    request.set_session({"user_uid": user.uid})
    return redirect(request, "/schedules")


@post("/sign-out", sync_to_thread=False, include_in_schema=False)
def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    request.clear_session()
    return redirect(request, "/sign-in")


SIGN_IN_ROUTES = [home, sign_in_page, sign_in, sign_out]
