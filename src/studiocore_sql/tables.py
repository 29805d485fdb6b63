"""The schema: SQLAlchemy Core tables for every entity of the data model.

Table and column names follow the specification. Every table has an integer
primary key ``id`` (never shown outside this package), a unique public ``uid``,
``created_at`` / ``updated_at`` / ``deleted_at``. A foreign key ``<x>_id`` is an
integer; the core sees it as ``<x>_uid``. Lookup foreign keys
(``show_type_id``...) point at the lookup tables; the core sees the lookup's
name. Polymorphic references (taggables, comments, audits, tasks, memberships)
store the referenced record's ``uid`` in a ``<x>_uid`` column next to
``<x>_type``: one column can then point into any table, and the core's value is
stored as is. See docs/persistence.md.

What a ``Table`` cannot declare (the room exclusion constraint, the generated
range column, the MC guard and copy triggers) is in :mod:`studiocore_sql.ddl`,
attached to these tables as ``after_create`` events.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.sql.schema import SchemaItem

from studiocore.lookups import LOOKUP_SEEDS, RESERVING_STATUSES, LookupTable, ShowStatus
from studiocore_sql.types import JSONType, UIDType, UTCDateTime

__all__ = [
    "HAND_WRITTEN_DDL",
    "LOOKUP_TABLES",
    "MC_LINK_RANGE_INDEX",
    "MC_OVERLAP",
    "RESERVING_STATUS_IDS",
    "ROOM_EXCLUSION",
    "SHOW_STATUS_IDS",
    "SHOW_STATUS_NAMES",
    "TIME_RANGE",
    "metadata",
    "reserving",
]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

SHOW_STATUS_IDS: dict[ShowStatus, int] = {
    ShowStatus(name): i for i, name in enumerate(LOOKUP_SEEDS[LookupTable.SHOW_STATUS], start=1)
}
"""The ``show_status`` rows have fixed ids (seeded by migration, protected from
renaming and deletion by the services), so the exclusion constraint can name
the reserving statuses as constants."""

SHOW_STATUS_NAMES: dict[int, ShowStatus] = {v: k for k, v in SHOW_STATUS_IDS.items()}

RESERVING_STATUS_IDS: tuple[int, ...] = tuple(
    sorted(SHOW_STATUS_IDS[s] for s in RESERVING_STATUSES)
)

RESERVING_IDS_SQL = ", ".join(str(i) for i in RESERVING_STATUS_IDS)
"""The reserving status ids as an SQL list (``2, 3, 4``), for hand-written statements."""

MAX_SHOW_LENGTH = timedelta(days=7)
"""Not enforced; documents what the GiST index is tuned for."""


def _base(name: str, *items: SchemaItem) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uid", UIDType, nullable=False),
        *items,
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("uid"),
    )


def _fk(column: str, target: str, *, nullable: bool, index: bool = True) -> sa.Column[int]:
    return sa.Column(
        column,
        sa.Integer,
        sa.ForeignKey(f"{target}.id"),
        nullable=nullable,
        index=index,
    )


def _meta() -> sa.Column[object]:
    return sa.Column("metadata", JSONType, nullable=False)


def _live_unique(table: str, *columns: str, where: str = "deleted_at IS NULL") -> sa.Index:
    """A unique index over live rows only (soft-deleted rows may repeat a value)."""
    return sa.Index(
        f"uq_{table}_{'_'.join(columns)}_live" if where == "deleted_at IS NULL" else None,
        *columns,
        unique=True,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )


# --------------------------------------------------------------------------- lookups


def _lookup(name: str) -> sa.Table:
    return _base(
        name,
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        _meta(),
        _live_unique(name, "name"),
    )


LOOKUP_TABLES: dict[LookupTable, sa.Table] = {t: _lookup(t.value) for t in LookupTable}
show_status = LOOKUP_TABLES[LookupTable.SHOW_STATUS]
show_types = LOOKUP_TABLES[LookupTable.SHOW_TYPES]
show_standards = LOOKUP_TABLES[LookupTable.SHOW_STANDARDS]
schedule_status = LOOKUP_TABLES[LookupTable.SCHEDULE_STATUS]
material_types = LOOKUP_TABLES[LookupTable.MATERIAL_TYPES]
task_status = LOOKUP_TABLES[LookupTable.TASK_STATUS]
task_type = LOOKUP_TABLES[LookupTable.TASK_TYPE]
task_input_type = LOOKUP_TABLES[LookupTable.TASK_INPUT_TYPE]
change_categories = LOOKUP_TABLES[LookupTable.CHANGE_CATEGORIES]
change_types = LOOKUP_TABLES[LookupTable.CHANGE_TYPES]

# --------------------------------------------------------------------------- studios, parties

studios = _base(
    "studios",
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("address", sa.String(1000), nullable=True),
    _meta(),
    sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC"),
    sa.Column("operational_day_start_hour", sa.Integer, nullable=False, server_default="6"),
    sa.Column("room_changeover_severity", sa.String(16), nullable=False, server_default="WARN"),
    sa.Column("mc_rest_severity", sa.String(16), nullable=False, server_default="WARN"),
)

studio_rooms = _base(
    "studio_rooms",
    _fk("studio_id", "studios", nullable=False, index=False),
    sa.Column("name", sa.String(255), nullable=False),
    _meta(),
    sa.Column("changeover_minutes", sa.Integer, nullable=False, server_default="0"),
    _live_unique("studio_rooms", "studio_id", "name"),
)

clients = _base(
    "clients",
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("contact_person", sa.String(255), nullable=True),
    sa.Column("contact_email", sa.String(320), nullable=True),
    _meta(),
)

users = _base(
    "users",
    sa.Column("ext_id", sa.String(255), nullable=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("is_banned", sa.Boolean, nullable=False),
    _meta(),
    _live_unique("users", "email"),
)

memberships = _base(
    "memberships",
    _fk("user_id", "users", nullable=False),
    sa.Column("group_uid", UIDType, nullable=False, index=True),
    sa.Column("group_type", sa.String(16), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    _meta(),
)

mcs = _base(
    "mcs",
    _fk("user_id", "users", nullable=True, index=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("alias_name", sa.String(255), nullable=True),
    sa.Column("is_banned", sa.Boolean, nullable=False),
    _meta(),
    sa.Column("min_rest_minutes", sa.Integer, nullable=False, server_default="0"),
    _live_unique("mcs", "user_id"),
)

platforms = _base(
    "platforms",
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("api_config", JSONType, nullable=False),
    _meta(),
)

materials = _base(
    "materials",
    _fk("client_id", "clients", nullable=True),
    _fk("platform_id", "platforms", nullable=True),
    _fk("material_type_id", "material_types", nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.String(4000), nullable=True),
    sa.Column("resource_url", sa.String(2048), nullable=True),
    sa.Column("is_active", sa.Boolean, nullable=False),
    sa.Column("expiring_at", UTCDateTime(), nullable=True),
    sa.Column("version", sa.String(64), nullable=False),
    _meta(),
)

# --------------------------------------------------------------------------- schedules

schedules = _base(
    "schedules",
    _fk("client_id", "clients", nullable=False),
    _fk("studio_id", "studios", nullable=False),
    _fk("schedule_status_id", "schedule_status", nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.String(4000), nullable=True),
    sa.Column("start_time", UTCDateTime(), nullable=False),
    sa.Column("end_time", UTCDateTime(), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    _meta(),
    sa.Column("approved_at", UTCDateTime(), nullable=True),
    _fk("approved_by_id", "users", nullable=True, index=False),
    sa.Column("approval_note", sa.String(4000), nullable=True),
    sa.CheckConstraint("end_time > start_time", name="time_order"),
)

# --------------------------------------------------------------------------- shows

ROOM_TIME_INDEX = "ix_shows_studio_room_id_show_start"
"""A room's shows by start: searches; on PostgreSQL live shows only, covering
``show_end``, ``show_status_id`` and ``id``, so that a room's reserved slots
around a window (availability) and the room-overlap audit's window function are
index-only scans (the audit reads the heap only for the rows it flags). One
index for all three: a promotion inserts each confirmed show into one btree
fewer than with a second, reserving-only copy (persistence.md has the figure)."""

_BULK_STATUS_IDS = (SHOW_STATUS_IDS[ShowStatus.CONFIRMED], SHOW_STATUS_IDS[ShowStatus.COMPLETED])
_BULK_STATUSES_EXCLUDED = f"show_status_id NOT IN {_BULK_STATUS_IDS}"
"""``ix_shows_show_status_id`` indexes the statuses a query by status can be
selective on: drafts, live and cancelled shows. Confirmed and completed shows
are the bulk of the table, where a status index does not help a query (other
filters or a scan do); leaving them out keeps a promotion from inserting 10k
entries into it (a non-HOT update inserts into every index whose predicate the
new row version satisfies) and the index a fraction of the table's size."""

