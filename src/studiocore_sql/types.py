"""Column types shared by every table."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

__all__ = ["DRIVER_TIMESTAMPTZ", "JSONType", "UIDType", "UTCDateTime"]


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database.

    PostgreSQL stores ``timestamptz``. SQLite has no time zones (SQLAlchemy
    would silently drop the offset), so values are converted to naive UTC on the
    way in and marked UTC on the way out. Naive datetimes are refused.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: only timezone-aware values are stored")
        value = value.astimezone(UTC)
        if dialect.name != "postgresql":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is UTC:  # PostgreSQL sessions run in UTC (see SqlDatabase)
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


DRIVER_TIMESTAMPTZ = sa.DateTime(timezone=True)
"""``timestamptz`` as psycopg returns it (no result processor): for bulk reads on
PostgreSQL, whose sessions run in UTC, so values already are aware UTC datetimes."""

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
"""``jsonb`` on PostgreSQL, JSON text elsewhere."""

UIDType = sa.String(40).with_variant(sa.String(40, collation="C"), "postgresql")
"""Public identifiers. Bytewise collation on PostgreSQL so ``ORDER BY uid`` is
the same order as Python's (and so creation order, uids being ULIDs)."""
