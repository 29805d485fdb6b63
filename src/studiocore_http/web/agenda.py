"""An MC's agenda: their own shows from today on, in each studio's local time,
readable on a phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Request, get
from litestar.response import Template

from studiocore import ShowQuery

from .common import Viewer, local, page, services_of

__all__ = ["AGENDA_DAYS", "AGENDA_ROUTES"]

AGENDA_DAYS = 28
"""How far ahead the agenda reaches."""


@get("/agenda", sync_to_thread=True, include_in_schema=False)
def agenda(request: Request[Any, Any, Any], viewer: Viewer) -> Template:
    services = services_of(request)
    # their own MC profile(s): the MCs they may read that name them as their user
    profiles = [m for m in services.mcs.list(actor=viewer) if m.user_uid == viewer.user_uid]
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rooms = {r.uid: r for r in services.studio_rooms.list(actor=viewer)}
    studios = {s.uid: s for s in services.studios.list(actor=viewer)}
    days: dict[str, list[dict[str, str]]] = {}
    for mc in profiles:
        query = ShowQuery(
            mc_uid=mc.uid, start_from=today, start_to=today + timedelta(days=AGENDA_DAYS)
        )
        for show in services.shows.search(query, limit=500, actor=viewer).items:
            room = rooms.get(show.studio_room_uid or "")
            studio = studios.get(room.studio_uid) if room else None
            zone = studio.time_zone if studio else "UTC"
            starts = local(show.show_start, zone)
            days.setdefault(starts[:15], []).append(
                {
                    "name": show.name,
                    "time": f"{starts[-5:]} - {local(show.show_end, zone)[-5:]}",
                    "where": ", ".join(x.name for x in (studio, room) if x is not None),
                    "zone": zone,
                    "status": show.show_status.value,
                }
            )
    return page(
        request,
        "agenda.html",
        is_mc=bool(profiles),
        days=sorted(days.items(), key=lambda d: datetime.strptime(d[0], "%a %d %b %Y")),
        horizon=AGENDA_DAYS,
    )


AGENDA_ROUTES = [agenda]
