"""The schedules a user may see, and a schedule's page with its workflow steps."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from studiocore import ScheduleStatus

from .common import Form, Viewer, local, page, run_step, services_of, show_change

__all__ = ["SCHEDULE_ROUTES"]


@get("/schedules", sync_to_thread=True, include_in_schema=False)
def schedules(request: Request[Any, Any, Any], viewer: Viewer) -> Template:
    services = services_of(request)
    wanted = request.query_params.get("status") or ""
    statuses = [status.value for status in ScheduleStatus]
    where = {"schedule_status": ScheduleStatus(wanted)} if wanted in statuses else None
    found = services.schedules.page(where=where, limit=200, actor=viewer).items
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
    return page(
        request,
        "schedules.html",
        schedules=rows,
        statuses=statuses,
        status=wanted if where else "",
    )


def _actions(status: str, approved: bool) -> list[dict[str, Any]]:
    """The workflow steps a schedule in ``status`` offers (each with the text
    field it asks for, if any); whether the viewer may take one is the core's
    answer when they try (shown on the page)."""
    approve: dict[str, Any] = {"step": "approve", "label": "Approve", "field": "note"}
    approve["prompt"] = "Note for the studio (optional)"
    send_back: dict[str, Any] = {
        "step": "send-back",
        "label": "Send back to draft",
        "field": "reason",
    }
    send_back |= {"prompt": "Why it goes back", "required": True}
    steps: dict[str, list[dict[str, Any]]] = {
        "draft": [{"step": "propose", "label": "Propose to the client"}],
        "proposed": [
            *([] if approved else [approve]),
            {"step": "confirm", "label": "Confirm"},
            send_back,
        ],
    }
    return steps.get(status, [])


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


@get(
    "/schedules/{uid:str}/versions/{old:int}/diff/{new:int}",
    sync_to_thread=True,
    include_in_schema=False,
)
def version_diff(
    request: Request[Any, Any, Any],
    viewer: Viewer,
    uid: FromPath[str],
    old: FromPath[int],
    new: FromPath[int],
) -> Template:
    """How the schedule's shows changed from version ``old`` to ``new``."""
    services = services_of(request)
    schedule = services.schedules.get(uid, actor=viewer)
    zone = services.studios.get(schedule.studio_uid, actor=viewer).time_zone
    rooms = {r.uid: r.name for r in services.studio_rooms.list(actor=viewer)}
    changes = services.schedules.diff(uid, old, new, actor=viewer)
    return page(
        request,
        "version_diff.html",
        schedule=schedule,
        old=old,
        new=new,
        zone=zone,
        changes=[show_change(c, rooms, zone) for c in changes],
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
    schedules = services_of(request).schedules
    steps = {
        "propose": (
            lambda: schedules.propose(uid, actor=viewer),
            "Proposed to the client.",
        ),
        "approve": (
            lambda: schedules.approve(uid, note=data.get("note") or None, actor=viewer),
            "Approved: the studio may now confirm it.",
        ),
        "confirm": (
            lambda: schedules.confirm(uid, reason=data.get("reason") or None, actor=viewer),
            "Confirmed: every draft is booked.",
        ),
        "send-back": (
            lambda: schedules.send_back(uid, data.get("reason", ""), actor=viewer),
            "Sent back to draft.",
        ),
    }
    return run_step(request, steps, step, f"/schedules/{uid}")


SCHEDULE_ROUTES = [schedules, schedule_page, version_diff, schedule_step]
