"""``bookings_near`` on SQL answers exactly like the in-memory reference adapter,
on random data and random candidate sets (the SQL side merges nearby candidate
windows into one index lookup and filters exactly afterwards)."""

from __future__ import annotations

import random
from datetime import timedelta

from studiocore import (
    MC,
    Booking,
    Entity,
    InMemoryDatabase,
    Show,
    ShowMC,
    ShowStatus,
    Studio,
    StudioRoom,
    TimeSlot,
    new_uid,
)
from studiocore_sql import SqlDatabase
from tests.sql.helpers import at
from tests.support.builders import make, store

STATUSES = list(ShowStatus)


def _world(rng: random.Random) -> list[Entity]:
    studio = make(Studio, name="S")
    rooms = [make(StudioRoom, studio_uid=studio.uid, name=f"R{i}") for i in range(3)]
    mcs = [make(MC, name=f"M{i}") for i in range(4)]
    rows: list[Entity] = [studio, *rooms, *mcs]
    busy: dict[str, list[tuple[float, float]]] = {}

    def free(key: str, start: float, end: float) -> bool:
        return all(end <= s or e <= start for s, e in busy.get(key, []))

    for _ in range(80):
        room = rng.choice(rooms).uid
        start = rng.randrange(0, 96) / 2
        end = start + rng.choice([0.5, 1, 1.5, 2, 3])
        status = rng.choice(STATUSES)
        hosts = rng.sample([m.uid for m in mcs], rng.randrange(0, 3))
        reserving = status in (ShowStatus.CONFIRMED, ShowStatus.LIVE, ShowStatus.COMPLETED)
        if reserving and not all(free(k, start, end) for k in [room, *hosts]):
            status = ShowStatus.DRAFT
        elif reserving:
            for key in [room, *hosts]:
                busy.setdefault(key, []).append((start, end))
        show = make(
            Show,
            studio_room_uid=room,
            show_status=status,
            name="x",
            show_start=at(start),
            show_end=at(end),
        )
        rows.append(show)
        rows.extend(make(ShowMC, show_uid=show.uid, mc_uid=mc) for mc in hosts)
    return rows


def test_bookings_near_matches_the_in_memory_adapter_on_random_data(sql_db: SqlDatabase) -> None:
    rng = random.Random(20261123)
    rows = _world(rng)
    rooms = [r.uid for r in rows if isinstance(r, StudioRoom)]
    mcs = [m.uid for m in rows if isinstance(m, MC)]
    shows = [s.uid for s in rows if isinstance(s, Show)]
    memory = InMemoryDatabase()
    with memory() as uow:
        store(uow, rows)
    with sql_db() as uow:
        store(uow, rows)
    answered = 0
    for _ in range(150):
        candidates = []
        for _ in range(rng.randrange(1, 6)):
            start = rng.randrange(-4, 100) / 2
            candidates.append(
                Booking(
                    show_uid=rng.choice([*shows, new_uid("show")]),
                    studio_uid=None,
                    room_uid=rng.choice([*rooms, None]),
                    mc_uids=frozenset(rng.sample(mcs, rng.randrange(0, 3))),
                    slot=TimeSlot(at(start), at(start + rng.choice([0.5, 1, 2, 6]))),
                    status=ShowStatus.CONFIRMED,
                )
            )
        margin = timedelta(minutes=rng.choice([0, 15, 30, 60, 180, 900]))
        with memory() as uow:
            expected = uow.bookings.near(candidates, margin)
        with sql_db() as uow:
            found = uow.bookings.near(candidates, margin)
        assert found == expected, (candidates, margin)
        answered += bool(expected)
    assert answered > 75  # the random cases do find neighbours
