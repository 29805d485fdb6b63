"""The sort-and-sweep detector equals a brute-force oracle, and each rule holds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studiocore import (
    Booking,
    Conflict,
    ConflictKind,
    ResourceType,
    Severity,
    ShowStatus,
    TimeSlot,
    ValidationError,
    to_jsonable,
)
from studiocore.scheduling import BufferPolicy, detect_all, find_conflicts

BERLIN = ZoneInfo("Europe/Berlin")
RANK = {Severity.IGNORE: 0, Severity.WARN: 1, Severity.BLOCK: 2}
ROOM_STUDIO = {"room_a": "studio_1", "room_b": "studio_1", "room_c": "studio_2"}

Key = tuple[ConflictKind, Severity, ResourceType, str, tuple[str, str], datetime, datetime]


def key(c: Conflict) -> Key:
    return (c.kind, c.severity, c.resource_type, c.resource_uid, c.show_uids, c.start, c.end)


def oracle(bookings: Sequence[Booking], policy: BufferPolicy, candidates: int | None) -> set[Key]:
    """Every pair compared, straight from the rules."""
    found: set[Key] = set()
    for i, a in enumerate(bookings):
        for j in range(i + 1, len(bookings)):
            b = bookings[j]
            if candidates is not None and i >= candidates and j >= candidates:
                continue
            if a.show_uid == b.show_uid:
                continue
            first, second = sorted((a, b), key=lambda x: (x.slot.start, x.show_uid))
            shared: list[tuple[ResourceType, str]] = []
            if a.room_uid is not None and a.room_uid == b.room_uid:
                shared.append((ResourceType.STUDIO_ROOM, a.room_uid))
            shared += [(ResourceType.MC, m) for m in sorted(a.mc_uids & b.mc_uids)]
            for rtype, resource in shared:
                room = rtype is ResourceType.STUDIO_ROOM
                pair = (first.show_uid, second.show_uid)
                if first.slot.overlaps(second.slot):
                    kind = ConflictKind.ROOM_OVERLAP if room else ConflictKind.MC_OVERLAP
                    start = max(a.slot.start, b.slot.start)
                    end = min(a.slot.end, b.slot.end)
                    found.add((kind, Severity.BLOCK, rtype, resource, pair, start, end))
                    continue
                gap = second.slot.start - first.slot.end
                if room:
                    need = policy.room_changeover.get(resource, timedelta(0))
                    severity = policy.room_changeover_severity.get(
                        first.studio_uid or "", Severity.WARN
                    )
                    kind = ConflictKind.ROOM_CHANGEOVER
                else:
                    need = policy.mc_rest.get(resource, timedelta(0))
                    severity = max(
                        (
                            policy.mc_rest_severity.get(s.studio_uid or "", Severity.WARN)
                            for s in (first, second)
                        ),
                        key=RANK.__getitem__,
                    )
                    kind = ConflictKind.MC_REST
                if gap < need and severity is not Severity.IGNORE:
                    found.add(
                        (kind, severity, rtype, resource, pair, first.slot.end, second.slot.start)
                    )
    return found


# --------------------------------------------------------------------------- strategies

severities = st.sampled_from([Severity.WARN, Severity.BLOCK, Severity.IGNORE])
buffers = st.sampled_from([timedelta(0), timedelta(minutes=10), timedelta(minutes=30)])


@st.composite
def policies(draw: st.DrawFn) -> BufferPolicy:
    return BufferPolicy(
        room_changeover={r: draw(buffers) for r in ROOM_STUDIO},
        mc_rest={m: draw(buffers) for m in ("mc_1", "mc_2", "mc_3")},
        room_changeover_severity={s: draw(severities) for s in ("studio_1", "studio_2")},
        mc_rest_severity={s: draw(severities) for s in ("studio_1", "studio_2")},
    )


@st.composite
def slots(draw: st.DrawFn) -> TimeSlot:
    """Slots on a coarse grid (many touching and identical slots), sometimes with
    sub-second parts, in UTC or in Berlin local time around midnight and both
    2026 clock changes."""
    grid = draw(st.sampled_from([timedelta(minutes=30), timedelta(minutes=7), timedelta(0)]))
    if grid:
        start_steps = draw(st.integers(0, 40))
        length_steps = draw(st.integers(1, 8))
        offset, length = grid * start_steps, grid * length_steps
    else:
        offset = timedelta(microseconds=draw(st.integers(0, 20 * 3600 * 10**6)))
        length = timedelta(microseconds=draw(st.integers(1, 5 * 3600 * 10**6)))
    local = draw(
        st.sampled_from(
            [
                datetime(2026, 3, 28, 20, 0),  # across Berlin's spring-forward night
                datetime(2026, 10, 24, 21, 0),  # across Berlin's fall-back night
                datetime(2026, 6, 1, 18, 0),  # across an ordinary midnight
            ]
        )
    )
    if draw(st.booleans()):
        start = (local + offset).replace(tzinfo=BERLIN, fold=draw(st.integers(0, 1)))
        # a local wall-clock length, converted through the zone (DST changes it)
        end = (local + offset + length).replace(tzinfo=BERLIN)
        if end.astimezone(UTC) <= start.astimezone(UTC):
            end = start.astimezone(UTC) + length
        return TimeSlot(start, end)
    start = (local + offset).replace(tzinfo=UTC)
    return TimeSlot(start, start + length)


@st.composite
def booking_lists(draw: st.DrawFn, max_size: int = 14) -> list[Booking]:
    count = draw(st.integers(0, max_size))
    one_room = draw(st.booleans())  # sometimes everything in one room
    bookings = []
    for i in range(count):
        room = "room_a" if one_room else draw(st.sampled_from([*ROOM_STUDIO, None]))
        bookings.append(
            Booking(
                show_uid=f"show_{i:02d}",
                studio_uid=ROOM_STUDIO[room] if room else draw(st.sampled_from(["studio_1", None])),
                room_uid=room,
                mc_uids=frozenset(draw(st.sets(st.sampled_from(["mc_1", "mc_2", "mc_3"])))),
                slot=draw(slots()),
                status=ShowStatus.CONFIRMED,
            )
        )
    return bookings


# --------------------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(booking_lists(), policies())
def test_detect_all_equals_the_brute_force_oracle(
    bookings: list[Booking], policy: BufferPolicy
) -> None:
    found = detect_all(bookings, policy)
    assert len(found) == len({key(c) for c in found})  # every pair once
    assert {key(c) for c in found} == oracle(bookings, policy, None)
    order = [(c.start, c.resource_type is ResourceType.MC, c.resource_uid) for c in found]
    assert order == sorted(order)


@settings(max_examples=150, deadline=None)
@given(booking_lists(), policies(), st.data())
def test_find_conflicts_compares_candidates_with_everything_but_not_existing_among_themselves(
    bookings: list[Booking], policy: BufferPolicy, data: st.DataObject
) -> None:
    split = data.draw(st.integers(0, len(bookings)))
    candidates, existing = bookings[:split], bookings[split:]
    found = find_conflicts(candidates, existing, policy)
    assert {key(c) for c in found} == oracle(bookings, policy, split)


@settings(max_examples=150, deadline=None)
@given(booking_lists(), policies())
def test_one_candidate_against_a_fixed_set_is_checked_like_the_oracle(
    bookings: list[Booking], policy: BufferPolicy
) -> None:
    if not bookings:
        return
    candidate, existing = bookings[0], bookings[1:]
    found = find_conflicts([candidate], existing, policy)
    assert {key(c) for c in found} == oracle(bookings, policy, 1)
    assert any(c.blocking for c in found) == any(
        k[1] is Severity.BLOCK for k in oracle(bookings, policy, 1)
    )


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(min_value=datetime(1900, 1, 1), timezones=st.just(UTC)),  # start - 3 days exists
    st.timedeltas(max_value=timedelta(0), min_value=timedelta(days=-3)),
)
def test_zero_length_and_negative_slots_are_rejected(start: datetime, delta: timedelta) -> None:
    with pytest.raises(ValidationError) as info:
        TimeSlot(start, start + delta)
    assert info.value.field == "end"


@settings(max_examples=100, deadline=None)
@given(booking_lists(max_size=10))
def test_detection_does_not_depend_on_input_order(bookings: list[Booking]) -> None:
    policy = BufferPolicy(room_changeover={"room_a": timedelta(minutes=30)})
    forward = {key(c) for c in detect_all(bookings, policy)}
    assert forward == {key(c) for c in detect_all(list(reversed(bookings)), policy)}


# --------------------------------------------------------------------------- examples

T = datetime(2026, 1, 5, tzinfo=UTC)


def booking(
    uid: str,
    start_h: float,
    end_h: float,
    *,
    room: str | None = "room_a",
    mcs: frozenset[str] = frozenset(),
    studio: str | None = "studio_1",
) -> Booking:
    return Booking(
        show_uid=uid,
        studio_uid=studio,
        room_uid=room,
        mc_uids=mcs,
        slot=TimeSlot(T + timedelta(hours=start_h), T + timedelta(hours=end_h)),
        status=ShowStatus.CONFIRMED,
    )


def test_back_to_back_shows_do_not_conflict() -> None:
    assert detect_all([booking("show_a", 9, 10), booking("show_b", 10, 11)]) == []


def test_a_room_overlap_blocks_and_names_the_shows_room_and_interval() -> None:
    (conflict,) = detect_all([booking("show_b", 10, 12), booking("show_a", 9, 11)])
    assert conflict.kind is ConflictKind.ROOM_OVERLAP
    assert conflict.severity is Severity.BLOCK
    assert conflict.blocking
    assert conflict.resource_type is ResourceType.STUDIO_ROOM
    assert conflict.resource_uid == "room_a"
    assert conflict.show_uids == ("show_a", "show_b")
    assert (conflict.start, conflict.end) == (T + timedelta(hours=10), T + timedelta(hours=11))
    assert conflict.reason == "room room_a is double-booked: show_a and show_b overlap for 1 h"


def test_shows_with_the_same_start_and_length_conflict_once_ordered_by_uid() -> None:
    (conflict,) = detect_all([booking("show_z", 9, 10), booking("show_m", 9, 10)])
    assert conflict.show_uids == ("show_m", "show_z")


def test_an_mc_overlap_is_found_across_rooms_and_studios() -> None:
    mc = frozenset({"mc_1"})
    found = detect_all(
        [
            booking("show_a", 9, 10.5, room="room_a", mcs=mc),
            booking("show_b", 10, 11, room="room_c", mcs=mc, studio="studio_2"),
        ]
    )
    assert [(c.kind, c.resource_uid) for c in found] == [(ConflictKind.MC_OVERLAP, "mc_1")]
    assert found[0].reason == "MC mc_1 is double-booked: show_a and show_b overlap for 30 min"


def test_a_short_changeover_is_a_warning_by_default() -> None:
    policy = BufferPolicy(room_changeover={"room_a": timedelta(minutes=30)})
    (conflict,) = detect_all([booking("show_a", 9, 10), booking("show_b", 10.25, 11)], policy)
    assert conflict.kind is ConflictKind.ROOM_CHANGEOVER
    assert conflict.severity is Severity.WARN
    assert not conflict.blocking
    assert (conflict.start, conflict.end) == (T + timedelta(hours=10), T + timedelta(minutes=615))
    assert conflict.reason == (
        "room room_a has 15 min between show_a and show_b; it needs 30 min changeover"
    )


def test_a_changeover_exactly_long_enough_is_fine() -> None:
    policy = BufferPolicy(room_changeover={"room_a": timedelta(minutes=30)})
    assert detect_all([booking("show_a", 9, 10), booking("show_b", 10.5, 11)], policy) == []


def test_studio_severity_can_make_a_buffer_block_or_switch_it_off() -> None:
    shows = [booking("show_a", 9, 10), booking("show_b", 10, 11)]
    block = BufferPolicy(
        room_changeover={"room_a": timedelta(minutes=30)},
        room_changeover_severity={"studio_1": Severity.BLOCK},
    )
    assert [c.severity for c in detect_all(shows, block)] == [Severity.BLOCK]
    off = BufferPolicy(
        room_changeover={"room_a": timedelta(minutes=30)},
        room_changeover_severity={"studio_1": Severity.IGNORE},
    )
    assert detect_all(shows, off) == []


def test_mc_rest_takes_the_stricter_studio_severity() -> None:
    mc = frozenset({"mc_1"})
    shows = [
        booking("show_a", 9, 10, room="room_a", mcs=mc),
        booking("show_b", 10.5, 11, room="room_c", mcs=mc, studio="studio_2"),
    ]
    policy = BufferPolicy(
        mc_rest={"mc_1": timedelta(hours=1)},
        mc_rest_severity={"studio_1": Severity.IGNORE, "studio_2": Severity.BLOCK},
    )
    (conflict,) = detect_all(shows, policy)
    assert (conflict.kind, conflict.severity) == (ConflictKind.MC_REST, Severity.BLOCK)
    assert conflict.reason == "MC mc_1 has 30 min between show_a and show_b; it needs 1 h rest"


def test_overlaps_block_even_when_buffers_are_ignored() -> None:
    policy = BufferPolicy(room_changeover_severity={"studio_1": Severity.IGNORE})
    found = detect_all([booking("show_a", 9, 11), booking("show_b", 10, 12)], policy)
    assert [c.severity for c in found] == [Severity.BLOCK]


def test_sub_second_gaps_are_measured_exactly() -> None:
    a = booking("show_a", 9, 10)
    b = Booking(
        show_uid="show_b",
        studio_uid="studio_1",
        room_uid="room_a",
        mc_uids=frozenset(),
        slot=TimeSlot(T + timedelta(hours=10, microseconds=1), T + timedelta(hours=11)),
        status=ShowStatus.CONFIRMED,
    )
    policy = BufferPolicy(room_changeover={"room_a": timedelta(microseconds=2)})
    (conflict,) = detect_all([a, b], policy)
    assert conflict.end - conflict.start == timedelta(microseconds=1)
    assert "1e-06 s" in conflict.reason


def test_many_shows_in_one_room_report_every_overlapping_pair() -> None:
    shows = [booking(f"show_{i}", 9, 12) for i in range(5)]
    assert len(detect_all(shows)) == 10  # 5 choose 2


def test_conflicts_are_ordered_by_start_then_rooms_before_mcs() -> None:
    mc = frozenset({"mc_1"})
    found = detect_all(
        [
            booking("show_a", 9, 11, mcs=mc),
            booking("show_b", 10, 12, mcs=mc),
            booking("show_c", 7, 8.5, room="room_b"),
            booking("show_d", 8, 9, room="room_b"),
        ]
    )
    assert [(c.start.hour, c.kind) for c in found] == [
        (8, ConflictKind.ROOM_OVERLAP),
        (10, ConflictKind.ROOM_OVERLAP),
        (10, ConflictKind.MC_OVERLAP),
    ]


def test_a_candidate_replacing_its_own_stored_booking_is_not_a_conflict() -> None:
    old = booking("show_a", 9, 11)
    moved = booking("show_a", 10, 12)
    assert find_conflicts([moved], [old], BufferPolicy()) == []


def test_a_conflict_serialises_to_plain_json() -> None:
    (conflict,) = detect_all([booking("show_a", 9, 11), booking("show_b", 10, 12)])
    assert json.loads(json.dumps(to_jsonable(conflict))) == {
        "kind": "room_overlap",
        "severity": "BLOCK",
        "resource_type": "studio_room",
        "resource_uid": "room_a",
        "show_uids": ["show_a", "show_b"],
        "start": "2026-01-05T10:00:00+00:00",
        "end": "2026-01-05T11:00:00+00:00",
        "reason": "room room_a is double-booked: show_a and show_b overlap for 1 h",
        "required": None,  # the engine's words; the services add names (describe.py)
        "resource_name": None,
        "time_zone": None,
        "shows": [],
    }


def test_a_long_show_that_started_long_before_still_conflicts() -> None:
    existing = [booking("show_long", 0, 20), booking("show_short", 1, 2)]
    found = find_conflicts([booking("show_new", 18, 19)], existing, BufferPolicy())
    assert [c.show_uids for c in found] == [("show_long", "show_new")]
