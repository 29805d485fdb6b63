"""``SchedulingService.studio_plan`` and ``shows_between``: a studio's window
as a planning board reads it, on every adapter."""

from __future__ import annotations

from datetime import timedelta

from studiocore import FixedClock, Services, TimeSlot
from studiocore.access import MembershipPolicy
from studiocore.scheduling.describe import HIDDEN_SHOW
from tests.conftest import FreshDatabase
from tests.support import access_matrix as matrix
from tests.support import access_targets as new
from tests.support.access_targets import DRAFT_START
from tests.support.adapters import UowFactory
from tests.support.builders import T0

DAY = TimeSlot(DRAFT_START - timedelta(hours=6), DRAFT_START + timedelta(hours=18))


def world(fresh_db: FreshDatabase) -> matrix.World:
    db: UowFactory = fresh_db()
    w = matrix.build_world(Services(db, clock=FixedClock(T0), policy=MembershipPolicy()))
    w.uids["secretD"] = new.clash_d(w)  # client D's show where C's draft stands
    # a long show across the window's start
    w.uids["marathon"] = w.svc.shows.create(
        "Marathon",
        DAY.start - timedelta(hours=30),
        DAY.start + timedelta(hours=1),
        studio_room_uid=w["roomA"],
        client_uid=w["C"],
    ).show.uid
    return w


def test_the_plan_holds_the_windows_shows_their_mcs_and_what_the_draft_would_meet(
    fresh_db: FreshDatabase,
) -> None:
    w = world(fresh_db)
    plan = w.svc.scheduling.studio_plan(w["A"], DAY, actor=w.actors["a_manager"])
    uids = {s.uid for s in plan.shows}
    assert {w["draftC"], w["secretD"], w["marathon"]} <= uids  # the long one overlaps too
    assert plan.mcs[w["draftC"]] == {w["mc"]}
    assert plan.mcs[w["secretD"]] == {w["mc2"]}
    pair = {w["draftC"], w["secretD"]}
    [clash] = [c for c in plan.conflicts if set(c.show_uids) == pair]
    assert '"D secret launch"' in clash.reason
    starts = [s.show_start for s in plan.shows]
    assert starts == sorted(starts)


def test_a_client_sees_its_own_shows_and_the_clash_without_whose_show_it_is(
    fresh_db: FreshDatabase,
) -> None:
    w = world(fresh_db)
    plan = w.svc.scheduling.studio_plan(w["A"], DAY, actor=w.actors["c_manager"])
    assert w["secretD"] not in {s.uid for s in plan.shows}
    assert w["secretD"] not in plan.mcs
    [clash] = [
        c
        for c in plan.conflicts
        if HIDDEN_SHOW in {s.name for s in c.shows} and w["draftC"] in c.show_uids
    ]
    assert w["secretD"] not in clash.show_uids
    assert HIDDEN_SHOW in clash.reason
    assert "D secret" not in clash.reason


def test_shows_between_finds_every_show_overlapping_the_window(fresh_db: FreshDatabase) -> None:
    w = world(fresh_db)
    found = w.svc.scheduling.shows_between(w["A"], DAY, actor=w.actors["a_manager"])
    assert {w["draftC"], w["secretD"], w["marathon"]} <= {s.uid for s in found}
    later = TimeSlot(DAY.start + timedelta(hours=2), DAY.end)  # after the marathon ended
    assert w["marathon"] not in {s.uid for s in w.svc.scheduling.shows_between(w["A"], later)}
