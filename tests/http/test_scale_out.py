"""A scale-out simulation on one machine: three ``studiocore serve``
processes and two ``studiocore worker`` processes on one PostgreSQL, under
bounded concurrent load through all three servers (bookings racing for the
same rooms and MCs, promotions, reads). Nothing is double-booked, every
acknowledged write is there, a refused promotion changed nothing, every 4xx
is a clean error, nothing answers 5xx, and every webhook event is delivered
once although two workers compete for the deliveries."""

from __future__ import annotations

import itertools
import random
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import sqlalchemy as sa

from studiocore import ShowStatus
from studiocore_sql.tables import RESERVING_IDS_SQL, SHOW_STATUS_IDS
from tests.support.postgres import scratch_database
from tests.support.receiver import receiver
from tests.support.servers import Server, running_server, server_env, studiocore_command

SECRET = "a-scale-out-secret-that-is-long-enough!"
SERVERS = 3
WORKERS = 2
ROOMS = 3
MCS = 3
SLOTS = 6
"""One-hour slots of one day that every booking competes for."""
BOOKINGS = 90
PROMOTIONS = 8
READS = 60
CONCURRENCY = 12
SETTINGS = {
    "STUDIOCORE_RATE_LIMIT": "false",  # the load is the point, not the budget
    "STUDIOCORE_WEBHOOK_WORKER": "false",  # the worker processes send them
    "STUDIOCORE_WEBHOOK_POLL_SECONDS": "0.2",
    "STUDIOCORE_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",  # the receiver runs here
}
DAY = "2031-05-12"
"""The day direct bookings race for."""
PLANNED_DAY = "2031-05-13"
"""The day the promotions' drafts race for (some promotions win, some are refused)."""


def _at(slot: int, day: str = DAY) -> str:
    return f"{day}T{8 + slot:02d}:00:00Z"


@attrs.define
class Outcome:
    answers: list[tuple[str, int, Any]] = attrs.field(factory=list)
    booked: list[dict[str, Any]] = attrs.field(factory=list)
    promoted: list[str] = attrs.field(factory=list)
    refused: list[str] = attrs.field(factory=list)
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def record(self, what: str, response: httpx.Response) -> Any:
        body = response.json() if response.content else None
        with self.lock:
            self.answers.append((what, response.status_code, body))
        return body


