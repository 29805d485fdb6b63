"""Operational days across time zones and DST, and availability tiling the window."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studiocore import Booking, ShowStatus, StudioRoom, TimeSlot, ValidationError, new_uid
from studiocore.scheduling import (
    free_intervals,
    merge_intervals,
    operational_day_of,
    operational_day_window,
    room_availability,
)

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
H = timedelta(hours=1)


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# --------------------------------------------------------------------------- operational days


def test_berlin_spring_forward_day_has_23_hours() -> None:
    window = operational_day_window("Europe/Berlin", 0, date(2026, 3, 29))
    assert window == TimeSlot(utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))
    assert window.duration == 23 * H


def test_berlin_fall_back_day_has_25_hours() -> None:
    assert operational_day_window("Europe/Berlin", 0, date(2026, 10, 25)).duration == 25 * H


def test_with_a_6_oclock_start_the_short_day_is_the_one_containing_the_change() -> None:
    before = operational_day_window("Europe/Berlin", 6, date(2026, 3, 28))
    assert before == TimeSlot(utc(2026, 3, 28, 5), utc(2026, 3, 29, 4))
    assert before.duration == 23 * H
    assert operational_day_window("Europe/Berlin", 6, date(2026, 3, 29)).duration == 24 * H


def test_a_start_hour_inside_the_skipped_hour_starts_when_the_clocks_jump() -> None:
    window = operational_day_window("Europe/Berlin", 2, date(2026, 3, 29))
    assert window.start == utc(2026, 3, 29, 1)  # 02:00 CET does not exist: 03:00 CEST


def test_a_show_at_2_am_belongs_to_the_previous_operational_day() -> None:
    two_am_seoul = datetime(2026, 5, 6, 2, tzinfo=UTC) - timedelta(hours=9)
    assert operational_day_of("Asia/Seoul", 6, two_am_seoul) == date(2026, 5, 5)
    assert operational_day_of("Asia/Seoul", 6, two_am_seoul + 4 * H) == date(2026, 5, 6)


def test_unknown_zone_and_bad_start_hour_are_validation_errors_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="unknown IANA time zone 'Mars/Base'") as info:
        operational_day_window("Mars/Base", 6, date(2026, 1, 1))
    assert info.value.field == "time_zone"
    with pytest.raises(ValidationError, match="from 0 to 23") as info:
        operational_day_window("UTC", 24, date(2026, 1, 1))
    assert info.value.field == "operational_day_start_hour"
    with pytest.raises(ValidationError) as info:
        operational_day_window("UTC", 6, datetime(2026, 1, 1, tzinfo=UTC))
    assert info.value.field == "day"
    with pytest.raises(ValidationError) as info:
        operational_day_of("UTC", 6, datetime(2026, 1, 1))  # naive
    assert info.value.field == "instant"


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.integers(0, 23),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)),
)
def test_every_instant_lies_in_the_window_of_its_operational_day(
    zone: str, hour: int, naive: datetime
) -> None:
    instant = naive.replace(tzinfo=UTC)
    day = operational_day_of(zone, hour, instant)
    window = operational_day_window(zone, hour, day)
    assert window.contains(instant)
    assert window.end == operational_day_window(zone, hour, day + timedelta(days=1)).start
    assert timedelta(hours=22) <= window.duration <= timedelta(hours=26)


# --------------------------------------------------------------------------- availability

T = utc(2026, 3, 2)


def slot(a: float, b: float) -> TimeSlot:
    return TimeSlot(T + a * H, T + b * H)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-4, 30), st.integers(1, 10)), max_size=12),
    st.integers(0, 6),
    st.integers(1, 24),
)
def test_free_and_reserved_intervals_tile_the_window(
    raw: list[tuple[int, int]], w_start: int, w_len: int
) -> None:
    window = slot(w_start, w_start + w_len)
    busy = [slot(s / 2, (s + n) / 2) for s, n in raw]
    room = StudioRoom(
        uid=new_uid("room"), created_at=T, updated_at=T, studio_uid=new_uid("studio"), name="A"
    )
    bookings = [
        Booking(
            show_uid=f"show_{i}",
            studio_uid=room.studio_uid,
            room_uid=room.uid,
            mc_uids=frozenset(),
            slot=b,
            status=ShowStatus.CONFIRMED,
        )
        for i, b in enumerate(busy)
    ]
    (avail,) = room_availability(window, [room], bookings)
    pieces = sorted([*avail.free, *avail.reserved])
    # no gap, no overlap: each piece starts where the previous ended
    assert pieces[0].start == window.start
    assert pieces[-1].end == window.end
    for a, b in itertools.pairwise(pieces):
        assert a.end == b.start
    # free time meets no booking; reserved time is exactly the booked time
    assert not any(f.overlaps(b) for f in avail.free for b in busy)
    clipped = [x for x in (window.intersection(b) for b in busy) if x is not None]
    assert list(avail.reserved) == merge_intervals(clipped)
    # the single-pass algorithm agrees with the building blocks
    assert list(avail.free) == free_intervals(window, busy)
    (longer,) = room_availability(window, [room], bookings, min_length=timedelta(hours=1))
    assert list(longer.free) == free_intervals(window, busy, timedelta(hours=1))


def test_free_intervals_can_require_a_minimum_length() -> None:
    window = slot(0, 10)
    busy = [slot(1, 2), slot(2.5, 5)]
    assert free_intervals(window, busy) == [slot(0, 1), slot(2, 2.5), slot(5, 10)]
    assert free_intervals(window, busy, timedelta(hours=1)) == [slot(0, 1), slot(5, 10)]
    with pytest.raises(ValidationError) as info:
        free_intervals(window, busy, timedelta(0))
    assert info.value.field == "min_minutes"


def test_touching_bookings_merge_into_one_reserved_interval() -> None:
    assert merge_intervals([slot(3, 4), slot(1, 2), slot(2, 3)]) == [slot(1, 4)]


def test_changeover_can_be_honoured_by_widening_each_booking() -> None:
    room = StudioRoom(
        uid=new_uid("room"),
        created_at=T,
        updated_at=T,
        studio_uid=new_uid("studio"),
        name="A",
        changeover_minutes=30,
    )
    booking = Booking(
        show_uid="show_1",
        studio_uid=room.studio_uid,
        room_uid=room.uid,
        mc_uids=frozenset(),
        slot=slot(2, 3),
        status=ShowStatus.CONFIRMED,
    )
    (plain,) = room_availability(slot(0, 6), [room], [booking])
    (buffered,) = room_availability(slot(0, 6), [room], [booking], honour_changeover=True)
    assert plain.free == (slot(0, 2), slot(3, 6))
    assert buffered.free == (slot(0, 1.5), slot(3.5, 6))
    assert plain.fits(slot(3, 4))
    assert not buffered.fits(slot(3, 4))
