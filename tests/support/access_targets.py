"""New records like those of the access world (``tests/support/access_matrix.py``),
made as SYSTEM: the world's own records of client C, and the fresh targets of
the cells whose call would change what other cells see.

Each takes the world and returns the new record's uid; it is named after the
world's record it is like. The per-cell tests import this module as ``new``
(``new.show_c``: a new show like ``showC``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from studiocore import LookupTable
from tests.support.builders import T0

if TYPE_CHECKING:
    from tests.support.access_matrix import World

__all__ = [
    "DRAFT_START",
    "approved_plan_c",
    "atag",
    "brief_c",
    "change_request_c",
    "comment_c",
    "draft_c",
    "feed_of_host",
    "gtag",
    "mc",
    "membership_in_c",
    "note_of_host",
    "plan_c",
    "proposed_plan_c",
    "proposed_plan_c_with_draft",
    "room_a",
    "room_feed_of_host",
    "show_c",
    "show_c_with_material",
    "show_type",
    "show_window",
    "tagged_show_c",
    "user",
    "user_in_c",
]

# --------------------------------------------------------------------------- client C's records


def show_window(w: World) -> dict[str, Any]:
    """``show_start`` and ``show_end`` of a slot no other show of the tests uses."""
    start, end = w.when(w.next_hours())
    return {"show_start": start, "show_end": end}


def show_c(w: World) -> str:
    """A confirmed show like ``showC`` (client C, room A, hosted by ``mc``, on P and Q)."""
    start, end = w.when(w.next_hours())
    return w.svc.shows.create(
        "C in A",
        start,
        end,
        studio_room_uid=w["roomA"],
        client_uid=w["C"],
        mc_uids=[w["mc"]],
        platform_uids=[w["P"], w["Q"]],
    ).show.uid


def plan_c(w: World, *, proposed: bool = False, approved: bool = False) -> str:
    """A draft (or proposed, or proposed and approved by the client) schedule of
    C in studio A, over the days after ``T0``."""
    plan = w.svc.schedules.create(
        w["C"], w["A"], "C's week", T0 + timedelta(days=1), T0 + timedelta(days=8)
    ).uid
    if proposed or approved:
        w.svc.schedules.propose(plan)
    if approved:
        w.svc.schedules.approve(plan)
    return plan


def proposed_plan_c(w: World) -> str:
    """A new proposed schedule of C (no shows)."""
    return plan_c(w, proposed=True)


def approved_plan_c(w: World) -> str:
    """A new schedule of C, proposed and approved by the client (no shows)."""
    return plan_c(w, approved=True)


DRAFT_START = T0 + timedelta(days=2)
"""When draft shows start (inside every schedule of :func:`plan_c`; drafts
reserve nothing, so they may overlap)."""


def draft_c(w: World, plan: str | None = None) -> str:
    """A draft show of client C in ``plan`` (default: ``planC``, like ``draftC``),
    in room A, hosted by ``mc``."""
    return w.svc.shows.create(
        "C draft",
        DRAFT_START,
        DRAFT_START + timedelta(hours=1),
        studio_room_uid=w["roomA"],
        schedule_uid=w["planC"] if plan is None else plan,
        mc_uids=[w["mc"]],
    ).show.uid


def clash_d(w: World) -> str:
    """Client D's confirmed show in room A where C's drafts stand (``DRAFT_START``),
    hosted by ``mc2``: a booking C's people may not see."""
    return w.svc.shows.create(
        "D secret launch",
        DRAFT_START,
        DRAFT_START + timedelta(hours=1),
        studio_room_uid=w["roomA"],
        client_uid=w["D"],
        mc_uids=[w["mc2"]],
    ).show.uid


def change_request_c(w: World, category: str = "CLIENT_REQUESTED") -> str:
    """A change request (adding ``mc2`` to a draft) on a new proposed schedule of C."""
    plan = plan_c(w)
    draft = draft_c(w, plan)
    w.svc.schedules.propose(plan)
    operations = [{"op": "add_mc", "show_uid": draft, "mc_uid": w["mc2"]}]
    return w.svc.change_requests.create(plan, category, "the client asks", operations).uid


def comment_c(w: World) -> str:
    """A comment of ``c_member`` on ``showC``."""
    return w.svc.comments.create(w["showC"], w["c_member"], "C's note").uid


