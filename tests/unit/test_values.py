"""TimeSlot, uids, and entity validation."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studiocore import (
    Client,
    FixedClock,
    Membership,
    Show,
    ShowStatus,
    Studio,
    TimeSlot,
    ValidationError,
    is_uid,
    new_uid,
)
from studiocore.ids import new_uids, uid_prefix
from studiocore.timeslot import union
from tests.support.builders import T0, at, make

H = timedelta(hours=1)


class TestTimeSlot:
    def test_is_stored_in_utc(self) -> None:
        seoul = datetime(2026, 3, 2, 18, tzinfo=ZoneInfo("Asia/Seoul"))
        slot = TimeSlot(seoul, seoul + H)
        assert slot.start == datetime(2026, 3, 2, 9, tzinfo=UTC)
        assert slot.start.tzinfo is UTC

    def test_rejects_naive_datetimes_naming_the_field(self) -> None:
        with pytest.raises(ValidationError) as err:
            TimeSlot(datetime(2026, 1, 1), at(1))
        assert err.value.field == "start"
        assert "timezone-aware" in err.value.reason
        with pytest.raises(ValidationError) as err:
            TimeSlot(at(0), datetime(2026, 1, 1))
        assert err.value.field == "end"

    @pytest.mark.parametrize("end_hour", [0, -1])
    def test_rejects_empty_and_negative_slots(self, end_hour: int) -> None:
        with pytest.raises(ValidationError) as err:
            TimeSlot(at(0), at(end_hour))
        assert err.value.field == "end"
        assert "after start" in err.value.reason

    def test_is_half_open(self) -> None:
        a, b = TimeSlot(at(0), at(1)), TimeSlot(at(1), at(2))
        assert not a.overlaps(b)
        assert not b.overlaps(a)
        assert a.contains(at(0))
        assert not a.contains(at(1))
        assert TimeSlot(at(0), at(2)).overlaps(TimeSlot(at(1), at(3)))

    def test_contains_intersection_duration_widened(self) -> None:
        outer = TimeSlot(at(0), at(4))
        inner = TimeSlot(at(1), at(2))
        assert outer.contains(inner)
        assert not inner.contains(outer)
        assert outer.duration == 4 * H
        assert outer.intersection(TimeSlot(at(3), at(5))) == TimeSlot(at(3), at(4))
        assert inner.intersection(TimeSlot(at(2), at(3))) is None
        assert inner.widened(timedelta(minutes=30)) == TimeSlot(at(0.5), at(2.5))

    def test_equal_instants_in_other_zones_are_equal(self) -> None:
        plus2 = timezone(timedelta(hours=2))
        assert TimeSlot(at(0), at(1)) == TimeSlot(at(0).astimezone(plus2), at(1).astimezone(plus2))

    def test_fixed_clock_moves_only_when_told(self) -> None:
        clock = FixedClock(T0)
        assert clock.now() == T0
        clock.advance(H)
        assert clock.now() == T0 + H
        with pytest.raises(ValidationError):
            FixedClock(datetime(2026, 1, 1))


def span(a: float, b: float) -> tuple[datetime, datetime]:
    return at(a), at(b)


class TestUnion:
    def test_merges_overlapping_and_touching_intervals_in_any_order(self) -> None:
        intervals = [span(5, 6), span(1, 3), span(2, 4), span(4, 4.5), span(7, 8)]
        assert union(intervals) == [span(1, 4.5), span(5, 6), span(7, 8)]

    def test_bridges_gaps_up_to_bridge_and_no_longer(self) -> None:
        intervals = [span(1, 2), span(2.5, 3), span(4, 5)]
        assert union(intervals, bridge=timedelta(minutes=30)) == [span(1, 3), span(4, 5)]
        assert union(intervals, bridge=timedelta(minutes=29)) == intervals

    def test_of_nothing_is_nothing(self) -> None:
        assert union([]) == []

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=12),
        st.integers(0, 3),
    )
    def test_covers_every_interval_and_leaves_gaps_wider_than_the_bridge(
        self, raw: list[tuple[int, int]], bridge_steps: int
    ) -> None:
        intervals = [span(s / 2, (s + n) / 2) for s, n in raw]
        bridge = bridge_steps * timedelta(minutes=30)
        merged = union(intervals, bridge=bridge)
        assert all(start < end for start, end in merged)
        assert all(a[1] + bridge < b[0] for a, b in itertools.pairwise(merged))
        for start, end in intervals:  # each inside one merged interval
            assert any(lo <= start and end <= hi for lo, hi in merged)
        for lo, hi in merged:  # made of the input's own bounds
            assert lo in {s for s, _ in intervals}
            assert hi in {e for _, e in intervals}


class TestUids:
    def test_have_a_type_prefix_and_sort_by_creation(self) -> None:
        uids = [new_uid("show") for _ in range(500)]
        assert all(is_uid(u, "show") for u in uids)
        assert uids == sorted(uids)
        assert len(set(uids)) == 500
        assert uid_prefix(uids[0]) == "show"
        assert len(uids[0]) == len("show_") + 26

    @pytest.mark.parametrize(
        "bad", ["show_", "show-01JD", "Show_01JD8X3W6Q3M1V7T0N6ZC4K9RB", "01JD"]
    )
    def test_malformed_uids_are_rejected(self, bad: str) -> None:
        assert not is_uid(bad)


class TestEntityValidation:
    def test_naive_show_times_are_a_validation_error(self) -> None:
        with pytest.raises(ValidationError) as err:
            make(Show, name="x", show_start=datetime(2026, 1, 1), show_end=at(1))
        assert err.value.field == "show_start"

    def test_show_end_must_follow_start(self) -> None:
        with pytest.raises(ValidationError) as err:
            make(Show, name="x", show_start=at(1), show_end=at(1))
        assert err.value.field == "show_end"

    def test_statuses_accept_spec_names_only(self) -> None:
        show = make(Show, name="x", show_start=at(0), show_end=at(1), show_status="live")
        assert show.show_status is ShowStatus.LIVE
        with pytest.raises(ValidationError) as err:
            attrs.evolve(show, show_status="paused")
        assert err.value.field == "show_status"
        assert "draft, confirmed, live, completed, cancelled" in err.value.reason

    def test_uid_prefix_must_match_the_type(self) -> None:
        with pytest.raises(ValidationError) as err:
            Client(uid=new_uid("show"), name="x", created_at=T0, updated_at=T0)
        assert err.value.field == "uid"

    @pytest.mark.parametrize(
        ("field", "value", "reason"),
        [
            ("name", "", "must not be empty"),
            ("name", 5, "must be a string"),
            ("contact_email", "not-an-email", "e-mail"),
            ("metadata", ["a"], "JSON object"),
        ],
    )
    def test_bad_fields_are_named(self, field: str, value: object, reason: str) -> None:
        fields: dict[str, object] = {"name": "Acme", field: value}
        with pytest.raises(ValidationError) as err:
            make(Client, **fields)
        assert err.value.field == field
        assert reason in err.value.reason

    def test_studio_time_zone_must_be_iana(self) -> None:
        assert make(Studio, name="s", time_zone="Europe/Berlin").time_zone == "Europe/Berlin"
        for bad in ("Mars/Olympus", "x" * 5000, "../../etc/passwd", ""):
            with pytest.raises(ValidationError) as err:
                make(Studio, name="s", time_zone=bad)
            assert err.value.field == "time_zone"

    def test_membership_group_must_match_its_type(self) -> None:
        with pytest.raises(ValidationError) as err:
            make(
                Membership,
                user_uid=new_uid("user"),
                group_uid=new_uid("client"),
                group_type="studio",
                role="admin",
            )
        assert err.value.field == "group_uid"

    def test_entities_are_immutable(self) -> None:
        client = make(Client, name="Acme")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            client.name = "x"


def test_uids_made_in_bulk_are_distinct_increasing_and_after_earlier_ones() -> None:
    before = new_uid("audit")
    batch = new_uids("audit", 1000)
    after = new_uid("audit")
    assert len(set(batch)) == 1000
    assert [before, *batch, after] == sorted([before, *batch, after])
    assert all(is_uid(uid, "audit") for uid in batch)
    assert new_uids("audit", 0) == []


@given(
    st.one_of(st.integers(0, (1 << 79) - 1), st.integers((1 << 40) - 3000, 1 << 40)),
    st.integers(1, 3000),
)
def test_bulk_uids_encode_each_value_as_a_single_uid_would(start: int, count: int) -> None:
    """The bulk path encodes the shared high bits once per run: every uid is
    still the plain Crockford encoding of its value, across run boundaries."""
    from studiocore import ids

    with ids._lock:
        saved = ids._last_ms, ids._last_rand
    ms = 2**47
    ids._last_ms, ids._last_rand = ms, start - 1  # the next batch starts at `start`
    try:
        got = ids._next_ulids(count)
    finally:
        ids._last_ms, ids._last_rand = saved
    stamp = ids._encode(ms, 10)
    assert got == [stamp + ids._encode(start + i, 16) for i in range(count)]
