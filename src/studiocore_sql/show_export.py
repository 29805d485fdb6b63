"""The show export of analysis (:meth:`BookingReadModel.export_shows`): three
statements, whatever the number of shows (the shows with their names, their
MC links, their platform links), each written as CSV by the database itself
where it can (PostgreSQL's ``COPY ... TO STDOUT``)."""

from __future__ import annotations

from collections.abc import Collection
from typing import IO, Any

import sqlalchemy as sa

from studiocore.entities import Show
from studiocore.ports import ShowExport, ShowExportQuery

from . import tables as t
from .session import SqlSession
from .visibility import visible_rows

__all__ = ["export_shows"]


def _in(column: sa.ColumnElement[Any], target: sa.Table, uids: Collection[str]) -> Any:
    return column.in_(sa.select(target.c.id).where(target.c.uid.in_(sorted(uids))))


def _conditions(session: SqlSession, query: ShowExportQuery) -> list[Any]:
    s = t.shows
    window = query.window
    found: list[Any] = [
        s.c.deleted_at.is_(None),
        s.c.show_start < window.end,
        s.c.show_end > window.start,
    ]
    if query.statuses is not None:
        found.append(s.c.show_status_id.in_(sorted(t.SHOW_STATUS_IDS[x] for x in query.statuses)))
    for column, target, uids in (
        (s.c.studio_room_id, t.studio_rooms, query.room_uids),
        (s.c.client_id, t.clients, query.client_uids),
        (s.c.schedule_id, t.schedules, query.schedule_uids),
    ):
        if uids is not None:
            found.append(_in(column, target, uids))
    if query.studio_uids is not None:
        rooms = sa.select(t.studio_rooms.c.id).where(
            _in(t.studio_rooms.c.studio_id, t.studios, query.studio_uids)
        )
        found.append(s.c.studio_room_id.in_(rooms))
    if query.mc_uids is not None:
        sm = t.show_mcs
        hosted = sa.select(sm.c.show_id).where(
            sm.c.deleted_at.is_(None), _in(sm.c.mc_id, t.mcs, query.mc_uids)
        )
        found.append(s.c.id.in_(hosted))
    if query.visible is not None:
        found.append(visible_rows(Show, query.visible, session.dialect))
    return found


def export_shows(session: SqlSession, query: ShowExportQuery) -> ShowExport:
    """The shows ``query`` selects, as the CSV tables of a :class:`ShowExport`."""
    s, r, st, c, sc = t.shows, t.studio_rooms, t.studios, t.clients, t.schedules
    conditions = _conditions(session, query)
    micros = session.dialect.epoch_micros
    status = sa.case(
        *((s.c.show_status_id == i, status.value) for status, i in t.SHOW_STATUS_IDS.items())
    )
    shows = (
        sa.select(
            s.c.uid,
            s.c.name,
            status,
            micros(s.c.show_start),
            micros(s.c.show_end),
            st.c.uid,
            st.c.name,
            st.c.time_zone,
            r.c.uid,
            r.c.name,
            c.c.uid,
            c.c.name,
            sc.c.uid,
            sc.c.name,
        )
        .select_from(
            s.outerjoin(r, r.c.id == s.c.studio_room_id)
            .outerjoin(st, st.c.id == r.c.studio_id)
            .outerjoin(c, c.c.id == s.c.client_id)
            .outerjoin(sc, sc.c.id == s.c.schedule_id)
        )
        .where(*conditions)
        .order_by(s.c.show_start, s.c.uid)
    )
    picked = sa.select(s.c.id).where(*conditions)

    def links(link: sa.Table, target: sa.Table, column: str) -> sa.Select[Any]:
        return (
            sa.select(s.c.uid, target.c.uid, target.c.name)
            .select_from(
                link.join(s, s.c.id == link.c.show_id).join(
                    target, target.c.id == link.c.get(column)
                )
            )
            .where(link.c.deleted_at.is_(None), link.c.show_id.in_(picked))
            .order_by(s.c.uid, target.c.uid)
        )

    def csv(statement: sa.Select[Any]) -> IO[bytes]:
        return session.dialect.export_csv(session.connection, statement)

    return ShowExport(
        shows=csv(shows),
        mcs=csv(links(t.show_mcs, t.mcs, "mc_id")),
        platforms=csv(links(t.show_platforms, t.platforms, "platform_id")),
    )
