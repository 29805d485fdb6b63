"""MCs as a planning resource, on every adapter: shows filtered by MC, an MC's
agenda, their free time honouring their minimum rest, and the MC links of
many shows in one call."""

from __future__ import annotations

from datetime import timedelta

from studiocore import Services, ShowQuery, TimeSlot
from tests.support.builders import T0
from tests.support.cast import Cast


def book(cast: Cast, name: str, start: float, end: float, *mcs: str, room: int = 1) -> str:
    rooms = {1: cast.room.uid, 2: cast.room2.uid}
    return cast.svc.shows.create(
        name,
        T0 + timedelta(hours=start),
        T0 + timedelta(hours=end),
        studio_room_uid=rooms[room],
        mc_uids=list(mcs),
    ).show.uid


def test_shows_are_filtered_by_mc(svc: Services) -> None:
    cast = Cast.create(svc)
    morning = book(cast, "morning", 1, 2, cast.mc.uid)
    book(cast, "noon", 3, 4, cast.mc2.uid)
    both = book(cast, "evening", 5, 6, cast.mc.uid, cast.mc2.uid, room=2)
    found = svc.shows.search(ShowQuery(mc_uid=cast.mc.uid))
    assert [s.uid for s in found.items] == [morning, both]
    assert found.total == 2
    svc.shows.remove_mc(morning, cast.mc.uid)
    assert [s.uid for s in svc.shows.search(ShowQuery(mc_uid=cast.mc.uid)).items] == [both]
    window = ShowQuery(mc_uid=cast.mc2.uid, start_from=T0 + timedelta(hours=4))
    assert [s.uid for s in svc.shows.search(window).items] == [both]


def test_an_mcs_free_time_leaves_their_rest_around_each_show(svc: Services) -> None:
    cast = Cast.create(svc)
    svc.mcs.update(cast.mc.uid, {"min_rest_minutes": 30})
    book(cast, "a", 2, 3, cast.mc.uid)
    book(cast, "b", 5, 6, cast.mc.uid, room=2)
    cancelled = book(cast, "c", 7, 8, cast.mc.uid)
    svc.shows.cancel(cancelled)
    window = TimeSlot(T0, T0 + timedelta(hours=10))
    free = svc.scheduling.mc_availability(cast.mc.uid, window)
    assert free.mc_name == "Jo"
    assert hours(free.reserved) == [(1.5, 3.5), (4.5, 6.5)]
    assert hours(free.free) == [(0.0, 1.5), (3.5, 4.5), (6.5, 10.0)]
    long_only = svc.scheduling.mc_availability(cast.mc.uid, window, min_minutes=90)
    assert len(long_only.free) == 2


def hours(slots: tuple[TimeSlot, ...]) -> list[tuple[float, float]]:
    return [((s.start - T0) / timedelta(hours=1), (s.end - T0) / timedelta(hours=1)) for s in slots]


def test_the_mc_links_of_many_shows_come_in_one_call(svc: Services) -> None:
    cast = Cast.create(svc)
    one = book(cast, "one", 1, 2, cast.mc.uid, cast.mc2.uid)
    two = book(cast, "two", 3, 4)
    links = svc.shows.mcs_of([one, two, "show_missing"])
    assert sorted(link.mc_uid for link in links[one]) == sorted([cast.mc.uid, cast.mc2.uid])
    assert links[two] == []
    assert "show_missing" not in links