def proposed_plan_c_with_draft(w: World) -> str:
    """A new proposed schedule of C with one draft (change requests are for
    proposed or confirmed schedules)."""
    plan = plan_c(w)
    draft_c(w, plan)
    w.svc.schedules.propose(plan)
    return plan


def tagged_show_c(w: World) -> str:
    """A show like ``showC``, tagged ``gtag``."""
    show = show_c(w)
    w.svc.tags.tag(show, w["gtag"])
    return show


def show_c_with_material(w: World) -> str:
    """A show like ``showC`` that uses ``briefC``."""
    show = show_c(w)
    w.svc.shows.add_material(show, w["briefC"])
    return show


def brief_c(w: World) -> str:
    """A brief of client C, like ``briefC``."""
    return w.svc.materials.create(w.name("brief"), "brief", client_uid=w["C"]).uid


# --------------------------------------------------------------------------- users


def user(w: World) -> str:
    """A new user of no group."""
    return w.svc.users.create(f"{w.name('n').replace(' ', '')}@example.com", "New").uid


def user_in_c(w: World) -> str:
    """A new user (not a persona) who is a member of C."""
    uid = w.svc.users.create(f"{w.name('u').replace(' ', '')}@example.com", "Someone").uid
    w.svc.memberships.create(uid, w["C"], "member")
    return uid


def membership_in_c(w: World) -> str:
    """A new user's membership (member) in C, like ``m_c_member``."""
    uid = w.svc.users.create(f"{w.name('m').replace(' ', '')}@example.com", "Someone").uid
    return w.svc.memberships.create(uid, w["C"], "member").uid


# --------------------------------------------------------------------------- everybody's records


def room_a(w: World) -> str:
    """A room of studio A, like ``roomA``."""
    return w.svc.studio_rooms.create(w["A"], w.name("room")).uid


def mc(w: World) -> str:
    """An MC of no user (unlike ``mc``)."""
    return w.svc.mcs.create(w.name("MC")).uid


def gtag(w: World) -> str:
    """A global tag, like ``gtag``."""
    return w.svc.tags.create(w.name("tag")).uid


def atag(w: World) -> str:
    """A tag of studio A, like ``atag``."""
    return w.svc.tags.create(w.name("tag"), studio_uid=w["A"]).uid


def show_type(w: World) -> str:
    """A show type, like ``show_type``."""
    return w.svc.lookups[LookupTable.SHOW_TYPES].create(w.name("type")).uid


def room_feed_of_host(w: World) -> str:
    """The ``host`` user's feed link of room A (the same one every call)."""
    return w.svc.calendar_feeds.create("studio_room", w["roomA"], actor=w.actors["host"]).uid


def feed_of_host(w: World) -> str:
    """The ``host`` user's feed link of their MC's calendar (a new one once revoked)."""
    return w.svc.calendar_feeds.create("mc", w["mc"], actor=w.actors["host"]).uid


def note_of_host(w: World) -> str:
    """A new notification of the ``host`` user about show C (a mention, as
    studiocore would write it: notifications have no create use case)."""
    from studiocore import Notification, new_uid

    uid = new_uid(Notification.PREFIX)
    with w.svc.context.uow_factory() as uow:
        uow.notifications.add(
            Notification(
                uid=uid,
                created_at=T0,
                updated_at=T0,
                recipient_uid=w["host"],
                kind="mention",
                subject_uid=w["showC"],
                subject_type="shows",
                text="You were mentioned on show C",
            )
        )
    return uid


def hook_a(w: World) -> str:
    """A new webhook endpoint for studio A's events (owned by ``a_admin``)."""
    return w.svc.webhooks.create(
        "http://127.0.0.1:9/a", ["*"], studio_uid=w["A"], owner_uid=w["a_admin"]
    ).endpoint.uid


def delivery_a(w: World) -> str:
    """A delivered webhook delivery of a new endpoint for studio A."""
    from studiocore import WebhookDelivery, new_uid

    endpoint = hook_a(w)
    uid = new_uid(WebhookDelivery.PREFIX)
    with w.svc.context.uow_factory() as uow:
        uow.webhook_deliveries.add(
            WebhookDelivery(
                uid=uid,
                created_at=T0,
                updated_at=T0,
                endpoint_uid=endpoint,
                message_id=new_uid("msg"),
                event_type="show.cancelled",
                payload={"type": "show.cancelled", "data": {}},
                status="delivered",
                attempts=1,
                delivered_at=T0,
            )
        )
    return uid
