"""Change requests: the inbox of requests waiting for someone's decision, and a
request's page with what it would change, the conflicts it would hit now, and
the decisions (approve, reject, apply, withdraw, acknowledge)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from studiocore import (
    ChangeRequestStatus,
    Services,
)
from studiocore.entities import ChangeRequest

from .comments import comment_panel
from .common import Viewer, page, services_of, show_change
from .schedules import waiting_schedules
from .steps import Step, offered, step_route

__all__ = ["CHANGE_REQUEST_ROUTES"]

_OPEN = (ChangeRequestStatus.PENDING, ChangeRequestStatus.APPROVED)


def _names(services: Services, viewer: Any, uids: set[str]) -> dict[str, str]:
    """People's names by uid, where the viewer may read them."""
    found = services.users.list(where={"uid": sorted(uids)}, actor=viewer) if uids else []
    return {user.uid: user.name for user in found}


def _side(request: ChangeRequest) -> str:
    """Who raised a request, when their name is not the reader's to see."""
    client = request.change_category == "CLIENT_REQUESTED"
    return "someone for the client" if client else "someone at the studio"


def _row(
    request: ChangeRequest, schedules: dict[str, str], people: dict[str, str]
) -> dict[str, Any]:
    return {
        "uid": request.uid,
        "schedule": schedules.get(request.schedule_uid, request.schedule_uid),
        "category": request.change_category,
        "types": ", ".join(request.payload.get("change_types", [request.change_type])),
        "reason": request.reason or "",
        "status": request.status.value,
        "by": people.get(request.requested_by_uid or "", _side(request)),
        "mine": False,
    }


@get("/inbox", sync_to_thread=True, include_in_schema=False)
def inbox(request: Request[Any, Any, Any], viewer: Viewer) -> Template:
    """What waits for the viewer: proposed schedules they may approve or
    confirm, open change requests raised by others (waiting for a decision or
    to be applied), then the viewer's own open requests."""
    services = services_of(request)
    found = [
        r
        for status in _OPEN
        for r in services.change_requests.list(where={"status": status}, actor=viewer)
    ]
    wanted = sorted({r.schedule_uid for r in found})
    schedules = {
        s.uid: s.name
        for s in (services.schedules.list(where={"uid": wanted}, actor=viewer) if wanted else [])
    }
    people = _names(services, viewer, {r.requested_by_uid for r in found if r.requested_by_uid})
    rows = []
    for r in sorted(found, key=lambda r: (r.created_at, r.uid)):
        row = _row(r, schedules, people)
        row["mine"] = r.requested_by_uid == viewer.user_uid
        rows.append(row)
    waiting = [r for r in rows if not r["mine"]]
    mine = [r for r in rows if r["mine"]]
    return page(
        request,
        "inbox.html",
        schedules=waiting_schedules(services, viewer),
        waiting=waiting,
        mine=mine,
    )


def _status(*statuses: ChangeRequestStatus) -> Callable[[ChangeRequest], bool]:
    return lambda change: change.status in statuses


def _unacknowledged_force_majeure(change: ChangeRequest) -> bool:
    return change.change_category == "FORCE_MAJEURE" and "acknowledged_at" not in change.metadata


APPROVED = ChangeRequestStatus.APPROVED
_PENDING = _status(ChangeRequestStatus.PENDING)
CHANGE_REQUEST_STEPS = [
    Step("approve", "Approve", "Approved: the studio may now apply it.", _PENDING, field="note"),
    Step(
        "reject",
        "Reject",
        "Rejected.",
        _PENDING,
        field="reason",
        prompt="Why it is rejected",
        required=True,
    ),
    Step("apply", "Apply", "Applied: the schedule has a new version.", _status(APPROVED)),
    Step("withdraw", "Withdraw", "Withdrawn.", _status(ChangeRequestStatus.PENDING, APPROVED)),
    Step("acknowledge", "Acknowledge", "Acknowledged.", _unacknowledged_force_majeure),
]
"""The decisions of a change request's page."""


@get("/change-requests/{uid:str}", sync_to_thread=True, include_in_schema=False)
def change_request_page(
    request: Request[Any, Any, Any], viewer: Viewer, uid: FromPath[str]
) -> Template:
    services = services_of(request)
    preview = services.change_requests.preview(uid, actor=viewer)
    change = preview.change_request
    schedule = services.schedules.get(change.schedule_uid, actor=viewer)
    studio = services.studios.get(schedule.studio_uid, actor=viewer)
    rooms = {r.uid: r.name for r in services.studio_rooms.list(actor=viewer)}
    people = _names(
        services, viewer, {u for u in (change.requested_by_uid, change.reviewed_by_uid) if u}
    )
    return page(
        request,
        "change_request.html",
        change=_row(change, {schedule.uid: schedule.name}, people),
        schedule=schedule,
        zone=studio.time_zone,
        reviewed_by=people.get(change.reviewed_by_uid or ""),
        note=change.metadata.get("review_note"),
        acknowledged=change.metadata.get("acknowledged_at"),
        changes=[show_change(c, rooms, studio.time_zone) for c in preview.changes],
        conflicts=[c.reason for c in preview.conflicts],
        problems=list(preview.problems),
        applicable=preview.applicable,
        steps=offered(CHANGE_REQUEST_STEPS, services.change_requests, change, viewer),
        **comment_panel(services, change.uid, viewer),
    )


CHANGE_REQUEST_ROUTES = [
    inbox,
    change_request_page,
    step_route("/change-requests", CHANGE_REQUEST_STEPS, lambda services: services.change_requests),
]
