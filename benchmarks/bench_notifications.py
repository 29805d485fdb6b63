"""Benchmark of notifications on PostgreSQL (issue 17), two parts, each with its
baseline in the same run.

(a) ``ScheduleService.promote`` of a schedule of 10k drafts (as bench_sql
    loads them: 20 rooms, two MCs per room) whose MCs all have users, whose
    client has five members and whose studio has two managers, with every
    subscriber of the domain events on (notifications, and webhook queuing
    when the webhooks feature subscribes), alternating with the same promotion
    with no subscriber at all (``services.events.clear()``), each run on a
    schedule of its own: the ratio of the medians. Target: <= 1.2x.
(b) Latency from commit to delivery on a Server-Sent Events stream across two
    ``studiocore serve`` processes over one database, with ``--subscribers``
    streams (default 100, each a member of the client) open on the second:
    each round books one show of the client through the first (one
    notification per member) and times, for every stream, the moment its event
    arrives from the moment the booking's answer arrived (after the commit).
    p50 and p99 of all deliveries. Baseline, alternating round by round: a bare
    ``NOTIFY`` on one psycopg connection heard by ``LISTEN`` on another (the
    floor any cross-process delivery over PostgreSQL pays).

Run with ``python benchmarks/bench_notifications.py [--record]``.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

os.environ.setdefault("STUDIOCORE_BENCH_SHOWS", "40000")

import httpx
import psycopg

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.support.sse import SseReader

from benchmarks import bench_sql
from benchmarks.bench_http import _free_port, append_results
from studiocore import Services
from studiocore.access import MembershipPolicy
from studiocore_http import Settings
from studiocore_http.auth import issue_token
from studiocore_sql import SqlDatabase
from studiocore_sql import tables as t

SECRET = "bench-secret-that-is-long-enough-for-hs256!"
RUNS = 4
"""Promotions of each kind (with subscribers, without), alternating."""


# --------------------------------------------------------------------------- (a)


def audience(db: SqlDatabase) -> None:
    """Users for every MC, five members of the client, two managers per studio."""
    svc = Services(db)
    with db.engine.connect() as conn:
        mcs = [row.uid for row in conn.execute(t.mcs.select())]
        client = conn.execute(t.clients.select().where(t.clients.c.id == 1)).one().uid
        studios = [row.uid for row in conn.execute(t.studios.select())]
    for i, mc in enumerate(mcs):
        user = svc.users.create(f"mc{i}@bench.example", f"MC user {i}")
        svc.mcs.update(mc, {"user_uid": user.uid})
    for i in range(5):
        user = svc.users.create(f"client{i}@bench.example", f"Client member {i}")
        svc.memberships.create(user.uid, client, "member")
    for s, studio in enumerate(studios):
        for i in range(2):
            user = svc.users.create(f"m{s}.{i}@bench.example", f"Manager {s}.{i}")
            svc.memberships.create(user.uid, studio, "manager")


def promote(db: SqlDatabase, schedule_uid: str, *, subscribers: bool) -> int:
    svc = Services(db)
    if not subscribers:
        svc.events.clear()
    return len(svc.schedules.promote(schedule_uid).confirmed_show_uids)


def part_a() -> list[str]:
    with bench_sql.bench_database() as db:
        world = bench_sql.load(db)
        audience(db)
        plan = [True, False] * RUNS
        times: dict[bool, list[float]] = {True: [], False: []}
        for on, (_, uid) in zip(plan, world.schedules, strict=False):
            seconds, promoted = bench_sql.timed(functools.partial(promote, db, uid, subscribers=on))
            assert promoted, promoted
            times[on].append(seconds)
        with db.engine.connect() as conn:
            notes = conn.execute(t.notifications.select()).all()
    with_, without = statistics.median(times[True]), statistics.median(times[False])
    ratio = with_ / without
    print(
        f"(a) promote 10k drafts with subscribers: {', '.join(f'{x * 1000:.0f}' for x in times[True])} ms"
        f" (median {with_ * 1000:.0f}); without: {', '.join(f'{x * 1000:.0f}' for x in times[False])} ms"
        f" (median {without * 1000:.0f}); ratio {ratio:.2f} (target <= 1.2); "
        f"{len(notes)} notifications written in all"
    )
    return [
        f"- (a) `ScheduleService.promote`, 10k drafts, every event subscriber on / none: "
        f"**{ratio:.2f}x** (medians {with_ * 1000:.0f} / {without * 1000:.0f} ms, "
        f"{RUNS} alternating runs each; {len(notes)} notifications in all). Target <= 1.2x."
    ]


# --------------------------------------------------------------------------- (b)


@contextmanager
def serve(url: str) -> Iterator[str]:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("STUDIOCORE_")},
        "STUDIOCORE_DATABASE_URL": url,
        "STUDIOCORE_JWT_SECRET": SECRET,
        "STUDIOCORE_LOG_REQUESTS": "false",
        "STUDIOCORE_MIGRATE_ON_START": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "studiocore_http", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def bare_notify_latencies(dsn: str, rounds: int) -> list[float]:
    """Commit of a ``NOTIFY`` on one connection -> heard on another, per round."""
    heard: list[float] = []
    with (
        psycopg.connect(dsn, autocommit=True) as listener,
        psycopg.connect(dsn, autocommit=True) as sender,
    ):
        listener.execute("LISTEN bench_floor")
        for _ in range(rounds):
            sender.execute("NOTIFY bench_floor, 'x'")
            sent = time.monotonic()
            for _ in listener.notifies(timeout=5, stop_after=1):
                heard.append(time.monotonic() - sent)
    return heard


def one_round(
    server: str, body: dict[str, Any], headers: dict[str, str], streams: list[SseReader]
) -> list[float]:
    """Book through ``server``; each stream's delay from the answer to its event."""
    response = httpx.post(f"{server}/api/v1/shows", json=body, headers=headers, timeout=30)
    answered = time.monotonic()
    assert response.status_code == 201, response.text
    return [reader.next(timeout=10).received - answered for reader in streams]


