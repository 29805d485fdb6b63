"""Set-based checks over the whole ``shows`` table.

>>> from studiocore_sql import SqlDatabase
>>> db = SqlDatabase("sqlite://")
>>> db.create_all()
>>> room_overlap_audit(db)
[]
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import attrs
import sqlalchemy as sa

from studiocore.lookups import RESERVING_STATUSES, ShowStatus
from studiocore_sql import tables as t
from studiocore_sql.database import SqlDatabase
from studiocore_sql.types import UTCDateTime

__all__ = ["OverlapFinding", "room_overlap_audit"]


@attrs.frozen(kw_only=True)
class OverlapFinding:
    """A live show that starts before an earlier show of its room has ended.

    ``earlier_end`` is the latest end among the earlier shows of the room."""

    show_uid: str
    room_uid: str
    show_start: datetime
    show_end: datetime
    earlier_end: datetime


def room_overlap_audit(
    db: SqlDatabase, *, statuses: Collection[ShowStatus] = RESERVING_STATUSES
) -> list[OverlapFinding]:
    """Every live show (in ``statuses``) that overlaps an earlier one of the same
    room, in one pass: a window function keeps the running maximum end per room
    (``ORDER BY show_start``, served by the ``(studio_room_id, show_start)``
    index; on PostgreSQL an index-only scan, the heap is read only for the uids
    of flagged rows), and a row whose start lies before it is flagged. With the
    default statuses PostgreSQL's exclusion constraint keeps this empty; pass
    ``{DRAFT, *RESERVING_STATUSES}`` to see which drafts collide."""
    s, r = t.shows, t.studio_rooms
    ids = sorted(t.SHOW_STATUS_IDS[ShowStatus(x)] for x in statuses)
    earlier_end = (
        sa.func.max(s.c.show_end)
        .over(
            partition_by=s.c.studio_room_id,
            order_by=s.c.show_start,
            rows=(None, -1),
        )
        .label("earlier_end")
    )
    ranked = (
        sa.select(s.c.id, s.c.studio_room_id, s.c.show_start, s.c.show_end, earlier_end)
        .where(
            s.c.deleted_at.is_(None),
            s.c.studio_room_id.is_not(None),
            s.c.show_status_id.in_([sa.literal_column(str(i)) for i in ids]),
        )
        .subquery("ranked")
    )
    flagged = s.alias("flagged")  # the uid, read only for the rows flagged
    stmt = (
        sa.select(
            flagged.c.uid,
            r.c.uid.label("room_uid"),
            ranked.c.show_start,
            ranked.c.show_end,
            ranked.c.earlier_end,
        )
        .select_from(ranked)
        .join(flagged, flagged.c.id == ranked.c.id)
        .join(r, r.c.id == ranked.c.studio_room_id)
        .where(ranked.c.earlier_end > ranked.c.show_start)
        .order_by(r.c.uid, ranked.c.show_start, flagged.c.uid)
    )
    end_type = UTCDateTime()
    with db.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    dialect = db.engine.dialect
    return [
        OverlapFinding(
            show_uid=row.uid,
            room_uid=row.room_uid,
            show_start=row.show_start,
            show_end=row.show_end,
            earlier_end=_utc(end_type, row.earlier_end, dialect),
        )
        for row in rows
    ]


def _utc(kind: sa.types.TypeDecorator[datetime], value: object, dialect: sa.Dialect) -> datetime:
    """Window results lose the column type on SQLite: convert like the column would."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    result = kind.process_result_value(value, dialect)
    assert result is not None
    return result
