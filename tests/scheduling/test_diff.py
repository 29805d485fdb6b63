"""Diffs of a schedule's shows between two versions, and the classifier that
names each change (the same words a change request's operations get)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from studiocore.scheduling.diff import (
    ChangeKind,
    ChangeType,
    ShowState,
    change_types_of,
    classify,
    diff_shows,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def state(uid: str, hour: int = 0, **changes: Any) -> ShowState:
    base = ShowState(
        uid,
        f"Show {uid}",
        "confirmed",
        T0 + timedelta(hours=hour),
        T0 + timedelta(hours=hour + 2),
        "room_a",
        mc_uids=frozenset({"mc_1"}),
        platform_uids=frozenset({"platform_1"}),
    )
    return attrs.evolve(base, **changes)


def test_each_kind_of_change_gets_its_change_type() -> None:
    show = state("s1")
    cases = {
        ChangeKind.TIME: attrs.evolve(show, end=show.end + timedelta(minutes=30)),
        ChangeKind.ROOM: attrs.evolve(show, room_uid="room_b"),
        ChangeKind.MCS: attrs.evolve(show, mc_uids=frozenset({"mc_1", "mc_2"})),
        ChangeKind.PLATFORMS: attrs.evolve(show, platform_uids=frozenset()),
        ChangeKind.CANCELLED: attrs.evolve(show, status="cancelled"),
        ChangeKind.DETAILS: attrs.evolve(show, name="Renamed"),
    }
    for kind, after in cases.items():
        assert classify(show, after) == {kind}, kind
    assert classify(None, show) == {ChangeKind.ADDED}
    assert classify(show, None) == {ChangeKind.REMOVED}
    cancelled = cases[ChangeKind.CANCELLED]
    assert classify(cancelled, show) == {ChangeKind.RESTORED}
    assert classify(show, show) == frozenset()
    assert change_types_of([ChangeKind.TIME]) == {ChangeType.TIME_CHANGE}
    assert change_types_of([ChangeKind.ROOM, ChangeKind.MCS, ChangeKind.PLATFORMS]) == {
        ChangeType.RESOURCE_CHANGE
    }
    assert change_types_of(
        [ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.CANCELLED, ChangeKind.RESTORED]
    ) == {ChangeType.SCOPE_CHANGE}


def test_a_diff_lists_changed_shows_by_start_with_what_was_added_and_removed() -> None:
    before = [state("s1", 0), state("s2", 3), state("s3", 6)]
    after = [
        state("s1", 0),  # unchanged: left out
        state("s2", 1, mc_uids=frozenset({"mc_2"})),  # moved earlier, MC swapped
        state("s4", 8),  # added
    ]  # s3 removed
    changes = diff_shows(before, after)
    assert [c.show_uid for c in changes] == ["s2", "s3", "s4"]
    moved = changes[0]
    assert moved.kinds == {ChangeKind.TIME, ChangeKind.MCS}
    assert moved.change_types == {ChangeType.TIME_CHANGE, ChangeType.RESOURCE_CHANGE}
    assert moved.mcs_added == {"mc_2"}
    assert moved.mcs_removed == {"mc_1"}
    assert moved.name == "Show s2"
    assert changes[1].kinds == {ChangeKind.REMOVED}
    assert changes[1].after is None
    assert changes[2].kinds == {ChangeKind.ADDED}
    assert changes[2].platforms_added == {"platform_1"}


def test_a_state_reads_back_from_a_version_snapshot() -> None:
    row = {
        "uid": "show_1",
        "name": "Launch",
        "show_status": "confirmed",
        "show_start": "2026-03-02T09:00:00+00:00",
        "show_end": "2026-03-02T11:00:00+00:00",
        "studio_room_uid": "room_a",
        "mc_uids": ["mc_1"],
        "show_type": "bau",
    }
    got = ShowState.from_snapshot(row)
    assert got.start == T0
    assert got.mc_uids == {"mc_1"}
    assert got.platform_uids == frozenset()  # versions before platforms were recorded


uids = st.sampled_from([f"s{i}" for i in range(8)])
states = st.builds(
    lambda uid, hour, room, mcs, status: state(
        uid, hour, room_uid=room, mc_uids=frozenset(mcs), status=status
    ),
    uids,
    st.integers(0, 5),
    st.sampled_from(["room_a", "room_b"]),
    st.frozensets(st.sampled_from(["mc_1", "mc_2", "mc_3"])),
    st.sampled_from(["draft", "confirmed", "cancelled"]),
)
versions = st.lists(states, unique_by=lambda s: s.uid, max_size=8)


@given(versions, versions)
def test_applying_a_diff_to_the_old_state_gives_the_new_one(
    old: list[ShowState], new: list[ShowState]
) -> None:
    rebuilt = {s.uid: s for s in old}
    changes = diff_shows(old, new)
    for change in changes:
        if change.after is None:
            del rebuilt[change.show_uid]
        else:
            rebuilt[change.show_uid] = change.after
    assert rebuilt == {s.uid: s for s in new}
    assert all(c.kinds for c in changes)
    # the reverse diff names the same shows, each change undone
    swap = {
        ChangeKind.ADDED: ChangeKind.REMOVED,
        ChangeKind.REMOVED: ChangeKind.ADDED,
        ChangeKind.CANCELLED: ChangeKind.RESTORED,
        ChangeKind.RESTORED: ChangeKind.CANCELLED,
    }
    back = {c.show_uid: c.kinds for c in diff_shows(new, old)}
    assert back == {c.show_uid: frozenset(swap.get(k, k) for k in c.kinds) for c in changes}
    assert diff_shows(new, new) == []
