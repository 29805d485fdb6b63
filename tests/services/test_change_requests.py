"""Change requests through the services, on every adapter: raised by one side,
decided by the other, applied all or nothing with a new version, under the
membership policy."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest

from studiocore import (
    SYSTEM,
    Actor,
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    Services,
    ShowStatus,
    ValidationError,
)
from studiocore.access import MembershipPolicy
from tests.conftest import FreshDatabase
from tests.support.builders import T0

DAY = T0 + timedelta(days=1)


def at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour)


@attrs.define
class Plan:
    """A confirmed schedule of client C in studio A with two shows in room A1."""

    svc: Services
    u: dict[str, str]
    actors: dict[str, Actor]

    def move(self, show: str, start: float, end: float) -> dict[str, Any]:
        return {
            "op": "move",
            "show_uid": self.u[show],
            "show_start": at(start).isoformat(),
            "show_end": at(end).isoformat(),
        }

    def raise_(self, who: str, category: str, *ops: dict[str, Any]) -> str:
        return self.svc.change_requests.create(
            self.u["plan"], category, f"{who} asks", list(ops), actor=self.actors[who]
        ).uid

    def dump(self) -> list[tuple[Any, ...]]:
        """Every show of the schedule with its links, and the schedule's version."""
        svc = self.svc
        rows: list[tuple[Any, ...]] = [("version", svc.schedules.get(self.u["plan"]).version)]
        for show in svc.schedules.shows(self.u["plan"]):
            mcs = sorted(link.mc_uid for link in svc.shows.mcs(show.uid))
            rows.append(
                (show.uid, show.show_status, show.show_start, show.studio_room_uid, tuple(mcs))
            )
        return rows


@pytest.fixture
def plan(fresh_db: FreshDatabase, clock: Any) -> Plan:
    svc = Services(fresh_db(), clock=clock, policy=MembershipPolicy())
    u: dict[str, str] = {}
    u["A"] = svc.studios.create("Studio A").uid
    u["A1"] = svc.studio_rooms.create(u["A"], "A1").uid
    u["A2"] = svc.studio_rooms.create(u["A"], "A2").uid
    u["B"] = svc.studios.create("Studio B").uid
    u["B1"] = svc.studio_rooms.create(u["B"], "B1").uid
    u["C"] = svc.clients.create("Client C").uid
    u["D"] = svc.clients.create("Client D").uid
    u["mc1"] = svc.mcs.create("Hana").uid
    u["mc2"] = svc.mcs.create("Jonas").uid
    roles = {
        "studio_manager": ("A", "manager"),
        "studio_admin": ("A", "admin"),
        "client_manager": ("C", "manager"),
        "client_member": ("C", "member"),
        "other_client": ("D", "manager"),
    }
    for name, (group, role) in roles.items():
        u[name] = svc.users.create(f"{name}@example.com", name).uid
        svc.memberships.create(u[name], u[group], role)
    actors = {name: svc.users.actor(u[name]) for name in roles}
    u["plan"] = svc.schedules.create(u["C"], u["A"], "Week", T0, T0 + timedelta(days=7)).uid
    for name, (start, end) in {"morning": (9, 11), "noon": (12, 14)}.items():
        u[name] = svc.shows.create(
            name,
            at(start),
            at(end),
            studio_room_uid=u["A1"],
            schedule_uid=u["plan"],
            mc_uids=[u["mc1"]],
        ).show.uid
    svc.schedules.promote(u["plan"])
    return Plan(svc, u, actors)


