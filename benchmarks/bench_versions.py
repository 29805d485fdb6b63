"""Benchmark of change management on PostgreSQL (issue 14), in one run:

(a) ``ChangeRequestService.apply`` of a change request of 10 moves, on a
    confirmed schedule of ``SMALL`` (1,000) shows and on one of ``LARGE``
    (10,000) shows, alternating, ``ROUNDS`` (100) of each: the ratio of the two
    medians (the work follows the change, not the schedule; target <= 1.5x);
(b) the storage of the large schedule's versions after those 100 changes: all
    its versions (the proposal in full, the confirmation, 100 changes) against
    its one full version, on disk (``pg_column_size``, lz4) and as JSON text
    (target < 5x);
(c) ``ScheduleService.diff`` of the large schedule's confirmation against its
    latest version (1,000 shows moved), against reading its full version by
    hand (one ``SELECT`` on a raw connection and ``json.loads``), alternating.

Each schedule's drafts are loaded with COPY (one MC and one platform each) in a
fresh database that is dropped afterwards, then proposed and confirmed through
the library. The server is ``STUDIOCORE_BENCH_POSTGRES_URL``, else
``STUDIOCORE_TEST_POSTGRES_URL``, else the local one. Run with
``nox -s bench -- bench_versions`` or ``python benchmarks/bench_versions.py``.
"""

from __future__ import annotations

import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

from studiocore import Services, new_uid
from studiocore_sql import SqlDatabase
from studiocore_sql import tables as t

if __package__ in {None, ""}:  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_sql import DRAFT, _copy, bench_database

SMALL = int(os.environ.get("STUDIOCORE_BENCH_SMALL", "1000"))
LARGE = int(os.environ.get("STUDIOCORE_BENCH_LARGE", "10000"))
ROUNDS = int(os.environ.get("STUDIOCORE_BENCH_ROUNDS", "100"))
DIFF_RUNS = 7
OPS = 10
ROOMS = 20
EPOCH = datetime(2027, 1, 4, tzinfo=UTC)
SLOT = timedelta(hours=3)
LENGTH = timedelta(hours=2)


class Plan:
    """A confirmed schedule of ``size`` shows in a studio of its own:
    ``slots`` rows of ``ROOMS`` shows, then ``ROUNDS`` free slots for the moves."""

    def __init__(self, services: Services, db: SqlDatabase, size: int, tag: str) -> None:
        self.services = services
        studio = services.studios.create(f"Studio {tag}", time_zone="Europe/Berlin")
        rooms = [services.studio_rooms.create(studio.uid, f"{tag} room {r}") for r in range(ROOMS)]
        mcs = [services.mcs.create(f"{tag} MC {m}") for m in range(ROOMS * 2)]
        platform = services.platforms.create(f"{tag} stream")
        client = services.clients.create(f"Client {tag}")
        self.slots = size // ROOMS
        self.schedule = services.schedules.create(
            client.uid,
            studio.uid,
            f"Season {tag}",
            EPOCH,
            EPOCH + (self.slots + ROUNDS + 1) * SLOT,
        ).uid
        self.shows = _load_drafts(
            db,
            self.schedule,
            rooms=rooms,
            mcs=mcs,
            platform_uid=platform.uid,
            client_uid=client.uid,
            size=size,
        )
        services.schedules.propose(self.schedule)
        services.schedules.approve(self.schedule)
        services.schedules.promote(self.schedule)

    def raise_change(self, n: int) -> str:
        """An approved change request moving 10 shows (of 10 rooms) of slot ``n``
        (modulo the slots: a show may move again) to the free slot ``slots + n``."""
        start = EPOCH + (self.slots + n) * SLOT
        ops = [
            {
                "op": "move",
                "show_uid": self.shows[(n % self.slots) * ROOMS + r],
                "show_start": start.isoformat(),
                "show_end": (start + LENGTH).isoformat(),
            }
            for r in range(OPS)
        ]
        request = self.services.change_requests.create(
            self.schedule, "OPERATIONAL", f"round {n}", ops
        )
        self.services.change_requests.approve(request.uid)
        return request.uid


