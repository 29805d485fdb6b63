"""The PostgreSQL strategy: arrays for sets, savepoints around writes the
database may refuse, row locks, one-statement inserts and read models.

Sets of uids or ids are one array parameter unnested in a subquery (the planner
then probes the index per value; ``= ANY(array)`` with thousands of values made
it scan the 1M-row table), sent in binary (a psycopg dumper registered on each
connection: the text format escapes every element in Python). Sessions run in UTC, so ``timestamptz`` values arrive as aware UTC
datetimes and bulk reads skip SQLAlchemy's per-value conversion. See
docs/persistence.md for the statements below and what they cost.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import IO, Any, ClassVar, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from studiocore.ports import Booking, BookingQuery, ScheduledShow
from studiocore.scheduling.detector import near_in_lanes
from studiocore.timeslot import TimeSlot
from studiocore_sql import tables as t
from studiocore_sql.dialects import (
    BookingSource,
    Columns,
    Row,
    Runner,
    SqlDialect,
    Values,
    Windows,
    spool,
)
from studiocore_sql.types import DRIVER_TIMESTAMPTZ

__all__ = ["NEAR_SQL", "OCCUPANCY_SQL", "PostgresDialect"]

V = TypeVar("V")

NEAR_SQL = sa.text(
    f"""
    WITH cr AS (
        SELECT * FROM unnest(CAST(:room_uids AS text[]), CAST(:room_lo AS timestamptz[]),
                             CAST(:room_hi AS timestamptz[])) AS cr(uid, lo, hi)
    ), cm AS (
        SELECT * FROM unnest(CAST(:mc_uids AS text[]), CAST(:mc_lo AS timestamptz[]),
                             CAST(:mc_hi AS timestamptz[])) AS cm(uid, lo, hi)
    )
    SELECT hit.id, cr.uid, hit.show_start, hit.show_end FROM cr
      JOIN studio_rooms r ON r.uid = cr.uid
      CROSS JOIN LATERAL (
        SELECT s.id, s.show_start, s.show_end FROM shows s
         WHERE s.studio_room_id = r.id
           AND s.time_range && tstzrange(cr.lo, cr.hi, '[)')
           AND s.show_status_id IN ({t.RESERVING_IDS_SQL}) AND s.deleted_at IS NULL
           AND s.id NOT IN (SELECT unnest(CAST(:skip AS integer[])))
        OFFSET 0
      ) hit
    UNION ALL
    SELECT hit.show_id, cm.uid, hit.show_start, hit.show_end FROM cm
      JOIN mcs m ON m.uid = cm.uid
      CROSS JOIN LATERAL (
        SELECT sm.show_id, sm.show_start, sm.show_end FROM show_mcs sm
          JOIN shows s ON s.id = sm.show_id
         WHERE sm.mc_id = m.id
           AND tstzrange(sm.show_start, sm.show_end, '[)') && tstzrange(cm.lo, cm.hi, '[)')
           AND sm.deleted_at IS NULL
           AND sm.show_id NOT IN (SELECT unnest(CAST(:skip AS integer[])))
           AND s.show_status_id IN ({t.RESERVING_IDS_SQL}) AND s.deleted_at IS NULL
        OFFSET 0
      ) hit
    """
)
"""The reserving, live shows overlapping probe windows of rooms and of MCs: a
``UNION ALL`` (not an ``OR``, which makes the planner scan) of a room branch and
an MC branch. Each window looks up a GiST index (the room exclusion
constraint's on ``shows``, ``ix_show_mcs_mc_range`` on the MC links) through a
``LATERAL`` subquery fenced with ``OFFSET 0`` (else the planner flattens it
into a hash join that filters every pair). ``:skip`` are show ids left out:
a promotion's drafts, whose own MC links fill the MC windows (left out
before their shows are looked up)."""


OCCUPANCY_SQL = sa.text(
    """
    SELECT st.room_changeover_severity, r.uid, r.name, r.changeover_minutes,
           b.show_start, b.show_end
      FROM studios st
      LEFT JOIN studio_rooms r ON r.studio_id = st.id AND r.deleted_at IS NULL
      LEFT JOIN LATERAL (
        -- shows starting at most a day before the widened window: an
        -- index-only range scan of ix_shows_studio_room_id_show_start ...
        SELECT s.show_start, s.show_end FROM shows s
         WHERE s.studio_room_id = r.id
           AND s.show_start >= CAST(:lo AS timestamptz)
               - make_interval(mins => r.changeover_minutes) - interval '{long_show}'
           AND s.show_start < CAST(:hi AS timestamptz)
               + make_interval(mins => r.changeover_minutes)
           AND s.show_end > CAST(:lo AS timestamptz)
               - make_interval(mins => r.changeover_minutes)
           AND s.show_status_id IN ({reserving}) AND s.deleted_at IS NULL
        UNION ALL
        -- ... and longer shows starting before that: ix_shows_long (GiST)
        SELECT lower(s.time_range), upper(s.time_range) FROM shows s
         WHERE s.studio_room_id = r.id
           AND s.show_end - s.show_start > interval '{long_show}'
           AND s.show_start < CAST(:lo AS timestamptz)
               - make_interval(mins => r.changeover_minutes) - interval '{long_show}'
           AND s.time_range && tstzrange(
               CAST(:lo AS timestamptz) - make_interval(mins => r.changeover_minutes),
               CAST(:hi AS timestamptz) + make_interval(mins => r.changeover_minutes), '[)')
           AND s.show_status_id IN ({reserving}) AND s.deleted_at IS NULL
      ) b ON true
     WHERE st.uid = :uid AND st.deleted_at IS NULL
    """.format(
        reserving=t.RESERVING_IDS_SQL,
        long_show=f"{t.LONG_SHOW.days} day",
    )
).columns(
    sa.column("room_changeover_severity", sa.String()),
    sa.column("uid", sa.String()),
    sa.column("name", sa.String()),
    sa.column("changeover_minutes", sa.Integer()),
    sa.column("show_start", DRIVER_TIMESTAMPTZ),  # sessions run in UTC: no conversion
    sa.column("show_end", DRIVER_TIMESTAMPTZ),
)
"""A studio, its live rooms (``LEFT JOIN``: a studio without rooms still
answers) and, per room, the reserving shows around the window widened by the
room's changeover: an index-only range scan of
``ix_shows_studio_room_id_show_start`` for shows starting at most a day before,
plus the rare longer ones from ``ix_shows_long``."""


def _json_default(value: object) -> str:
    """Datetimes in the recordset's JSON: ISO 8601 in UTC (aware ones only)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: only timezone-aware values are stored")
        return value.astimezone(UTC).isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _recordset_insert(table: sa.Table) -> sa.Insert:
    """``INSERT INTO table (...) SELECT ... FROM jsonb_to_recordset(:rows) AS
    r(<every column but id, typed as the table types it>) ON CONFLICT (uid) DO
    NOTHING RETURNING uid``: every row in one JSON parameter, one fixed statement whatever the
    number of rows (a multi-row ``VALUES`` list makes psycopg parse a new query
    of thousands of placeholders per batch; this costs a ``json.dumps``)."""
    columns = [c for c in table.columns if c.name != "id"]
    rows = sa.cast(sa.bindparam("rows", type_=sa.Text()), postgresql.JSONB)
    recordset = (
        sa.func.jsonb_to_recordset(rows)
        .table_valued(*(sa.column(c.name, c.type) for c in columns))
        .render_derived(with_types=True)
    )
    return (
        postgresql.insert(table)
        .from_select([c.name for c in columns], sa.select(*recordset.c))
        .on_conflict_do_nothing(index_elements=["uid"])
        .returning(table.c.uid)
    )


