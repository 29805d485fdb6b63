"""The signed-in user's notifications: a page of them (unread first), marking
them read, and their live stream (Server-Sent Events signed in by the session
cookie: a browser's ``EventSource`` cannot send a bearer token)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, HeaderParameter
from litestar.response import Redirect, ServerSentEvent, Template

from studiocore import NotFoundError, Notification, ValidationError, is_uid
from studiocore_http.features.notifications.live import LiveNotifications

from .common import Viewer, flash, local, page, redirect, services_of

__all__ = ["NOTIFICATION_ROUTES", "PAGE_SIZE", "subject_link"]

PAGE_SIZE = 50
"""Notifications per page."""
ZONE = "UTC"
"""The zone the page shows times in (a notification belongs to no studio; its
text already names the studio's local times)."""
_PAGES = {
    "shows": "/board/shows/{uid}",
    "schedules": "/schedules/{uid}",
    "change_requests": "/change-requests/{uid}",
}
"""The web pages of the subjects that have one, by their table."""


def subject_link(notification: Notification) -> str | None:
    """The page of what ``notification`` is about, if the web has one."""
    found = _PAGES.get(notification.subject_type)
    return found.format(uid=notification.subject_uid) if found else None


def _offset(request: Request[Any, Any, Any]) -> int:
    try:
        return max(0, int(request.query_params.get("offset") or 0))
    except ValueError:
        return 0


@get("/notifications", sync_to_thread=True, include_in_schema=False)
def notifications_page(request: Request[Any, Any, Any], viewer: Viewer) -> Template:
    """The user's notifications, unread first (newest first), then the read
    ones, ``PAGE_SIZE`` a page."""
    services = services_of(request)
    found = services.notifications.page(limit=PAGE_SIZE, offset=_offset(request), actor=viewer)
    rows = [
        {
            "uid": n.uid,
            "text": n.text,
            "kind": n.kind.value,
            "when": local(n.created_at, ZONE),
            "at": n.created_at.isoformat(),
            "unread": n.read_at is None,
            "link": subject_link(n),
        }
        for n in found.items
    ]
    return page(request, "notifications.html", found=found, rows=rows, zone=ZONE)


def _back(request: Request[Any, Any, Any]) -> str:
    """Back to the page of notifications the form was on."""
    offset = _offset(request)
    return f"/notifications?offset={offset}" if offset else "/notifications"


@post("/notifications/{uid:str}/read", sync_to_thread=True, include_in_schema=False)
def mark_read(request: Request[Any, Any, Any], viewer: Viewer, uid: FromPath[str]) -> Redirect:
    """Mark one of the user's notifications read (someone else's: 404)."""
    services_of(request).notifications.mark_read(uid, actor=viewer)
    flash(request, "The notification is marked read.")
    return redirect(request, _back(request))


@post("/notifications/read-all", sync_to_thread=True, include_in_schema=False)
def mark_all_read(request: Request[Any, Any, Any], viewer: Viewer) -> Redirect:
    """Mark every unread notification of the user read."""
    marked = services_of(request).notifications.mark_all_read(actor=viewer)
    flash(request, f"{marked} notification{'' if marked == 1 else 's'} marked read.")
    return redirect(request, "/notifications")


@get("/notifications/stream", include_in_schema=False)
async def stream(
    request: Request[Any, Any, Any],
    viewer: Viewer,
    last_event_id: Annotated[
        str | None, HeaderParameter(name="Last-Event-ID", required=False)
    ] = None,
) -> ServerSentEvent:
    """The user's notifications as they are made (``notification`` events),
    after ``Last-Event-ID`` first when the browser reconnects with it."""
    if last_event_id is not None and not is_uid(last_event_id, "notif"):
        raise ValidationError("Last-Event-ID", "must be the uid of a notification")
    if viewer.user_uid is None:  # pragma: no cover - a session always names a user
        raise NotFoundError("User", "")
    live: LiveNotifications = request.app.state.live_notifications
    return ServerSentEvent(live.stream(viewer, last_event_id))


NOTIFICATION_ROUTES = [notifications_page, mark_all_read, mark_read, stream]
"""The notifications' routes of the web interface."""
