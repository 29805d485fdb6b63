"""Analysis benchmark: ``studiocore.analysis`` reading PostgreSQL, against
what an analyst would write by hand, in one process, alternating.

1. ``shows_frame`` of 100,000 shows (with their studio, room, client and
   schedule names and their MCs) against ``pandas.read_sql`` of a hand-written
   query returning the same rows and columns (names joined, MC names
   aggregated, times as aware UTC timestamps). Target: no slower (1.0x).
2. Weekly ``room_utilization`` over 1,000,000 shows against loading the same
   shows as a frame (``shows_frame``). Target: within 2x.

Run: ``python benchmarks/bench_analysis.py`` (``nox -s bench -- bench_analysis``).
Options: ``--frame-shows N`` (100,000), ``--utilization-shows N`` (1,000,000),
``--rounds R`` (5), ``--record`` (append the run to benchmarks/RESULTS.md).
PostgreSQL: as ``bench_http`` (scratch databases, dropped afterwards).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

if __package__ in {None, ""}:  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_http import (
    BASE,
    ROOMS_PER_STUDIO,
    STUDIOS,
    append_results,
    scratch_database,
    seed,
)

MCS = ROOMS_PER_STUDIO * STUDIOS
"""One MC per room (an MC on two rooms at once would be refused)."""
HAND_WRITTEN = sa.text(
    """
    SELECT s.uid AS show_uid, s.name AS show, ss.name AS status,
           st.uid AS studio_uid, st.name AS studio, st.time_zone,
           r.uid AS room_uid, r.name AS room, c.uid AS client_uid, c.name AS client,
           sc.uid AS schedule_uid, sc.name AS schedule,
           s.show_start AS start, s.show_end AS "end",
           (SELECT string_agg(m.name, ', ' ORDER BY m.name) FROM show_mcs sm
              JOIN mcs m ON m.id = sm.mc_id
             WHERE sm.show_id = s.id AND sm.deleted_at IS NULL) AS mcs
      FROM shows s
      JOIN show_status ss ON ss.id = s.show_status_id
      LEFT JOIN studio_rooms r ON r.id = s.studio_room_id
      LEFT JOIN studios st ON st.id = r.studio_id
      LEFT JOIN clients c ON c.id = s.client_id
      LEFT JOIN schedules sc ON sc.id = s.schedule_id
     WHERE s.deleted_at IS NULL AND s.show_start < :hi AND s.show_end > :lo
     ORDER BY s.show_start, s.uid
    """
)
"""What an analyst writes by hand for the same rows and columns."""


def link_mcs(url: str) -> None:
    """``MCS`` MCs, each hosting the shows of one room (set-based)."""
    from studiocore import Services
    from studiocore_sql import SqlDatabase

    db = SqlDatabase(url)
    services = Services(db)
    for i in range(MCS):
        services.mcs.create(f"MC {i:02}")
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                """
                INSERT INTO show_mcs (uid, show_id, mc_id, metadata, created_at, updated_at)
                SELECT 'showmc_' || lpad(upper(to_hex(s.id)), 26, '0'), s.id,
                       m.ids[array_position(r.ids, s.studio_room_id)], '{}', now(), now()
                  FROM shows s, (SELECT array_agg(id ORDER BY id) AS ids FROM mcs) AS m,
                       (SELECT array_agg(id ORDER BY id) AS ids FROM studio_rooms) AS r
                """
            )
        )
        conn.execute(sa.text("ANALYZE"))
    db.dispose()


def alternate(rounds: int, **calls: Callable[[], object]) -> dict[str, float]:
    """The median seconds of each call, the calls alternating round by round."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(found) for name, found in times.items()}


def frame_run(shows: int, rounds: int) -> dict[str, Any]:
    import pandas as pd

    from studiocore.analysis import shows_frame
    from studiocore_sql import SqlDatabase

    with scratch_database() as url:
        seed(url, shows)
        link_mcs(url)
        db = SqlDatabase(url)
        lo, hi = BASE, BASE + timedelta(days=3650)
        engine = sa.create_engine(url)

        def by_hand() -> pd.DataFrame:
            with engine.connect() as conn:
                return pd.read_sql(HAND_WRITTEN, conn, params={"lo": lo, "hi": hi})

        def ours() -> pd.DataFrame:
            return shows_frame(db, start=lo, end=hi)

        mine, theirs = ours(), by_hand()  # warm-up, and the same rows
        assert len(mine) == len(theirs) == shows, (len(mine), len(theirs))
        assert list(mine["show_uid"]) == list(theirs["show_uid"])
        medians = alternate(rounds, read_sql=by_hand, shows_frame=ours)
        engine.dispose()
        db.dispose()
    return {"shows": shows, **medians, "ratio": medians["shows_frame"] / medians["read_sql"]}


def utilization_run(shows: int, rounds: int) -> dict[str, Any]:
    from studiocore.analysis import room_utilization, shows_frame
    from studiocore_sql import SqlDatabase

    with scratch_database() as url:
        seed(url, shows)
        db = SqlDatabase(url)
        with db.engine.connect() as conn:
            last = conn.execute(sa.text("SELECT max(show_end) FROM shows")).scalar_one()
        first_day = BASE.date()
        last_day = last.astimezone(UTC).date() + timedelta(days=1)
        lo = datetime.combine(first_day, datetime.min.time(), UTC)
        hi = datetime.combine(last_day, datetime.min.time(), UTC)
        medians = alternate(
            rounds,
            load=lambda: shows_frame(db, start=lo, end=hi),
            room_utilization=lambda: room_utilization(db, start=first_day, end=last_day, freq="W"),
        )
        db.dispose()
    return {"shows": shows, **medians, "ratio": medians["room_utilization"] / medians["load"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--frame-shows", type=int, default=100_000)
    parser.add_argument("--utilization-shows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    print(f"bench_analysis: shows_frame of {args.frame_shows:,} shows vs read_sql (PostgreSQL)")
    frame = frame_run(args.frame_shows, args.rounds)
    print(
        f"  read_sql {frame['read_sql']:.2f} s, shows_frame {frame['shows_frame']:.2f} s: "
        f"{frame['ratio']:.2f}x (target <= 1.0x)"
    )
    print(f"bench_analysis: weekly room_utilization of {args.utilization_shows:,} shows vs loading")
    util = utilization_run(args.utilization_shows, args.rounds)
    print(
        f"  load {util['load']:.2f} s, room_utilization {util['room_utilization']:.2f} s: "
        f"{util['ratio']:.2f}x (target < 2x)"
    )
    if args.record:
        append_results(
            "bench_analysis",
            [
                f"PostgreSQL, in process, {args.rounds} alternating rounds (medians); "
                f"Python {platform.python_version()}.",
                "",
                "| measure | baseline | studiocore.analysis | ratio | target |",
                "|---|---|---|---|---|",
                f"| {frame['shows']:,} shows as a frame | read_sql {frame['read_sql']:.2f} s "
                f"| shows_frame {frame['shows_frame']:.2f} s | **{frame['ratio']:.2f}x** | <= 1.0x |",
                f"| weekly utilization of {util['shows']:,} shows | load {util['load']:.2f} s "
                f"| room_utilization {util['room_utilization']:.2f} s | **{util['ratio']:.2f}x** "
                "| < 2x |",
                "",
            ],
        )


if __name__ == "__main__":
    main()
