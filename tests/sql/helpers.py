"""Small builders for the SQL adapter's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from studiocore import Show, ShowStatus
from tests.support.builders import make

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def at(hours: float) -> datetime:
    """``T0`` plus ``hours``."""
    return T0 + timedelta(hours=hours)


def show(
    room_uid: str | None,
    start: float,
    end: float,
    status: ShowStatus = ShowStatus.CONFIRMED,
    name: str = "Show",
) -> Show:
    """A show from hour ``start`` to hour ``end`` after ``T0``."""
    made: Show = make(
        Show,
        studio_room_uid=room_uid,
        show_status=status,
        name=name,
        show_start=at(start),
        show_end=at(end),
    )
    return made


ROOM_DOUBLE_BOOKINGS = sa.text(
    """
    SELECT a.uid, b.uid FROM shows a
    JOIN shows b ON b.studio_room_id = a.studio_room_id AND a.id < b.id
     AND a.show_start < b.show_end AND b.show_start < a.show_end
    WHERE a.deleted_at IS NULL AND b.deleted_at IS NULL
      AND a.show_status_id IN (2, 3, 4) AND b.show_status_id IN (2, 3, 4)
    """
)
"""Every pair of reserving, live shows overlapping in one room."""

MC_DOUBLE_BOOKINGS = sa.text(
    """
    SELECT a.uid, b.uid, ma.mc_id FROM show_mcs ma
    JOIN show_mcs mb ON mb.mc_id = ma.mc_id AND ma.show_id < mb.show_id
    JOIN shows a ON a.id = ma.show_id
    JOIN shows b ON b.id = mb.show_id
    WHERE ma.deleted_at IS NULL AND mb.deleted_at IS NULL
      AND a.deleted_at IS NULL AND b.deleted_at IS NULL
      AND a.show_status_id IN (2, 3, 4) AND b.show_status_id IN (2, 3, 4)
      AND a.show_start < b.show_end AND b.show_start < a.show_end
    """
)
"""Every pair of reserving, live shows overlapping with one MC."""
