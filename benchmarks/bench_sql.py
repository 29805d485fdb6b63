"""Benchmark of the SQL adapter on PostgreSQL (issue 4), each job next to the
same job written as naive per-row ORM code, in one run.

(a) promote a proposed and approved schedule of 10k drafts with
    ``ScheduleService.promote``, the use case a user calls: access check, lock,
    conflict check, one UPDATE, the schedule's status change, one audit entry
    per show, the new version (the drafts' new status), commit (four runs, each on its own schedule in its own studio), alternating
    with three runs of the bare UPDATE by hand (a0) on schedules of their own:
    the machine's speed drifts, so what counts is the ratio of the two medians
    taken side by side;
(b) free/busy availability of a 20-room studio for one day (p50 over many days);
(c) full-table room-conflict audit.

Data: ``STUDIOCORE_BENCH_SHOWS`` shows (default 1,000,000) over
``STUDIOCORE_BENCH_ROOMS`` rooms (default 200, 20 per studio), each with one MC,
plus nine schedules of ``STUDIOCORE_BENCH_DRAFTS`` drafts after the last show
(four for the library, three for the bare UPDATE, one for the naive
code: no promotion runs on rows or index pages an earlier one changed), loaded
with COPY into a fresh database that is dropped afterwards. The naive promotion
is timed on the first ``STUDIOCORE_BENCH_NAIVE_DRAFTS`` drafts (1000) and scaled
linearly (at 1M shows the full naive run takes about 10 minutes). The server is
``STUDIOCORE_BENCH_POSTGRES_URL``, else ``STUDIOCORE_TEST_POSTGRES_URL``, else
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``. Run with
``nox -s bench -- bench_sql`` or ``python benchmarks/bench_sql.py``.
"""

from __future__ import annotations

import functools
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.engine import make_url

from studiocore import Services, ShowStatus, TimeSlot, new_uid
from studiocore_sql import SqlDatabase
from studiocore_sql import tables as t
from studiocore_sql.audit import room_overlap_audit
from studiocore_sql.dialect_postgresql import OCCUPANCY_SQL

SHOWS = int(os.environ.get("STUDIOCORE_BENCH_SHOWS", "1000000"))
ROOMS = int(os.environ.get("STUDIOCORE_BENCH_ROOMS", "200"))
DRAFTS = int(os.environ.get("STUDIOCORE_BENCH_DRAFTS", "10000"))
NAIVE_DRAFTS = int(os.environ.get("STUDIOCORE_BENCH_NAIVE_DRAFTS", "1000"))
AVAILABILITY_RUNS = int(os.environ.get("STUDIOCORE_BENCH_AVAILABILITY_RUNS", "300"))
LIBRARY_RUNS = 4
"""``ScheduleService.promote`` runs, each of its own schedule (the median counts)."""
BARE_RUNS = 3
"""The bare UPDATE by hand, interleaved with those: the machine's speed drifts,
so the ratio of two medians taken side by side is what compares."""
SCHEDULES = LIBRARY_RUNS + BARE_RUNS + 1
"""+ one for the naive code (the last studio keeps no drafts: availability is
read there)."""
ROOMS_PER_STUDIO = 20
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
SLOT = timedelta(hours=3)  # a 2 h show then a 1 h gap, per room
LENGTH = timedelta(hours=2)
CONFIRMED = t.SHOW_STATUS_IDS[ShowStatus.CONFIRMED]
DRAFT = t.SHOW_STATUS_IDS[ShowStatus.DRAFT]
RESERVING = list(t.RESERVING_STATUS_IDS)


