"""Property: for random confirmed schedules and random change requests,
applying approved changes one after another, each either leaves the studio
free of double bookings with a new version that records exactly the live shows
(versions are stored as changes: replaying them must give the whole state), or
fails and leaves everything as it was (a full dump compared)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from studiocore import ConflictError, ScheduleStatus, Services, ShowStatus, ValidationError
from tests.conftest import FreshDatabase
from tests.support.builders import T0

ROOMS, MCS, PLATFORMS, SHOWS = 2, 3, 2, 4


def hour(h: int) -> str:
    return (T0 + timedelta(hours=h)).isoformat()


shows_st = st.lists(
    st.tuples(
        st.integers(0, 20), st.integers(1, 3), st.integers(0, ROOMS - 1), st.integers(0, MCS - 1)
    ),
    min_size=1,
    max_size=SHOWS,
)
op_st = st.one_of(
    st.tuples(st.just("move"), st.integers(0, SHOWS - 1), st.integers(0, 20), st.integers(1, 3)),
    st.tuples(st.just("change_room"), st.integers(0, SHOWS - 1), st.integers(0, ROOMS - 1)),
    st.tuples(st.just("add_mc"), st.integers(0, SHOWS - 1), st.integers(0, MCS - 1)),
    st.tuples(st.just("remove_mc"), st.integers(0, SHOWS - 1), st.integers(0, MCS - 1)),
    st.tuples(st.just("add_platform"), st.integers(0, SHOWS - 1), st.integers(0, PLATFORMS - 1)),
    st.tuples(st.just("remove_platform"), st.integers(0, SHOWS - 1), st.integers(0, PLATFORMS - 1)),
    st.tuples(st.just("cancel_show"), st.integers(0, SHOWS - 1)),
    st.tuples(
        st.just("add_show"),
        st.integers(0, 20),
        st.integers(1, 3),
        st.integers(0, ROOMS - 1),
        st.integers(0, MCS - 1),
    ),
)


def dump(svc: Services, schedule: str) -> tuple[Any, ...]:
    shows = []
    for show in svc.shows.search(limit=500).items:
        mcs = tuple(sorted(link.mc_uid for link in svc.shows.mcs(show.uid)))
        pfs = tuple(sorted(link.platform_uid for link in svc.shows.platforms(show.uid)))
        shows.append(
            (
                show.uid,
                show.show_status,
                show.show_start,
                show.show_end,
                show.studio_room_uid,
                mcs,
                pfs,
            )
        )
    requests = [(r.uid, r.status) for r in svc.change_requests.list()]
    return (
        tuple(shows),
        tuple(requests),
        svc.schedules.get(schedule).version,
        len(svc.schedules.versions(schedule)),
    )


def no_double_booking(svc: Services) -> None:
    assert [c for c in svc.scheduling.conflicts() if c.blocking] == []


def operations_of(
    ops: list[tuple[Any, ...]], made: list[str], rooms: list[str], mcs: list[str], pfs: list[str]
) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = []
    for op in ops:
        kind = op[0]
        if kind == "add_show":
            _, start, length, room, mc = op
            operations.append(
                {
                    "op": kind,
                    "name": f"new{len(operations)}",
                    "show_start": hour(start),
                    "show_end": hour(start + length),
                    "studio_room_uid": rooms[room],
                    "mc_uids": [mcs[mc]],
                    "platform_uids": [pfs[mc % PLATFORMS]],
                }
            )
            continue
        show = made[op[1] % len(made)]
        if kind == "move":
            operations.append(
                {
                    "op": kind,
                    "show_uid": show,
                    "show_start": hour(op[2]),
                    "show_end": hour(op[2] + op[3]),
                }
            )
        elif kind == "change_room":
            operations.append({"op": kind, "show_uid": show, "studio_room_uid": rooms[op[2]]})
        elif kind in {"add_mc", "remove_mc"}:
            operations.append({"op": kind, "show_uid": show, "mc_uid": mcs[op[2]]})
        elif kind in {"add_platform", "remove_platform"}:
            operations.append({"op": kind, "show_uid": show, "platform_uid": pfs[op[2]]})
        else:
            operations.append({"op": kind, "show_uid": show})
    return operations


def recorded_equals_live(svc: Services, plan: str, number: int) -> None:
    """Version ``number`` (replayed from the versions stored before it) records
    every live show of the schedule as it is."""
    recorded = {s.uid: s for s in svc.schedules.version(plan, number).shows}
    live = {}
    for show in svc.schedules.shows(plan):
        live[show.uid] = (
            show.show_status.value,
            show.show_start,
            show.show_end,
            show.studio_room_uid,
            frozenset(link.mc_uid for link in svc.shows.mcs(show.uid)),
            frozenset(link.platform_uid for link in svc.shows.platforms(show.uid)),
        )
    assert {
        uid: (s.status, s.start, s.end, s.room_uid, s.mc_uids, s.platform_uids)
        for uid, s in recorded.items()
    } == live


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    shows=shows_st,
    batches=st.lists(st.lists(op_st, min_size=1, max_size=4), min_size=1, max_size=3),
)
def test_an_applied_change_is_all_or_nothing(
    fresh_db: FreshDatabase,
    shows: list[tuple[int, int, int, int]],
    batches: list[list[tuple[Any, ...]]],
) -> None:
    svc = Services(fresh_db())
    studio = svc.studios.create("S").uid
    rooms = [svc.studio_rooms.create(studio, f"R{i}").uid for i in range(ROOMS)]
    mcs = [svc.mcs.create(f"MC{i}").uid for i in range(MCS)]
    pfs = [svc.platforms.create(f"P{i}").uid for i in range(PLATFORMS)]
    client = svc.clients.create("C").uid
    plan = svc.schedules.create(client, studio, "W", T0, T0 + timedelta(days=2)).uid
    made = [
        svc.shows.create(
            f"show{i}",
            T0 + timedelta(hours=5 * i + start),  # drafts mostly apart: changes make clashes
            T0 + timedelta(hours=5 * i + start + length),
            studio_room_uid=rooms[room],
            schedule_uid=plan,
            mc_uids=[mcs[mc]],
            platform_uids=[pfs[i % PLATFORMS]],
        ).show.uid
        for i, (start, length, room, mc) in enumerate(shows)
    ]
    svc.schedules.propose(plan)
    try:
        promoted = svc.schedules.promote(plan)
    except ConflictError:
        event("drafts clash")
        return  # the drafts clash among themselves: no confirmed schedule to change
    recorded_equals_live(svc, plan, promoted.version)  # stored as the drafts' new status
    for ops in batches:
        try:
            request = svc.change_requests.create(
                plan, "CLIENT_REQUESTED", "property", operations_of(ops, made, rooms, mcs, pfs)
            )
        except ValidationError:
            event("refused when raised")
            continue  # an operation that cannot apply (MC already on the show...): refused up front
        svc.change_requests.approve(request.uid)
        before = dump(svc, plan)
        try:
            applied = svc.change_requests.apply(request.uid)
        except (ConflictError, ValidationError):
            event("refused when applied")
            after = dump(svc, plan)
            assert after[:1] == before[:1]  # every show and link as it was
            assert after[2:] == before[2:]  # no new version
            assert svc.change_requests.get(request.uid).status.value == "approved"
            continue
        event("applied")
        no_double_booking(svc)
        assert svc.schedules.get(plan).schedule_status is ScheduleStatus.CONFIRMED
        recorded_equals_live(svc, plan, applied.version)
        assert all(
            s.show_status in {ShowStatus.CONFIRMED, ShowStatus.CANCELLED}
            for s in svc.schedules.shows(plan)
        )
