"""The in-memory adapter's show export (:meth:`BookingReadModel.export_shows`):
the in-memory tables written as the CSV tables of a
:class:`~studiocore.ports.ShowExport` (internal)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any, cast

from studiocore.access.scope import scope_of
from studiocore.entities import Show
from studiocore.ports import ShowExport, ShowExportQuery

if TYPE_CHECKING:
    from studiocore.adapters.memory import InMemoryUnitOfWork

__all__ = ["export_shows"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(at: datetime) -> int:
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _csv(rows: Iterable[Iterable[object]]) -> IO[bytes]:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(
        ["" if v is None else v for v in row] for row in rows
    )
    return io.BytesIO(out.getvalue().encode())


def _selected(uow: InMemoryUnitOfWork, show: Show, query: ShowExportQuery, **of: Any) -> bool:
    window = query.window
    if show.deleted_at is not None or not (
        show.show_start < window.end and window.start < show.show_end
    ):
        return False
    wanted = (
        (query.statuses, show.show_status),
        (query.room_uids, show.studio_room_uid),
        (query.studio_uids, of["studio"]),
        (query.client_uids, show.client_uid),
        (query.schedule_uids, show.schedule_uid),
    )
    if any(allowed is not None and value not in allowed for allowed, value in wanted):
        return False
    if query.mc_uids is not None and not query.mc_uids & of["mcs"]:
        return False
    return query.visible is None or query.visible.shows(show.uid, scope_of(uow, show))


def export_shows(uow: InMemoryUnitOfWork, query: ShowExportQuery) -> ShowExport:
    """The shows ``query`` selects, as CSV tables."""
    tables = cast(Mapping[str, Mapping[str, Any]], uow.db.tables)

    def live(name: str) -> Mapping[str, Any]:
        return {uid: e for uid, e in tables[name].items() if e.deleted_at is None}

    rooms, studios = tables["studio_rooms"], tables["studios"]
    clients, schedules = tables["clients"], tables["schedules"]
    mcs, platforms = tables["mcs"], tables["platforms"]
    hosts: dict[str, list[Any]] = {}
    for link in live("show_mcs").values():
        hosts.setdefault(link.show_uid, []).append(link)
    streams: dict[str, list[Any]] = {}
    for link in live("show_platforms").values():
        streams.setdefault(link.show_uid, []).append(link)

    def name(table: Mapping[str, Any], uid: str | None) -> str | None:
        found = table.get(uid) if uid is not None else None
        return None if found is None else cast(str, found.name)

    picked: list[Show] = []
    for show in cast(Mapping[str, Show], tables["shows"]).values():
        room = rooms.get(show.studio_room_uid or "")
        studio = room.studio_uid if room is not None else None
        mine = frozenset(link.mc_uid for link in hosts.get(show.uid, ()))
        if _selected(uow, show, query, studio=studio, mcs=mine):
            picked.append(show)
    picked.sort(key=lambda s: (s.show_start, s.uid))
    show_rows = []
    for show in picked:
        room = rooms.get(show.studio_room_uid or "")
        studio = studios.get(room.studio_uid) if room is not None else None
        show_rows.append(
            (
                show.uid,
                show.name,
                show.show_status.value,
                _micros(show.show_start),
                _micros(show.show_end),
                studio.uid if studio else None,
                studio.name if studio else None,
                studio.time_zone if studio else None,
                show.studio_room_uid,
                room.name if room is not None else None,
                show.client_uid,
                name(clients, show.client_uid),
                show.schedule_uid,
                name(schedules, show.schedule_uid),
            )
        )
    mc_rows = [
        (show.uid, link.mc_uid, name(mcs, link.mc_uid))
        for show in picked
        for link in hosts.get(show.uid, ())
    ]
    platform_rows = [
        (show.uid, link.platform_uid, name(platforms, link.platform_uid))
        for show in picked
        for link in streams.get(show.uid, ())
    ]
    return ShowExport(_csv(show_rows), _csv(mc_rows), _csv(platform_rows))