def server_url() -> str:
    for name in ("STUDIOCORE_BENCH_POSTGRES_URL", "STUDIOCORE_TEST_POSTGRES_URL"):
        value = os.environ.get(name, "").strip()
        if value:
            return value.replace("postgresql://", "postgresql+psycopg://", 1)
    return "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def bench_database() -> Iterator[SqlDatabase]:
    admin = sa.create_engine(server_url(), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    name = f"studiocore_bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    db = SqlDatabase(make_url(server_url()).set(database=name).render_as_string(False))
    try:
        db.upgrade()
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --------------------------------------------------------------------------- data


class World:
    """Uids and ids of what was loaded."""

    def __init__(self) -> None:
        self.studio_uids: list[str] = []
        self.room_ids: list[int] = []
        self.schedules: list[tuple[int, str]] = []
        """(id, uid) of each schedule of drafts, one per studio (see :func:`load`)."""
        self.span_days = 0


def _copy(db: SqlDatabase, table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> None:
    raw = db.engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        with (
            driver.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp,
        ):
            for row in rows:
                cp.write_row(row)
        driver.commit()
        # statistics now: the MC guard's statement trigger on the next COPY
        # joins its rows to this table, and without them it plans a nested loop
        driver.execute(f"ANALYZE {table}")
        driver.commit()
    finally:
        raw.close()


def load(db: SqlDatabase) -> World:
    world = World()
    now = datetime.now(UTC)
    studios = ROOMS // ROOMS_PER_STUDIO
    world.studio_uids = [new_uid("studio") for _ in range(studios)]
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(t.studios),
            [
                {
                    "id": i + 1,
                    "uid": uid,
                    "name": f"Studio {i}",
                    "metadata": {},
                    "time_zone": "UTC",
                    "operational_day_start_hour": 6,
                    "room_changeover_severity": "WARN",
                    "mc_rest_severity": "WARN",
                    "created_at": now,
                    "updated_at": now,
                }
                for i, uid in enumerate(world.studio_uids)
            ],
        )
        conn.execute(
            sa.insert(t.studio_rooms),
            [
                {
                    "id": r + 1,
                    "uid": new_uid("room"),
                    "studio_id": r // ROOMS_PER_STUDIO + 1,
                    "name": f"Room {r}",
                    "metadata": {},
                    "changeover_minutes": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for r in range(ROOMS)
            ],
        )
        conn.execute(
            sa.insert(t.mcs),
            [
                {
                    "id": m + 1,
                    "uid": new_uid("mc"),
                    "name": f"MC {m}",
                    "is_banned": False,
                    "metadata": {},
                    "min_rest_minutes": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for m in range(ROOMS * 2)
            ],
        )
        client_uid = new_uid("client")
        conn.execute(
            sa.insert(t.clients),
            [
                {
                    "id": 1,
                    "uid": client_uid,
                    "name": "Client",
                    "metadata": {},
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
    world.room_ids = list(range(1, ROOMS + 1))
    per_room = SHOWS // ROOMS
    world.span_days = int(per_room * SLOT / timedelta(days=1))
    stamp = now.isoformat()
    rng = random.Random(4)

    def shows() -> Iterator[tuple[Any, ...]]:
        show_id = 0
        for k in range(per_room):
            start = EPOCH + k * SLOT
            s, e = start.isoformat(), (start + LENGTH).isoformat()
            for r in range(ROOMS):
                show_id += 1
                roll = rng.random()
                status = 5 if roll < 0.05 else (4 if roll < 0.10 else CONFIRMED)
                yield (
                    show_id,
                    new_uid("show"),
                    1,
                    r + 1,
                    1,
                    status,
                    1,
                    f"s{show_id}",
                    s,
                    e,
                    stamp,
                    stamp,
                )

    columns = [
        "id", "uid", "client_id", "studio_room_id", "show_type_id", "show_status_id",
        "show_standard_id", "name", "show_start", "show_end", "created_at", "updated_at",
    ]  # fmt: skip
    _copy(db, "shows", columns, shows())
    total = per_room * ROOMS

    def links() -> Iterator[tuple[Any, ...]]:
        link = 0
        for k in range(per_room):
            for r in range(ROOMS):
                link += 1
                yield (
                    link,
                    new_uid("showmc"),
                    k * ROOMS + r + 1,
                    r * 2 + k % 2 + 1,
                    "{}",
                    stamp,
                    stamp,
                )

    link_columns = ["id", "uid", "show_id", "mc_id", "metadata", "created_at", "updated_at"]
    _copy(db, "show_mcs", link_columns, links())

    # SCHEDULES schedules of drafts, schedule i in the 20 rooms of studio i, after
    # the last show of each room, each draft hosted by one of its room's two MCs:
    # every promotion runs on data no other run has touched
    first_draft = EPOCH + per_room * SLOT
    per_draft_room = DRAFTS // ROOMS_PER_STUDIO
    draft_id = total
    for i in range(SCHEDULES):
        uid = new_uid("schedule")
        with db.engine.begin() as conn:
            sid = conn.execute(
                sa.insert(t.schedules).returning(t.schedules.c.id),
                {
                    "uid": uid,
                    "client_id": 1,
                    "studio_id": i + 1,
                    "schedule_status_id": 1,
                    "name": f"Big schedule {i}",
                    "start_time": first_draft,
                    "end_time": first_draft + (per_draft_room + 1) * SLOT,
                    "version": 0,
                    "metadata": {},
                    "created_at": now,
                    "updated_at": now,
                },
            ).scalar_one()
        world.schedules.append((sid, uid))
        first_id = draft_id + 1

        def drafts(
            sid: int = sid, studio: int = i, first: int = first_id
        ) -> Iterator[tuple[Any, ...]]:
            n = first - 1
            for k in range(per_draft_room):
                start = first_draft + k * SLOT
                s, e = start.isoformat(), (start + LENGTH).isoformat()
                for r in range(ROOMS_PER_STUDIO):
                    n += 1
                    yield (
                        n,
                        new_uid("show"),
                        1,
                        sid,
                        studio * ROOMS_PER_STUDIO + r + 1,
                        1,
                        DRAFT,
                        1,
                        f"d{n}",
                        s,
                        e,
                        stamp,
                        stamp,
                    )

        _copy(db, "shows", [*columns[:2], "client_id", "schedule_id", *columns[3:]], drafts())

        def draft_links(studio: int = i, first: int = first_id) -> Iterator[tuple[Any, ...]]:
            n = first - 1
            for k in range(per_draft_room):
                for r in range(ROOMS_PER_STUDIO):
                    n += 1
                    room = studio * ROOMS_PER_STUDIO + r
                    yield (n, new_uid("showmc"), n, room * 2 + k % 2 + 1, "{}", stamp, stamp)

        _copy(db, "show_mcs", link_columns, draft_links())
        draft_id += per_draft_room * ROOMS_PER_STUDIO

    with db.engine.begin() as conn:
        for table in ("shows", "show_mcs"):
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            )
    # each schedule proposed (its first version records every draft) and approved
    # by the client: confirming it is the use case a studio runs
    services = Services(db)
    for _, uid in world.schedules:
        services.schedules.propose(uid)
        services.schedules.approve(uid)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
        # flush the load now, not while a measured run writes
        conn.execute(sa.text("CHECKPOINT"))
    return world


# --------------------------------------------------------------------------- naive ORM code


class Base(orm.DeclarativeBase):
    pass


class ShowRow(Base):
    __table__ = t.shows
    id: orm.Mapped[int]
    studio_room_id: orm.Mapped[int | None]
    schedule_id: orm.Mapped[int | None]
    show_status_id: orm.Mapped[int]
    show_start: orm.Mapped[datetime]
    show_end: orm.Mapped[datetime]
    deleted_at: orm.Mapped[datetime | None]
    updated_at: orm.Mapped[datetime]


class ShowMCRow(Base):
    __table__ = t.show_mcs
    id: orm.Mapped[int]
    show_id: orm.Mapped[int]
    mc_id: orm.Mapped[int]
    deleted_at: orm.Mapped[datetime | None]


class RoomRow(Base):
    __table__ = t.studio_rooms
    id: orm.Mapped[int]
    studio_id: orm.Mapped[int]


def _reserving_live() -> list[sa.ColumnElement[bool]]:
    return [ShowRow.show_status_id.in_(RESERVING), ShowRow.deleted_at.is_(None)]


def promote_naive(db: SqlDatabase, schedule_id: int, limit: int) -> int:
    """Per draft: load it, query its room's and its MCs' overlapping shows,
    flip its status on the object; the ORM flushes every row on commit. Only the
    first ``limit`` drafts (the cost is linear in the number of drafts)."""
    promoted = 0
    with orm.Session(db.engine) as session:
        drafts = session.scalars(
            sa.select(ShowRow)
            .where(ShowRow.schedule_id == schedule_id, ShowRow.show_status_id == DRAFT)
            .order_by(ShowRow.id)
            .limit(limit)
        ).all()
        for draft in drafts:
            clash = list(
                session.scalars(
                    sa.select(ShowRow).where(
                        ShowRow.studio_room_id == draft.studio_room_id,
                        ShowRow.id != draft.id,
                        ShowRow.show_start < draft.show_end,
                        ShowRow.show_end > draft.show_start,
                        *_reserving_live(),
                    )
                ).all()
            )
            links = session.scalars(sa.select(ShowMCRow).where(ShowMCRow.show_id == draft.id)).all()
            for link in links:
                clash += session.scalars(
                    sa.select(ShowRow)
                    .join(ShowMCRow, ShowMCRow.show_id == ShowRow.id)
                    .where(
                        ShowMCRow.mc_id == link.mc_id,
                        ShowMCRow.deleted_at.is_(None),
                        ShowRow.id != draft.id,
                        ShowRow.show_start < draft.show_end,
                        ShowRow.show_end > draft.show_start,
                        *_reserving_live(),
                    )
                ).all()
            if not clash:
                draft.show_status_id = CONFIRMED
                draft.updated_at = datetime.now(UTC)
                promoted += 1
        session.commit()
    return promoted


def availability_naive(
    db: SqlDatabase, studio_id: int, window: TimeSlot
) -> dict[int, list[tuple[datetime, datetime]]]:
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    with orm.Session(db.engine) as session:
        rooms = session.scalars(
            sa.select(RoomRow).where(RoomRow.studio_id == studio_id).order_by(RoomRow.id)
        ).all()
        for room in rooms:
            shows = session.scalars(
                sa.select(ShowRow).where(
                    ShowRow.studio_room_id == room.id,
                    ShowRow.show_start < window.end,
                    ShowRow.show_end > window.start,
                    *_reserving_live(),
                )
            ).all()
            busy[room.id] = sorted((s.show_start, s.show_end) for s in shows)
    return busy


def audit_naive(db: SqlDatabase, world: World) -> int:
    """Load every room's live reserving shows as ORM objects and sweep in Python."""
    flagged = 0
    with orm.Session(db.engine) as session:
        for room_id in world.room_ids:
            shows = session.scalars(
                sa.select(ShowRow)
                .where(ShowRow.studio_room_id == room_id, *_reserving_live())
                .order_by(ShowRow.show_start)
            ).all()
            latest: datetime | None = None
            for s in shows:
                if latest is not None and s.show_start < latest:
                    flagged += 1
                latest = s.show_end if latest is None else max(latest, s.show_end)
            session.expunge_all()
    return flagged


# --------------------------------------------------------------------------- library code


def promote_service(db: SqlDatabase, schedule_uid: str) -> int:
    """``ScheduleService.promote``: the access check, the drafts' rooms and MCs
    in one read, row locks, the bookings around possible conflicts (one
    statement), the checks for rooms and banned MCs, one set-based UPDATE
    (checked again by the exclusion constraint and the MC guard), the
    schedule's status change, one audit row per show (one statement), the
    new version (the drafts' uids and new status: nothing else changed since
    the proposal), committed."""
    result = Services(db).schedules.promote(schedule_uid)
    return len(result.confirmed_show_uids)


def availability_library(services: Services, studio_uid: str, window: TimeSlot) -> int:
    """``SchedulingService.availability``: one read-only unit of work, one
    statement (studio, rooms, occupancy)."""
    return len(services.scheduling.availability(studio_uid, window))


# --------------------------------------------------------------------------- by hand


def update_by_hand(db: SqlDatabase, schedule_id: int) -> int:
    """The promotion's UPDATE alone, in SQL, committed: what the database itself
    spends (room exclusion constraint, MC guard, indexes), without any check."""
    with db.engine.begin() as conn:
        result = conn.execute(
            sa.text(
                "UPDATE shows SET show_status_id = :confirmed, updated_at = now() "
                "WHERE schedule_id = :id AND show_status_id = :draft AND deleted_at IS NULL"
            ),
            {"confirmed": CONFIRMED, "draft": DRAFT, "id": schedule_id},
        )
        return result.rowcount


GIST_PER_ROOM = (  # the obvious query: the exclusion constraint's GiST index, per room
    "SELECT r.uid, lower(s.time_range), upper(s.time_range) FROM studio_rooms r "
    "JOIN studios st ON st.id = r.studio_id "
    "CROSS JOIN LATERAL (SELECT time_range FROM shows s "
    "WHERE s.studio_room_id = r.id AND s.time_range && tstzrange(%(lo)s, %(hi)s, '[)') "
    "AND s.show_status_id IN (2, 3, 4) AND s.deleted_at IS NULL OFFSET 0) s "
    "WHERE st.uid = %(uid)s"
)


@contextmanager
def by_hand(db: SqlDatabase, sql: str) -> Iterator[Callable[[str, TimeSlot], int]]:
    """An availability read as one bare statement on a raw psycopg connection
    (autocommit, prepared): no pool, no SQLAlchemy, no Python beyond fetching."""
    raw = db.engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        driver.autocommit = True

        def query(studio_uid: str, window: TimeSlot) -> int:
            params = {"uid": studio_uid, "lo": window.start, "hi": window.end}
            return len(driver.execute(sql, params, prepare=True).fetchall())

        yield query
    finally:
        raw.close()


def library_statement(db: SqlDatabase) -> str:
    """The statement ``studio_occupancy`` sends, as psycopg receives it."""
    return str(OCCUPANCY_SQL.compile(dialect=db.engine.dialect))


# --------------------------------------------------------------------------- runner


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> int:
    print(
        f"studiocore SQL benchmark: {SHOWS:,} shows, {ROOMS} rooms, {DRAFTS:,} drafts, PostgreSQL"
    )
    rows: list[tuple[str, str, str, str, str]] = []
    with bench_database() as db:
        load_s, world = timed(lambda: load(db))
        assert isinstance(world, World)
        print(f"loaded in {load_s:.1f} s (COPY)")

        expected = DRAFTS // ROOMS_PER_STUDIO * ROOMS_PER_STUDIO
        # service and bare runs alternate, each on its own schedule (in its own
        # studio): nothing runs on data an earlier run has changed
        plan = ["svc", "bare"] * BARE_RUNS + ["svc"] * (LIBRARY_RUNS - BARE_RUNS)
        runs: list[tuple[float, object]] = []
        bare: list[tuple[float, object]] = []
        for kind, (sid, uid) in zip(plan, world.schedules, strict=False):
            if kind == "svc":
                runs.append(timed(functools.partial(promote_service, db, uid)))
            else:
                bare.append(timed(functools.partial(update_by_hand, db, sid)))
        assert all(n == expected for _, n in [*runs, *bare]), (runs, bare)
        svc_a = statistics.median(t for t, _ in runs)
        floor_a = statistics.median(t for t, _ in bare)
        sample = min(expected, NAIVE_DRAFTS)
        naive_id = world.schedules[len(plan)][0]
        naive_sample, naive_promoted = timed(functools.partial(promote_naive, db, naive_id, sample))
        assert naive_promoted == sample, (naive_promoted, sample)
        naive_a = naive_sample * expected / sample
        print(
            "ScheduleService.promote: "
            + ", ".join(f"{t * 1000:.0f} ms" for t, _ in runs)
            + f" (median {svc_a * 1000:.0f} ms); bare UPDATEs between them: "
            + ", ".join(f"{t * 1000:.0f} ms" for t, _ in bare)
            + f" (median {floor_a * 1000:.0f} ms); ratio {svc_a / floor_a:.2f}"
        )
        if sample < expected:
            print(f"naive promotion timed on {sample:,} drafts and scaled to {expected:,}")
        rows.append(
            (
                f"(a) ScheduleService.promote, {DRAFTS // 1000}k drafts (median)",
                f"{svc_a * 1000:.0f} ms",
                f"{naive_a * 1000:.0f} ms",
                f"{naive_a / svc_a:.1f}x",
                "-",
            )
        )
        rows.append(
            (
                "(a0) the bare UPDATE by hand, no check (median, alternating)",
                f"{floor_a * 1000:.0f} ms",
                "-",
                "-",
                "-",
            )
        )
        rows.append(
            (
                "(a)/(a0): the use case against the bare UPDATE",
                f"{svc_a / floor_a:.2f}x",
                "-",
                "-",
                "<= 1.5x",
            )
        )

        rng = random.Random(7)
        days = [
            EPOCH + timedelta(days=rng.randrange(max(1, world.span_days - 1)))
            for _ in range(AVAILABILITY_RUNS)
        ]
        windows = [TimeSlot(d, d + timedelta(days=1)) for d in days]
        studio_uid, studio_id = world.studio_uids[-1], len(world.studio_uids)  # no drafts there
        services = Services(db)
        for w in windows[:20]:  # warm the statement caches and the pool
            availability_library(services, studio_uid, w)
            availability_naive(db, studio_id, w)

        # the library over every window on pages nobody touched yet (cold: random
        # days of a 1M-row table are mostly not in shared_buffers), then again on
        # the same, now cached, days; then the bare query by hand (the floor) and
        # the naive code on those cached days. One loop per contender: the naive
        # ORM code's garbage must not be collected during the library's calls.
        def run(fn: Callable[[TimeSlot], object]) -> list[float]:
            return [timed(functools.partial(fn, w))[0] for w in windows]

        lib_cold = run(functools.partial(availability_library, services, studio_uid))
        lib_b = run(functools.partial(availability_library, services, studio_uid))
        with by_hand(db, library_statement(db)) as query:
            for w in windows[:20]:
                query(studio_uid, w)
            floor_b = run(functools.partial(query, studio_uid))
        with by_hand(db, GIST_PER_ROOM) as query:
            for w in windows[:20]:
                query(studio_uid, w)
            gist_b = run(functools.partial(query, studio_uid))
        naive_b = run(functools.partial(availability_naive, db, studio_id))
        p50_lib, p50_naive = statistics.median(lib_b), statistics.median(naive_b)
        p50_cold, p50_floor = statistics.median(lib_cold), statistics.median(floor_b)
        p50_gist = statistics.median(gist_b)
        print(
            f"availability p50: library {p50_lib * 1000:.2f} ms cached, {p50_cold * 1000:.2f} ms "
            f"cold; its statement by hand {p50_floor * 1000:.2f} ms; per-room GiST probes "
            f"by hand {p50_gist * 1000:.2f} ms"
        )
        rows.append(
            (
                "(b) availability, 20 rooms, 1 day (p50, cached)",
                f"{p50_lib * 1000:.2f} ms",
                f"{p50_naive * 1000:.2f} ms",
                f"{p50_naive / p50_lib:.1f}x",
                "< 2 ms",
            )
        )

        lib_c, findings = timed(lambda: room_overlap_audit(db))
        naive_c, flagged = timed(lambda: audit_naive(db, world))
        assert findings == [], findings
        assert flagged == 0, flagged
        rows.append(
            (
                "(c) full-table room-conflict audit",
                f"{lib_c * 1000:.0f} ms",
                f"{naive_c * 1000:.0f} ms",
                f"{naive_c / lib_c:.1f}x",
                "< 2000 ms",
            )
        )

    rows.insert(
        -1,
        (
            "(b0) the library's statement alone, by hand (p50, cached)",
            f"{p50_floor * 1000:.2f} ms",
            "-",
            "-",
            "-",
        ),
    )
    rows.insert(
        -1,
        (
            "(b1) per-room GiST probes instead, by hand (p50, cached)",
            f"{p50_gist * 1000:.2f} ms",
            "-",
            "-",
            "-",
        ),
    )
    rows.insert(
        -1,
        (
            "(b') availability on a day nobody read before (p50, cold)",
            f"{p50_cold * 1000:.2f} ms",
            "-",
            "-",
            "-",
        ),
    )
    header = ("job", "studiocore_sql", "naive per-row ORM", "speed-up", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    print()
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
