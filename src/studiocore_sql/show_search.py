"""The statements of the show search (``GET /shows``, the web's lists), built
once per kind of query and reused.

A request's search differs from the previous one mostly in its values (this
studio, that week), not in its form. Building the statement anew costs more
Python than running it: the filters' expressions, then SQLAlchemy's cache key,
which it derives by walking the whole statement (five joins, fourteen columns)
to find its compiled form. So the form is built once per *shape* (which
filters are set, the status, the caller's visibility, the page's size and
start) with the values as named bound parameters, and SQLAlchemy remembers the
cache key on the statement object. LIMIT and OFFSET are written into the SQL
text (:func:`~studiocore_sql.repositories.paged`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from studiocore.entities import Show
from studiocore.lookups import ShowStatus
from studiocore.permissions import Visibility
from studiocore.ports import ShowQuery
from studiocore_sql import tables as t
from studiocore_sql.bookings import live_shows
from studiocore_sql.dialects import SqlDialect
from studiocore_sql.mapping import MAPS
from studiocore_sql.repositories import paged
from studiocore_sql.visibility import visible_rows

__all__ = ["search_count_statement", "search_page_statement", "search_values"]

VALUES = (
    "studio_uid",
    "studio_room_uid",
    "client_uid",
    "schedule_uid",
    "mc_uid",
    "start_from",
    "start_to",
    "ends_after",
)
"""The fields of :class:`~studiocore.ports.ShowQuery` that are bound as values."""

_Shape = tuple[frozenset[str], ShowStatus | None, Visibility | None, SqlDialect]


def search_values(query: ShowQuery) -> dict[str, Any]:
    """The bound values of ``query``'s statements."""
    return {name: value for name in VALUES if (value := getattr(query, name)) is not None}


def _shape(query: ShowQuery, dialect: SqlDialect) -> _Shape:
    return frozenset(search_values(query)), query.status, query.visible, dialect


def search_page_statement(
    query: ShowQuery, dialect: SqlDialect, limit: int | None, offset: int
) -> sa.Select[Any]:
    """The page of ``query``'s shows, ordered by ``(show_start, uid)``."""
    return _page(_shape(query, dialect), limit, offset)


def search_count_statement(query: ShowQuery, dialect: SqlDialect) -> sa.Select[Any]:
    """How many shows ``query`` selects."""
    return _count(_shape(query, dialect))


@lru_cache(maxsize=512)
def _page(shape: _Shape, limit: int | None, offset: int) -> sa.Select[Any]:
    s = t.shows
    stmt = MAPS[Show].select.where(*_conditions(*shape)).order_by(s.c.show_start, s.c.uid)
    return paged(stmt, limit, offset)


@lru_cache(maxsize=256)
def _count(shape: _Shape) -> sa.Select[Any]:
    return sa.select(sa.func.count()).select_from(t.shows).where(*_conditions(*shape))


def _conditions(
    present: frozenset[str],
    status: ShowStatus | None,
    visible: Visibility | None,
    dialect: SqlDialect,
) -> list[sa.ColumnElement[bool]]:
    s = t.shows

    def bound(name: str) -> Any:
        return sa.bindparam(name) if name in present else None

    conditions = live_shows(
        status=status,
        schedule_uid=bound("schedule_uid"),
        studio_uid=bound("studio_uid"),
        room_uid=bound("studio_room_uid"),
        client_uid=bound("client_uid"),
    )
    if "start_from" in present:
        conditions.append(s.c.show_start >= sa.bindparam("start_from"))
    if "start_to" in present:
        conditions.append(s.c.show_start < sa.bindparam("start_to"))
    if "ends_after" in present:
        conditions.append(s.c.show_end > sa.bindparam("ends_after"))
    if visible is not None:
        conditions.append(visible_rows(Show, visible, dialect))
    if "mc_uid" in present:
        links = t.show_mcs
        mc_id = sa.select(t.mcs.c.id).where(t.mcs.c.uid == sa.bindparam("mc_uid"))
        conditions.append(
            sa.exists().where(
                links.c.show_id == s.c.id,
                links.c.deleted_at.is_(None),
                links.c.mc_id == mc_id.scalar_subquery(),
            )
        )
    return conditions
