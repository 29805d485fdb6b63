"""Index shows by status only for the statuses such an index helps with.

``ix_shows_show_status_id`` covered every row. Confirmed and completed shows
are the bulk of the table, where a query by status is not selective and uses
another index or a scan; the index now leaves them out (``WHERE show_status_id
NOT IN (2, 4)``: confirmed, completed, as seeded in 0002). Drafts, live and
cancelled shows stay indexed. Confirming 10k drafts no longer inserts 10k
entries into it.

Create Date: 2026-11-23 07:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"

PREDICATE = "show_status_id NOT IN (2, 4)"


def upgrade() -> None:
    op.drop_index("ix_shows_show_status_id", table_name="shows")
    op.execute(f"CREATE INDEX ix_shows_show_status_id ON shows (show_status_id) WHERE {PREDICATE}")


def downgrade() -> None:
    op.drop_index("ix_shows_show_status_id", table_name="shows")
    op.create_index("ix_shows_show_status_id", "shows", ["show_status_id"])
