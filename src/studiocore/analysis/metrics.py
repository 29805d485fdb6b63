"""Scheduling metrics over :func:`~studiocore.analysis.shows_frame`: room
utilization, MC load and free slots, per studio operational day (or week), in
each studio's time zone, vectorized."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Literal

import numpy as np
import pandas as pd

from studiocore.entities import Studio
from studiocore.errors import NotFoundError, ValidationError
from studiocore.lookups import RESERVING_STATUSES
from studiocore.permissions import SYSTEM, Actor
from studiocore.scheduling.opday import operational_day_window
from studiocore.services import Services

from .frames import Source, services_of, shows_frame, studios_of

__all__ = [
    "RESERVING",
    "OperatingHours",
    "mc_load",
    "one_studio",
    "room_utilization",
    "studios_of",
    "windows_of",
]

OperatingHours = Mapping[str, tuple[time, time]]
"""A studio's opening and closing time (local wall clock; a closing time at or
before the opening time is on the next day), by studio uid or name."""

Freq = Literal["D", "W"]
RESERVING = sorted(s.value for s in RESERVING_STATUSES)
"""The statuses that hold a room or an MC (what the metrics count)."""


def _days(start: date, end: date) -> list[date]:
    if end <= start:
        raise ValidationError("end", f"must be after start ({end} <= {start})")
    return [start + timedelta(days=n) for n in range((end - start).days)]


def windows_of(studio: Studio, days: list[date], hours: OperatingHours | None) -> pd.DataFrame:
    """Each day's operating window of ``studio`` (UTC instants), DST-aware:
    its operational day unless ``hours`` name the studio."""
    chosen = None if hours is None else hours.get(studio.uid, hours.get(studio.name))
    rows = []
    for day in days:
        if chosen is None:
            slot = operational_day_window(studio.time_zone, studio.operational_day_start_hour, day)
            rows.append((day, slot.start, slot.end))
            continue
        opens, closes = chosen
        zone = pd.Timestamp(datetime.combine(day, opens)).tz_localize(
            studio.time_zone, nonexistent="shift_forward", ambiguous=False
        )
        later = day + timedelta(days=1) if closes <= opens else day
        shut = pd.Timestamp(datetime.combine(later, closes)).tz_localize(
            studio.time_zone, nonexistent="shift_forward", ambiguous=False
        )
        rows.append((day, zone.tz_convert("UTC"), shut.tz_convert("UTC")))
    frame = pd.DataFrame(rows, columns=["day", "open", "close"])
    frame["open"] = pd.to_datetime(frame["open"], utc=True)
    frame["close"] = pd.to_datetime(frame["close"], utc=True)
    return frame


def one_studio(services: Services, studio: str, actor: Actor) -> Studio:
    """The live studio ``studio`` (a uid or a name) that the actor may see."""
    found = studios_of(services, studio, actor)
    if not found:
        raise NotFoundError("Studio", studio)
    if len(found) > 1:
        raise ValidationError("studio", f"{len(found)} studios are called {studio!r}: use its uid")
    return found[0]


def _split(shows: pd.DataFrame, windows: pd.DataFrame) -> pd.DataFrame:
    """``shows`` cut at ``windows`` (sorted, not overlapping): one row per show
    and window it overlaps, with ``day`` and the overlapping ``booked`` hours."""
    opens = windows["open"].to_numpy(dtype="datetime64[us]")
    closes = windows["close"].to_numpy(dtype="datetime64[us]")
    starts = shows["start"].to_numpy(dtype="datetime64[us]")
    ends = shows["end"].to_numpy(dtype="datetime64[us]")
    first = np.searchsorted(closes, starts, side="right")
    last = np.searchsorted(opens, ends, side="left")
    counts = np.maximum(last - first, 0)
    rows = np.repeat(np.arange(len(shows)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    window = np.repeat(first, counts) + offsets
    lo = np.maximum(starts[rows], opens[window])
    hi = np.minimum(ends[rows], closes[window])
    out = shows.iloc[rows].reset_index(drop=True)
    out["day"] = windows["day"].to_numpy()[window]
    out["booked"] = np.maximum(hi - lo, np.timedelta64(0, "us")) / np.timedelta64(1, "h")
    return out


def _period(days: pd.Series, freq: Freq) -> pd.Series:
    stamps = pd.to_datetime(days)
    if freq == "D":
        return stamps
    if freq == "W":
        return stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")  # the Monday
    raise ValidationError("freq", "must be 'D' (days) or 'W' (weeks from Monday)")


def _by_studio(
    services: Services,
    studio: str | Collection[str] | None,
    days: list[date],
    hours: OperatingHours | None,
    actor: Actor,
    *,
    explode: Literal["mcs"] | None = None,
) -> Iterator[tuple[Studio, pd.DataFrame, pd.DataFrame]]:
    """Each studio ``studio`` names, its operating windows over ``days`` and
    its reserving shows overlapping them."""
    for each in studios_of(services, studio, actor):
        windows = windows_of(each, days, hours)
        shows = shows_frame(
            services,
            start=windows["open"].min().to_pydatetime(),
            end=windows["close"].max().to_pydatetime(),
            studio=each.uid,
            status=RESERVING,
            explode=explode,
            actor=actor,
        )
        yield each, windows, shows


def room_utilization(
    source: Source,
    *,
    start: date,
    end: date,
    freq: Freq = "D",
    studio: str | Collection[str] | None = None,
    operating_hours: OperatingHours | None = None,
    actor: Actor = SYSTEM,
) -> pd.DataFrame:
    """Booked hours over available hours per room and operational day
    (``freq="W"``: per week, from Monday) from ``start`` to ``end``
    (exclusive), in each studio's time zone.

    Available hours are each studio's operating hours (``operating_hours``,
    by studio uid or name; default: its whole operational day), wall-clock:
    a day that gains or loses an hour to DST has one hour more or less. Booked
    hours are the reserving shows' (confirmed, live, completed) hours inside
    them; a show across midnight counts on each day it touches. Every live
    room of the studios appears, booked or not. Columns: ``studio_uid``,
    ``studio``, ``room_uid``, ``room``, ``period`` (the day, or the week's
    Monday), ``booked_hours``, ``available_hours``, ``utilization`` (0-1).
    """
    services = services_of(source)
    out: list[pd.DataFrame] = []
    for each, windows, shows in _by_studio(
        services, studio, _days(start, end), operating_hours, actor
    ):
        rooms = services.studio_rooms.list(where={"studio_uid": each.uid}, actor=actor)
        if not rooms:
            continue
        booked = _split(shows, windows).groupby(["room_uid", "day"])["booked"].sum()
        grid = pd.MultiIndex.from_product(
            [[r.uid for r in rooms], windows["day"]], names=["room_uid", "day"]
        ).to_frame(index=False)
        grid["booked_hours"] = booked.reindex(pd.MultiIndex.from_frame(grid)).fillna(0).to_numpy()
        available = (windows["close"] - windows["open"]).dt.total_seconds() / 3600
        grid["available_hours"] = grid["day"].map(dict(zip(windows["day"], available, strict=True)))
        grid["studio_uid"], grid["studio"] = each.uid, each.name
        grid["room"] = grid["room_uid"].map({r.uid: r.name for r in rooms})
        out.append(grid)
    if not out:
        columns = ["studio_uid", "studio", "room_uid", "room", "period"]
        return pd.DataFrame(columns=[*columns, "booked_hours", "available_hours", "utilization"])
    table = pd.concat(out, ignore_index=True)
    table["period"] = _period(table["day"], freq)
    keys = ["studio_uid", "studio", "room_uid", "room", "period"]
    table = table.groupby(keys, sort=False, as_index=False)[
        ["booked_hours", "available_hours"]
    ].sum()
    table["utilization"] = table["booked_hours"] / table["available_hours"]
    return table.sort_values(["studio", "room", "period"], ignore_index=True)


def mc_load(
    source: Source,
    *,
    start: date,
    end: date,
    freq: Freq = "D",
    studio: str | Collection[str] | None = None,
    back_to_back: timedelta = timedelta(minutes=30),
    actor: Actor = SYSTEM,
) -> pd.DataFrame:
    """Per MC and operational day (``freq="W"``: week from Monday) of the
    studio where each show is: ``shows``, ``hours``, ``back_to_back`` (shows
    that start less than ``back_to_back`` after the MC's previous show ended)
    and ``shortest_rest`` (the shortest gap between two of the MC's shows
    ending in that period; ``NaT`` with fewer than two). Reserving shows
    (confirmed, live, completed) from ``start`` to ``end`` (exclusive) in each
    studio's time zone."""
    services = services_of(source)
    frames = []
    for _, windows, found in _by_studio(
        services, studio, _days(start, end), None, actor, explode="mcs"
    ):
        hosted = found[found["mc_uid"].notna()]
        opens = windows["open"].to_numpy(dtype="datetime64[us]")
        index = (
            np.searchsorted(opens, hosted["start"].to_numpy(dtype="datetime64[us]"), "right") - 1
        )
        inside = index >= 0
        frames.append(hosted[inside].assign(day=windows["day"].to_numpy()[index[inside]]))
    columns = ["mc_uid", "mc", "period", "shows", "hours", "back_to_back", "shortest_rest"]
    if not frames or all(f.empty for f in frames):
        return pd.DataFrame(columns=columns)
    shows = pd.concat(frames, ignore_index=True).sort_values(["mc_uid", "start"], kind="stable")
    previous_end = shows.groupby("mc_uid")["end"].shift()
    shows["rest"] = shows["start"] - previous_end
    shows["tight"] = shows["rest"] < pd.Timedelta(back_to_back)
    shows["period"] = _period(shows["day"], freq)
    table = shows.groupby(["mc_uid", "mc", "period"], as_index=False).agg(
        shows=("show_uid", "count"),
        hours=("hours", "sum"),
        back_to_back=("tight", "sum"),
        shortest_rest=("rest", "min"),
    )
    return table[columns].sort_values(["mc", "period"], ignore_index=True)