def part_b(subscribers: int, rounds: int) -> list[str]:
    with ExitStack() as stack:
        db = stack.enter_context(bench_sql.bench_database())
        url = db.engine.url.render_as_string(hide_password=False)
        dsn = "postgresql://" + url.partition("://")[2]
        svc = Services(db, policy=MembershipPolicy())
        studio = svc.studios.create("Latency")
        room = svc.studio_rooms.create(studio.uid, "L1")
        client = svc.clients.create("Listeners")
        manager = svc.users.create("manager@bench.example", "Manager")
        svc.memberships.create(manager.uid, studio.uid, "admin")
        members = [
            svc.users.create(f"l{i}@bench.example", f"Listener {i}") for i in range(subscribers)
        ]
        for member in members:
            svc.memberships.create(member.uid, client.uid, "member")
        settings = Settings(jwt_secret=SECRET)
        one = stack.enter_context(serve(url))
        two = stack.enter_context(serve(url))
        streams = []
        for member in members:
            token = issue_token(settings, member.uid)
            streams.append(
                SseReader(
                    f"{two}/api/v1/notifications/stream", {"Authorization": f"Bearer {token}"}
                )
            )
        for reader in streams:
            stack.callback(reader.close)
        admin = {"Authorization": f"Bearer {issue_token(settings, manager.uid)}"}
        ours: list[float] = []
        floor: list[float] = []
        for r in range(rounds + 1):
            body = {
                "name": f"Round {r}",
                "studio_room_uid": room.uid,
                "client_uid": client.uid,
                "show_start": f"2031-02-{1 + r // 20:02d}T{r % 20:02d}:00:00Z",
                "show_end": f"2031-02-{1 + r // 20:02d}T{r % 20:02d}:30:00Z",
            }
            got = one_round(one, body, admin, streams)
            if r:  # the first round warms both servers up
                ours.extend(got)
                floor.extend(bare_notify_latencies(dsn, 5))

    def pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    line = (
        f"(b) commit -> SSE delivery across two processes, {subscribers} streams, {rounds} rounds: "
        f"p50 {pct(ours, 0.5):.1f} ms, p99 {pct(ours, 0.99):.1f} ms; bare NOTIFY -> LISTEN: "
        f"p50 {pct(floor, 0.5):.2f} ms, p99 {pct(floor, 0.99):.2f} ms"
    )
    print(line)
    return [
        f"- (b) commit -> SSE delivery across two `studiocore serve` processes, {subscribers} "
        f"open streams on the second, {rounds} rounds of one booking (one notification per "
        f"stream): p50 **{pct(ours, 0.5):.1f} ms**, p99 **{pct(ours, 0.99):.1f} ms** "
        f"({len(ours)} deliveries); the floor, a bare `NOTIFY` heard by `LISTEN` between "
        f"two connections, alternating: p50 {pct(floor, 0.5):.2f} ms, p99 "
        f"{pct(floor, 0.99):.2f} ms."
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--skip-promote", action="store_true")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    lines: list[str] = []
    if not args.skip_promote:
        lines += part_a()
    lines += part_b(args.subscribers, args.rounds)
    lines.append(
        f"- Python {platform.python_version()}, {os.cpu_count()} CPUs (servers, streams, "
        "PostgreSQL and the load share them)."
    )
    if args.record:
        append_results("bench_notifications", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