@contextmanager
def _workers(url: str, folder: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    env = {**server_env(url, SECRET), **SETTINGS}
    processes = []
    try:
        for i in range(WORKERS):
            with (folder / f"worker-{i}.log").open("w") as log:
                processes.append(
                    subprocess.Popen(
                        [*studiocore_command(), "worker"],
                        env=env,
                        cwd=folder,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung worker
                process.kill()
                process.wait()


def _admin_token(url: str, folder: Path) -> str:
    env = server_env(url, SECRET)

    def run(*args: str) -> str:
        return subprocess.run(
            [*studiocore_command(), *args],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    run("db", "upgrade")
    run("users", "create-admin", "--email", "ops@example.com", "--name", "Ops")
    return run("token", "--email", "ops@example.com").strip()


def _setup(http: httpx.Client, hook_url: str) -> dict[str, Any]:
    def made(path: str, body: dict[str, Any]) -> str:
        answer = http.post(path, json=body)
        assert answer.status_code == 201, answer.text
        uid: str = answer.json()["uid"]
        return uid

    studio = made("/api/v1/studios", {"name": "Scale", "time_zone": "UTC"})
    made("/api/v1/webhooks", {"url": hook_url, "event_types": ["*"]})
    return {
        "studio": studio,
        "client": made("/api/v1/clients", {"name": "Glow"}),
        "rooms": [
            made("/api/v1/studio-rooms", {"studio_uid": studio, "name": f"Room {i}"})
            for i in range(ROOMS)
        ],
        "mcs": [made("/api/v1/mcs", {"name": f"MC {i}"}) for i in range(MCS)],
    }


def _book(http: httpx.Client, world: dict[str, Any], rng: random.Random, out: Outcome) -> None:
    slot = rng.randrange(SLOTS)
    body = {
        "name": "Race",
        "studio_room_uid": rng.choice(world["rooms"]),
        "mc_uids": [rng.choice(world["mcs"])],
        "show_start": _at(slot),
        "show_end": _at(slot + 1),
    }
    answer = http.post("/api/v1/shows", json=body)
    created = out.record("book", answer)
    if answer.status_code == 201:
        with out.lock:
            out.booked.append({**body, "uid": created["uid"]})


def _promote(http: httpx.Client, world: dict[str, Any], rng: random.Random, out: Outcome) -> None:
    schedule = http.post(
        "/api/v1/schedules",
        json={
            "client_uid": world["client"],
            "studio_uid": world["studio"],
            "name": f"Week {rng.random()}",
            "start_time": f"{DAY}T00:00:00Z",
            "end_time": "2031-05-19T00:00:00Z",
        },
    )
    uid = out.record("schedule", schedule)["uid"]
    for _ in range(2):
        slot = rng.randrange(SLOTS)
        draft = http.post(
            f"/api/v1/schedules/{uid}/shows",
            json={
                "name": "Draft",
                "studio_room_uid": rng.choice(world["rooms"]),
                "show_start": _at(slot, PLANNED_DAY),
                "show_end": _at(slot + 1, PLANNED_DAY),
            },
        )
        assert out.record("draft", draft) is not None
    out.record(
        "propose", http.post(f"/api/v1/schedules/{uid}/transitions", json={"to": "proposed"})
    )
    out.record("approve", http.post(f"/api/v1/schedules/{uid}/approve", json={}))
    confirmed = http.post(f"/api/v1/schedules/{uid}/confirm", json={})
    out.record("confirm", confirmed)
    with out.lock:
        (out.promoted if confirmed.status_code == 200 else out.refused).append(uid)


def _read(http: httpx.Client, world: dict[str, Any], rng: random.Random, out: Outcome) -> None:
    room = rng.choice(world["rooms"])
    out.record("list", http.get(f"/api/v1/shows?studio_room_uid={room}&limit=50"))
    out.record(
        "availability",
        http.get(
            f"/api/v1/studios/{world['studio']}/availability"
            f"?start={DAY}T00:00:00Z&end={DAY}T23:00:00Z"
        ),
    )


def _overlaps(rows: list[Any]) -> list[tuple[Any, Any]]:
    """Pairs of rows of one resource whose half-open intervals intersect."""
    found = []
    by_key: dict[str, list[Any]] = {}
    for row in rows:
        by_key.setdefault(row[0], []).append(row)
    for same in by_key.values():
        same.sort(key=lambda r: r[1])
        found += [(a, b) for a, b in itertools.pairwise(same) if b[1] < a[2]]
    return found


@pytest.mark.slow
def test_three_servers_and_two_workers_under_racing_load_stay_consistent(tmp_path: Path) -> None:
    with scratch_database() as url, receiver() as hooks, ExitStack() as stack:
        token = _admin_token(url, tmp_path)
        servers: list[Server] = [
            stack.enter_context(
                running_server(
                    url, tmp_path, demo=False, secret=SECRET, settings=SETTINGS, name=f"api-{i}"
                )
            )
            for i in range(SERVERS)
        ]
        stack.enter_context(_workers(url, tmp_path))
        headers = {"Authorization": f"Bearer {token}"}
        clients = [
            stack.enter_context(httpx.Client(base_url=s.base_url, headers=headers, timeout=60))
            for s in servers
        ]
        world = _setup(clients[0], hooks.url)
        tasks = [_book] * BOOKINGS + [_promote] * PROMOTIONS + [_read] * READS
        random.Random(7).shuffle(tasks)
        out = Outcome()

        def run(index: int) -> None:
            rng = random.Random(index)
            tasks[index](clients[index % SERVERS], world, rng, out)

        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(run, range(len(tasks))))

        # no 5xx; every 4xx a clean error (status and a detail, nothing else)
        statuses = [status for _, status, _ in out.answers]
        assert all(status < 500 for status in statuses), [a for a in out.answers if a[1] >= 500]
        for what, status, body in out.answers:
            if status >= 400:
                assert status in {409, 422}, (what, status, body)
                assert body["status_code"] == status
                assert isinstance(body["detail"], str)
                assert body["detail"]
        assert {s for w, s, _ in out.answers if w == "book"} == {201, 409}  # there was a race
        assert out.booked
        assert len(out.promoted) + len(out.refused) == PROMOTIONS
        assert out.promoted  # and some were refused, as a rule: their drafts race too
        print(  # the shape of this run, for whoever reads the output with -s
            f"booked {len(out.booked)}/{BOOKINGS}, promoted {len(out.promoted)}, "
            f"refused {len(out.refused)}, answers {len(out.answers)}"
        )

        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                reserving = f"s.show_status_id IN ({RESERVING_IDS_SQL}) AND s.deleted_at IS NULL"
                rooms = conn.execute(
                    sa.text(
                        "SELECT r.uid, s.show_start, s.show_end, s.uid FROM shows s "
                        f"JOIN studio_rooms r ON r.id = s.studio_room_id WHERE {reserving}"
                    )
                ).all()
                mcs = conn.execute(
                    sa.text(
                        "SELECT m.uid, s.show_start, s.show_end, s.uid FROM show_mcs sm "
                        "JOIN shows s ON s.id = sm.show_id JOIN mcs m ON m.id = sm.mc_id "
                        f"WHERE {reserving} AND sm.deleted_at IS NULL"
                    )
                ).all()
                drafts = conn.execute(
                    sa.text(
                        "SELECT sc.uid, count(*) FILTER (WHERE s.show_status_id = :draft) "
                        "FROM shows s JOIN schedules sc ON sc.id = s.schedule_id "
                        "GROUP BY sc.uid"
                    ),
                    {"draft": SHOW_STATUS_IDS[ShowStatus.DRAFT]},
                ).all()
                drafts_of: dict[str, int] = {row[0]: row[1] for row in drafts}
        finally:
            engine.dispose()
        assert _overlaps([tuple(r) for r in rooms]) == []  # no room double-booked
        assert _overlaps([tuple(r) for r in mcs]) == []  # no MC double-booked
        stored = {r[3] for r in rooms}
        assert {b["uid"] for b in out.booked} <= stored  # every 201 is there
        assert all(drafts_of[uid] == 0 for uid in out.promoted)  # promoted: all confirmed
        assert all(drafts_of[uid] == 2 for uid in out.refused)  # refused: nothing changed

        # every event delivered, each once, though two workers compete
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(hooks.processed) < len(out.booked):
            time.sleep(0.2)
        ids = [r.headers["webhook-id"] for r in hooks.requests]
        assert len(ids) == len(set(ids)), "a delivery was sent twice"
        assert len(hooks.processed) >= len(out.booked)
        print(f"webhook deliveries {len(hooks.processed)}")
