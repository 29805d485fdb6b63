"""Hand-written DDL: what SQLAlchemy's ``Table`` objects cannot declare.

* On ``shows`` (PostgreSQL): the fill factor, the generated ``time_range``
  column, the room exclusion constraint and the GiST index of long shows.
* On ``schedule_versions`` (PostgreSQL): lz4 compression of the snapshots.
* On ``show_mcs``: the GiST index of the MC side, the triggers that copy the
  show's interval onto its links (both databases), and the MC guard
  (PostgreSQL).

Each statement is attached to its table as an ``after_create`` event, so
``metadata.create_all`` builds the same database as the migrations
(``tests/sql/test_migrations.py`` compares them). The package imports this
module, so the events are attached whenever ``studiocore_sql`` is imported.
"""

from __future__ import annotations

import sqlalchemy as sa

from studiocore_sql import tables as t

__all__ = [
    "ACCESS_CHANGED_FUNCTION",
    "AUDITS_APPEND_ONLY_POSTGRESQL",
    "AUDITS_APPEND_ONLY_SQLITE",
    "AUDITS_GUARD_OFF",
    "AUDITS_GUARD_ON",
    "POSTGRESQL_TRIGGERS",
    "SHOWS_POSTGRESQL_DDL",
    "SNAPSHOT_COMPRESSION",
    "SQLITE_TRIGGERS",
    "access_changed_trigger",
]

_RESERVING = f"show_status_id IN ({t.RESERVING_IDS_SQL}) AND deleted_at IS NULL"

SHOWS_POSTGRESQL_DDL: tuple[str, ...] = (
    f"ALTER TABLE shows SET (fillfactor = {t.SHOWS_FILLFACTOR})",
    f"""
ALTER TABLE shows ADD COLUMN {t.TIME_RANGE} tstzrange
GENERATED ALWAYS AS (tstzrange(show_start, show_end, '[)')) STORED""",
    f"""
ALTER TABLE shows ADD CONSTRAINT {t.ROOM_EXCLUSION} EXCLUDE USING gist (
    studio_room_id WITH =,
    {t.TIME_RANGE} WITH &&
) WHERE ({_RESERVING})""",
    f"""
CREATE INDEX {t.LONG_SHOWS_INDEX} ON shows USING gist (studio_room_id, {t.TIME_RANGE})
WHERE show_end - show_start > interval '{t.LONG_SHOW.days} day' AND {_RESERVING}""",
)
"""The room guarantee on PostgreSQL, written as SQL (alembic cannot represent a
generated range column or this constraint): also run by ``create_all``."""

