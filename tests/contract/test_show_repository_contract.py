"""The scheduling queries of ShowRepository, run against every adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta

import attrs
import pytest

from studiocore import (
    MC,
    Booking,
    Client,
    NotFoundError,
    Schedule,
    Show,
    ShowMC,
    ShowQuery,
    ShowStatus,
    Studio,
    StudioRoom,
)
from studiocore.permissions import Visibility
from studiocore.ports import BookingQuery, Reservation, RoomSummary, StudioOccupancy
from tests.conftest import FreshDatabase
from tests.support.adapters import UowFactory
from tests.support.builders import T0, make, schedule_of, show, slot


@dataclass
class World:
    db: UowFactory
    studio_a: Studio
    studio_b: Studio
    room_a1: StudioRoom
    room_a2: StudioRoom
    room_b1: StudioRoom
    client: Client
    schedule: Schedule
    mc1: MC
    mc2: MC


def confirmed_booking(show: Show, studio: Studio, *mcs: MC) -> Booking:
    """``show`` as a candidate to confirm: in its room of ``studio``, hosted by ``mcs``."""
    return Booking(
        show_uid=show.uid,
        studio_uid=studio.uid,
        room_uid=show.studio_room_uid,
        mc_uids=frozenset(mc.uid for mc in mcs),
        slot=show.slot,
        status=ShowStatus.CONFIRMED,
    )


@pytest.fixture
def world(fresh_db: FreshDatabase) -> World:
    db = fresh_db()
    studio_a = make(Studio, name="A")
    studio_b = make(Studio, name="B")
    client = make(Client, name="Acme")
    w = World(
        db=db,
        studio_a=studio_a,
        studio_b=studio_b,
        room_a1=make(StudioRoom, studio_uid=studio_a.uid, name="a1"),
        room_a2=make(StudioRoom, studio_uid=studio_a.uid, name="a2"),
        room_b1=make(StudioRoom, studio_uid=studio_b.uid, name="b1"),
        client=client,
        schedule=schedule_of(client, studio_a.uid, T0, T0 + timedelta(days=2)),
        mc1=make(MC, name="one"),
        mc2=make(MC, name="two"),
    )
    with db() as uow:
        uow.studios.add(w.studio_a)
        uow.studios.add(w.studio_b)
        for room in (w.room_a1, w.room_a2, w.room_b1):
            uow.studio_rooms.add(room)
        uow.clients.add(w.client)
        uow.schedules.add(w.schedule)
        uow.mcs.add(w.mc1)
        uow.mcs.add(w.mc2)
    return w


def add(w: World, *shows: Show, mcs: dict[str, list[MC]] | None = None) -> None:
    with w.db() as uow:
        for s in shows:
            uow.shows.add(s)
        for show_uid, hosts in (mcs or {}).items():
            for mc in hosts:
                uow.show_mcs.add(make(ShowMC, show_uid=show_uid, mc_uid=mc.uid))


def test_search_filters_and_orders_by_start(world: World) -> None:
    w = world
    late = show(w.room_a1, 5, 6, client=w.client)
    early = show(w.room_a2, 1, 2)
    other_studio = show(w.room_b1, 3, 4)
    draft = show(w.room_a1, 2, 3, status=ShowStatus.DRAFT, schedule=w.schedule, client=w.client)
    add(w, late, early, other_studio, draft)
    with w.db() as uow:
        gone = show(w.room_a1, 0, 1)
        uow.shows.add(attrs.evolve(gone, deleted_at=T0))
    with w.db() as uow:
        repo = uow.shows

        def uids(q: ShowQuery, **kw: int) -> list[str]:
            return [s.uid for s in repo.search(q, **kw)]

        assert uids(ShowQuery()) == [early.uid, draft.uid, other_studio.uid, late.uid]
        assert uids(ShowQuery(studio_uid=w.studio_a.uid)) == [early.uid, draft.uid, late.uid]
        assert uids(ShowQuery(studio_room_uid=w.room_a1.uid)) == [draft.uid, late.uid]
        assert uids(ShowQuery(client_uid=w.client.uid)) == [draft.uid, late.uid]
        assert uids(ShowQuery(schedule_uid=w.schedule.uid)) == [draft.uid]
        assert uids(ShowQuery(status=ShowStatus.DRAFT)) == [draft.uid]
        window = ShowQuery(start_from=T0 + timedelta(hours=2), start_to=T0 + timedelta(hours=5))
        assert uids(window) == [draft.uid, other_studio.uid]
        running = ShowQuery(ends_after=T0 + timedelta(hours=2))  # early ends at 2: not after
        assert uids(running) == [draft.uid, other_studio.uid, late.uid]
        assert uids(ShowQuery(), limit=2, offset=1) == [draft.uid, other_studio.uid]
        assert repo.search_count(ShowQuery(studio_uid=w.studio_a.uid)) == 3
        assert repo.search_count(ShowQuery()) == 4


def test_search_page_is_the_page_of_search_and_the_total_of_search_count(world: World) -> None:
    w = world
    mc_show = show(w.room_a1, 7, 8, client=w.client)
    add(
        w,
        *(show(w.room_a1 if h % 2 else w.room_a2, h, h + 1, client=w.client) for h in range(6)),
        show(w.room_b1, 3, 4),
        show(w.room_a1, 6, 7, status=ShowStatus.DRAFT, schedule=w.schedule, client=w.client),
        mc_show,
        mcs={mc_show.uid: [w.mc1]},
    )
    queries = [
        ShowQuery(),
        ShowQuery(studio_uid=w.studio_a.uid),
        ShowQuery(client_uid=w.client.uid, start_from=T0 + timedelta(hours=2)),
        ShowQuery(status=ShowStatus.DRAFT),
        ShowQuery(mc_uid=w.mc1.uid),
        ShowQuery(studio_uid=w.studio_b.uid, start_to=T0),  # nothing
        ShowQuery(visible=Visibility(studio_uids=frozenset({w.studio_b.uid}))),
        ShowQuery(visible=Visibility(client_uids=frozenset({w.client.uid, "client_unknown"}))),
    ]
    with w.db() as uow:
        repo = uow.shows
        for query in queries:
            for limit, offset in [(3, 0), (3, 3), (50, 0), (2, 100)]:
                found, total = repo.search_page(query, limit=limit, offset=offset)
                assert found == repo.search(query, limit=limit, offset=offset), (query, offset)
                assert total == repo.search_count(query), query
                assert all(s.show_start.tzinfo is UTC and s.show_end.tzinfo is UTC for s in found)
        first, total = repo.search_page(ShowQuery(studio_uid=w.studio_a.uid), limit=3)
        assert (total, len(first)) == (8, 3)


def test_bookings_are_reserving_live_shows_with_their_mcs(world: World) -> None:
    w = world
    confirmed = show(w.room_a1, 1, 3)
    live = show(w.room_a2, 3, 5, status=ShowStatus.LIVE)  # shares mc2: must not overlap
    completed = show(w.room_b1, 0, 1, status=ShowStatus.COMPLETED)
    cancelled = show(w.room_a1, 1, 3, status=ShowStatus.CANCELLED)
    draft = show(w.room_a1, 1, 3, status=ShowStatus.DRAFT, schedule=w.schedule, client=w.client)
    add(
        w,
        confirmed,
        live,
        completed,
        cancelled,
        draft,
        mcs={confirmed.uid: [w.mc1, w.mc2], live.uid: [w.mc2]},
    )
    with w.db() as uow:
        uow.show_mcs.add(make(ShowMC, show_uid=live.uid, mc_uid=w.mc1.uid, deleted_at=T0))
    with w.db() as uow:
        found = uow.bookings.search(BookingQuery())
        assert [b.show_uid for b in found] == [completed.uid, confirmed.uid, live.uid]
        by_uid = {b.show_uid: b for b in found}
        assert by_uid[confirmed.uid] == Booking(
            show_uid=confirmed.uid,
            studio_uid=w.studio_a.uid,
            room_uid=w.room_a1.uid,
            mc_uids=frozenset({w.mc1.uid, w.mc2.uid}),
            slot=confirmed.slot,
            status=ShowStatus.CONFIRMED,
        )
        assert by_uid[live.uid].mc_uids == frozenset({w.mc2.uid})
        in_a = uow.bookings.search(BookingQuery(studio_uid=w.studio_a.uid))
        assert {b.show_uid for b in in_a} == {confirmed.uid, live.uid}
        touching = uow.bookings.search(BookingQuery(window=slot(3, 5)))
        assert [b.show_uid for b in touching] == [live.uid]
        chosen = uow.bookings.search(
            BookingQuery(show_uids=[draft.uid, live.uid], reserving_only=False)
        )
        assert [b.show_uid for b in chosen] == [draft.uid, live.uid]
        of_schedule = uow.bookings.search(
            BookingQuery(schedule_uid=w.schedule.uid, reserving_only=False)
        )
        assert [b.show_uid for b in of_schedule] == [draft.uid]
        assert (
            uow.bookings.search(BookingQuery(schedule_uid=w.schedule.uid)) == []
        )  # drafts reserve nothing
        drafts = uow.bookings.search(BookingQuery(status=ShowStatus.DRAFT, reserving_only=False))
        assert drafts == of_schedule
        cancelled_ones = uow.bookings.search(
            BookingQuery(status=ShowStatus.CANCELLED, reserving_only=False)
        )
        assert [b.show_uid for b in cancelled_ones] == [cancelled.uid]
        assert (
            uow.bookings.search(BookingQuery(schedule_uid="schedule_unknown", reserving_only=False))
            == []
        )


def test_bookings_near_finds_room_and_mc_neighbours_within_the_margin(world: World) -> None:
    w = world
    same_room = show(w.room_a1, 1, 2)
    same_room_far = show(w.room_a1, 6, 7)
    same_room_just_before = show(w.room_a1, 2.5, 2.75)
    mc_elsewhere = show(w.room_b1, 3, 4)
    unrelated = show(w.room_a2, 3, 4)
    draft = show(w.room_a1, 3, 4, status=ShowStatus.DRAFT, schedule=w.schedule, client=w.client)
    add(
        w,
        same_room,
        same_room_far,
        same_room_just_before,
        mc_elsewhere,
        unrelated,
        draft,
        mcs={mc_elsewhere.uid: [w.mc1], unrelated.uid: [w.mc2]},
    )
    candidate = confirmed_booking(draft, w.studio_a, w.mc1)
    with w.db() as uow:
        no_margin = uow.bookings.near([candidate], timedelta(0))
        assert [b.show_uid for b in no_margin] == [mc_elsewhere.uid]
        margin = uow.bookings.near([candidate], timedelta(minutes=30))
        assert [b.show_uid for b in margin] == [same_room_just_before.uid, mc_elsewhere.uid]
        wide = uow.bookings.near([candidate], timedelta(hours=2))
        assert [b.show_uid for b in wide] == [
            same_room.uid,
            same_room_just_before.uid,
            mc_elsewhere.uid,
        ]
        # a candidate is never its own neighbour, even when it is stored as reserving
        as_candidate = confirmed_booking(mc_elsewhere, w.studio_b, w.mc1)
        assert uow.bookings.near([as_candidate], timedelta(0)) == []


def test_set_status_changes_only_rows_in_the_expected_status(world: World) -> None:
    w = world
    d1 = show(w.room_a1, 1, 2, status=ShowStatus.DRAFT, schedule=w.schedule, client=w.client)
    d2 = show(w.room_a1, 2, 3, status=ShowStatus.DRAFT, schedule=w.schedule, client=w.client)
    other = show(w.room_a2, 1, 2, status=ShowStatus.CONFIRMED)
    add(w, d1, d2, other)
    later = T0 + timedelta(days=1)
    with w.db() as uow:
        changed = uow.shows.set_status(
            [d1.uid, d2.uid, other.uid], ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=later
        )
        assert changed == 2
    with w.db() as uow:
        assert uow.shows.get(d1.uid).show_status is ShowStatus.CONFIRMED
        assert uow.shows.get(d1.uid).updated_at == later
        assert uow.shows.get(d2.uid).show_status is ShowStatus.CONFIRMED
        assert uow.shows.get(other.uid).updated_at == T0


def test_studio_occupancy_reads_the_studio_its_rooms_and_their_reserved_slots(
    world: World,
) -> None:
    w = world
    a1_late = show(w.room_a1, 5, 6)
    a1_early = show(w.room_a1, 1, 2, status=ShowStatus.LIVE)
    a2 = show(w.room_a2, 0, 3, status=ShowStatus.COMPLETED)
    touching = show(w.room_a2, 6, 7)  # starts when the window ends
    other_studio = show(w.room_b1, 1, 2)
    cancelled = show(w.room_a1, 3, 4, status=ShowStatus.CANCELLED)
    draft = show(w.room_a1, 3, 4, status=ShowStatus.DRAFT, schedule=w.schedule, client=w.client)
    add(w, a1_late, a1_early, a2, touching, other_studio, cancelled, draft)
    with w.db() as uow:
        uow.shows.update(attrs.evolve(uow.shows.get(a1_late.uid), deleted_at=T0))
    with w.db() as uow:
        found = uow.bookings.studio_occupancy(w.studio_a.uid, slot(0.5, 6))
        assert found == StudioOccupancy(
            studio_uid=w.studio_a.uid,
            room_changeover_severity=w.studio_a.room_changeover_severity,
            rooms=(RoomSummary(w.room_a1.uid, "a1", 0), RoomSummary(w.room_a2.uid, "a2", 0)),
            occupied=tuple(
                sorted(
                    [
                        Reservation(w.room_a1.uid, a1_early.show_start, a1_early.show_end),
                        Reservation(w.room_a2.uid, a2.show_start, a2.show_end),
                    ]
                )
            ),
        )
        assert uow.bookings.studio_occupancy(w.studio_b.uid, slot(2, 3)).occupied == ()


def test_studio_occupancy_widens_each_room_by_its_changeover(world: World) -> None:
    """A show just outside the window is returned for a room whose changeover
    reaches it, not for a room without one; rooms come by name, deleted rooms
    and unknown or deleted studios are left out."""
    w = world
    with w.db() as uow:
        uow.studio_rooms.update(attrs.evolve(w.room_a2, name="0 first", changeover_minutes=30))
        gone = make(StudioRoom, studio_uid=w.studio_a.uid, name="gone", deleted_at=T0)
        uow.studio_rooms.add(gone)
        empty = make(Studio, name="Empty")
        uow.studios.add(empty)
    near_a2 = show(w.room_a2, 2.25, 2.75)  # ends 15 min before the window
    near_a1 = show(w.room_a1, 2.25, 2.75)
    inside_gone = show(gone, 3, 4)
    add(w, near_a2, near_a1, inside_gone)
    with w.db() as uow:
        found = uow.bookings.studio_occupancy(w.studio_a.uid, slot(3, 5))
        assert [r.name for r in found.rooms] == ["0 first", "a1"]
        assert found.rooms[0].changeover_minutes == 30
        assert found.occupied == ((w.room_a2.uid, near_a2.show_start, near_a2.show_end),)
        nothing = uow.bookings.studio_occupancy(empty.uid, slot(3, 5))
        assert (nothing.rooms, nothing.occupied) == ((), ())
        with pytest.raises(NotFoundError):
            uow.bookings.studio_occupancy("studio_unknown", slot(3, 5))
        uow.studios.update(attrs.evolve(empty, deleted_at=T0))
        with pytest.raises(NotFoundError):
            uow.bookings.studio_occupancy(empty.uid, slot(3, 5))


def test_studio_occupancy_finds_long_shows_that_started_long_before(world: World) -> None:
    """Shows longer than a day, or starting just a day before the window, are
    read like any other (the SQL adapter looks them up in a separate index)."""
    w = world
    week = show(w.room_a1, -24 * 5, 30)  # started five days before, ends inside
    day_before = show(w.room_a2, -24, 1)  # exactly a day long, ends inside
    ended = show(w.room_a2, -24 * 4, -25)  # long, but over before the window
    add(w, week, day_before, ended)
    with w.db() as uow:
        found = uow.bookings.studio_occupancy(w.studio_a.uid, slot(0, 6)).occupied
    assert found == tuple(
        sorted(
            [
                (w.room_a1.uid, week.show_start, week.show_end),
                (w.room_a2.uid, day_before.show_start, day_before.show_end),
            ]
        )
    )
