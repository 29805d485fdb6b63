"""The promotion's narrowed check (``resources_of`` + ``crowded``) gives the same
conflicts as checking every draft, and the SQL adapters (one statement with a
window-function sweep on PostgreSQL) answer exactly like the in-memory one."""

from __future__ import annotations

import random
from datetime import timedelta

import attrs
import pytest

from studiocore import (
    MC,
    Booking,
    Client,
    InMemoryDatabase,
    Schedule,
    Show,
    ShowMC,
    ShowQuery,
    ShowStatus,
    Studio,
    StudioRoom,
)
from studiocore.scheduling.detector import BufferPolicy, find_conflicts, near_bookings
from studiocore_sql import SqlDatabase
from tests.sql.helpers import at
from tests.sql.test_bookings_near_equivalence import _store, _world
from tests.support.adapters import ADAPTERS
from tests.support.builders import make


def _client_and_schedule(studio_uid: str, start: float, end: float) -> tuple[Client, Schedule]:
    """A client and its schedule in ``studio_uid`` from hour ``start`` to ``end``."""
    client = make(Client, name="C")
    schedule = make(
        Schedule,
        client_uid=client.uid,
        studio_uid=studio_uid,
        name="plan",
        start_time=at(start),
        end_time=at(end),
    )
    return client, schedule


def _with_schedule(rng: random.Random) -> tuple[list[object], str]:
    """A random world (see ``_world``) whose drafts partly belong to one schedule."""
    rows = _world(rng)
    studio = next(r for r in rows if isinstance(r, Studio))
    client, schedule = _client_and_schedule(studio.uid, -10, 200)
    out: list[object] = [client, schedule]
    for row in rows:
        if isinstance(row, Show) and row.show_status is ShowStatus.DRAFT and rng.random() < 0.7:
            out.append(attrs.evolve(row, schedule_uid=schedule.uid, client_uid=client.uid))
        else:
            out.append(row)
    return out, schedule.uid


def _store_all(uow: object, rows: list[object]) -> None:
    head = [r for r in rows if isinstance(r, (Client, Schedule))]
    rest = [r for r in rows if not isinstance(r, (Client, Schedule))]
    studios = [r for r in rest if isinstance(r, Studio)]
    _store(uow, studios)  # type: ignore[arg-type]
    for row in head:
        getattr(uow, "clients" if isinstance(row, Client) else "schedules").add(row)
    _store(uow, [r for r in rest if not isinstance(r, Studio)])  # type: ignore[arg-type]