POSTGRESQL_TRIGGERS: tuple[str, ...] = (
    # -- the index of the MC side (written by hand: alembic cannot compare expression indexes)
    f"""
CREATE INDEX {t.MC_LINK_RANGE_INDEX} ON show_mcs
USING gist (mc_id, tstzrange(show_start, show_end, '[)')) WHERE deleted_at IS NULL""",
    # -- the interval copy
    """
CREATE FUNCTION studiocore_show_mcs_copy_show() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT s.show_start, s.show_end INTO NEW.show_start, NEW.show_end
      FROM shows s WHERE s.id = NEW.show_id
       FOR SHARE;  -- wait for a concurrent change of the show, then copy its result
    RETURN NEW;
END $$""",
    """
CREATE TRIGGER show_mcs_copy_show
BEFORE INSERT OR UPDATE OF show_id, show_start, show_end ON show_mcs
FOR EACH ROW WHEN (pg_trigger_depth() = 0)
EXECUTE FUNCTION studiocore_show_mcs_copy_show()""",
    """
CREATE FUNCTION studiocore_shows_sync_show_mcs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE show_mcs SET show_start = NEW.show_start, show_end = NEW.show_end
     WHERE show_id = NEW.id;
    RETURN NULL;
END $$""",
    """
CREATE TRIGGER shows_sync_show_mcs
AFTER UPDATE OF show_start, show_end ON shows FOR EACH ROW
WHEN (OLD.show_start IS DISTINCT FROM NEW.show_start OR OLD.show_end IS DISTINCT FROM NEW.show_end)
EXECUTE FUNCTION studiocore_shows_sync_show_mcs()""",
    # -- the MC guard
    f"""
CREATE FUNCTION studiocore_assert_mcs_free(p_mc integer[], p_lo timestamptz[], p_hi timestamptz[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    clash record;
BEGIN
    -- Lock the MCs (uid order, as the adapter does), then look with a fresh
    -- snapshot: a concurrent writer of the same MC has committed or not started.
    PERFORM 1 FROM mcs WHERE id = ANY(p_mc) ORDER BY uid FOR NO KEY UPDATE;
    -- One sweep per MC over its reserving, live links in the window hull.
    SELECT (SELECT uid FROM mcs WHERE id = x.mc_id) AS mc_uid, x.show_uid INTO clash FROM (
        SELECT hit.mc_id, hit.show_uid, hit.show_start,
               max(hit.show_end) OVER (PARTITION BY hit.mc_id ORDER BY hit.show_start, hit.show_id
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
          FROM unnest(p_mc, p_lo, p_hi) AS w(mc_id, lo, hi)
         CROSS JOIN LATERAL (
            SELECT o.mc_id, o.show_id, s.uid AS show_uid, o.show_start, o.show_end
              FROM show_mcs o JOIN shows s ON s.id = o.show_id
             WHERE o.mc_id = w.mc_id AND o.deleted_at IS NULL
               AND tstzrange(o.show_start, o.show_end, '[)') && tstzrange(w.lo, w.hi, '[)')
               AND s.show_status_id IN ({t.RESERVING_IDS_SQL}) AND s.deleted_at IS NULL
            OFFSET 0) hit
    ) x WHERE x.show_start < x.prev_end LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'MC % would be on two overlapping reserving shows (one is %)',
            clash.mc_uid, clash.show_uid
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = '{t.MC_OVERLAP}';
    END IF;
END $$""",
    f"""
CREATE FUNCTION studiocore_shows_check_mcs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mc integer[]; lo timestamptz[]; hi timestamptz[];
BEGIN
    -- the shows that became reserving and live, or moved while reserving
    SELECT array_agg(g.mc_id), array_agg(g.lo), array_agg(g.hi) INTO mc, lo, hi FROM (
        SELECT sm.mc_id, min(n.show_start) AS lo, max(n.show_end) AS hi
          FROM new_shows n JOIN old_shows o ON o.id = n.id
          JOIN show_mcs sm ON sm.show_id = n.id AND sm.deleted_at IS NULL
         WHERE n.show_status_id IN ({t.RESERVING_IDS_SQL}) AND n.deleted_at IS NULL
           AND (o.show_status_id NOT IN ({t.RESERVING_IDS_SQL}) OR o.deleted_at IS NOT NULL
                OR o.show_start <> n.show_start OR o.show_end <> n.show_end)
         GROUP BY sm.mc_id) g;
    IF mc IS NOT NULL THEN
        PERFORM studiocore_assert_mcs_free(mc, lo, hi);
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE TRIGGER shows_check_mcs
AFTER UPDATE ON shows REFERENCING OLD TABLE AS old_shows NEW TABLE AS new_shows
FOR EACH STATEMENT EXECUTE FUNCTION studiocore_shows_check_mcs()""",
    f"""
CREATE FUNCTION studiocore_show_mcs_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mc integer[]; lo timestamptz[]; hi timestamptz[];
BEGIN
    -- live links of reserving, live shows that are new, or newly live, or re-pointed
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(g.mc_id), array_agg(g.lo), array_agg(g.hi) INTO mc, lo, hi FROM (
            SELECT n.mc_id, min(s.show_start) AS lo, max(s.show_end) AS hi
              FROM new_links n JOIN shows s ON s.id = n.show_id
             WHERE n.deleted_at IS NULL
               AND s.show_status_id IN ({t.RESERVING_IDS_SQL}) AND s.deleted_at IS NULL
             GROUP BY n.mc_id) g;
    ELSE
        SELECT array_agg(g.mc_id), array_agg(g.lo), array_agg(g.hi) INTO mc, lo, hi FROM (
            SELECT n.mc_id, min(s.show_start) AS lo, max(s.show_end) AS hi
              FROM new_links n JOIN old_links o ON o.id = n.id
              JOIN shows s ON s.id = n.show_id
             WHERE n.deleted_at IS NULL
               AND (o.deleted_at IS NOT NULL OR o.show_id <> n.show_id OR o.mc_id <> n.mc_id)
               AND s.show_status_id IN ({t.RESERVING_IDS_SQL}) AND s.deleted_at IS NULL
             GROUP BY n.mc_id) g;
    END IF;
    IF mc IS NOT NULL THEN
        PERFORM studiocore_assert_mcs_free(mc, lo, hi);
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE TRIGGER show_mcs_check_insert
AFTER INSERT ON show_mcs REFERENCING NEW TABLE AS new_links
FOR EACH STATEMENT EXECUTE FUNCTION studiocore_show_mcs_check()""",
    """
CREATE TRIGGER show_mcs_check_update
AFTER UPDATE ON show_mcs REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
FOR EACH STATEMENT EXECUTE FUNCTION studiocore_show_mcs_check()""",
)
"""PostgreSQL triggers of ``show_mcs``.

*The interval copy*: a link copies its show's interval on insert, reading the
show ``FOR SHARE`` (a link inserted while another transaction changes the show
waits for it and copies the committed result); a change of a show's interval is
copied to its links by a row trigger that fires only when the interval changed
(a status change, such as a promotion, writes no link).

*The MC guard* refuses one MC on two overlapping reserving, live shows, for every
writer, the library or raw SQL: after each statement that makes shows reserving,
moves reserving shows, or adds or re-points links of reserving shows, it locks
the MCs involved and sweeps their reserving links in the affected window, raising
SQLSTATE 23P01 naming :data:`MC_OVERLAP`. Row locks plus a re-read under READ
COMMITTED serialize writers per MC, which an exclusion constraint would do too,
at a quarter of the cost for a bulk promotion (no second GiST index to insert
10k links into, no rewrite of 10k link rows). See docs/persistence.md."""

