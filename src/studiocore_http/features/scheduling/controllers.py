"""Scheduling reads: room and MC availability, an MC's agenda, and the conflict audit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import attrs
from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, QueryParameter

from studiocore import ShowQuery, TimeSlot, ValidationError
from studiocore_http.features.shows.controllers import TimestampQuery
from studiocore_http.features.shows.schemas import Show
from studiocore_http.shared.convert import (
    MAX_YEAR,
    MIN_YEAR,
    many,
    page,
    parse_optional_timestamp,
    parse_timestamp,
)
from studiocore_http.shared.examples import AVAILABILITY
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep
from studiocore_http.shared.routes import operation
from studiocore_http.shared.wording import NOT_FOUND, PAGING, TIMES, who_may

from . import schemas as s

__all__ = ["SchedulingController"]

_BEGINNING = datetime(MIN_YEAR, 1, 1, tzinfo=UTC)
_END = datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC)

RequiredTimestamp = Annotated[
    str,
    QueryParameter(
        description="ISO 8601 timestamp with an offset.", schema_extra={"format": "date-time"}
    ),
]
OptionalTimestamp = Annotated[
    str | None,
    QueryParameter(
        description="ISO 8601 timestamp with an offset (open-ended when absent).",
        schema_extra={"format": "date-time"},
    ),
]
MinMinutes = Annotated[
    int | None,
    QueryParameter(ge=1, le=527_040, description="Drop free intervals shorter than this."),
]
Changeover = Annotated[
    bool,
    QueryParameter(
        description="Widen each show by its room's changeover time on both sides first, so "
        "a show placed in a free interval keeps the gap (unless the studio ignores "
        "changeovers). Default: false."
    ),
]
StudioFilter = Annotated[str | None, QueryParameter(description="Only this studio's shows.")]


@attrs.frozen
class FreeTimeQuery:
    """What both availability reads ask: the free intervals inside ``window``,
    none shorter than ``min_minutes`` (``None``: every one)."""

    window: TimeSlot
    min_minutes: int | None


def _free_time_query(
    actor: ActorDep,
    start: RequiredTimestamp,
    end: RequiredTimestamp,
    min_minutes: MinMinutes = None,
) -> FreeTimeQuery:
    """An availability read's query parameters; a bad timestamp or an empty window
    is a 422 naming the parameter. Parsed after the ``actor`` (see
    :func:`studiocore_http.auth.actor_dependency`)."""
    window = TimeSlot(parse_timestamp(start, "start"), parse_timestamp(end, "end"))
    return FreeTimeQuery(window, min_minutes)


FreeTimeDep = NamedDependency[FreeTimeQuery]
"""The parsed :class:`FreeTimeQuery` of an availability read (injected)."""


class SchedulingController(Controller):
    tags = ["scheduling"]
    dependencies = {"free_time": Provide(_free_time_query, sync_to_thread=False)}

    @get(
        "/studios/{uid:str}/availability",
        **operation(
            "GetStudioAvailability",
            summary="Search a studio's free room time",
            examples=AVAILABILITY,
            description="Each room's free and reserved intervals inside the window "
            "`[start, end)`: free time is the window minus the room's booked shows "
            "(confirmed, live, completed; drafts reserve nothing). With "
            "`honour_changeover=true` each show also blocks its room's changeover time on "
            "both sides; `min_minutes` drops free intervals shorter than that. Rooms come "
            "ordered by name. A window whose `end` is not after its `start`, or a time "
            f"without an offset, is a 422 naming the parameter. {TIMES}\n\n"
            f"{who_may('studios', 'read')} {NOT_FOUND}",
        ),
    )
    def availability(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        free_time: FreeTimeDep,
        honour_changeover: Changeover = False,
    ) -> s.Availability:
        window = free_time.window
        rooms = services.scheduling.availability(
            uid,
            window,
            min_minutes=free_time.min_minutes,
            honour_changeover=honour_changeover,
            actor=actor,
        )
        return s.Availability(
            studio_uid=uid,
            start=window.start,
            end=window.end,
            rooms=[
                s.RoomAvailability(
                    room_uid=room.room_uid,
                    room_name=room.room_name,
                    free=many(s.Interval, room.free),
                    reserved=many(s.Interval, room.reserved),
                )
                for room in rooms
            ],
        )

    @get(
        "/mcs/{uid:str}/availability",
        **operation(
            "GetMcAvailability",
            summary="Search an MC's free time",
            description="An MC's free and reserved intervals inside the window "
            "`[start, end)`: the window minus each booked show they host, in any studio, "
            "widened by their minimum rest (`rest_minutes`) on both sides; `min_minutes` "
            "drops shorter free intervals. A window whose `end` is not after its `start` "
            f"is a 422. {TIMES}\n\n{who_may('mcs', 'read')} {NOT_FOUND}",
        ),
    )
    def mc_availability(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        free_time: FreeTimeDep,
    ) -> s.McAvailability:
        window = free_time.window
        found = services.scheduling.mc_availability(
            uid, window, min_minutes=free_time.min_minutes, actor=actor
        )
        return s.McAvailability(
            mc_uid=found.mc_uid,
            mc_name=found.mc_name,
            start=window.start,
            end=window.end,
            rest_minutes=int(found.rest.total_seconds() // 60),
            free=many(s.Interval, found.free),
            reserved=many(s.Interval, found.reserved),
        )

    @get(
        "/mcs/{uid:str}/shows",
        **operation(
            "ListMcShows",
            summary="List an MC's shows (agenda)",
            description="An MC's agenda: the shows they host that the caller may read, "
            "by start time, optionally within `start_from <= show_start < start_to`. An "
            f"unknown MC is a 404, not an empty page. {TIMES} {PAGING}\n\n"
            f"{who_may('shows', 'read')}",
        ),
    )
    def mc_agenda(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        start_from: TimestampQuery = None,
        start_to: TimestampQuery = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[Show]:
        services.mcs.get(uid, actor=actor)  # 404 for an unknown MC, not an empty page
        query = ShowQuery(
            mc_uid=uid,
            start_from=parse_optional_timestamp(start_from, "start_from"),
            start_to=parse_optional_timestamp(start_to, "start_to"),
        )
        return page(Show, services.shows.search(query, limit=limit, offset=offset, actor=actor))

    @get(
        "/conflicts",
        **operation(
            "ListConflicts",
            summary="Audit booked shows for conflicts",
            description="Every room and MC conflict (BLOCK and WARN) among the booked "
            "shows the caller may read; with `studio_uid` and/or `start_from`/`start_to`, "
            "those of that studio's shows overlapping `[start_from, start_to)`, with each "
            "other and with any booked show elsewhere (MCs are shared across studios). "
            "BLOCK conflicts never appear while the booking guarantees hold; WARN ones "
            "are buffers that booking allows. `start_to` not after `start_from` is a 422. "
            f"{TIMES}\n\n{who_may('shows', 'read')}",
        ),
    )
    def conflicts(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        studio_uid: StudioFilter = None,
        start_from: OptionalTimestamp = None,
        start_to: OptionalTimestamp = None,
    ) -> list[s.Conflict]:
        lower = parse_optional_timestamp(start_from, "start_from")
        upper = parse_optional_timestamp(start_to, "start_to")
        window = None
        if lower is not None or upper is not None:
            if lower is not None and upper is not None and upper <= lower:
                raise ValidationError("start_to", "must be after start_from")
            window = TimeSlot(lower or _BEGINNING, upper or _END)
        found = services.scheduling.conflicts(studio_uid=studio_uid, window=window, actor=actor)
        return list(found)
