"""``ShowService.check_move``: the conflicts a move would meet, before it is
made, told to each reader as they may read them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from studiocore import ConflictKind, FixedClock, Services, Severity, ValidationError
from studiocore.access import MembershipPolicy
from studiocore.scheduling.describe import HIDDEN_SHOW
from tests.support import access_matrix as matrix
from tests.support.access_matrix import World
from tests.support.access_targets import DRAFT_START, clash_d
from tests.support.adapters import memory_adapter
from tests.support.builders import T0


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with memory_adapter() as db:
        w = matrix.build_world(Services(db, clock=FixedClock(T0), policy=MembershipPolicy()))
        w.uids["secretD"] = clash_d(w)  # another client's show where C's draft stands
        yield w


def test_the_studio_sees_what_the_draft_would_clash_with(world: World) -> None:
    before = world.svc.shows.get(world["draftC"])
    [conflict] = world.svc.shows.check_move(world["draftC"], {}, actor=world.actors["a_manager"])
    assert conflict.kind is ConflictKind.ROOM_OVERLAP
    assert conflict.severity is Severity.BLOCK
    assert set(conflict.show_uids) == {world["draftC"], world["secretD"]}
    assert '"D secret launch"' in conflict.reason
    assert world.svc.shows.get(world["draftC"]) == before  # nothing changed


def test_a_client_is_told_of_the_clash_but_not_whose_show_it_is(world: World) -> None:
    [conflict] = world.svc.shows.check_move(world["draftC"], {}, actor=world.actors["c_manager"])
    assert world["secretD"] not in conflict.show_uids
    assert world["draftC"] in conflict.show_uids
    assert "D secret" not in conflict.reason
    assert HIDDEN_SHOW in conflict.reason
    assert {s.name for s in conflict.shows} == {"C draft", HIDDEN_SHOW}


def test_a_free_place_has_no_conflict(world: World) -> None:
    start = T0 + timedelta(days=5)
    moved = {"show_start": start, "show_end": start + timedelta(hours=1)}
    assert world.svc.shows.check_move(world["draftC"], moved) == []
    assert world.svc.shows.get(world["draftC"]).show_start == DRAFT_START


def test_only_the_place_and_time_are_checked(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        world.svc.shows.check_move(world["draftC"], {"name": "Renamed"})
    assert refused.value.field == "name"
