"""HTTP benchmark: ``GET /api/v1/shows?limit=50`` with filters on PostgreSQL holding
1M shows, ``studiocore serve`` with every production middleware on (JSON request
logs, metrics, rate limiting, the membership policy), 20 s of load from a
separate process (wrk), next to a bare Litestar handler running the same page
query through SQLAlchemy Core; then ``serve --workers 2`` against one worker.

Both servers run side by side in the same invocation against the same database;
after a warm-up each gets ``--rounds`` interleaved loads and its best round
counts (on a shared machine, other processes otherwise decide the result);
each round's pair (its two loads ran one after the other) and the pairs'
median are printed and recorded too. The
studiocore endpoint does everything a real request does: the bearer token
(verified once, then remembered until it expires), the token's user and grants
(from the access cache, which the database's ``NOTIFY`` keeps true), the access
guard, the page query, the total count and the response structs; the bare
handler runs only the page query (the statement the SQL adapter builds, on the
adapter's engine, in autocommit as its read-only units run) and returns the
rows. The database is vacuumed after seeding, as autovacuum leaves a table in
service (it may be off on a test machine).

Run: ``python benchmarks/bench_http.py`` (``nox -s bench -- bench_http``).
Options: ``--shows N`` (default 1,000,000), ``--duration S`` (20),
``--connections C`` (16), ``--rounds R`` (2), ``--record`` (append the run to
benchmarks/RESULTS.md). PostgreSQL: ``STUDIOCORE_BENCH_POSTGRES_URL`` or
``STUDIOCORE_TEST_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); a fresh database is
created and dropped. Needs ``wrk`` (``apt-get install wrk``) or ``oha`` on PATH.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

SECRET = "benchmark-secret-benchmark-secret-benchmark"
ADMIN_URL = (
    os.environ.get("STUDIOCORE_BENCH_POSTGRES_URL")
    or os.environ.get("STUDIOCORE_TEST_POSTGRES_URL")
    or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ROOMS_PER_STUDIO = 10
STUDIOS = 2
BASE = datetime(2026, 1, 1, tzinfo=UTC)


# --------------------------------------------------------------------------- database


@contextmanager
def scratch_database() -> Iterator[str]:
    """A new, empty PostgreSQL database; dropped afterwards."""
    name = f"studiocore_bench_http_{secrets.token_hex(4)}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(
    url: str,
    shows: int,
    *,
    studios: int = STUDIOS,
    clients: int = 10,
    schedules: bool = False,
) -> dict[str, Any]:
    """Studios (of ``ROOMS_PER_STUDIO`` rooms), clients and an admin through the
    services, then ``shows`` confirmed shows in one set-based INSERT (back to
    back in each room, so the exclusion constraints hold; each room's shows go
    to every client in turn, so each client holds ``1/clients`` of the shows,
    spread over every room). With ``schedules``, one confirmed schedule per
    client, studio and 30 days, holding that client's shows in that studio and
    period (what promotions leave behind). Returns the uids the requests filter
    on (``studio_uid``: the first studio) and ``studio_uids``, ``client_uids``."""
    from studiocore import Services, UserRole
    from studiocore_sql import SqlDatabase

    db = SqlDatabase(url)
    db.upgrade()
    services = Services(db)
    admin = services.users.create("bench@example.com", "Bench", role=UserRole.ADMIN)
    made = [services.studios.create(f"Studio {i}") for i in range(studios)]
    for studio in made:
        for r in range(ROOMS_PER_STUDIO):
            services.studio_rooms.create(studio.uid, f"Room {r}")
    client_uids = [services.clients.create(f"Client {c}").uid for c in range(clients)]
    rooms = studios * ROOMS_PER_STUDIO
    periods = shows // rooms // (30 * 24) + 1
    params = {
        "rooms": rooms,
        "per_studio": ROOMS_PER_STUDIO,
        "studios": studios,
        "clients": clients,
        "periods": periods,
        "n": shows,
        "base": BASE,
    }
    started = time.perf_counter()
    with db.engine.begin() as conn:
        if schedules:
            conn.execute(
                sa.text(
                    """
                    INSERT INTO schedules (uid, client_id, studio_id, schedule_status_id, name,
                                           start_time, end_time, version, metadata,
                                           created_at, updated_at)
                    SELECT 'schedule_' || lpad(upper(to_hex(n)), 26, '0'),
                           (SELECT min(id) FROM clients) + c,
                           (SELECT min(id) FROM studios) + s,
                           (SELECT id FROM schedule_status WHERE name = 'confirmed'),
                           'Schedule ' || n,
                           :base + p * interval '30 days',
                           :base + (p + 1) * interval '30 days',
                           1, '{}', now(), now()
                    FROM generate_series(0, :periods - 1) AS p,
                         generate_series(0, :clients - 1) AS c,
                         generate_series(0, :studios - 1) AS s,
                         LATERAL (SELECT (p * :clients + c) * :studios + s AS n) AS k
                    """
                ),
                params,
            )
        # Show g: room g % rooms (rooms were made studio by studio), the room's
        # (g / rooms)-th hour, client (g / rooms + g) % clients; its schedule is
        # that client's in the room's studio for the show's 30 days.
        conn.execute(
            sa.text(
                """
                INSERT INTO shows (uid, client_id, schedule_id, studio_room_id, show_type_id,
                                   show_status_id, show_standard_id, name, show_start, show_end,
                                   created_at, updated_at)
                SELECT 'show_' || lpad(upper(to_hex(g)), 26, '0'),
                       (SELECT min(id) FROM clients) + k.c,
                       sched.ids[1 + ((g / :rooms / 720 * :clients + k.c) * :studios
                                      + g % :rooms / :per_studio)],
                       rooms.ids[1 + g % :rooms],
                       (SELECT id FROM show_types WHERE name = 'bau'),
                       (SELECT id FROM show_status WHERE name = 'confirmed'),
                       (SELECT id FROM show_standards WHERE name = 'standard'),
                       'Show ' || g,
                       :base + (g / :rooms) * interval '1 hour',
                       :base + (g / :rooms) * interval '1 hour' + interval '50 minutes',
                       now(), now()
                FROM generate_series(1, :n) AS g,
                     LATERAL (SELECT (g / :rooms + g) % :clients AS c) AS k,
                     (SELECT array_agg(id ORDER BY id) AS ids FROM studio_rooms) AS rooms,
                     (SELECT array_agg(id ORDER BY uid) AS ids FROM schedules) AS sched
                """
            ),
            params,
        )
    # What autovacuum does to a table in service (it may be off on a test
    # machine): statistics, and the visibility map that index-only scans need.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    print(f"  inserted {shows:,} shows in {time.perf_counter() - started:.1f} s")
    db.dispose()
    return {
        "admin_uid": admin.uid,
        "studio_uid": made[0].uid,
        "studio_uids": [s.uid for s in made],
        "client_uids": client_uids,
    }


# --------------------------------------------------------------------------- servers


def serve_api(url: str, port: int, policy: str = "simple") -> None:
    """The studiocore app, as ``studiocore serve`` builds it (request logging off),
    with the access policy ``policy``."""
    import uvicorn

    from studiocore_http import Settings, create_app

    settings = Settings(
        database_url=url,
        jwt_secret=SECRET,
        log_requests=False,
        migrate_on_start=False,
        access_policy=policy,
    )
    uvicorn.run(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )


def serve_bare(url: str, port: int) -> None:
    """One Litestar handler running the adapter's page statement with Core."""
    import uvicorn
    from litestar import Litestar, get

    from studiocore import Show
    from studiocore_sql import SqlDatabase
    from studiocore_sql import tables as t
    from studiocore_sql.mapping import MAPS
    from studiocore_sql.repositories import paged

    # The adapter's engine (its pool and session options), used as its read-only
    # units use it: autocommit, so no transaction round trips, and psycopg keeps
    # the prepared statement (a ROLLBACK would make it drop all of them).
    engine = SqlDatabase(url).engine.execution_options(isolation_level="AUTOCOMMIT")
    shows = t.shows
    page = MAPS[Show].select

    @get("/bare/shows", sync_to_thread=True)
    def bare_shows(studio_uid: str, start_from: str, start_to: str, limit: int = 50) -> Any:
        rooms = (
            sa.select(t.studio_rooms.c.id)
            .join(t.studios, t.studios.c.id == t.studio_rooms.c.studio_id)
            .where(t.studios.c.uid == studio_uid)
        )
        stmt = page.where(
            shows.c.deleted_at.is_(None),
            shows.c.studio_room_id.in_(rooms),
            shows.c.show_start >= datetime.fromisoformat(start_from),
            shows.c.show_start < datetime.fromisoformat(start_to),
        ).order_by(shows.c.show_start, shows.c.uid)
        stmt = paged(stmt, limit, 0)  # the LIMIT as the adapter writes it
        with engine.connect() as conn:
            return {"items": [dict(row._mapping) for row in conn.execute(stmt)]}

    uvicorn.run(
        Litestar([bare_shows]),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(kind: str, url: str, *options: str) -> Iterator[str]:
    """A server process (``api`` or ``bare``; ``options``: the API's access policy)."""
    port = _free_port()
    command = [sys.executable, __file__, f"_serve_{kind}", url, str(port), *options]
    with _running(command, {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, port) as base:
        yield base


@contextmanager
def served(url: str, workers: int = 1, **settings: str) -> Iterator[str]:
    """``studiocore serve --workers N`` itself, as a deployment runs it: JSON
    request logs (to /dev/null, as to a log collector's pipe), metrics, rate
    limiting (in-process counters, budgets far above the load), the membership
    access policy, the auth cache off; ``settings`` override them
    (``rate_limit="false"``: ``STUDIOCORE_RATE_LIMIT=false``)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIOCORE_")}
    env.update(
        PYTHONPATH=os.pathsep.join(sys.path),
        STUDIOCORE_DATABASE_URL=url,
        STUDIOCORE_JWT_SECRET=SECRET,
        STUDIOCORE_ACCESS_POLICY="membership",
        STUDIOCORE_RATE_LIMIT="true",
        STUDIOCORE_RATE_LIMIT_READS="1000000000/minute",
        STUDIOCORE_METRICS="true",
        STUDIOCORE_LOG_REQUESTS="true",
        STUDIOCORE_WEBHOOK_WORKER="false",
    )
    env.update({f"STUDIOCORE_{name.upper()}": value for name, value in settings.items()})
    command = [sys.executable, "-m", "studiocore_http", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--no-migrate", "--log-format", "json"]
    with _running(command, env, port, quiet=True) as base:
        yield base


@contextmanager
def _running(
    command: list[str], env: dict[str, str], port: int, *, quiet: bool = False
) -> Iterator[str]:
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(command, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[2]} server exited with {process.returncode}")
            try:
                httpx.get(base, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=40)


# --------------------------------------------------------------------------- load


def _seconds(value: str, unit: str) -> float:
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]
    return float(value) * scale


def load(url: str, headers: dict[str, str], duration: int, connections: int) -> dict[str, float]:
    """Requests/s and p99 latency (ms) from wrk (or oha) in a separate process."""
    wrk, oha = shutil.which("wrk"), shutil.which("oha")
    header_args: list[str] = []
    if wrk:
        for key, value in headers.items():
            header_args += ["-H", f"{key}: {value}"]
        # wrk gives up on a request after 2 s by default and leaves it out of
        # the count: a slow server would look faster than it is.
        command = [
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "60s",
            "--latency",
            *header_args,
            url,
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
        p99 = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", output)
        assert p99, output
        non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
        if non2xx:
            raise RuntimeError(f"{non2xx.group(1)} failed responses:\n{output}")
        if "Socket errors" in output:
            raise RuntimeError(f"requests failed or timed out:\n{output}")
        return {"rps": rps, "p99_ms": _seconds(p99.group(1), p99.group(2)) * 1000}
    if oha:
        for key, value in headers.items():
            header_args += ["-H", f"{key}: {value}"]
        command = [oha, "-z", f"{duration}s", "-c", str(connections), "--no-tui", *header_args, url]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
        p99 = re.search(r"99\.00% in ([\d.]+) secs", output)
        assert p99, output
        return {"rps": rps, "p99_ms": float(p99.group(1)) * 1000}
    raise SystemExit("bench_http needs wrk or oha on PATH (apt-get install wrk)")


# --------------------------------------------------------------------------- RESULTS.md


def load_summary(duration: int, connections: int, rounds: int, *, detail: str = "") -> str:
    """How a run loaded its server, for RESULTS.md: ``duration`` seconds of wrk (or
    oha) with ``connections`` connections (``detail`` after them), the best of
    ``rounds`` interleaved rounds, and the machine."""
    tool = "wrk" if shutil.which("wrk") else "oha"
    return (
        f"{duration} s of {tool} load with {connections} connections{detail}, best of "
        f"{rounds} interleaved rounds; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs (load generator, server and PostgreSQL share them)."
    )


def append_results(bench: str, lines: list[str]) -> None:
    """Append a run to benchmarks/RESULTS.md: a heading with ``bench`` and
    today's date, then ``lines``."""
    path = Path(__file__).with_name("RESULTS.md")
    heading = f"## {bench} ({datetime.now(UTC):%Y-%m-%d})"
    with path.open("a") as out:
        out.write("\n".join(["", heading, "", *lines]))
    print(f"  recorded in {path}")


# --------------------------------------------------------------------------- main


def load_arguments(doc: str | None, *, rounds: int) -> argparse.ArgumentParser:
    """The command line of a benchmark, described by the first line of ``doc``,
    with the options every one takes: ``--shows``, ``--duration``,
    ``--connections`` and ``--rounds`` (default ``rounds``)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--shows", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=rounds)
    return parser


def run(shows: int, duration: int, connections: int, rounds: int, record: bool) -> None:
    from studiocore_http import Settings, issue_token

    print(f"bench_http: {shows:,} shows on PostgreSQL, {duration} s x {connections} connections")
    with scratch_database() as url:
        ids = seed(url, shows)
        token = issue_token(Settings(jwt_secret=SECRET), ids["admin_uid"])
        # The filter window: one week in the middle of the generated shows.
        middle = BASE + timedelta(hours=shows // (STUDIOS * ROOMS_PER_STUDIO) // 2)
        start_from = middle.strftime("%Y-%m-%dT%H:00:00Z")
        start_to = (middle + timedelta(days=7)).strftime("%Y-%m-%dT%H:00:00Z")
        query = f"studio_uid={ids['studio_uid']}&start_from={start_from}&start_to={start_to}"
        targets = {
            "bare": (f"/bare/shows?{query}&limit=50", {}),
            "studiocore": (
                f"/api/v1/shows?{query}&limit=50",
                {"Authorization": f"Bearer {token}"},
            ),
        }
        api_path, api_headers = targets["studiocore"]
        with server("bare", url) as bare_base, served(url) as api_base:
            results, rounds_run = _compare(
                {
                    "bare": (bare_base, *targets["bare"]),
                    "studiocore": (api_base, *targets["studiocore"]),
                },
                duration,
                connections,
                rounds,
            )
        with served(url, workers=2) as two_base, served(url) as one_base:
            workers, _ = _compare(
                {
                    "1 worker": (one_base, api_path, api_headers),
                    "2 workers": (two_base, api_path, api_headers),
                },
                duration,
                connections,
                rounds,
            )
    ratio = results["studiocore"]["rps"] / results["bare"]["rps"]
    scaling = workers["2 workers"]["rps"] / workers["1 worker"]["rps"]
    # Each round's pair (run one after the other) shares the machine's moment:
    # their ratios, unlike the two bests (maybe from different rounds), do.
    pairs = [
        api["rps"] / bare["rps"]
        for bare, api in zip(rounds_run["bare"], rounds_run["studiocore"], strict=True)
    ]
    print(
        f"  best of {rounds}: bare {results['bare']['rps']:.1f} req/s, studiocore "
        f"{results['studiocore']['rps']:.1f} req/s = {ratio:.0%} of bare (target >= 85%); "
        f"the rounds' pairs {', '.join(f'{p:.0%}' for p in pairs)} "
        f"(median {statistics.median(pairs):.0%}); 2 workers / 1 worker: {scaling:.2f}x"
    )
    if record:
        how = load_summary(duration, connections, rounds, detail=" from a separate process")
        _record(
            shows, how, results=results, ratio=ratio, pairs=pairs, workers=workers, scaling=scaling
        )


def _compare(
    targets: dict[str, tuple[str, str, dict[str, str]]],
    duration: int,
    connections: int,
    rounds: int,
) -> tuple[dict[str, dict[str, float]], dict[str, list[dict[str, float]]]]:
    """The best of ``rounds`` interleaved loads of each target (base, path,
    headers), and every round's."""
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in targets}
    for base, path, headers in targets.values():
        check = httpx.get(base + path, headers=headers, timeout=10)
        check.raise_for_status()
        assert len(check.json()["items"]) == 50, check.text
        load(base + path, headers, 3, connections)  # warm-up
    # Interleaved rounds, best of each: other processes on the machine slow
    # down whichever server happens to run at that moment.
    for _ in range(rounds):
        for kind, (base, path, headers) in targets.items():
            runs[kind].append(load(base + path, headers, duration, connections))
            print(
                f"  {kind:<10} {runs[kind][-1]['rps']:8.1f} req/s   "
                f"p99 {runs[kind][-1]['p99_ms']:7.1f} ms"
            )
    best = {kind: max(found, key=lambda r: r["rps"]) for kind, found in runs.items()}
    return best, runs


def _record(
    shows: int,
    how: str,
    *,
    results: dict[str, dict[str, float]],
    ratio: float,
    pairs: list[float],
    workers: dict[str, dict[str, float]],
    scaling: float,
) -> None:
    append_results(
        "bench_http",
        [
            f"`GET /api/v1/shows?studio_uid=..&start_from=..&start_to=..&limit=50`, PostgreSQL "
            f"with {shows:,} shows, {how}",
            "",
            "| server | requests/s | p99 |",
            "|---|---:|---:|",
            f"| bare Litestar handler, the page query via SQLAlchemy Core, one worker | "
            f"{results['bare']['rps']:.0f} | {results['bare']['p99_ms']:.1f} ms |",
            f"| `studiocore serve` (JWT, user and grants, membership guard, page + count, "
            f"JSON request log, metrics, rate limiting), one worker | "
            f"{results['studiocore']['rps']:.0f} | {results['studiocore']['p99_ms']:.1f} ms |",
            f"| `studiocore serve --workers 2` (separate rounds) | "
            f"{workers['2 workers']['rps']:.0f} | {workers['2 workers']['p99_ms']:.1f} ms |",
            f"| `studiocore serve`, one worker (alternating with the two) | "
            f"{workers['1 worker']['rps']:.0f} | {workers['1 worker']['p99_ms']:.1f} ms |",
            "",
            f"studiocore reaches {ratio:.0%} of the bare handler's throughput, best round "
            f"against best round (target: 85 %); the rounds' pairs (each round's two loads "
            f"ran one after the other): {', '.join(f'{p:.0%}' for p in pairs)}, median "
            f"{statistics.median(pairs):.0%}. Two workers / one: {scaling:.2f}x (the load "
            "generator and PostgreSQL share the machine's cores with the workers: no target).",
            "",
        ],
    )


def main(argv: list[str]) -> None:
    if argv and argv[0] in {"_serve_api", "_serve_bare"}:
        url, port = argv[1], int(argv[2])
        if argv[0] == "_serve_api":
            serve_api(url, port, *argv[3:])
        else:
            serve_bare(url, port)
        return
    parser = load_arguments(__doc__, rounds=2)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    run(args.shows, args.duration, args.connections, args.rounds, args.record)


if __name__ == "__main__":
    main(sys.argv[1:])