shows = _base(
    "shows",
    _fk("client_id", "clients", nullable=True),
    _fk("schedule_id", "schedules", nullable=True),
    _fk("studio_room_id", "studio_rooms", nullable=True, index=False),
    _fk("show_type_id", "show_types", nullable=False, index=False),
    _fk("show_status_id", "show_status", nullable=False, index=False),
    _fk("show_standard_id", "show_standards", nullable=False, index=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("show_start", UTCDateTime(), nullable=False),
    sa.Column("show_end", UTCDateTime(), nullable=False),
    sa.Column("external_id", sa.String(255), nullable=True),
    sa.CheckConstraint("show_end > show_start", name="time_order"),
    sa.Index(
        ROOM_TIME_INDEX,
        "studio_room_id",
        "show_start",
        postgresql_include=["show_end", "show_status_id", "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    ),
    sa.Index("ix_shows_show_start", "show_start"),
    sa.Index(
        "ix_shows_show_status_id",
        "show_status_id",
        postgresql_where=sa.text(_BULK_STATUSES_EXCLUDED),
        sqlite_where=sa.text(_BULK_STATUSES_EXCLUDED),
    ),
    sa.Index(
        "ix_shows_external_id",
        "external_id",
        postgresql_where=sa.text("external_id IS NOT NULL"),
        sqlite_where=sa.text("external_id IS NOT NULL"),
    ),
)

ROOM_EXCLUSION = "ex_shows_room_overlap"
"""The exclusion constraint refusing two reserving, live shows overlapping in one room."""

TIME_RANGE = "time_range"
"""``shows.time_range`` (PostgreSQL only): ``tstzrange(show_start, show_end,
'[)')`` as a stored generated column, the key of the room exclusion constraint.
A column rather than an expression so that reads of a room's reserved slots are
index-only scans of the constraint's GiST index (PostgreSQL cannot answer from
an index on an expression)."""

LONG_SHOWS_INDEX = "ix_shows_long"
LONG_SHOW = timedelta(days=1)
"""Reads of a room's reserved slots look up shows starting at most this long
before the window in a btree (index-only), and the rare longer shows in a small
GiST index of their own: a GiST probe scans whole pages of keys, ten times the
work of a btree range scan."""

SHOWS_FILLFACTOR = 80
"""Shows are updated several times in their life (confirmed, live, completed,
moved); room on each heap page lets a new row version stay on its page. A
promotion of 10k fresh drafts measured 17% faster than with packed pages."""


def reserving(table: sa.FromClause) -> sa.ColumnElement[bool]:
    """The predicate "reserving and live" exactly as the exclusion constraint and
    its GiST index state it (constants, so the planner can use the partial index)."""
    return sa.and_(
        table.c.show_status_id.in_([sa.literal_column(str(i)) for i in RESERVING_STATUS_IDS]),
        table.c.deleted_at.is_(None),
    )


show_mcs = _base(
    "show_mcs",
    _fk("show_id", "shows", nullable=False),
    _fk("mc_id", "mcs", nullable=False),
    sa.Column("rating", sa.Integer, nullable=True),
    sa.Column("note", sa.String(4000), nullable=True),
    _meta(),
    # Denormalized from the show, maintained by database triggers (never by the
    # adapter, never trusted from a writer): the show's interval, so that the MC
    # side of a conflict check is one indexed range lookup per MC. A status change
    # of the show does not touch these rows (confirming 10k drafts writes
    # ``shows`` only); the MC guard joins ``shows`` for the status.
    sa.Column("show_start", UTCDateTime(), nullable=True),
    sa.Column("show_end", UTCDateTime(), nullable=True),
    _live_unique("show_mcs", "show_id", "mc_id"),
)

MC_LINK_RANGE_INDEX = "ix_show_mcs_mc_range"
"""GiST over (MC, interval) of live links (PostgreSQL): the MC side of
``BookingReadModel.near`` and of the MC guard."""

MC_OVERLAP = "show_mcs_mc_overlap"
"""The name under which the MC guard (a trigger, see :mod:`studiocore_sql.ddl`)
refuses one MC on two overlapping reserving, live shows (SQLSTATE 23P01, like an
exclusion constraint)."""

HAND_WRITTEN_DDL: frozenset[str] = frozenset(
    {ROOM_EXCLUSION, TIME_RANGE, LONG_SHOWS_INDEX, MC_LINK_RANGE_INDEX}
)
"""PostgreSQL-only objects written as SQL (in the migrations and in
:mod:`studiocore_sql.ddl`), which
alembic's autogenerate/compare cannot represent: left out of schema comparison."""

show_platforms = _base(
    "show_platforms",
    _fk("show_id", "shows", nullable=False),
    _fk("platform_id", "platforms", nullable=False),
    sa.Column("live_stream_link", sa.String(2048), nullable=True),
    sa.Column("platform_show_id", sa.String(255), nullable=True),
    sa.Column("viewer_count", sa.Integer, nullable=True),
    _meta(),
    _live_unique("show_platforms", "show_id", "platform_id"),
)

show_materials = _base(
    "show_materials",
    _fk("show_id", "shows", nullable=False),
    _fk("material_id", "materials", nullable=False),
    _live_unique("show_materials", "show_id", "material_id"),
)

# --------------------------------------------------------------------------- change management

change_requests = _base(
    "change_requests",
    _fk("schedule_id", "schedules", nullable=False),
    _fk("change_category_id", "change_categories", nullable=False, index=False),
    _fk("change_type_id", "change_types", nullable=False, index=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(4000), nullable=True),
    sa.Column("payload", JSONType, nullable=False),
    _fk("requested_by_id", "users", nullable=True, index=False),
    _fk("reviewed_by_id", "users", nullable=True, index=False),
    sa.Column("decided_at", UTCDateTime(), nullable=True),
    _meta(),
)

schedule_versions = _base(
    "schedule_versions",
    _fk("schedule_id", "schedules", nullable=False, index=False),
    sa.Column("version", sa.Integer, nullable=False),
    # json, not jsonb: written once and read whole, never queried inside; json
    # stores the text as sent, jsonb parses it into a tree first
    sa.Column("snapshot", sa.JSON(), nullable=False),
    _fk("change_request_id", "change_requests", nullable=True, index=False),
    _fk("created_by_id", "users", nullable=True, index=False),
    sa.Column("note", sa.String(4000), nullable=True),
    _live_unique("schedule_versions", "schedule_id", "version"),
)

# --------------------------------------------------------------------------- tags, comments, audits

tags = _base(
    "tags",
    _fk("studio_id", "studios", nullable=True),
    sa.Column("name", sa.String(100), nullable=False),
    _meta(),
    _live_unique("tags", "studio_id", "name", where="studio_id IS NOT NULL AND deleted_at IS NULL"),
    _live_unique("tags", "name", where="studio_id IS NULL AND deleted_at IS NULL"),
)

taggables = _base(
    "taggables",
    _fk("tag_id", "tags", nullable=False),
    sa.Column("taggable_uid", UIDType, nullable=False),
    sa.Column("taggable_type", sa.String(64), nullable=False),
    sa.Index("ix_taggables_taggable_type_taggable_uid", "taggable_type", "taggable_uid"),
)

comments = _base(
    "comments",
    sa.Column("commentable_uid", UIDType, nullable=False),
    sa.Column("commentable_type", sa.String(64), nullable=False),
    _fk("owner_id", "users", nullable=False),
    _fk("parent_id", "comments", nullable=True),
    sa.Column("content", sa.String(10_000), nullable=False),
    sa.Index("ix_comments_commentable_type_commentable_uid", "commentable_type", "commentable_uid"),
)

audits = _base(
    "audits",
    _fk("user_id", "users", nullable=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("recordable_uid", UIDType, nullable=False),
    sa.Column("recordable_type", sa.String(64), nullable=False),
    sa.Column("old_values", JSONType, nullable=True),
    sa.Column("new_values", JSONType, nullable=True),
    _meta(),
    sa.Index("ix_audits_recordable_uid", "recordable_uid"),
)

# --------------------------------------------------------------------------- tasks

task_templates = _base(
    "task_templates",
    _fk("studio_id", "studios", nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.String(4000), nullable=True),
    sa.Column("is_active", sa.Boolean, nullable=False),
    _meta(),
)

task_template_items = _base(
    "task_template_items",
    _fk("task_template_id", "task_templates", nullable=False),
    _fk("task_type_id", "task_type", nullable=False, index=False),
    _fk("input_type_id", "task_input_type", nullable=False, index=False),
    sa.Column("is_required", sa.Boolean, nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.String(4000), nullable=True),
)

tasks = _base(
    "tasks",
    _fk("assignee_id", "users", nullable=True),
    sa.Column("taskable_uid", UIDType, nullable=False),
    sa.Column("taskable_type", sa.String(64), nullable=False),
    _fk("task_template_item_id", "task_template_items", nullable=True, index=False),
    _fk("task_status_id", "task_status", nullable=False, index=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.String(4000), nullable=True),
    sa.Column("due_date", UTCDateTime(), nullable=True),
    sa.Column("completed_at", UTCDateTime(), nullable=True),
    _meta(),
    sa.Index("ix_tasks_taskable_uid", "taskable_uid"),
)

# --------------------------------------------------------------------------- calendar feeds

calendar_feeds = _base(
    "calendar_feeds",
    _fk("user_id", "users", nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("target_uid", UIDType, nullable=False),
    sa.Column("drafts", sa.Boolean, nullable=False),
)

# --------------------------------------------------------------------------- notifications, webhooks

notifications = _base(
    "notifications",
    _fk("recipient_id", "users", nullable=False, index=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("subject_uid", UIDType, nullable=False),
    sa.Column("subject_type", sa.String(64), nullable=False),
    sa.Column("text", sa.String(500), nullable=False),
    sa.Column("actor_uid", UIDType, nullable=True),
    sa.Column("read_at", UTCDateTime(), nullable=True),
    _meta(),
    sa.Index("ix_notifications_recipient_id_uid", "recipient_id", "uid"),
)
"""A user's notifications: read newest first and, on reconnecting to the
stream, after an event id (a uid, which sorts by creation time)."""

webhook_endpoints = _base(
    "webhook_endpoints",
    _fk("owner_id", "users", nullable=False),
    _fk("studio_id", "studios", nullable=True),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("event_types", JSONType, nullable=False),
    sa.Column("secret", sa.String(128), nullable=False),
    sa.Column("description", sa.String(500), nullable=True),
    sa.Column("failing_since", UTCDateTime(), nullable=True),
    sa.Column("disabled_at", UTCDateTime(), nullable=True),
    _meta(),
)

webhook_deliveries = _base(
    "webhook_deliveries",
    _fk("endpoint_id", "webhook_endpoints", nullable=False),
    sa.Column("message_id", sa.String(64), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("payload", JSONType, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
    sa.Column("locked_until", UTCDateTime(), nullable=True),
    sa.Column("delivered_at", UTCDateTime(), nullable=True),
    sa.Column("attempts_log", JSONType, nullable=False),
    sa.Index(
        "ix_webhook_deliveries_due",
        "next_attempt_at",
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    ),
)
"""The webhook outbox and delivery log: a worker claims the pending rows that
are due (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) through the partial index."""
