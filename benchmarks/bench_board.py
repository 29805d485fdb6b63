"""Board benchmark: a week's planning board of a 20-room studio holding 1,000
shows, next to the JSON API calls that return the same shows, on PostgreSQL.

The board (``GET /board?span=week``) does what a planner's page does: the
signed-in user from the session, the week's shows, the studio's rooms and
clients, the conflict audit of the week and the check of each draft schedule
in it, then the HTML. The baseline is the API a script would call for the
same shows: ``GET /api/v1/shows`` filtered by studio and week, paged at its
maximum of 500 (three calls for the 1,040 shows and drafts), with a bearer
token. Both run in
one process through the app's test client (no network), as the same studio
manager under the membership policy, alternating, ``--rounds`` times; the
ratio of the medians is the figure (target: under 2x, issue 15).

Data: one studio (Asia/Seoul) of 20 rooms, 20 MCs (one per room), 5 clients,
``--shows`` confirmed shows spread over one week (back to back in each room
from the operational day's start), and a draft schedule of 40 drafts in the
same week, a few of them over confirmed shows.

Run: ``python benchmarks/bench_board.py`` (``nox -s bench -- bench_board``).
Options: ``--shows N`` (1,000), ``--rounds R`` (15), ``--record`` (append the
run to benchmarks/RESULTS.md). PostgreSQL: as ``bench_http``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

if __package__ in {None, ""}:  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_http import SECRET, append_results, scratch_database

ROOMS = 20
CLIENTS = 5
DRAFTS = 40
TARGET = 2.0
ZONE = ZoneInfo("Asia/Seoul")
MONDAY = date(2027, 3, 1)


def seed(services: Any, shows: int) -> dict[str, str]:
    """The studio, its rooms, MCs, clients, shows and draft schedule; the uids
    the benchmark needs."""
    studio = services.studios.create("Bench studio", time_zone="Asia/Seoul")
    rooms = [services.studio_rooms.create(studio.uid, f"Room {i:02}") for i in range(ROOMS)]
    mcs = [services.mcs.create(f"MC {i:02}") for i in range(ROOMS)]
    clients = [services.clients.create(f"Client {i}") for i in range(CLIENTS)]
    per_room_day = -(-shows // (ROOMS * 7))
    length = timedelta(minutes=min(120, 18 * 60 // per_room_day - 15))
    made = 0
    for day in range(7):
        opens = datetime.combine(MONDAY + timedelta(days=day), datetime.min.time(), ZONE)
        opens += timedelta(hours=6)
        for slot in range(per_room_day):
            for i, room in enumerate(rooms):
                if made == shows:
                    break
                start = opens + slot * (length + timedelta(minutes=15))
                services.shows.create(
                    f"Show {made}",
                    start,
                    start + length,
                    studio_room_uid=room.uid,
                    client_uid=clients[made % CLIENTS].uid,
                    mc_uids=[mcs[i].uid],
                )
                made += 1
    first = datetime.combine(MONDAY, datetime.min.time(), ZONE)
    plan = services.schedules.create(
        clients[0].uid, studio.uid, "Next week's drafts", first, first + timedelta(days=7)
    )
    for n in range(DRAFTS):  # late in the day, some over confirmed shows
        start = first + timedelta(days=n % 7, hours=16 + (n % 5))
        services.shows.create(
            f"Draft {n}",
            start,
            start + timedelta(hours=1),
            studio_room_uid=rooms[n % ROOMS].uid,
            schedule_uid=plan.uid,
        )
    manager = services.users.create("planner@bench.example", "Planner")
    services.memberships.create(manager.uid, studio.uid, "manager")
    return {"studio": studio.uid, "user": manager.uid, "email": manager.email}


def analyze(url: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()


def run(shows: int, rounds: int, record: bool) -> None:
    import logging

    from litestar.testing import TestClient

    from studiocore_http import Settings, create_app, issue_token
    from studiocore_sql import SqlDatabase

    print(f"bench_board: a week of {shows:,} shows in {ROOMS} rooms, PostgreSQL")
    with scratch_database() as url:
        db = SqlDatabase(url)
        db.upgrade()
        settings = Settings(
            jwt_secret=SECRET, demo=True, log_requests=False, access_policy="membership"
        )
        from studiocore import Services

        services = Services(db, policy=settings.policy())
        ids = seed(services, shows)
        analyze(url)  # statistics, as a database in use has them
        app = create_app(settings, services=services)
        logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
        week_start = datetime.combine(MONDAY, datetime.min.time(), ZONE) + timedelta(hours=6)
        window = f"start_from={week_start.isoformat()}&start_to={(week_start + timedelta(days=7)).isoformat()}"
        api = f"/api/v1/shows?studio_uid={ids['studio']}&{window.replace('+', '%2B')}&limit=500"
        board = f"/board?studio={ids['studio']}&day={MONDAY.isoformat()}&span=week"
        bearer = {"Authorization": f"Bearer {issue_token(settings, ids['user'])}"}
        with TestClient(app, base_url="https://bench.local") as client:
            client.get("/sign-in")  # sets the CSRF cookie, whose token the form sends back
            token = client.cookies.get("studiocore_csrf")
            assert token, "no CSRF cookie from the sign-in page"
            signed_in = client.post("/sign-in", data={"email": ids["email"], "_csrf_token": token})
            assert signed_in.status_code == 200, signed_in.text

            def api_call() -> int:
                total, offset = 0, 0
                while True:
                    answer = client.get(f"{api}&offset={offset}", headers=bearer)
                    assert answer.status_code == 200, answer.text
                    page = answer.json()
                    total += len(page["items"])
                    offset += 500
                    if offset >= page["total"]:
                        return total

            def board_call() -> int:
                answer = client.get(board)
                assert answer.status_code == 200, answer.text
                return answer.text.count('class="show-link"')

            listed, drawn = api_call(), board_call()  # warm-up, and both see the same shows
            print(f"  the API lists {listed} shows, the board draws {drawn} (with the drafts)")
            api_times: list[float] = []
            board_times: list[float] = []
            for _ in range(rounds):
                for call, times in ((api_call, api_times), (board_call, board_times)):
                    started = time.perf_counter()
                    call()
                    times.append(time.perf_counter() - started)
        db.dispose()
    api_ms, board_ms = statistics.median(api_times) * 1e3, statistics.median(board_times) * 1e3
    ratio = board_ms / api_ms
    verdict = "met" if ratio < TARGET else "NOT met"
    print(f"  API {api_ms:.0f} ms, board {board_ms:.0f} ms (medians of {rounds})")
    print(f"  board / API = {ratio:.2f}x (target < {TARGET}x: {verdict})")
    if record:
        append_results(
            "bench_board",
            [
                f"A week's board of {ROOMS} rooms, {shows:,} confirmed shows and {DRAFTS} drafts "
                f"(PostgreSQL, membership policy, a studio manager), in process, {rounds} "
                f"alternating rounds; Python {platform.python_version()}.",
                "",
                "| measure | API (pages of 500) | board | board / API | target |",
                "|---|---|---|---|---|",
                f"| median time | {api_ms:.0f} ms | {board_ms:.0f} ms | **{ratio:.2f}x** | < {TARGET}x |",
                "",
            ],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shows", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    run(args.shows, args.rounds, args.record)


if __name__ == "__main__":
    main()
