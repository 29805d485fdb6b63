"""Versions stored in proportion to what changed, and read back whole: the
format (:mod:`studiocore.scheduling.versions`) and the use cases that write it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studiocore import Schedule, Services, ShowStatus
from studiocore.adapters.memory import InMemoryDatabase
from studiocore.scheduling.diff import ChangeKind, ShowState, diff_shows
from studiocore.scheduling.versions import (
    changes_snapshot,
    diff_rows,
    full_snapshot,
    replay,
    row_of,
    show_counts,
)
from tests.support.builders import T0, at
from tests.support.cast import Cast

# -- the format -------------------------------------------------------------------------


def state(uid: str, hour: int, **kw: Any) -> ShowState:
    name, status, room = kw.pop("name", uid), kw.pop("status", "draft"), kw.pop("room", "room_a")
    return ShowState(uid, name, status, at(hour), at(hour + 1), room, **kw)


def test_changes_merge_field_by_field_onto_the_version_before() -> None:
    first = full_snapshot({}, [state("a", 1, mc_uids={"mc_1"}), state("b", 3)])
    moved = changes_snapshot({}, [{"uid": "a", "show_start": at(0).isoformat()}])
    added = changes_snapshot({}, [row_of(state("c", 5, platform_uids={"pf_1"}))])
    v1, v2, v3 = replay([first, moved, added])
    assert v1["a"].start == at(1)
    assert (v2["a"].start, v2["a"].end, v2["a"].mc_uids) == (at(0), at(2), frozenset({"mc_1"}))
    assert v2["b"] == v1["b"]
    assert set(v3) == {"a", "b", "c"}
    assert v3["c"] == state("c", 5, platform_uids={"pf_1"})
    assert show_counts([first, moved, added]) == [2, 2, 3]


def test_replay_keeps_only_the_versions_asked_for_and_restarts_at_a_full_one() -> None:
    first = full_snapshot({}, [state("a", 1)])
    again = full_snapshot({}, [state("b", 1)])
    confirmed = changes_snapshot({}, [{"uid": "b", "show_status": "confirmed"}])
    [last] = replay([first, again, confirmed], keep={2})
    assert {uid: s.status for uid, s in last.items()} == {"b": "confirmed"}
    with pytest.raises(ValueError, match="full version"):
        replay([confirmed])
    with pytest.raises(ValueError, match="changed\\[0\\]"):
        changes_snapshot({}, [{"show_status": "confirmed"}])


def test_rows_stored_before_platforms_were_recorded_still_read() -> None:
    legacy: dict[str, Any] = {"uid": "a", "name": "A", "show_status": "confirmed"}
    legacy |= {"show_start": at(1).isoformat(), "show_end": at(2).isoformat()}
    legacy |= {"studio_room_uid": "room_a", "client_uid": "client_1", "mc_uids": []}
    [states] = replay([{"schedule": {}, "shows": [legacy]}])
    assert states["a"].platform_uids == frozenset()


states_st = st.lists(
    st.builds(
        lambda uid, hour, status, room, mcs, pfs: state(
            f"show_{uid}", hour, status=status, room=room, mc_uids=mcs, platform_uids=pfs
        ),
        st.integers(0, 5),
        st.integers(0, 3),
        st.sampled_from(["draft", "confirmed", "cancelled"]),
        st.sampled_from(["room_a", "room_b"]),
        st.frozensets(st.sampled_from(["mc_1", "mc_2"])),
        st.frozensets(st.sampled_from(["pf_1", "pf_2"])),
    ),
    unique_by=lambda s: s.uid,
)


@given(old=states_st, new=states_st)
def test_diffing_stored_rows_says_what_diffing_the_states_says(
    old: list[ShowState], new: list[ShowState]
) -> None:
    def rows(states: list[ShowState]) -> dict[str, dict[str, Any]]:
        return {s.uid: row_of(s) for s in states}

    assert diff_rows(rows(old), rows(new)) == diff_shows(old, new)


# -- the use cases ----------------------------------------------------------------------


class World(Cast):
    def plan(self, drafts: int = 3) -> tuple[Schedule, list[str]]:
        schedule = self.svc.schedules.create(
            self.client.uid, self.studio.uid, "Week", T0, T0 + timedelta(days=7)
        )
        platform = self.svc.platforms.create("Twitch").uid
        uids = [
            self.svc.shows.create(
                f"show {i}",
                at(2 * i),
                at(2 * i + 1),
                schedule_uid=schedule.uid,
                studio_room_uid=self.room.uid,
                mc_uids=[self.mc.uid],
                platform_uids=[platform] if i == 0 else [],
            ).show.uid
            for i in range(drafts)
        ]
        return schedule, uids

    def stored(self, schedule: Schedule) -> list[dict[str, Any]]:
        with self.svc.context.uow_factory() as uow:
            found = uow.schedule_versions.list(where={"schedule_uid": schedule.uid})
            return [v.snapshot for v in sorted(found, key=lambda v: v.version)]


@pytest.fixture
def w(svc: Services) -> World:
    return World.create(svc)


def test_confirming_a_proposal_stores_only_the_new_statuses(w: World) -> None:
    schedule, uids = w.plan()
    w.svc.schedules.propose(schedule.uid)
    w.svc.schedules.promote(schedule.uid)
    created, proposed, confirmed = w.stored(schedule)
    assert (created["shows"], len(proposed["shows"])) == ([], 3)
    assert "shows" not in confirmed
    assert confirmed["changed"] == [{"uid": u, "show_status": "confirmed"} for u in uids]
    summaries = w.svc.schedules.versions(schedule.uid)
    assert [(v.version, v.show_count, v.full) for v in summaries] == [
        (1, 0, True),
        (2, 3, True),
        (3, 3, False),
    ]
    shows = w.svc.schedules.version(schedule.uid, 3).shows
    assert [s.uid for s in shows] == uids  # by start time
    assert {s.status for s in shows} == {"confirmed"}
    assert shows[0].mc_uids == {w.mc.uid}
    assert len(shows[0].platform_uids) == 1
    assert shows[1].platform_uids == frozenset()


def test_a_draft_schedule_confirmed_directly_is_stored_in_full(w: World) -> None:
    schedule, uids = w.plan()
    w.svc.schedules.promote(schedule.uid)  # SYSTEM may confirm a draft schedule
    last = w.stored(schedule)[-1]
    assert [row["show_status"] for row in last["shows"]] == ["confirmed"] * 3
    assert [s.uid for s in w.svc.schedules.version(schedule.uid, 2).shows] == uids


def test_an_older_version_before_a_new_proposal_reads_from_its_own_full_version(
    w: World,
) -> None:
    schedule, uids = w.plan()
    w.svc.schedules.propose(schedule.uid)  # v2
    w.svc.schedules.send_back(schedule.uid, "later, please")
    w.svc.shows.update(uids[1], {"show_start": at(3), "show_end": at(4)})
    w.svc.schedules.propose(schedule.uid)  # v3, in full
    w.svc.schedules.promote(schedule.uid)  # v4, changes
    assert w.svc.schedules.version(schedule.uid, 2).shows[1].start == at(2)
    [change] = w.svc.schedules.diff(schedule.uid, 2, 3)
    assert (change.show_uid, change.kinds) == (uids[1], frozenset({ChangeKind.TIME}))
    changes = w.svc.schedules.diff(schedule.uid, 2, 4)
    assert [c.show_uid for c in changes] == uids
    assert changes[1].kinds == {ChangeKind.TIME, ChangeKind.DETAILS}  # moved, and confirmed


def test_a_hundred_changes_of_ten_shows_cost_less_than_five_full_versions(
    clock: Any,
) -> None:
    """The storage figure of the issue at a tenth of its size (1,000 shows; the
    benchmark measures 10,000 on PostgreSQL): a schedule proposed, confirmed,
    then changed by 100 change requests of 10 moves each."""
    svc = Services(InMemoryDatabase(), clock=clock)
    w = World.create(svc)
    rooms = [w.room, w.room2, *(svc.studio_rooms.create(w.studio.uid, f"R{i}") for i in range(8))]
    schedule = svc.schedules.create(
        w.client.uid, w.studio.uid, "Season", T0, T0 + timedelta(days=120)
    )
    shows = [
        svc.shows.create(
            f"show {i}",
            at(i // 10 * 2),
            at(i // 10 * 2 + 1),
            schedule_uid=schedule.uid,
            studio_room_uid=rooms[i % 10].uid,
        ).show.uid
        for i in range(1000)
    ]
    svc.schedules.propose(schedule.uid)
    svc.schedules.promote(schedule.uid)
    for n in range(100):
        moves = [
            {
                "op": "move",
                "show_uid": uid,
                "show_start": at(2000 + n * 2).isoformat(),
                "show_end": at(2000 + n * 2 + 1).isoformat(),
            }
            for uid in shows[n * 10 : n * 10 + 10]
        ]
        request = svc.change_requests.create(schedule.uid, "OPERATIONAL", f"move {n}", moves)
        svc.change_requests.approve(request.uid)
        svc.change_requests.apply(request.uid)
    stored = World.stored(w, schedule)
    sizes = [len(json.dumps(s)) for s in stored]
    full = sizes[1]  # the proposal: every show
    assert len(stored) == 103
    assert sum(sizes) < 5 * full, sum(sizes) / full  # every version, the full ones included
    latest = svc.schedules.version(schedule.uid, 103).shows
    assert sum(1 for s in latest if s.start >= at(2000)) == 1000
    assert {s.status for s in latest} == {ShowStatus.CONFIRMED.value}
