"""Visibility benchmark: ``GET /api/v1/shows?limit=50`` on PostgreSQL holding 1M
shows under the membership policy, as a client user (one client membership) and
as a studio manager, each next to the system admin in the same run.

The admin sees every show; the client user, one client's (1/50 of the shows);
the studio manager, every client's shows in one studio (1/10). The list
filters by visibility in the query itself (page and total), so this measures
what that filter costs. One studiocore server (one uvicorn worker, membership
policy, no user cache: every request loads the user and their memberships)
serves the three users; after a warm-up each gets ``--rounds`` interleaved
loads of ``--duration`` seconds (admin, client user, manager, admin, ...), and
its best round counts. The target (issue 13): each user within 1.2x of the
admin's throughput.

Data (:func:`benchmarks.bench_http.seed`): 10 studios of 10 rooms, 50 clients
whose shows are spread over every room, one confirmed schedule per client,
studio and 30 days holding its shows (as promotions leave them), the users'
memberships.

Run: ``python benchmarks/bench_visibility.py`` (``nox -s bench -- bench_visibility``).
Options: ``--shows N`` (default 1,000,000), ``--duration S`` (20),
``--connections C`` (16), ``--rounds R`` (3), ``--explain`` (print the
statements each user's request runs, with ``EXPLAIN ANALYZE``), ``--record``
(append the run to benchmarks/RESULTS.md). PostgreSQL and load tool: as
``bench_http``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

if __package__ in {None, ""}:  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_http import (
    SECRET,
    append_results,
    load,
    load_arguments,
    load_summary,
    scratch_database,
    seed,
    server,
)

STUDIOS = 10
CLIENTS = 50
TARGET = 1.2
USERS = ("admin", "client user", "studio manager")
PATH = "/api/v1/shows?limit=50"


def seed_users(url: str, ids: dict[str, Any]) -> dict[str, str]:
    """The three users' uids: the system admin, a member of the first client, a
    manager of the first studio."""
    from studiocore import Services
    from studiocore.lookups import MembershipRole
    from studiocore_sql import SqlDatabase

    db = SqlDatabase(url)
    services = Services(db)
    client_user = services.users.create("client@example.com", "Client user")
    services.memberships.create(client_user.uid, ids["client_uids"][0], MembershipRole.MEMBER)
    manager = services.users.create("manager@example.com", "Studio manager")
    services.memberships.create(manager.uid, ids["studio_uid"], MembershipRole.MANAGER)
    db.dispose()
    return {
        "admin": ids["admin_uid"],
        "client user": client_user.uid,
        "studio manager": manager.uid,
    }


def explain(url: str, users: dict[str, str]) -> None:
    """Each user's request through the services (membership policy), then its
    statements again under ``EXPLAIN (ANALYZE, BUFFERS)``."""
    from studiocore import Services
    from studiocore.access import MembershipPolicy
    from studiocore_sql import SqlDatabase

    db = SqlDatabase(url)
    services = Services(db, policy=MembershipPolicy())
    for name, uid in users.items():
        actor = services.users.actor(uid)
        seen: list[tuple[str, Any]] = []

        def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if "FROM shows" in statement:
                seen.append((statement, params))  # noqa: B023 - registered and removed per user

        sa.event.listen(db.engine, "before_cursor_execute", capture)
        try:
            page = services.shows.search(limit=50, actor=actor)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", capture)
        print(f"\n== {name}: {len(page.items)} shows of {page.total:,}")
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            for statement, params in seen:
                print(statement, params)
                with raw.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                    print("\n".join(row[0] for row in cursor.fetchall()))
    db.dispose()


def run(
    shows: int, duration: int, connections: int, rounds: int, *, record: bool, show_plans: bool
) -> None:
    from studiocore_http import Settings, issue_token

    print(
        f"bench_visibility: {shows:,} shows on PostgreSQL, membership policy, "
        f"{duration} s x {connections} connections, {rounds} rounds"
    )
    with scratch_database() as url:
        ids = seed(url, shows, studios=STUDIOS, clients=CLIENTS, schedules=True)
        users = seed_users(url, ids)
        if show_plans:
            explain(url, users)
        settings = Settings(jwt_secret=SECRET)
        headers = {
            name: {"Authorization": f"Bearer {issue_token(settings, uid)}"}
            for name, uid in users.items()
        }
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in USERS}
        totals: dict[str, int] = {}
        with server("api", url, "membership") as base:
            for name in USERS:
                check = httpx.get(base + PATH, headers=headers[name], timeout=30)
                check.raise_for_status()
                body = check.json()
                assert len(body["items"]) == 50, check.text
                totals[name] = body["total"]
                print(f"  {name:<15} sees {totals[name]:>9,} shows")
                load(base + PATH, headers[name], 3, connections)  # warm-up
            # Interleaved rounds, best of each: other processes on the machine
            # slow down whichever user happens to be measured at that moment.
            for _ in range(rounds):
                for name in USERS:
                    runs[name].append(load(base + PATH, headers[name], duration, connections))
                    print(
                        f"  {name:<15} {runs[name][-1]['rps']:8.1f} req/s   "
                        f"p99 {runs[name][-1]['p99_ms']:7.1f} ms"
                    )
    best = {name: max(found, key=lambda r: r["rps"]) for name, found in runs.items()}
    slower = {name: best["admin"]["rps"] / best[name]["rps"] for name in USERS[1:]}
    print(f"  best of {rounds}: admin {best['admin']['rps']:.1f} req/s")
    for name, factor in slower.items():
        print(
            f"  {name}: {best[name]['rps']:.1f} req/s, the admin's throughput / theirs = "
            f"{factor:.2f}x (target <= {TARGET}x)"
        )
    if record:
        _record(shows, load_summary(duration, connections, rounds), best, totals, slower)


def _record(
    shows: int,
    how: str,
    best: dict[str, dict[str, float]],
    totals: dict[str, int],
    slower: dict[str, float],
) -> None:
    lines = [
        f"`GET {PATH}`, PostgreSQL with {shows:,} shows ({STUDIOS} studios, {CLIENTS} "
        f"clients, a schedule per client, studio and 30 days), membership policy, one "
        f"uvicorn worker, {how}",
        "",
        "| user | sees | requests/s | p99 | admin / user |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in USERS:
        factor = f"{slower[name]:.2f}x" if name in slower else "-"
        lines.append(
            f"| {name} | {totals[name]:,} | {best[name]['rps']:.1f} | "
            f"{best[name]['p99_ms']:.1f} ms | {factor} |"
        )
    lines += ["", f"Target: each user within {TARGET}x of the admin's throughput.", ""]
    append_results("bench_visibility", lines)


def main(argv: list[str]) -> None:
    parser = load_arguments(__doc__, rounds=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    run(
        args.shows,
        args.duration,
        args.connections,
        args.rounds,
        record=args.record,
        show_plans=args.explain,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
