"""Racing writers: separate connections book the same rooms and MCs at once.

On PostgreSQL the room exclusion constraint and the row locks taken by
``lock_resources`` (rooms, then MCs, in uid order) must leave no double booking
and give every loser a ConflictError - no deadlock, no other error. On SQLite
``BEGIN IMMEDIATE`` serializes the writers for the same outcome.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from studiocore import ConflictError, Services, Show, ShowStatus, new_uid
from studiocore_sql import SqlDatabase
from tests.sql.helpers import MC_DOUBLE_BOOKINGS, ROOM_DOUBLE_BOOKINGS, T0

THREADS = 8
ROUNDS = 12


def test_racing_writers_never_double_book_and_every_loser_gets_a_conflict(
    sql_db: SqlDatabase,
) -> None:
    svc = Services(sql_db)
    studio = svc.studios.create("Race")
    rooms = [svc.studio_rooms.create(studio.uid, f"Room {i}").uid for i in range(2)]
    mcs = [svc.mcs.create(f"MC {i}").uid for i in range(3)]
    outcomes: list[tuple[int, int, str]] = []  # (round, thread, "won" | error type)
    lock = threading.Lock()

    for round_no in range(ROUNDS):
        base = T0 + timedelta(hours=10 * round_no)
        jobs: list[Callable[[], object]] = []
        for i in range(THREADS):
            room, mc = rooms[i % 2], mcs[i % 3]
            start = base + timedelta(minutes=30 * (i % 4))
            end = start + timedelta(hours=2)
            if i % 4 in (1, 3):  # confirm a prepared draft
                now = datetime.now(UTC)
                draft = Show(
                    uid=new_uid("show"),
                    created_at=now,
                    updated_at=now,
                    studio_room_uid=room,
                    show_status=ShowStatus.DRAFT,
                    name=f"draft {round_no}/{i}",
                    show_start=start,
                    show_end=end,
                )
                with sql_db() as uow:
                    uow.shows.add(draft)
                svc.shows.add_mc(draft.uid, mc)
                jobs.append(functools.partial(svc.shows.confirm, draft.uid))
            else:  # create a confirmed show directly
                jobs.append(
                    functools.partial(
                        svc.shows.create,
                        f"{round_no}/{i}",
                        start,
                        end,
                        studio_room_uid=room,
                        mc_uids=[mc],
                    )
                )
        barrier = threading.Barrier(THREADS)

        def run(
            i: int,
            job: Callable[[], object],
            round_no: int = round_no,
            barrier: threading.Barrier = barrier,
        ) -> None:
            barrier.wait(10)
            try:
                job()
                result = "won"
            except ConflictError as exc:
                result = "ConflictError" if exc.conflicts else "ConflictError without report"
            except Exception as exc:  # recorded and asserted on below
                result = type(exc).__name__
            with lock:
                outcomes.append((round_no, i, result))

        threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not any(thread.is_alive() for thread in threads)

    with sql_db.engine.connect() as conn:
        assert conn.execute(ROOM_DOUBLE_BOOKINGS).all() == []
        assert conn.execute(MC_DOUBLE_BOOKINGS).all() == []
        reserving = conn.execute(
            sa.text("SELECT count(*) FROM shows WHERE show_status_id IN (2, 3, 4)")
        ).scalar_one()

    results = [r for _, _, r in outcomes]
    assert len(results) == THREADS * ROUNDS
    assert set(results) <= {"won", "ConflictError"}, sorted(set(results))
    assert results.count("won") == reserving
    assert results.count("ConflictError") > 0
    for round_no in range(ROUNDS):
        winners = [i for r, i, res in outcomes if r == round_no and res == "won"]
        assert winners, f"round {round_no} had no winner"
