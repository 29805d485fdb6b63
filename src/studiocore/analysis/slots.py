"""Free time and conflicts as frames: :func:`free_slots` (per room or MC,
honouring changeover and rest) and :func:`conflicts_frame` (the engine's
report)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Literal

import pandas as pd

from studiocore.errors import ValidationError
from studiocore.permissions import SYSTEM, Actor
from studiocore.timeslot import TimeSlot

from .frames import Source, services_of, shows_frame, studios_of
from .metrics import RESERVING, OperatingHours, windows_of

__all__ = ["conflicts_frame", "free_slots"]

_SLOT_COLUMNS = ["start", "end", "local_start", "local_end", "minutes"]


def _free(
    window: tuple[datetime, datetime], busy: Iterable[tuple[datetime, datetime]], margin: timedelta
) -> list[tuple[datetime, datetime]]:
    """The gaps of ``window`` left by ``busy`` intervals widened by ``margin``."""
    opens, closes = window
    free, cursor = [], opens
    for start, end in sorted((s - margin, e + margin) for s, e in busy):
        if start > cursor:
            free.append((cursor, min(start, closes)))
        cursor = max(cursor, end)
        if cursor >= closes:
            break
    if cursor < closes:
        free.append((cursor, closes))
    return [(s, e) for s, e in free if e > s]


def free_slots(
    source: Source,
    *,
    day: date,
    minutes: int = 60,
    by: Literal["rooms", "mcs"] = "rooms",
    studio: str | Collection[str] | None = None,
    mc: str | Collection[str] | None = None,
    operating_hours: OperatingHours | None = None,
    actor: Actor = SYSTEM,
) -> pd.DataFrame:
    """The free intervals of at least ``minutes`` on operational day ``day``
    of each studio (within its ``operating_hours``, default its whole
    operational day), where a new show could go without breaking a rule:
    ``by="rooms"``, per room, away from its reserving shows by the room's
    changeover; ``by="mcs"``, per MC (all live MCs, or ``mc``), away from the
    MC's reserving shows anywhere by the MC's rest, within each studio's day.
    Columns: ``studio_uid``, ``studio``, ``room_uid``/``room`` (or
    ``mc_uid``/``mc``), ``start``, ``end`` (UTC), ``local_start``,
    ``local_end`` (the studio's wall clock) and ``minutes``."""
    if by not in {"rooms", "mcs"}:
        raise ValidationError("by", "must be 'rooms' or 'mcs'")
    if minutes < 1:
        raise ValidationError("minutes", "must be at least 1")
    services = services_of(source)
    kind = by.removesuffix("s")
    rows = []
    for each in studios_of(services, studio, actor):
        window = windows_of(each, [day], operating_hours).iloc[0]
        opens, closes = window["open"].to_pydatetime(), window["close"].to_pydatetime()
        if by == "rooms":
            found = services.studio_rooms.list(where={"studio_uid": each.uid}, actor=actor)
            resources = [(r.uid, r.name, timedelta(minutes=r.changeover_minutes)) for r in found]
        else:
            where = None if mc is None else {"uid": sorted({mc} if isinstance(mc, str) else mc)}
            found_mcs = services.mcs.list(where=where, actor=actor)
            resources = [(m.uid, m.name, timedelta(minutes=m.min_rest_minutes)) for m in found_mcs]
        if not resources:
            continue
        margin = max(r[2] for r in resources)
        shows = shows_frame(
            services,
            start=opens - margin,
            end=closes + margin,
            studio=each.uid if by == "rooms" else None,
            status=RESERVING,
            explode="mcs" if by == "mcs" else None,
            actor=actor,
        )
        column = "room_uid" if by == "rooms" else "mc_uid"
        for uid, name, buffer in sorted(resources, key=lambda r: (r[1], r[0])):
            mine = shows[shows[column] == uid]
            busy = zip(
                mine["start"].dt.to_pydatetime(), mine["end"].dt.to_pydatetime(), strict=True
            )
            for start, end in _free((opens, closes), busy, buffer):
                if end - start >= timedelta(minutes=minutes):
                    rows.append((each.uid, each.name, uid, name, start, end, each.time_zone))
    columns = ["studio_uid", "studio", f"{kind}_uid", kind, "start", "end", "time_zone"]
    table = pd.DataFrame(rows, columns=columns)
    table["start"] = pd.to_datetime(table["start"], utc=True)
    table["end"] = pd.to_datetime(table["end"], utc=True)
    table["local_start"] = _wall(table, "start")
    table["local_end"] = _wall(table, "end")
    table["minutes"] = (table["end"] - table["start"]).dt.total_seconds() / 60
    return table[[*columns[:4], *_SLOT_COLUMNS]]


def _wall(table: pd.DataFrame, column: str) -> pd.Series:
    return pd.Series(
        [
            t.tz_convert(z).tz_localize(None)
            for t, z in zip(table[column], table["time_zone"], strict=True)
        ],
        index=table.index,
        dtype="datetime64[us]",
    )


def conflicts_frame(
    source: Source,
    *,
    start: datetime,
    end: datetime,
    studio: str | None = None,
    actor: Actor = SYSTEM,
) -> pd.DataFrame:
    """The engine's conflict report (every BLOCK and WARN conflict among the
    reserving shows overlapping ``[start, end)``, of one studio or all, that
    the actor may read) as a frame: ``kind``, ``severity``, ``resource_type``,
    ``resource_uid``, ``resource`` (its name), ``show_uids`` and ``shows``
    (the pair, earlier first, and their names), ``start``, ``end`` (the
    overlap, or the gap a buffer conflict leaves), ``minutes`` (its length),
    ``required_minutes`` (the changeover or rest missing), ``time_zone`` and
    the readable ``reason``."""
    services = services_of(source)
    found = services.scheduling.conflicts(
        studio_uid=studio, window=TimeSlot(start, end), actor=actor
    )
    rows = [
        {
            "kind": c.kind.value,
            "severity": c.severity.value,
            "resource_type": c.resource_type.value,
            "resource_uid": c.resource_uid,
            "resource": c.resource_name,
            "show_uids": list(c.show_uids),
            "shows": [s.name for s in c.shows] or list(c.show_uids),
            "start": c.start,
            "end": c.end,
            "minutes": (c.end - c.start).total_seconds() / 60,
            "required_minutes": None if c.required is None else c.required.total_seconds() / 60,
            "time_zone": c.time_zone,
            "reason": c.reason,
        }
        for c in found
    ]
    columns = ["kind", "severity", "resource_type", "resource_uid", "resource", "show_uids",
               "shows", "start", "end", "minutes", "required_minutes", "time_zone", "reason"]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    table["start"] = pd.to_datetime(table["start"], utc=True)
    table["end"] = pd.to_datetime(table["end"], utc=True)
    return table
