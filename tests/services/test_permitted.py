"""``permitted``: what an interface may offer a user agrees with what the use
case then lets them do, for every persona of the access table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from studiocore import FixedClock, LookupTable, NotFoundError, PermissionDeniedError, Services
from studiocore.access import MembershipPolicy
from studiocore.services import CrudService
from tests.support import access_matrix as matrix
from tests.support import access_targets as new
from tests.support.access_matrix import PERSONAS, Outcome, World
from tests.support.adapters import memory_adapter
from tests.support.builders import T0

Target = Callable[[World], str]

# (cell's resource, cell's action, the use case asked about, a record like the cell's target)
ASKED: list[tuple[str, str, str, Target]] = [
    ("schedules", "update", "update", new.plan_c),
    ("schedules", "delete", "delete", new.plan_c),
    ("schedules", "propose", "propose", new.plan_c),
    ("schedules", "approve", "approve", new.proposed_plan_c),
    ("schedules", "promote", "promote", new.approved_plan_c),
    ("schedules", "promote_unapproved", "promote", new.proposed_plan_c),
    ("change_requests", "approve", "approve", new.change_request_c),
    ("tags", "update", "update", lambda w: w["atag"]),
    ("tags", "delete", "delete", lambda w: w["atag"]),
    ("lookups", "update", "update", lambda w: w["show_type"]),
]
CELLS = {(c.resource, c.action): c for c in matrix.CELLS}


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with memory_adapter() as db:
        yield matrix.build_world(Services(db, clock=FixedClock(T0), policy=MembershipPolicy()))


def _service(w: World, resource: str) -> CrudService[Any]:
    return (
        w.svc.lookups[LookupTable.SHOW_TYPES] if resource == "lookups" else getattr(w.svc, resource)
    )


@pytest.mark.parametrize("asked", ASKED, ids=lambda a: f"{a[0]}.{a[1]}")
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_permitted_offers_exactly_what_the_access_table_allows(
    world: World, persona: str, asked: tuple[str, str, str, Target]
) -> None:
    resource, action, use_case, target = asked
    cell = CELLS[resource, action]
    uid = target(world)
    service = _service(world, resource)
    expected = cell.expected(persona)

    def ask() -> frozenset[str]:
        return service.permitted(uid, [use_case], actor=world.actors[persona])

    if expected is Outcome.HIDDEN:
        with pytest.raises(NotFoundError):
            ask()
    elif PERSONAS[persona].banned:  # refused everything, asking too
        with pytest.raises(PermissionDeniedError):
            ask()
    else:
        assert (use_case in ask()) == (expected is Outcome.ALLOWED), expected


def test_permitted_keeps_only_the_allowed_names_of_a_longer_list(world: World) -> None:
    plan = new.proposed_plan_c(world)
    asked = ["propose", "send_back", "approve", "promote", "archive"]
    manager = world.svc.schedules.permitted(plan, asked, actor=world.actors["c_manager"])
    studio = world.svc.schedules.permitted(plan, asked, actor=world.actors["a_manager"])
    assert manager == {"propose", "send_back", "approve"}
    assert studio == {"propose", "send_back", "archive"}  # promote: once approved
    assert world.svc.schedules.permitted(plan, asked) == set(asked)  # the system