class PostgresDialect(SqlDialect):
    """PostgreSQL 13+ through psycopg 3."""

    name: ClassVar[str] = "postgresql"
    aborts_on_error: ClassVar[bool] = True
    read_only_options: ClassVar[dict[str, Any]] = {"isolation_level": "AUTOCOMMIT"}
    code_point_collation: ClassVar[str] = "C"
    """Every statement on its own: no ``BEGIN``/``COMMIT`` round trips (at READ
    COMMITTED each statement sees the latest commits anyway)."""

    def __init__(self) -> None:
        self._recordset_inserts: dict[str, sa.Insert] = {}

    # -- the engine ---------------------------------------------------------------------

    def engine_options(
        self, url: sa.URL, *, connect_timeout: float, pool: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        args = {
            "connect_timeout": max(1, round(connect_timeout)),
            # Sessions in UTC: timestamptz values arrive already in UTC, so reading
            # them needs no conversion (and date arithmetic in SQL is in UTC).
            # No JIT: the planner's estimates for the promotion's conflict sweep
            # cross jit_above_cost, and compiling it took longer than running it
            # (docs/persistence.md); no statement of the library gains from JIT.
            # ``connect_args`` can override both (``{"options": "-c jit=on"}``).
            "options": "-c timezone=UTC -c jit=off",
        }
        return args, pool

    def prepare(self, engine: sa.Engine, *, ping_idle_after: float | None = None) -> None:
        sa.event.listen(engine, "connect", _binary_arrays)
        if ping_idle_after is not None:
            sa.event.listen(engine, "connect", _mark_idle)
            sa.event.listen(engine, "checkin", _mark_idle)
            sa.event.listen(engine, "checkout", _ping_if_idle(engine.dialect, ping_idle_after))

    def fetch_together(
        self, conn: sa.Connection, queries: Sequence[tuple[sa.Select[Any], Mapping[str, Any]]]
    ) -> list[list[Sequence[Any]]] | None:
        from studiocore_sql.pipeline import fetch_pipelined  # needs psycopg

        return fetch_pipelined(conn, queries)

    def create_schema(self, conn: sa.Connection, metadata: sa.MetaData) -> None:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist")
        metadata.create_all(conn)

    # -- writes -------------------------------------------------------------------------

    def insert_new(self, table: sa.Table) -> sa.Insert:
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=["uid"])

    def insert_many(self, runner: Runner, table: sa.Table, rows: Sequence[Values]) -> list[str]:
        stmt = self._recordset_inserts.get(table.name)
        if stmt is None:
            stmt = self._recordset_inserts[table.name] = _recordset_insert(table)
        result = runner.execute(stmt, {"rows": json.dumps(rows, default=_json_default)})
        return list(result.scalars())

    def insert_copies(self, runner: Runner, table: sa.Table, row: Values, varying: Columns) -> None:
        # INSERT ... SELECT <the row's values, bound once>, u.* FROM unnest(arrays):
        # one statement, nothing repeated per copy but the varying columns; a
        # plain INSERT (the uids are fresh): no speculative insertion, no RETURNING
        arrays = (
            sa.func.unnest(
                *(
                    sa.bindparam(
                        f"v_{name}", list(values), type_=postgresql.ARRAY(table.c[name].type)
                    )
                    for name, values in varying.items()
                )
            )
            .table_valued(*(sa.column(name, table.c[name].type) for name in varying))
            .render_derived(name="copies")
        )
        fixed = [n for n in row if n not in varying]
        stmt = postgresql.insert(table).from_select(
            [*fixed, *varying],
            sa.select(
                *(sa.literal(row[n], table.c[n].type).label(n) for n in fixed),
                *(arrays.c[n] for n in varying),
            ),
        )
        runner.execute(stmt)

    @contextmanager
    def savepoint(self, connection: sa.Connection) -> Iterator[None]:
        nested = connection.begin_nested()
        try:
            yield
        except BaseException:
            nested.rollback()
            raise
        nested.commit()

    def lock(self, runner: Runner, room_uids: Sequence[str], mc_uids: Sequence[str]) -> None:
        # Rooms first, then MCs, each in uid order: every writer locks in the same
        # global order, so two writers never wait for each other in a cycle.
        # FOR NO KEY UPDATE does not block the key-share locks taken by foreign
        # key checks (inserting a draft show into a room is not held up).
        for table, uids in ((t.studio_rooms, room_uids), (t.mcs, mc_uids)):
            if uids:
                stmt = (
                    sa.select(table.c.id)
                    .where(self.in_uids(table.c.uid, sorted(uids)))
                    .order_by(table.c.uid)
                    .with_for_update(key_share=True)
                )
                runner.execute(stmt).all()

    # -- binding sets -------------------------------------------------------------------

    def in_uids(self, column: sa.ColumnElement[Any], uids: Sequence[str]) -> sa.ColumnElement[bool]:
        values = sa.bindparam(None, list(uids), type_=postgresql.ARRAY(sa.String()))
        return column.in_(sa.select(sa.func.unnest(values)))

    def in_ids(self, column: sa.ColumnElement[Any], ids: Sequence[int]) -> sa.ColumnElement[bool]:
        values = sa.bindparam(None, list(ids), type_=postgresql.ARRAY(sa.Integer()))
        return column.in_(sa.select(sa.func.unnest(values)))

    def in_rows(
        self, column: sa.ColumnElement[Any], rows: sa.Select[Any]
    ) -> sa.ColumnElement[bool]:
        # ``IN (subquery)`` in an OR is a hashed subplan, tested on every row of a
        # sequential scan; ``= ANY(ARRAY(subquery))`` is computed once (an init
        # plan) and is an index condition, so the branches of an OR combine as
        # a BitmapOr of index scans.
        return column == sa.func.any(sa.func.array(rows.scalar_subquery()))

    def batches(self, values: Sequence[V]) -> Iterator[Sequence[V]]:
        yield values

    def by_ids(
        self, column: sa.ColumnElement[Any], ids: Sequence[int]
    ) -> list[sa.ColumnElement[bool]]:
        # ``id = ANY(sorted ids)`` walks the primary key in order, so an UPDATE
        # rewrites rows (and inserts their new index entries) in creation order;
        # the hash semi-join of ``IN (SELECT unnest(...))`` visits them in hash
        # order, which made the promotion's UPDATE measurably slower (persistence.md).
        ordered = sa.bindparam(None, sorted(ids), type_=postgresql.ARRAY(sa.Integer()))
        return [column == sa.any_(ordered)]

    # -- reads --------------------------------------------------------------------------

    def epoch_micros(self, column: sa.ColumnElement[datetime]) -> sa.ColumnElement[int]:
        return sa.cast(sa.extract("epoch", column) * 1_000_000, sa.BigInteger)

    def export_csv(self, connection: sa.Connection, statement: sa.Select[Any]) -> IO[bytes]:
        """``COPY (statement) TO STDOUT``: the server writes the CSV, in the
        transaction of ``connection``."""
        compiled = statement.compile(
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
        out = spool()
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            copy_sql = f"COPY ({compiled.string}) TO STDOUT (FORMAT csv)"
            with cursor.copy(copy_sql, compiled.params) as copy:
                for block in copy:
                    out.write(block)
        out.seek(0)
        return out

    def raw_time(self, column: sa.ColumnElement[datetime]) -> sa.ColumnElement[datetime]:
        return sa.type_coerce(column, DRIVER_TIMESTAMPTZ)

    def overlapping(
        self, shows: sa.Table, start: datetime, end: datetime
    ) -> sa.ColumnElement[bool]:
        # the generated range column, which the exclusion constraint's GiST index serves
        rng: sa.ColumnElement[Any] = sa.literal_column(f"{shows.name}.{t.TIME_RANGE}")
        window = sa.func.tstzrange(
            sa.cast(sa.literal(start), postgresql.TIMESTAMP(timezone=True)),
            sa.cast(sa.literal(end), postgresql.TIMESTAMP(timezone=True)),
            sa.literal_column("'[)'"),
        )
        return rng.bool_op("&&")(window)

    def near_ids(self, runner: Runner, windows: Windows, skip: Collection[int] = ()) -> set[int]:
        """One statement (:data:`NEAR_SQL`); the probe windows travel as arrays,
        the hits are then filtered exactly against the candidates' windows."""
        params: dict[str, list[Any]] = {
            f"{kind}_{part}": [] for kind in ("room", "mc") for part in ("uids", "lo", "hi")
        }
        params["skip"] = sorted(skip)
        for resource, lo, hi in windows.probes():
            kind = "mc" if resource in windows.mcs else "room"
            params[f"{kind}_uids"].append(resource)
            params[f"{kind}_lo"].append(lo)
            params[f"{kind}_hi"].append(hi)
        rows = cast(Iterable[tuple[int, str, datetime, datetime]], runner.execute(NEAR_SQL, params))
        return {show_id for show_id, key, start, end in rows if windows.hit(key, start, end)}

    def crowded(
        self,
        runner: Runner,
        source: BookingSource,
        drafts: Sequence[ScheduledShow],
        margin: timedelta,
    ) -> tuple[list[Booking], list[Booking]]:
        """Each room and MC of the drafts is a lane; one statement
        (:data:`NEAR_SQL`, one probe per lane over its drafts' span widened by
        ``margin``, the drafts themselves left out) reads the reserving shows in
        the lanes, the core's ``near_in_lanes`` finds the crowded ones among
        those rows and the drafts, and only these are read as bookings."""
        starts = [d.start for d in drafts]
        ends = [d.end for d in drafts]
        rooms: dict[str, list[int]] = {}
        mcs: dict[str, list[int]] = {}
        for i, draft in enumerate(drafts):
            if draft.room_uid is not None:
                rooms.setdefault(draft.room_uid, []).append(i)
            for mc in draft.mc_uids:
                mcs.setdefault(mc, []).append(i)
        params: dict[str, list[Any]] = {"skip": source.ids_of([d.show_uid for d in drafts])}
        for kind, lanes in (("room", rooms), ("mc", mcs)):
            params[f"{kind}_uids"] = list(lanes)
            spans = lanes.values()
            params[f"{kind}_lo"] = [min(map(starts.__getitem__, i)) - margin for i in spans]
            params[f"{kind}_hi"] = [max(map(ends.__getitem__, i)) + margin for i in spans]
        ids: list[int] = []  # of the reserving shows, rows len(drafts) on
        row_of: dict[int, int] = {}
        for show_id, key, start, end in cast(Iterable[Row], runner.execute(NEAR_SQL, params)):
            row = row_of.get(show_id)
            if row is None:
                row = row_of[show_id] = len(starts)
                ids.append(show_id)
                starts.append(start)
                ends.append(end)
            (rooms[key] if key in rooms else mcs[key]).append(row)
        n = len(drafts)
        near = near_in_lanes(starts, ends, [*rooms.values(), *mcs.values()], n, margin)
        crowded = [d.show_uid for d, flag in zip(drafts, near, strict=False) if flag]
        if not crowded:
            return [], []
        candidates = source.search(BookingQuery(show_uids=crowded, reserving_only=False))
        neighbours = [ids[i - n] for i in range(n, len(near)) if near[i]]
        existing = [b for _, b in source.by_ids(neighbours)] if neighbours else []
        return candidates, existing

    def occupancy_rows(self, runner: Runner, studio_uid: str, window: TimeSlot) -> list[Row]:
        """One statement (:data:`OCCUPANCY_SQL`); times read without conversion."""
        params = {"uid": studio_uid, "lo": window.start, "hi": window.end}
        return cast(list[Row], runner.execute(OCCUPANCY_SQL, params).all())


_IDLE_SINCE = "studiocore_idle_since"
"""Key in a pool record's ``info``: when its connection was last connected or
returned to the pool (``time.monotonic()``)."""


def _mark_idle(_dbapi_connection: Any, record: Any, *_: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(dialect: sa.Dialect, idle_after: float) -> Callable[..., None]:
    """A pool ``checkout`` listener: SQLAlchemy's pre-ping, but only for a
    connection that sat in the pool for ``idle_after`` seconds or more.

    A connection returned a moment ago is as good as a ping would find it, and
    the ping is a round trip on every unit of work (measurable on availability:
    benchmarks/RESULTS.md). A connection the server dropped (restart, idle
    timeout, failover) is found and replaced before use as with
    ``pool_pre_ping``; one dropped within the last ``idle_after`` seconds fails
    its next statement once (``UnavailableError``), and SQLAlchemy then
    invalidates the pool."""

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is not None and time.monotonic() - since < idle_after:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as err:
            if dialect.is_disconnect(err, dbapi_connection, None):
                # as pool_pre_ping: drop every pooled connection older than now,
                # then the pool connects anew for this checkout
                raise sa.exc.InvalidatePoolError(str(err)) from err
            raise

    return checkout


def _binary_arrays(dbapi_connection: Any, _record: Any) -> None:
    # Array parameters (every IN list of uids or ids is one) travel in binary:
    # psycopg's default text dumper escapes each element in Python, several
    # times slower for 10k-element lists (persistence.md has the figures).
    from psycopg.types.array import ListBinaryDumper

    dbapi_connection.adapters.register_dumper(list, ListBinaryDumper)