def test_an_operational_change_is_approved_by_the_client_and_applied_with_a_version(
    plan: Plan,
) -> None:
    svc, u = plan.svc, plan.u
    uid = plan.raise_("studio_manager", "OPERATIONAL", plan.move("morning", 8, 10))
    raised = svc.change_requests.get(uid, actor=plan.actors["client_member"])
    assert (raised.status.value, raised.change_type) == ("pending", "TIME_CHANGE")
    preview = svc.change_requests.preview(uid, actor=plan.actors["client_member"])
    assert preview.applicable
    assert [(c.name, {k.value for k in c.kinds}) for c in preview.changes] == [
        ("morning", {"time"})
    ]
    with pytest.raises(PermissionDeniedError):  # the studio does not approve its own change
        svc.change_requests.approve(uid, actor=plan.actors["studio_admin"])
    with pytest.raises(PermissionDeniedError):
        svc.change_requests.approve(uid, actor=plan.actors["client_member"])
    with pytest.raises(NotFoundError):
        svc.change_requests.approve(uid, actor=plan.actors["other_client"])
    with pytest.raises(InvalidTransitionError):  # not approved yet
        svc.change_requests.apply(uid, actor=plan.actors["studio_manager"])
    svc.change_requests.approve(uid, note="fine", actor=plan.actors["client_manager"])
    applied = svc.change_requests.apply(uid, actor=plan.actors["studio_manager"])
    assert applied.version == 3
    assert applied.change_request.status.value == "applied"
    assert svc.shows.get(u["morning"]).show_start == at(8)
    again = svc.change_requests.apply(uid, actor=plan.actors["studio_manager"])
    assert again.version == 3  # idempotent
    assert svc.schedules.get(u["plan"]).version == 3
    [change] = svc.schedules.diff(u["plan"], 2, 3)
    assert change.show_uid == u["morning"]
    assert change.before is not None
    assert change.before.start == at(9)
    versions = svc.schedules.versions(u["plan"])
    assert versions[-1].change_request_uid == uid


def test_a_conflicting_change_is_refused_with_its_report_and_nothing_changes(plan: Plan) -> None:
    svc = plan.svc
    uid = plan.raise_("client_manager", "CLIENT_REQUESTED", plan.move("noon", 10, 12))
    svc.change_requests.approve(uid, actor=plan.actors["studio_manager"])
    preview = svc.change_requests.preview(uid)
    assert not preview.applicable
    before = plan.dump()
    with pytest.raises(ConflictError) as err:
        svc.change_requests.apply(uid, actor=plan.actors["studio_manager"])
    assert {plan.u["morning"], plan.u["noon"]} <= set(err.value.conflicts[0].show_uids)
    assert plan.dump() == before
    assert svc.change_requests.get(uid).status.value == "approved"


def test_swapping_two_shows_is_checked_as_a_whole(plan: Plan) -> None:
    svc = plan.svc
    uid = plan.raise_(
        "studio_manager",
        "OPERATIONAL",
        plan.move("morning", 12, 14),
        plan.move("noon", 9, 11),
    )
    svc.change_requests.approve(uid, actor=plan.actors["client_manager"])
    svc.change_requests.apply(uid, actor=plan.actors["studio_manager"])
    assert svc.shows.get(plan.u["morning"]).show_start == at(12)
    assert svc.shows.get(plan.u["noon"]).show_start == at(9)


def test_shows_are_added_cancelled_and_restaffed(plan: Plan) -> None:
    svc, u = plan.svc, plan.u
    uid = plan.raise_(
        "client_manager",
        "CLIENT_REQUESTED",
        {
            "op": "add_show",
            "name": "evening",
            "show_start": at(18).isoformat(),
            "show_end": at(20).isoformat(),
            "studio_room_uid": u["A2"],
            "mc_uids": [u["mc2"]],
        },
        {"op": "cancel_show", "show_uid": u["noon"]},
        {"op": "remove_mc", "show_uid": u["morning"], "mc_uid": u["mc1"]},
        {"op": "add_mc", "show_uid": u["morning"], "mc_uid": u["mc2"]},
    )
    request = svc.change_requests.get(uid)
    assert request.payload["change_types"] == ["SCOPE_CHANGE", "RESOURCE_CHANGE"]
    svc.change_requests.approve(uid, actor=plan.actors["studio_manager"])
    svc.change_requests.apply(uid, actor=plan.actors["studio_manager"])
    shows = {s.name: s for s in svc.schedules.shows(u["plan"])}
    assert shows["evening"].show_status is ShowStatus.CONFIRMED
    assert shows["noon"].show_status is ShowStatus.CANCELLED
    assert [link.mc_uid for link in svc.shows.mcs(u["morning"])] == [u["mc2"]]
    kinds = {c.name: {k.value for k in c.kinds} for c in svc.schedules.diff(u["plan"], 2, 3)}
    assert kinds == {"evening": {"added"}, "noon": {"cancelled"}, "morning": {"mcs"}}