def test_near_bookings_keeps_exactly_what_find_conflicts_needs() -> None:
    rng = random.Random(5)
    for _ in range(30):
        rows, schedule_uid = _with_schedule(rng)
        db = InMemoryDatabase()
        with db() as uow:
            _store_all(uow, rows)
        rooms = [r.uid for r in rows if isinstance(r, StudioRoom)]
        mcs = [m.uid for m in rows if isinstance(m, MC)]
        policy = BufferPolicy(
            room_changeover={rooms[0]: timedelta(minutes=45)},
            mc_rest={mcs[0]: timedelta(minutes=90)},
        )
        with db.reader() as uow:
            drafts = uow.bookings.search(
                schedule_uid=schedule_uid, status=ShowStatus.DRAFT, reserving_only=False
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


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_crowded_and_resources_of_match_the_in_memory_adapter(backend: str) -> None:
    rng = random.Random(20261124)
    with ADAPTERS[backend]() as factory:
        assert isinstance(factory, SqlDatabase)
        for _ in range(4):
            rows, schedule_uid = _with_schedule(rng)
            memory = InMemoryDatabase()
            with memory() as uow:
                _store_all(uow, rows)
            with factory() as uow:
                _store_all(uow, rows)
            for minutes in (0, 15, 30, 60, 180, 900):
                margin = timedelta(minutes=minutes)
                with memory.reader() as uow:
                    expected = uow.bookings.crowded(schedule_uid, ShowStatus.DRAFT, margin)
                    resources = uow.bookings.resources_of(schedule_uid, ShowStatus.DRAFT)
                with factory.reader() as uow:
                    assert uow.bookings.crowded(schedule_uid, ShowStatus.DRAFT, margin) == expected
                    assert uow.bookings.resources_of(schedule_uid, ShowStatus.DRAFT) == resources
            assert resources
            assert any(expected)


@pytest.mark.parametrize("backend", list(ADAPTERS))
def test_set_status_after_resources_of_changes_exactly_the_live_drafts(backend: str) -> None:
    """The SQL adapter updates by the ids ``resources_of`` read; the answer must be
    the one the uid path gives: a draft deleted, or cancelled, in between is left
    alone and not counted."""
    studio = make(Studio, name="S")
    room = make(StudioRoom, studio_uid=studio.uid, name="R")
    client, schedule = _client_and_schedule(studio.uid, 0, 100)
    schedule_uid = schedule.uid
    shows = [
        make(
            Show,
            name=f"d{i}",
            studio_room_uid=room.uid,
            client_uid=client.uid,
            schedule_uid=schedule.uid,
            show_status=ShowStatus.DRAFT,
            show_start=at(2 * i),
            show_end=at(2 * i + 1),
        )
        for i in range(5)
    ]
    with ADAPTERS[backend]() as factory:
        with factory() as uow:
            _store_all(uow, [studio, room, client, schedule, *shows])
        with factory() as uow:
            drafts = [r.show_uid for r in uow.bookings.resources_of(schedule_uid, ShowStatus.DRAFT)]
            assert len(drafts) >= 3
            gone, confirmed = uow.shows.get(drafts[0]), uow.shows.get(drafts[1])
            uow.shows.update(attrs.evolve(gone, deleted_at=gone.updated_at))
            uow.shows.update(attrs.evolve(confirmed, show_status=ShowStatus.CANCELLED))
            changed = uow.shows.set_status(
                drafts, ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=at(500)
            )
            assert changed == len(drafts) - 2
        with factory() as uow:
            after = {s.uid: s for s in uow.shows.search(ShowQuery(schedule_uid=schedule_uid))}
            assert drafts[0] not in after
            assert after[drafts[1]].show_status is ShowStatus.CANCELLED
            assert all(after[u].show_status is ShowStatus.CONFIRMED for u in drafts[2:])
            assert all(after[u].updated_at == at(500) for u in drafts[2:])


@pytest.mark.parametrize("backend", list(ADAPTERS))
def test_crowded_is_empty_exactly_when_no_pair_involving_a_draft_is_near(backend: str) -> None:
    """The boundary of "near" (gaps of exactly ``margin`` are not), on rooms and on
    MCs, and two stored shows near each other are no reason to report anything:
    PostgreSQL answers "nothing crowded" from a one-sort check and runs the full
    sweep only when that check finds a pair."""
    studio = make(Studio, name="S")
    room, other_room = (make(StudioRoom, studio_uid=studio.uid, name=n) for n in "AB")
    mc = make(MC, name="M")
    client, schedule = _client_and_schedule(studio.uid, 0, 100)

    def show(name: str, room_uid: str, start: float, end: float, status: ShowStatus) -> Show:
        made: Show = make(
            Show,
            name=name,
            studio_room_uid=room_uid,
            client_uid=client.uid,
            schedule_uid=schedule.uid if status is ShowStatus.DRAFT else None,
            show_status=status,
            show_start=at(start),
            show_end=at(end),
        )
        return made

    # drafts one hour apart in room A; a stored show 30 minutes after the last one;
    # in room B two stored shows 10 minutes apart, and a draft sharing A's MC
    drafts = [show(f"d{i}", room.uid, 2 * i, 2 * i + 1, ShowStatus.DRAFT) for i in range(3)]
    stored = show("c", room.uid, 5.5, 6.5, ShowStatus.CONFIRMED)
    b1 = show("b1", other_room.uid, 20, 21, ShowStatus.CONFIRMED)
    b2 = show("b2", other_room.uid, 21 + 1 / 6, 22, ShowStatus.CONFIRMED)
    hosted = show("h", other_room.uid, 10, 11, ShowStatus.DRAFT)
    links = [
        make(ShowMC, show_uid=s.uid, mc_uid=mc.uid) for s in (drafts[2], hosted)
    ]  # d2 ends at 5, h starts at 10: five hours apart
    with ADAPTERS[backend]() as factory:
        with factory() as uow:
            _store_all(
                uow,
                [
                    studio,
                    room,
                    other_room,
                    mc,
                    client,
                    schedule,
                    *drafts,
                    stored,
                    b1,
                    b2,
                    hosted,
                    *links,
                ],
            )
        with factory() as uow:
            for minutes in (0, 15, 30):
                assert uow.bookings.crowded(
                    schedule.uid, ShowStatus.DRAFT, timedelta(minutes=minutes)
                ) == ([], []), minutes
            # a stored show after the last draft is the only near pair
            candidates, existing = uow.bookings.crowded(
                schedule.uid, ShowStatus.DRAFT, timedelta(minutes=30, seconds=1)
            )
            assert [b.show_uid for b in candidates] == [drafts[2].uid]
            assert [b.show_uid for b in existing] == [stored.uid]
            # one second more than the room gaps: every draft of room A and the stored show
            candidates, existing = uow.bookings.crowded(
                schedule.uid, ShowStatus.DRAFT, timedelta(minutes=60, seconds=1)
            )
            assert [b.show_uid for b in candidates] == [d.uid for d in drafts]
            assert [b.show_uid for b in existing] == [stored.uid]
            # five hours and a second: the MC's two drafts as well (b1, b2 still never)
            candidates, existing = uow.bookings.crowded(
                schedule.uid, ShowStatus.DRAFT, timedelta(hours=5, seconds=1)
            )
            assert [b.show_uid for b in candidates] == [*(d.uid for d in drafts), hosted.uid]
            assert [b.show_uid for b in existing] == [stored.uid]