_SQLITE_COPY = """
    UPDATE show_mcs SET
        show_start = (SELECT show_start FROM shows WHERE id = NEW.show_id),
        show_end = (SELECT show_end FROM shows WHERE id = NEW.show_id)
    WHERE id = NEW.id;"""

SQLITE_TRIGGERS: tuple[str, ...] = (
    f"CREATE TRIGGER show_mcs_copy_show_insert AFTER INSERT ON show_mcs BEGIN{_SQLITE_COPY}\nEND",
    f"CREATE TRIGGER show_mcs_copy_show_update AFTER UPDATE OF show_id, show_start, show_end "
    f"ON show_mcs BEGIN{_SQLITE_COPY}\nEND",
    """CREATE TRIGGER shows_sync_show_mcs AFTER UPDATE OF show_start, show_end ON shows BEGIN
    UPDATE show_mcs SET show_start = NEW.show_start, show_end = NEW.show_end
    WHERE show_id = NEW.id;
END""",
)
"""The interval copy on SQLite (writers are serialized there, so the MC guard is
the service's check under ``BEGIN IMMEDIATE``)."""


SNAPSHOT_COMPRESSION = """
DO $$ BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        EXECUTE 'ALTER TABLE schedule_versions ALTER COLUMN snapshot SET COMPRESSION lz4';
    END IF;
EXCEPTION WHEN feature_not_supported THEN NULL;  -- a server built without lz4 keeps pglz
END $$"""
"""A version snapshot (a promotion's is megabytes of JSON) is compressed with
lz4 where the server has it: several times cheaper to write than pglz, for a
slightly larger result."""


AUDITS_APPEND_ONLY_POSTGRESQL: tuple[str, ...] = (
    """
CREATE FUNCTION studiocore_audits_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on audits refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$""",
    """
CREATE TRIGGER audits_append_only
BEFORE UPDATE OR DELETE ON audits
FOR EACH ROW EXECUTE FUNCTION studiocore_audits_append_only()""",
)
"""Audit entries are never changed or deleted, whoever asks: the application, a
script, or someone at a ``psql`` prompt (only the table's owner dropping the
trigger gets past it)."""

AUDITS_APPEND_ONLY_SQLITE: tuple[str, ...] = (
    """CREATE TRIGGER audits_no_update BEFORE UPDATE ON audits BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on audits refused');
END""",
    """CREATE TRIGGER audits_no_delete BEFORE DELETE ON audits BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on audits refused');
END""",
)
"""The same refusal on SQLite."""

AUDITS_GUARD_OFF = {
    "postgresql": ("ALTER TABLE audits DISABLE TRIGGER audits_append_only",),
    "sqlite": ("DROP TRIGGER audits_no_update",),
}
AUDITS_GUARD_ON = {
    "postgresql": ("ALTER TABLE audits ENABLE TRIGGER audits_append_only",),
    "sqlite": (AUDITS_APPEND_ONLY_SQLITE[0],),
}
"""Key rotation re-seals the encrypted ``api_config`` values of the platforms'
audit entries (the same values, a new ciphertext): it lifts the UPDATE guard
for its own transaction only (DDL is transactional on both databases), and
nothing else does."""


ACCESS_CHANGED_FUNCTION = """
CREATE FUNCTION studiocore_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('studiocore_access', TG_TABLE_NAME);
    RETURN NULL;
END $$"""
"""Tells every listening server process that who-may-do-what changed (its
access cache, ``studiocore_http.access_cache``): run by a trigger on each
table of :data:`ACCESS_TABLES` after any statement that writes it (migration
0012)."""

ACCESS_TABLES = (t.users, t.memberships, t.mcs)


def access_changed_trigger(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_access_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION studiocore_access_changed()"""


def _attach(table: sa.Table, statements: tuple[str, ...], dialect: str) -> None:
    for statement in statements:
        # DDL %-formats its text: RAISE's placeholders must be escaped
        ddl = sa.DDL(statement.replace("%", "%%"))  # type: ignore[no-untyped-call]
        sa.event.listen(table, "after_create", ddl.execute_if(dialect=dialect))


_attach(t.shows, SHOWS_POSTGRESQL_DDL, "postgresql")
_attach(t.schedule_versions, (SNAPSHOT_COMPRESSION,), "postgresql")
_attach(t.show_mcs, POSTGRESQL_TRIGGERS, "postgresql")
_attach(t.show_mcs, SQLITE_TRIGGERS, "sqlite")
_attach(t.audits, AUDITS_APPEND_ONLY_POSTGRESQL, "postgresql")
_attach(t.audits, AUDITS_APPEND_ONLY_SQLITE, "sqlite")
_attach(t.users, (ACCESS_CHANGED_FUNCTION,), "postgresql")  # users are created first
for _table in ACCESS_TABLES:
    _attach(_table, (access_changed_trigger(_table.name),), "postgresql")
