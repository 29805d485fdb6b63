"""The promotion's narrowed check (``schedule_shows`` + ``crowded``) gives the same
conflicts as checking every draft, and the SQL adapters (on PostgreSQL one
statement for the reserving shows in the drafts' lanes, then the core's sweep)
answer exactly like the in-memory one on random data. (The boundaries of "near", by example, on every adapter:
``tests/contract/test_booking_contract.py``.)"""

from __future__ import annotations

import random
from datetime import timedelta

import attrs

from studiocore import (
    MC,
    Booking,
    Entity,
    InMemoryDatabase,
    Show,
    ShowStatus,
    Studio,
    StudioRoom,
    UnitOfWork,
)
from studiocore.ports import BookingQuery
from studiocore.scheduling.detector import BufferPolicy, find_conflicts, near_bookings
from studiocore_sql import SqlDatabase
from tests.sql.helpers import at
from tests.sql.test_bookings_near_equivalence import _world
from tests.support.builders import client_and_schedule, store


def _with_schedule(rng: random.Random) -> tuple[list[Entity], str]:
    """A random world (see ``_world``) whose drafts partly belong to one schedule."""
    rows = _world(rng)
    studio = next(r for r in rows if isinstance(r, Studio))
    client, schedule = client_and_schedule(studio.uid, at(-10), at(200))
    out: list[Entity] = [client, schedule]
    for row in rows:
        if isinstance(row, Show) and row.show_status is ShowStatus.DRAFT and rng.random() < 0.7:
            out.append(attrs.evolve(row, schedule_uid=schedule.uid, client_uid=client.uid))
        else:
            out.append(row)
    return out, schedule.uid


def _store_all(uow: UnitOfWork, rows: list[Entity]) -> None:
    """``rows`` with the studio first: the schedule refers to it."""
    store(uow, sorted(rows, key=lambda row: not isinstance(row, Studio)))


def _in_memory(rows: list[Entity]) -> InMemoryDatabase:
    """The reference adapter holding ``rows``."""
    db = InMemoryDatabase()
    with db() as uow:
        _store_all(uow, rows)
    return db


def test_near_bookings_keeps_exactly_what_find_conflicts_needs() -> None:
    rng = random.Random(5)
    for _ in range(30):
        rows, schedule_uid = _with_schedule(rng)
        db = _in_memory(rows)
        rooms = [r.uid for r in rows if isinstance(r, StudioRoom)]
        mcs = [m.uid for m in rows if isinstance(m, MC)]
        policy = BufferPolicy(
            room_changeover={rooms[0]: timedelta(minutes=45)},
            mc_rest={mcs[0]: timedelta(minutes=90)},
        )
        with db.reader() as uow:
            drafts = uow.bookings.search(
                BookingQuery(
                    schedule_uid=schedule_uid, status=ShowStatus.DRAFT, reserving_only=False
                )
            )
            existing = uow.bookings.near(drafts, policy.max_buffer)
        full = find_conflicts(drafts, existing, policy)
        near_drafts, near_existing = near_bookings(drafts, existing, policy.max_buffer)
        assert find_conflicts(near_drafts, near_existing, policy) == full

        # the pairwise definition, by brute force
        def near(a: Booking, b: Booking, m: timedelta = policy.max_buffer) -> bool:
            shared = (a.room_uid is not None and a.room_uid == b.room_uid) or (
                a.mc_uids & b.mc_uids
            )
            return bool(shared) and a.slot.start < b.slot.end + m and b.slot.start < a.slot.end + m

        assert near_drafts == [
            d for d in drafts if any(near(d, o) for o in [*drafts, *existing] if o is not d)
        ]
        assert near_existing == [e for e in existing if any(near(e, d) for d in drafts)]


def test_crowded_and_schedule_shows_match_the_in_memory_adapter(sql_db: SqlDatabase) -> None:
    rng = random.Random(20261124)
    for _ in range(4):
        rows, schedule_uid = _with_schedule(rng)
        memory = _in_memory(rows)
        with sql_db() as uow:
            _store_all(uow, rows)
        for minutes in (0, 15, 30, 60, 180, 900):
            margin = timedelta(minutes=minutes)
            with memory.reader() as uow:
                resources = uow.bookings.schedule_shows(schedule_uid)
                drafts = [s for s in resources if s.status is ShowStatus.DRAFT]
                expected = uow.bookings.crowded(drafts, margin)
            with sql_db.reader() as uow:
                assert uow.bookings.schedule_shows(schedule_uid) == resources
                assert uow.bookings.crowded(drafts, margin) == expected
        assert resources
        assert any(expected)