def _load_drafts(
    db: SqlDatabase,
    schedule_uid: str,
    *,
    rooms: list[Any],
    mcs: list[Any],
    platform_uid: str,
    client_uid: str,
    size: int,
) -> list[str]:
    """``size`` drafts of the schedule, slot by slot, each in one room with one of
    its room's two MCs and one platform; their uids in that order."""
    with db.engine.connect() as conn:

        def ids(table: sa.Table, uids: list[str]) -> dict[str, int]:
            rows = conn.execute(sa.select(table.c.uid, table.c.id).where(table.c.uid.in_(uids)))
            return dict(cast(list[tuple[str, int]], rows.all()))

        room_ids = ids(t.studio_rooms, [r.uid for r in rooms])
        mc_ids = ids(t.mcs, [m.uid for m in mcs])
        [schedule_id] = ids(t.schedules, [schedule_uid]).values()
        [client_id] = ids(t.clients, [client_uid]).values()
        [platform_id] = ids(t.platforms, [platform_uid]).values()
        first = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.shows.c.id), 0))).scalar_one()
    stamp = datetime.now(UTC).isoformat()
    uids = [new_uid("show") for _ in range(size)]

    def shows() -> Iterator[tuple[Any, ...]]:
        for i, uid in enumerate(uids):
            start = EPOCH + (i // ROOMS) * SLOT
            room = room_ids[rooms[i % ROOMS].uid]
            yield (first + i + 1, uid, client_id, schedule_id, room, 1, DRAFT, 1, f"show {i}",
                   start.isoformat(), (start + LENGTH).isoformat(), stamp, stamp)  # fmt: skip

    def mc_links() -> Iterator[tuple[Any, ...]]:
        for i in range(size):
            mc = mc_ids[mcs[(i % ROOMS) * 2 + (i // ROOMS) % 2].uid]
            yield (first + i + 1, new_uid("showmc"), first + i + 1, mc, "{}", stamp, stamp)

    def platform_links() -> Iterator[tuple[Any, ...]]:
        for i in range(size):
            yield (
                first + i + 1,
                new_uid("showplat"),
                first + i + 1,
                platform_id,
                "{}",
                stamp,
                stamp,
            )

    columns = ["id", "uid", "client_id", "schedule_id", "studio_room_id", "show_type_id",
               "show_status_id", "show_standard_id", "name", "show_start", "show_end",
               "created_at", "updated_at"]  # fmt: skip
    _copy(db, "shows", columns, shows())
    links = ["id", "uid", "show_id", "mc_id", "metadata", "created_at", "updated_at"]
    _copy(db, "show_mcs", links, mc_links())
    _copy(db, "show_platforms", [*links[:3], "platform_id", *links[4:]], platform_links())
    with db.engine.begin() as conn:
        for table in ("shows", "show_mcs", "show_platforms"):
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    return uids


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def storage(db: SqlDatabase, schedule_uid: str) -> dict[str, int]:
    """Bytes of the schedule's versions: all of them and its largest (the full
    proposal), on disk and as JSON text."""
    sql = sa.text(
        "SELECT sum(pg_column_size(v.snapshot)), max(pg_column_size(v.snapshot)), "
        "sum(octet_length(v.snapshot::text)), max(octet_length(v.snapshot::text)), count(*) "
        "FROM schedule_versions v JOIN schedules s ON s.id = v.schedule_id WHERE s.uid = :uid"
    )
    with db.engine.connect() as conn:
        row = conn.execute(sql, {"uid": schedule_uid}).one()
    return dict(zip(("disk", "disk_full", "text", "text_full", "versions"), row, strict=True))


@contextmanager
def read_full_by_hand(db: SqlDatabase, schedule_uid: str) -> Iterator[Callable[[], object]]:
    """Reading the schedule's full version (the proposal) as bare as it gets:
    one statement on a raw psycopg connection, then ``json.loads``."""
    raw = db.engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        driver.rollback()
        driver.autocommit = True
        sql = (
            "SELECT v.snapshot::text FROM schedule_versions v JOIN schedules s "
            "ON s.id = v.schedule_id WHERE s.uid = %s AND v.version = 2"
        )

        def read() -> object:
            [(text,)] = driver.execute(sql, (schedule_uid,)).fetchall()
            return json.loads(text)

        yield read
    finally:
        driver.autocommit = False
        raw.close()


def main() -> int:
    print(
        f"studiocore versions benchmark: schedules of {SMALL:,} and {LARGE:,} shows, "
        f"{ROUNDS} change requests of {OPS} moves each, PostgreSQL"
    )
    with bench_database() as db:
        services = Services(db)
        began = time.perf_counter()
        small = Plan(services, db, SMALL, "small")
        large = Plan(services, db, LARGE, "large")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        print(f"set up in {time.perf_counter() - began:.1f} s (COPY, propose, confirm)")

        times: dict[str, list[float]] = {"small": [], "large": []}
        for n in range(ROUNDS):
            for name, plan in (("small", small), ("large", large))[:: 1 if n % 2 else -1]:
                uid = plan.raise_change(n)
                times[name].append(timed(functools.partial(services.change_requests.apply, uid)))
        s, lg = statistics.median(times["small"]), statistics.median(times["large"])
        print(
            f"(a) apply 10 moves: median {s:.1f} ms at {SMALL:,} shows, {lg:.1f} ms at "
            f"{LARGE:,} shows (p90 {statistics.quantiles(times['small'], n=10)[-1]:.1f} / "
            f"{statistics.quantiles(times['large'], n=10)[-1]:.1f} ms); ratio {lg / s:.2f}"
        )

        sizes = storage(db, large.schedule)
        print(
            f"(b) {sizes['versions']} versions of the {LARGE:,}-show schedule: "
            f"{sizes['disk'] / 1e3:.0f} kB on disk against {sizes['disk_full'] / 1e3:.0f} kB "
            f"for its full version, ratio {sizes['disk'] / sizes['disk_full']:.2f}; as JSON text "
            f"{sizes['text'] / 1e6:.2f} MB against {sizes['text_full'] / 1e6:.2f} MB, ratio "
            f"{sizes['text'] / sizes['text_full']:.2f}"
        )

        latest = services.schedules.get(large.schedule).version
        diffs: list[float] = []
        reads: list[float] = []
        changed = 0
        with read_full_by_hand(db, large.schedule) as by_hand:
            for _ in range(DIFF_RUNS):
                reads.append(timed(by_hand))
                began = time.perf_counter()
                changed = len(services.schedules.diff(large.schedule, 3, latest))
                diffs.append((time.perf_counter() - began) * 1000)
        d, r = statistics.median(diffs), statistics.median(reads)
        print(
            f"(c) diff of versions 3 and {latest} ({changed:,} shows changed): median "
            f"{d:.0f} ms; reading the full version by hand {r:.0f} ms; ratio {d / r:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
