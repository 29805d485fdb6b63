"""Benchmark: what queuing webhooks adds to ``ScheduleService.promote`` of
10,000 drafts on PostgreSQL (issue 17).

The data is bench_sql's (``load``: schedules of ``STUDIOCORE_BENCH_DRAFTS``
drafts, one per studio, proposed and approved), over
``STUDIOCORE_BENCH_SHOWS`` other shows (default here 100,000). Promotions
alternate, each on a schedule of its own: with no webhook endpoint, then
with three endpoints registered for every event type (``["*"]``, every
studio's), three pairs; the ratio of the medians is the cost of the outbox
(target <= 1.2x). A promotion with endpoints queues one ``shows.confirmed``
delivery per endpoint naming the 10,000 shows and one ``schedule.confirmed``
each: six rows, whatever the number of shows. Notifications are subscribed
in both (the same cost on each side). Run with ``nox -s bench -- bench_webhooks``
or ``python benchmarks/bench_webhooks.py``.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys

os.environ.setdefault("STUDIOCORE_BENCH_SHOWS", "100000")

from benchmarks.bench_sql import (
    DRAFTS,
    ROOMS_PER_STUDIO,
    SHOWS,
    World,
    bench_database,
    load,
    timed,
)
from studiocore import Services
from studiocore_sql import SqlDatabase

PAIRS = 3
ENDPOINTS = 3
TARGET = 1.2


def register(services: Services, owner_uid: str) -> list[str]:
    """Three endpoints for every event type."""
    return [
        services.webhooks.create(
            f"https://hooks.example.com/{i}", ["*"], owner_uid=owner_uid
        ).endpoint.uid
        for i in range(ENDPOINTS)
    ]


def promote(db: SqlDatabase, schedule_uid: str) -> int:
    """The use case as a user calls it, on a fresh ``Services`` (as bench_sql)."""
    result = Services(db).schedules.promote(schedule_uid)
    return len(result.confirmed_show_uids)


def main() -> int:
    print(f"studiocore webhook queuing benchmark: {SHOWS:,} shows, {DRAFTS:,} drafts, PostgreSQL")
    with bench_database() as db:
        load_s, world = timed(lambda: load(db))
        assert isinstance(world, World)
        print(f"loaded in {load_s:.1f} s (COPY)")
        services = Services(db)
        owner = services.users.create("ops@example.com", "Ops", role="admin").uid
        expected = DRAFTS // ROOMS_PER_STUDIO * ROOMS_PER_STUDIO
        none: list[float] = []
        hooked: list[float] = []
        schedules = iter(world.schedules)
        for _ in range(PAIRS):
            _, uid = next(schedules)
            seconds, promoted = timed(functools.partial(promote, db, uid))
            assert promoted == expected, promoted
            none.append(seconds)
            endpoints = register(services, owner)
            _, uid = next(schedules)
            seconds, promoted = timed(functools.partial(promote, db, uid))
            assert promoted == expected, promoted
            hooked.append(seconds)
            for endpoint in endpoints:
                page = services.webhooks.deliveries(endpoint)
                kinds = sorted(d.event_type for d in page.items)
                assert kinds == ["schedule.confirmed", "shows.confirmed"], kinds
                bulk = next(d for d in page.items if d.event_type == "shows.confirmed")
                assert len(bulk.payload["data"]["show_uids"]) == expected
                services.webhooks.delete(endpoint)
        base, with_hooks = statistics.median(none), statistics.median(hooked)
        ratio = with_hooks / base
        print(
            "promote, no endpoint: "
            + ", ".join(f"{s * 1000:.0f} ms" for s in none)
            + f" (median {base * 1000:.0f} ms); with {ENDPOINTS} endpoints (all events), "
            "alternating: "
            + ", ".join(f"{s * 1000:.0f} ms" for s in hooked)
            + f" (median {with_hooks * 1000:.0f} ms); ratio {ratio:.2f} (target <= {TARGET})"
        )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
