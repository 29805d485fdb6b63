"""The schedules a user may see, and a schedule's page with its workflow steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from studiocore import Actor, Schedule, ScheduleStatus, Services

from .comments import comment_panel
from .common import Viewer, local, page, redirect, services_of, show_change
from .steps import Step, offered, step_route

__all__ = ["SCHEDULE_ROUTES", "waiting_schedules"]


@get("/schedules", sync_to_thread=True, include_in_schema=False)
def schedules(request: Request[Any, Any, Any], viewer: Viewer) -> Template:
    services = services_of(request)
    query = request.query_params
    wanted = query.get("status") or ""
    statuses = [status.value for status in ScheduleStatus]
    studios = {s.uid: s for s in services.studios.list(actor=viewer)}
    clients = {c.uid: c for c in services.clients.list(actor=viewer)}
    where: dict[str, object] = {}
    if wanted in statuses and wanted:
        where["schedule_status"] = ScheduleStatus(wanted)
    if query.get("client") in clients:
        where["client_uid"] = query["client"]
    if query.get("studio") in studios:
        where["studio_uid"] = query["studio"]
    found = services.schedules.page(where=where or None, limit=200, actor=viewer).items
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
        status=wanted if "schedule_status" in where else "",
        clients=sorted(clients.values(), key=lambda c: c.name),
        studios=sorted(studios.values(), key=lambda s: s.name),
        client=where.get("client_uid", ""),
        studio=where.get("studio_uid", ""),
    )


def _in(status: ScheduleStatus) -> Callable[[Schedule], bool]:
    return lambda schedule: schedule.schedule_status is status


_proposed = _in(ScheduleStatus.PROPOSED)


SCHEDULE_STEPS = [
    Step("propose", "Propose to the client", "Proposed to the client.", _in(ScheduleStatus.DRAFT)),
    Step(
        "approve",
        "Approve",
        "Approved: the studio may now confirm it.",
        lambda schedule: _proposed(schedule) and schedule.approved_at is None,
        field="note",
        prompt="Note for the studio (optional)",
    ),
    Step(
        "confirm",
        "Confirm",
        "Confirmed: every draft is booked.",
        _proposed,
        use_case="promote",
        field="reason",
        prompt="Reason (required without the client's approval)",
    ),
    Step(
        "send_back",
        "Send back to draft",
        "Sent back to draft.",
        _proposed,
        field="reason",
        prompt="Why it goes back",
        required=True,
    ),
]
"""The workflow of a schedule's page."""


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
        actions=offered(SCHEDULE_STEPS, services.schedules, schedule, viewer),
        **comment_panel(services, schedule.uid, viewer),
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


@get("/schedules/{uid:str}/diff", sync_to_thread=False, include_in_schema=False)
def pick_diff(request: Request[Any, Any, Any], uid: FromPath[str]) -> Redirect:
    """The schedule page's picker of any two versions: to their diff (or back
    to the page when the two are not versions)."""
    query = request.query_params
    try:
        old, new = int(query.get("from", "")), int(query.get("to", ""))
    except ValueError:
        return redirect(request, f"/schedules/{uid}")
    return redirect(request, f"/schedules/{uid}/versions/{old}/diff/{new}")


def waiting_schedules(services: Services, viewer: Actor) -> list[dict[str, str]]:
    """The proposed schedules waiting for the viewer: those they may approve
    (not approved yet) and those they may confirm (approved): an inbox's rows."""
    found = services.schedules.list(
        where={"schedule_status": ScheduleStatus.PROPOSED}, actor=viewer
    )
    if not found:
        return []
    studios = {s.uid: s for s in services.studios.list(actor=viewer)}
    clients = {c.uid: c.name for c in services.clients.list(actor=viewer)}
    rows = []
    for schedule in sorted(found, key=lambda s: (s.start_time, s.name)):
        approved = schedule.approved_at is not None
        needed = "promote" if approved else "approve"
        if needed not in services.schedules.permitted(schedule.uid, [needed], actor=viewer):
            continue
        studio = studios.get(schedule.studio_uid)
        zone = studio.time_zone if studio else "UTC"
        rows.append(
            {
                "uid": schedule.uid,
                "name": schedule.name,
                "client": clients.get(schedule.client_uid, schedule.client_uid),
                "studio": studio.name if studio else schedule.studio_uid,
                "window": f"{local(schedule.start_time, zone)} - {local(schedule.end_time, zone)}",
                "zone": zone,
                "waiting": "your confirmation" if approved else "your approval",
            }
        )
    return rows


SCHEDULE_ROUTES = [
    schedules,
    schedule_page,
    pick_diff,
    version_diff,
    step_route("/schedules", SCHEDULE_STEPS, lambda services: services.schedules),
]
