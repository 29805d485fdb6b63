"""The Gantt chart of a studio's shows (:func:`gantt`), drawn with matplotlib
on a :class:`~matplotlib.figure.Figure` of its own (no global pyplot state):
notebooks show it, scripts save it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from studiocore.errors import ValidationError
from studiocore.permissions import SYSTEM, Actor

from .frames import Source, services_of, shows_frame
from .metrics import one_studio
from .slots import conflicts_frame

__all__ = ["gantt"]

_STATUS_COLOURS = {
    "draft": "#9aa5b1",
    "confirmed": "#2f6fb5",
    "live": "#c2410c",
    "completed": "#3f8f5b",
    "cancelled": "#d4d4d8",
}
_CLIENT_COLOURS = ["#2f6fb5", "#c2410c", "#3f8f5b", "#7c3aed", "#b45309", "#0f766e", "#be185d"]


def _ticks(origin: pd.Timestamp, span: float, zone: ZoneInfo) -> list[pd.Timestamp]:
    """Wall-clock hours of ``zone`` to label: every 2 hours over a day, every
    6 over three days, else every local midnight."""
    step = 2 if span <= 26 else 6 if span <= 74 else 24
    local = origin.tz_convert(zone).ceil("h")
    local = local + pd.Timedelta(hours=(-local.hour) % step)
    end = origin + pd.Timedelta(hours=span)
    found = []
    while local <= end:
        found.append(local)
        local = (local.tz_localize(None) + pd.Timedelta(hours=step)).tz_localize(
            zone, nonexistent="shift_forward", ambiguous=False
        )
    return found


def _label(at: pd.Timestamp, span: float) -> str:
    return (
        f"{at:%H:%M}"
        if span <= 26
        else f"{at:%a %d} {at:%H:%M}"
        if span <= 74
        else f"{at:%a %d %b}"
    )


def gantt(
    source: Source,
    *,
    studio: str,
    start: datetime,
    end: datetime,
    by: Literal["rooms", "mcs"] = "rooms",
    colour: Literal["status", "client"] = "status",
    actor: Actor = SYSTEM,
) -> Figure:
    """A Gantt chart of ``studio``'s shows overlapping ``[start, end)``: its
    rooms (or the MCs hosting them) on the y axis, one bar per show (per
    show and MC) coloured by status or client with a legend, drafts hatched,
    shows in a conflict outlined in red and hatched, the time axis in the
    studio's time zone. Returns the Figure (``fig.savefig("day.png")``)."""
    if by not in {"rooms", "mcs"}:
        raise ValidationError("by", "must be 'rooms' or 'mcs'")
    if colour not in {"status", "client"}:
        raise ValidationError("colour", "must be 'status' or 'client'")
    services = services_of(source)
    place = one_studio(services, studio, actor)
    studio = place.uid
    zone = ZoneInfo(place.time_zone)
    shows = shows_frame(
        services,
        start=start,
        end=end,
        studio=studio,
        explode="mcs" if by == "mcs" else None,
        actor=actor,
    )
    conflicted = {
        uid
        for pair in conflicts_frame(services, start=start, end=end, studio=studio, actor=actor)[
            "show_uids"
        ]
        for uid in pair
    }
    label = "room" if by == "rooms" else "mc"
    if by == "rooms":
        rooms = services.studio_rooms.list(where={"studio_uid": studio}, actor=actor)
        rows = sorted({r.name for r in rooms})
    else:
        shows = shows[shows["mc"].notna()]
        rows = sorted(set(shows["mc"]))
    shows = shows[shows[label].notna()]
    figure = Figure(figsize=(12, 1.2 + 0.45 * max(len(rows), 1)), layout="constrained")
    axes = figure.add_subplot()
    y = {name: i for i, name in enumerate(rows)}
    clients = sorted(set(shows["client"].dropna()))
    client_colour = {c: _CLIENT_COLOURS[i % len(_CLIENT_COLOURS)] for i, c in enumerate(clients)}
    origin = pd.Timestamp(start).tz_convert("UTC")

    def hours(at: pd.Timestamp) -> float:
        return float((at - origin).total_seconds()) / 3600

    columns = ("show_uid", "show", "status", "client", "start", "end", label)
    span = hours(pd.Timestamp(end).tz_convert("UTC"))
    for uid, name, status, client, begins, ends, row in zip(
        *(shows[c].tolist() for c in columns), strict=True
    ):
        fill = (
            _STATUS_COLOURS.get(str(status), "#9aa5b1")
            if colour == "status"
            else client_colour.get(client, "#9aa5b1")
        )
        clash = uid in conflicted
        [bar] = axes.barh(
            y[row],
            hours(ends) - hours(begins),
            left=hours(begins),
            height=0.7,
            color=fill,
            edgecolor="#b91c1c" if clash else "white",
            linewidth=2 if clash else 0.8,
            hatch="xx" if clash else ("//" if status == "draft" else None),
        ).patches
        if span <= 26:  # a day: each bar carries its show's name, cut at its end
            text = axes.text(
                hours(begins) + 0.1,
                y[row],
                name,
                va="center",
                fontsize=7,
                color="white",
                clip_on=True,
            )
            text.set_clip_path(bar)
    axes.set_yticks(range(len(rows)), labels=rows)
    axes.invert_yaxis()
    axes.set_xlim(0, span)
    ticks = _ticks(origin, span, zone)
    axes.set_xticks([hours(t) for t in ticks], labels=[_label(t, span) for t in ticks])
    axes.set_xlabel(f"Time ({place.time_zone})")
    axes.grid(axis="x", alpha=0.3)
    axes.set_title(f"{place.name}: {len(shows)} shows")
    keys = _STATUS_COLOURS if colour == "status" else client_colour
    shown = set(shows["status"].astype(str)) if colour == "status" else set(clients)
    handles = [Patch(color=c, label=k) for k, c in keys.items() if k in shown]
    if conflicted:
        handles.append(Patch(facecolor="white", edgecolor="#b91c1c", hatch="xx", label="conflict"))
    if handles:
        axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure
