"""The schedules a user may see, and a schedule's page with its workflow steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from studiocore import ConflictError, NotFoundError, PermissionDeniedError, StudioError

from .common import Form, Viewer, flash, local, page, services_of

__all__ = ["SCHEDULE_ROUTES"]


@get("/schedules", sync_to_thread=True, include_in_schema=False)
def schedules(request: Request[Any, Any, Any], viewer: Viewer) -> Template:
    services = services_of(request)
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
                "start": local(schedule.start_time, zone),
                "end": local(schedule.end_time, zone),
                "zone": zone,
                "approved": schedule.approved_at is not None,
            }
        )
    return page(request, "schedules.html", schedules=rows)


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
    services = services_of(request)
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
            "start": local(s.show_start, zone),
            "end": local(s.show_end, zone),
        }
        for s in services.schedules.shows(uid, actor=viewer)
    ]
    versions = services.schedules.versions(uid, actor=viewer)
    return page(
        request,
        "schedule.html",
        schedule=schedule,
        status=schedule.schedule_status.value,
        studio=studio,
        client=client,
        zone=zone,
        start=local(schedule.start_time, zone),
        end=local(schedule.end_time, zone),
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
    services = services_of(request)
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
        flash(request, " ".join([str(exc), *(c.reason for c in exc.conflicts)]), "error")
    except NotFoundError:
        raise
    except (PermissionDeniedError, StudioError) as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, done[step])
    return Redirect(f"/schedules/{uid}")


SCHEDULE_ROUTES = [schedules, schedule_page, schedule_step]
