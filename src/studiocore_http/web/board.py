"""The planning board: a studio's rooms (or the MCs hosting its shows) as
rows and a day or a week across, in the studio's time zone, shows as blocks
coloured by status or client, drafts apart from confirmed shows, conflicts
marked with their reason."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from litestar import Request, get
from litestar.response import Template

from studiocore import (
    Actor,
    GroupType,
    MembershipRole,
    Schedule,
    ScheduleStatus,
    Services,
    Show,
    ShowStatus,
    Studio,
    TimeSlot,
    UserRole,
)
from studiocore.scheduling import operational_day_of, operational_day_window

from .board_layout import SLOT, SLOTS_PER_HOUR, Cell, lane_cells, lanes, place
from .common import Viewer, page, services_of

__all__ = ["BOARD_ROUTES", "Block", "board_data", "editable_plans"]

PALETTE = 8
"""How many client colours the stylesheet has (``client-0`` ...)."""


@attrs.frozen
class Block:
    """A show as the board shows it."""

    uid: str
    name: str
    status: str
    client: str
    time: str
    """Its local start and end (``10:00-12:00``, with the day when it is not
    the row's)."""
    colour: str
    conflicts: tuple[str, ...]
    rooms: str
    start: str
    """Its start and end, ISO 8601 in UTC (for the board's script)."""
    end: str
    move: str
    """How it moves: ``draft`` and ``direct`` (a direct booking) by moving it,
    ``request`` (a confirmed show of a schedule) by a change request, ``none``."""


@attrs.frozen
class Row:
    """A room or an MC, and its lanes of cells."""

    uid: str
    name: str
    lanes: list[list[Cell[Block]]]
    """A day: the lanes of its slots."""
    days: list[list[Block]]
    """A week: the shows starting on each of its days."""
    room: bool


def _how_it_moves(show: Show) -> str:
    if show.show_status is ShowStatus.DRAFT:
        return "draft"
    if show.show_status is ShowStatus.CONFIRMED:
        return "request" if show.schedule_uid else "direct"
    return "none"


def _day(studio: Studio, day: date) -> TimeSlot:
    """Operational day ``day`` of the studio, in UTC."""
    return operational_day_window(studio.time_zone, studio.operational_day_start_hour, day)


def board_data(
    services: Services,
    studio: Studio,
    first: date,
    *,
    days: int,
    by_mc: bool,
    colour: str,
    actor: Actor,
) -> dict[str, Any]:
    """What the board's template shows, for the studio from ``first``."""
    zone = ZoneInfo(studio.time_zone)
    window = TimeSlot(_day(studio, first).start, _day(studio, first + timedelta(days=days - 1)).end)
    plan = services.scheduling.studio_plan(studio.uid, window, actor=actor)
    shows = [s for s in plan.shows if s.show_status is not ShowStatus.CANCELLED]
    rooms = sorted(
        services.studio_rooms.list(where={"studio_uid": studio.uid}, actor=actor),
        key=lambda r: (r.name, r.uid),
    )
    room_names = {r.uid: r.name for r in rooms}
    clients = {c.uid: c.name for c in services.clients.list(actor=actor)}
    client_colour = {uid: f"client-{i % PALETTE}" for i, uid in enumerate(sorted(clients))}
    reasons: dict[str, list[str]] = {}
    for conflict in plan.conflicts:
        for uid in conflict.show_uids:
            reasons.setdefault(uid, []).append(conflict.reason)

    def block(show: Show) -> Block:
        start, end = show.show_start.astimezone(zone), show.show_end.astimezone(zone)
        same_day = start.date() == end.date()
        return Block(
            uid=show.uid,
            name=show.name,
            status=show.show_status.value,
            client=clients.get(show.client_uid or "", "no client"),
            time=f"{start:%H:%M}-{end:%H:%M}" if same_day else f"{start:%a %H:%M}-{end:%a %H:%M}",
            colour=client_colour.get(show.client_uid or "", "client-none")
            if colour == "client"
            else f"status-{show.show_status.value}",
            conflicts=tuple(dict.fromkeys(reasons.get(show.uid, ()))),
            rooms=room_names.get(show.studio_room_uid or "", "no room"),
            start=show.show_start.isoformat(),
            end=show.show_end.isoformat(),
            move=_how_it_moves(show),
        )

    blocks = {s.uid: block(s) for s in shows}
    if by_mc:
        hosts: dict[str, list[Show]] = {}
        for show in shows:
            for mc_uid in plan.mcs.get(show.uid, ()):
                hosts.setdefault(mc_uid, []).append(show)
        mcs = services.mcs.list(where={"uid": sorted(hosts)}, actor=actor) if hosts else []
        resources = [(m.uid, m.name, hosts[m.uid]) for m in sorted(mcs, key=lambda m: m.name)]
    else:
        resources = [
            (r.uid, r.name, [s for s in shows if s.studio_room_uid == r.uid]) for r in rooms
        ]
    columns = _columns(studio, first, days)
    week = days > 1
    rows = [
        Row(
            uid,
            name,
            lanes=[] if week else _lanes(shows_of, blocks, columns),
            days=_week(shows_of, blocks, columns) if week else [],
            room=not by_mc,
        )
        for uid, name, shows_of in resources
    ]
    unplaced = [blocks[s.uid] for s in shows if s.studio_room_uid is None and not by_mc]
    return {
        "window": window,
        "rows": rows,
        "columns": columns,
        "unplaced": unplaced,
        "count": len(shows),
        "clients": [(name, client_colour[uid]) for uid, name in sorted(clients.items())],
        "conflicted": sum(1 for b in blocks.values() if b.conflicts),
    }


def _columns(studio: Studio, first: date, days: int) -> list[dict[str, Any]]:
    """The board's columns: for a day its slots (each hour labelled), for a
    week its days (each the slots of the whole operational day)."""
    zone = ZoneInfo(studio.time_zone)
    if days == 1:
        window = _day(studio, first)
        count = int(window.duration / SLOT)
        return [
            {
                "start": window.start + i * SLOT,
                "label": f"{(window.start + i * SLOT).astimezone(zone):%H:%M}",
            }
            for i in range(count)
        ]
    out = []
    for n in range(days):
        day = first + timedelta(days=n)
        window = _day(studio, day)
        out.append({"start": window.start, "end": window.end, "label": f"{day:%a %d %b}"})
    return out


def _lanes(
    shows: Sequence[Show], blocks: dict[str, Block], columns: list[dict[str, Any]]
) -> list[list[Cell[Block]]]:
    slots = len(columns)
    items = ((blocks[s.uid], s.show_start, s.show_end) for s in shows)
    return [lane_cells(lane, slots) for lane in lanes(place(items, columns[0]["start"], slots))]


def _week(
    shows: Sequence[Show], blocks: dict[str, Block], columns: list[dict[str, Any]]
) -> list[list[Block]]:
    return [
        [blocks[s.uid] for s in shows if day["start"] <= s.show_start < day["end"]]
        for day in columns
    ]


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def editable_plans(services: Services, studio: Studio, actor: Actor) -> list[Schedule]:
    """The studio's draft schedules that ``actor`` may add drafts to."""
    plans = services.schedules.list(
        where={"studio_uid": studio.uid, "schedule_status": ScheduleStatus.DRAFT}, actor=actor
    )
    return [p for p in plans if services.schedules.permitted(p.uid, ["update"], actor=actor)]


@get("/board", sync_to_thread=True, include_in_schema=False)
def board(request: Request[Any, Any, Any], viewer: Viewer) -> Template:
    services = services_of(request)
    query = request.query_params
    own = viewer.grants.groups(GroupType.STUDIO)  # their own studios first
    studios = sorted(
        services.studios.list(actor=viewer), key=lambda s: (s.uid not in own, s.name, s.uid)
    )
    if not studios:
        return page(request, "board.html", studio=None, studios=[])
    studio = next((s for s in studios if s.uid == query.get("studio")), studios[0])
    hour = studio.operational_day_start_hour
    today = operational_day_of(studio.time_zone, hour, datetime.now(UTC))
    first = _parse_day(query.get("day")) or today
    days = 7 if query.get("span") == "week" else 1
    by_mc = query.get("by") == "mcs"
    colour = "client" if query.get("colour") == "client" else "status"
    data = board_data(services, studio, first, days=days, by_mc=by_mc, colour=colour, actor=viewer)
    editable = editable_plans(services, studio, viewer)
    step = timedelta(days=days)
    return page(
        request,
        "board.html",
        studio=studio,
        studios=studios,
        day=first,
        span="week" if days == 7 else "day",
        by="mcs" if by_mc else "rooms",
        colour=colour,
        previous=(first - step).isoformat(),
        next=(first + step).isoformat(),
        today=today.isoformat(),
        plans=editable,
        movable=bool(editable)
        or viewer.role is UserRole.ADMIN
        or studio.uid in viewer.grants.groups(GroupType.STUDIO, MembershipRole.MANAGER),
        hours=SLOTS_PER_HOUR,
        **data,
    )


BOARD_ROUTES = [board]
