"""Shows as a pandas DataFrame: :func:`shows_frame`, and where its data comes
from (:func:`services_of`)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from importlib.metadata import entry_points
from typing import IO, Literal

import pandas as pd

from studiocore.entities import Studio
from studiocore.errors import ValidationError
from studiocore.lookups import ShowStatus
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import SHOW_EXPORT_COLUMNS, ShowExport, ShowExportQuery, UnitOfWork
from studiocore.services import Services
from studiocore.timeslot import TimeSlot

__all__ = ["SHOW_COLUMNS", "Source", "services_of", "shows_frame", "studios_of"]

Source = Services | Callable[[], UnitOfWork] | str
"""Where an analysis reads: a :class:`~studiocore.Services`, a unit-of-work
factory (an ``InMemoryDatabase``, a ``studiocore_sql.SqlDatabase``) or a
database URL (``sqlite:///studio.db``, ``postgresql+psycopg://...``)."""

SHOW_COLUMNS = (
    "show_uid",
    "show",
    "status",
    "studio_uid",
    "studio",
    "room_uid",
    "room",
    "client_uid",
    "client",
    "schedule_uid",
    "schedule",
    "start",
    "end",
    "time_zone",
    "local_start",
    "local_end",
    "duration",
    "hours",
    "mc_uids",
    "mcs",
    "platform_uids",
    "platforms",
)
"""The columns of :func:`shows_frame`, in order."""

_RENAMED = {
    "show_name": "show",
    "studio_name": "studio",
    "room_name": "room",
    "client_name": "client",
    "schedule_name": "schedule",
}


def services_of(source: Source) -> Services:
    """The :class:`~studiocore.Services` reading ``source``. A URL is opened
    with the database adapter registered for its scheme (the
    ``studiocore.databases`` entry points; ``studiocore[sql]`` registers
    ``sqlite`` and ``postgresql``), not migrated."""
    if isinstance(source, Services):
        return source
    if isinstance(source, str):
        scheme = source.split(":", 1)[0].split("+", 1)[0]
        found = {e.name: e for e in entry_points(group="studiocore.databases")}
        if scheme not in found:
            known = ", ".join(sorted(found)) or "none (pip install 'studiocore[sql]')"
            raise ValidationError("source", f"no database adapter for {scheme!r}; known: {known}")
        return Services(found[scheme].load()(source))
    return Services(source)


def studios_of(
    services: Services, studio: str | Collection[str] | None, actor: Actor
) -> list[Studio]:
    """The live studios ``studio`` names (by uid or name; ``None``: all) that
    the actor may see, by name."""
    wanted = None if studio is None else ({studio} if isinstance(studio, str) else set(studio))
    found = [
        s
        for s in services.studios.list(actor=actor)
        if wanted is None or s.uid in wanted or s.name in wanted
    ]
    return sorted(found, key=lambda s: (s.name, s.uid))


def _uids(value: str | Collection[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset({value} if isinstance(value, str) else value)


def _statuses(value: str | Collection[str] | None) -> frozenset[ShowStatus] | None:
    names = _uids(value)
    if names is None:
        return None
    try:
        return frozenset(ShowStatus(n) for n in names)
    except ValueError:
        known = ", ".join(s.value for s in ShowStatus)
        raise ValidationError("status", f"must be one of {known}") from None


def _table(data: IO[bytes], columns: tuple[str, ...], micros: tuple[str, ...] = ()) -> pd.DataFrame:
    """A CSV table of an export, parsed as it streams from its file."""
    types = {c: ("int64" if c in micros else "string") for c in columns}
    if not data.read(1):
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in types.items()})
    data.seek(0)
    return pd.read_csv(
        data, header=None, names=list(columns), dtype=types, keep_default_na=False,
        na_values=[""],
    )  # fmt: skip


def frame_of_export(export: ShowExport) -> pd.DataFrame:
    """:func:`shows_frame`'s frame of an export (internal)."""
    shows = _table(export.shows, SHOW_EXPORT_COLUMNS["shows"], ("start_us", "end_us"))
    start = pd.to_datetime(shows.pop("start_us"), unit="us", utc=True)
    end = pd.to_datetime(shows.pop("end_us"), unit="us", utc=True)
    shows = shows.rename(columns=_RENAMED)
    shows["status"] = pd.Categorical(shows["status"], categories=[s.value for s in ShowStatus])
    shows["start"], shows["end"] = start, end
    shows["local_start"], shows["local_end"] = _local(shows, start), _local(shows, end)
    shows["duration"] = end - start
    shows["hours"] = (end - start).dt.total_seconds() / 3600
    keys = shows["show_uid"].tolist()
    for name, uid, label in (
        ("mcs", "mc_uid", "mc_name"),
        ("platforms", "platform_uid", "platform_name"),
    ):
        links = _table(getattr(export, name), SHOW_EXPORT_COLUMNS[name])
        links = links.sort_values([label, uid], kind="stable")
        uids, labels = _lists(keys, links["show_uid"], links[uid], links[label])
        shows[f"{name.removesuffix('s')}_uids"] = pd.Series(uids, index=shows.index, dtype=object)
        shows[name] = pd.Series(labels, index=shows.index, dtype=object)
    return shows[list(SHOW_COLUMNS)]


def _lists(
    keys: list[object], owners: pd.Series, uids: pd.Series, labels: pd.Series
) -> tuple[list[list[object]], list[list[object]]]:
    """For each key, the ``uids`` and ``labels`` of the links it ``owners``,
    in order (a plain loop: a group-by with ``list`` builds a Series per
    group)."""
    if owners.empty:
        return [[] for _ in keys], [[] for _ in keys]
    found: dict[object, tuple[list[object], list[object]]] = {}
    for owner, uid, label in zip(owners.tolist(), uids.tolist(), labels.tolist(), strict=True):
        pair = found.get(owner)
        if pair is None:
            pair = found[owner] = ([], [])
        pair[0].append(uid)
        pair[1].append(label)
    pairs = [found.get(key) or ([], []) for key in keys]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _local(shows: pd.DataFrame, instants: pd.Series) -> pd.Series:
    """``instants`` as wall-clock times in each row's ``time_zone`` (naive:
    the zone is the row's ``time_zone``; no zone, UTC)."""
    out = pd.Series(pd.NaT, index=shows.index, dtype="datetime64[us]")
    zones = shows["time_zone"].fillna("UTC")
    for zone, rows in zones.groupby(zones, sort=False).groups.items():
        out.loc[rows] = instants.loc[rows].dt.tz_convert(str(zone)).dt.tz_localize(None)
    return out


def shows_frame(
    source: Source,
    *,
    start: datetime,
    end: datetime,
    studio: str | Collection[str] | None = None,
    room: str | Collection[str] | None = None,
    client: str | Collection[str] | None = None,
    mc: str | Collection[str] | None = None,
    status: str | Collection[str] | None = None,
    schedule: str | Collection[str] | None = None,
    explode: Literal["mcs"] | None = None,
    actor: Actor = SYSTEM,
) -> pd.DataFrame:
    """One row per live show overlapping ``[start, end)`` that ``actor`` may
    see, with the uids and names of its studio, room, client and schedule, its
    status, its start and end (aware, UTC; ``local_start``/``local_end`` the
    wall-clock times in the studio's ``time_zone``), its duration and hours,
    and lists of its MCs and platforms (uids, and names sorted). Filters take a
    uid (or a status; a studio also by its name) or a collection of them. ``explode="mcs"``: one row per
    show and MC (``mc_uid``, ``mc``; a show without MC keeps one row).

    Three queries whatever the number of shows (see
    :meth:`~studiocore.ports.BookingReadModel.export_shows`).

    >>> from datetime import datetime, UTC
    >>> from studiocore import Services
    >>> services = Services.in_memory()
    >>> studio = services.studios.create("Seoul Main", time_zone="Asia/Seoul")
    >>> room = services.studio_rooms.create(studio.uid, "Studio A")
    >>> _ = services.shows.create("Launch", datetime(2026, 3, 2, 1, tzinfo=UTC),
    ...                           datetime(2026, 3, 2, 3, tzinfo=UTC), studio_room_uid=room.uid)
    >>> frame = shows_frame(services, start=datetime(2026, 3, 2, tzinfo=UTC),
    ...                     end=datetime(2026, 3, 3, tzinfo=UTC))
    >>> frame[["show", "room", "local_start", "hours"]].to_string(index=False)
    '  show     room         local_start  hours\\nLaunch Studio A 2026-03-02 10:00:00    2.0'
    """
    services = services_of(source)
    if studio is not None:  # uids or names
        studio = [s.uid for s in studios_of(services, studio, actor)] or [""]
    query = ShowExportQuery(
        window=TimeSlot(start, end),
        studio_uids=_uids(studio),
        room_uids=_uids(room),
        client_uids=_uids(client),
        schedule_uids=_uids(schedule),
        mc_uids=_uids(mc),
        statuses=_statuses(status),
    )
    with services.scheduling.export_shows(query, actor=actor) as export:
        frame = frame_of_export(export)
    if explode is None:
        return frame
    if explode != "mcs":
        raise ValidationError("explode", "must be 'mcs' or None")
    pairs = frame.assign(mc_uid=frame["mc_uids"], mc=frame["mcs"])
    pairs = pairs.explode(["mc_uid", "mc"], ignore_index=True)
    return pairs.drop(columns=["mc_uids", "mcs"])