def test_force_majeure_is_applied_at_once_by_a_studio_admin_and_acknowledged(plan: Plan) -> None:
    svc, u = plan.svc, plan.u
    room_change = {"op": "change_room", "show_uid": u["noon"], "studio_room_uid": u["A2"]}
    with pytest.raises(PermissionDeniedError):
        plan.raise_("studio_manager", "FORCE_MAJEURE", room_change)
    uid = plan.raise_("studio_admin", "FORCE_MAJEURE", room_change)
    assert svc.change_requests.get(uid).status.value == "applied"
    assert svc.shows.get(u["noon"]).studio_room_uid == u["A2"]
    with pytest.raises(PermissionDeniedError):
        svc.change_requests.acknowledge(uid, actor=plan.actors["studio_manager"])
    acknowledged = svc.change_requests.acknowledge(uid, actor=plan.actors["client_manager"])
    assert acknowledged.metadata["acknowledged_by_uid"] == u["client_manager"]


def test_who_may_raise_and_what_is_refused(plan: Plan) -> None:
    svc, u = plan.svc, plan.u
    move = plan.move("morning", 8, 10)
    with pytest.raises(PermissionDeniedError):
        plan.raise_("client_member", "CLIENT_REQUESTED", move)
    with pytest.raises(PermissionDeniedError):  # operational changes come from the studio
        plan.raise_("client_manager", "OPERATIONAL", move)
    with pytest.raises(NotFoundError):
        plan.raise_("other_client", "CLIENT_REQUESTED", move)
    bad_ops: list[tuple[dict[str, Any], str]] = [
        ({"op": "teleport", "show_uid": u["morning"]}, "operations[0].op"),
        (
            {"op": "move", "show_uid": u["morning"], "show_start": "soon"},
            "operations[0].show_start",
        ),
        (plan.move("morning", 200, 202), "show_start"),  # outside the schedule
        (
            {"op": "change_room", "show_uid": u["morning"], "studio_room_uid": u["B1"]},
            "studio_room_uid",
        ),
        ({"op": "add_mc", "show_uid": u["morning"], "mc_uid": u["mc1"]}, "operations[0].mc_uid"),
    ]
    for op, field in bad_ops:
        with pytest.raises(ValidationError) as err:
            plan.raise_("studio_manager", "OPERATIONAL", op)
        assert err.value.field == field, op
    draft_plan = svc.schedules.create(u["C"], u["A"], "Next", T0, T0 + timedelta(days=7)).uid
    with pytest.raises(ValidationError) as err:
        svc.change_requests.create(draft_plan, "OPERATIONAL", "x", [move], actor=SYSTEM)
    assert err.value.field == "schedule_uid"
    assert svc.change_requests.list() == []


def test_a_request_is_withdrawn_by_whoever_raised_it_and_rejected_with_a_reason(
    plan: Plan,
) -> None:
    svc = plan.svc
    first = plan.raise_("client_manager", "CLIENT_REQUESTED", plan.move("morning", 8, 10))
    with pytest.raises(ValidationError):
        svc.change_requests.reject(first, " ", actor=plan.actors["studio_manager"])
    rejected = svc.change_requests.reject(first, "no crew", actor=plan.actors["studio_manager"])
    assert rejected.metadata["review_note"] == "no crew"
    with pytest.raises(InvalidTransitionError):
        svc.change_requests.withdraw(first, actor=plan.actors["client_manager"])
    second = plan.raise_("client_manager", "CLIENT_REQUESTED", plan.move("morning", 8, 10))
    with pytest.raises(PermissionDeniedError):
        svc.change_requests.withdraw(second, actor=plan.actors["studio_manager"])
    withdrawn = svc.change_requests.withdraw(second, actor=plan.actors["client_manager"])
    assert withdrawn.status.value == "withdrawn"
