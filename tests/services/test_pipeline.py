"""The use-case pipeline: access asked with the target and its scope, one audit
entry per record written, domain events published inside the transaction."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from studiocore import (
    AccessRequest,
    Action,
    Actor,
    Client,
    NotFoundError,
    PermissionDeniedError,
    ScheduleStatus,
    ScheduleStatusChanged,
    Scope,
    Services,
    ShowMoved,
    ShowStatus,
    ShowStatusChanged,
    UnitOfWork,
    UserRole,
    ValidationError,
    Visibility,
    new_uid,
)
from studiocore.services import EventBus
from tests.conftest import FreshDatabase
from tests.support.builders import T0

SERVICES = Path(__file__).parents[2] / "src" / "studiocore" / "services"


class _Recorder:
    """A policy that allows everything and remembers what it was asked."""

    def visibility(self, actor: Actor, resource: str) -> Visibility | None:
        return None  # lists unfiltered

    def __init__(self) -> None:
        self.asked: list[tuple[str, Action, str | None, Scope]] = []

    def authorize(self, request: AccessRequest) -> None:
        target = request.target
        self.asked.append(
            (request.use_case, request.action, target.uid if target else None, request.scope)
        )


class _StudioManagers:
    """Writes only inside studios listed for the actor: a scoped rule."""

    def visibility(self, actor: Actor, resource: str) -> Visibility | None:
        return None  # lists unfiltered

    def __init__(self, studios: dict[str, set[str]]) -> None:
        self.studios = studios

    def authorize(self, request: AccessRequest) -> None:
        if request.action is Action.READ or request.actor.is_system:
            return
        if request.target is None:
            return  # decided per record
        allowed = self.studios.get(request.actor.user_uid or "", set())
        if not request.scope.studio_uids or not request.scope.studio_uids <= allowed:
            raise PermissionDeniedError("not your studio", resource=request.resource)


def _world(svc: Services) -> tuple[str, str, str]:
    studio = svc.studios.create("One")
    room = svc.studio_rooms.create(studio.uid, "A")
    client = svc.clients.create("Acme")
    return studio.uid, room.uid, client.uid


def test_the_policy_is_asked_before_the_use_case_and_with_each_target_and_its_scope(
    fresh_db: FreshDatabase,
) -> None:
    policy = _Recorder()
    svc = Services(fresh_db(), policy=policy)
    studio, room, client = _world(svc)
    policy.asked.clear()
    show = svc.shows.create(
        "Live", T0, T0 + timedelta(hours=1), studio_room_uid=room, client_uid=client
    ).show
    assert policy.asked[0] == ("shows.create", Action.WRITE, None, Scope())
    assert policy.asked[1] == (
        "shows.create",
        Action.WRITE,
        show.uid,
        Scope(studio_uids=frozenset({studio}), client_uids=frozenset({client})),
    )
    policy.asked.clear()
    svc.shows.get(show.uid)
    assert [(a[0], a[1], a[2]) for a in policy.asked] == [
        ("shows.get", Action.READ, None),
        ("shows.get", Action.READ, show.uid),
    ]


def test_a_scoped_policy_decides_by_the_target_loaded(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    admin = Services(db)
    mine, my_room, _ = _world(admin)
    other = admin.studios.create("Other")
    other_room = admin.studio_rooms.create(other.uid, "B")
    user = admin.users.create("m@example.com", "M", role=UserRole.MANAGER)
    actor = Actor(user_uid=user.uid, role=UserRole.MANAGER)
    svc = Services(db, policy=_StudioManagers({user.uid: {mine}}))
    svc.studio_rooms.update(my_room, {"name": "A2"}, actor=actor)
    with pytest.raises(PermissionDeniedError):
        svc.studio_rooms.update(other_room.uid, {"name": "B2"}, actor=actor)
    with pytest.raises(PermissionDeniedError):  # a new record is asked about too
        svc.studio_rooms.create(other.uid, "C", actor=actor)
    assert [r.name for r in admin.studio_rooms.list(where={"studio_uid": other.uid})] == ["B"]


def test_every_write_is_audited_once_with_the_use_case_and_the_actor(svc: Services) -> None:
    admin = svc.users.create("a@example.com", "A", role="admin")
    actor = svc.users.actor(admin.uid)
    _, room, _ = _world(svc)
    mc = svc.mcs.create("Jo")
    show = svc.shows.create(
        "Live", T0, T0 + timedelta(hours=1), studio_room_uid=room, mc_uids=[mc.uid], actor=actor
    ).show
    trail = svc.audits.page(user_uid=admin.uid).items
    assert sorted((a.recordable_type, a.action) for a in trail) == [
        ("show_mcs", "link"),
        ("shows", "create"),
    ]
    assert {a.metadata["use_case"] for a in trail} == {"shows.create"}
    svc.shows.reschedule(show.uid, {"name": "Renamed"}, actor=actor)
    svc.shows.remove_mc(show.uid, mc.uid, actor=actor)
    latest = svc.audits.page(user_uid=admin.uid, limit=10).items[2:]
    assert next((a.action, a.old_values, a.new_values) for a in latest) == (
        "update",
        {"name": "Live"},
        {"name": "Renamed"},
    )
    assert latest[1].action == "unlink"
    assert latest[1].old_values is not None
    assert latest[1].old_values["mc_uid"] == mc.uid


def test_a_refused_use_case_writes_no_audit(svc: Services) -> None:
    _, room, _ = _world(svc)
    before = svc.audits.page().total
    with pytest.raises(NotFoundError):
        svc.shows.reschedule("show_01JD0000000000000000000000", {"name": "x"})
    with pytest.raises(PermissionDeniedError):
        svc.studio_rooms.update(room, {"name": "x"}, actor=Actor(user_uid=None, is_banned=True))
    assert svc.audits.page().total == before


def test_domain_events_reach_subscribers_inside_the_transaction(
    fresh_db: FreshDatabase,
) -> None:
    events = EventBus()
    seen: list[object] = []
    events.subscribe(ShowStatusChanged, lambda event, uow: seen.append(event))
    events.subscribe(ShowMoved, lambda event, uow: seen.append(event))
    events.subscribe(ScheduleStatusChanged, lambda event, uow: seen.append(event))
    svc = Services(fresh_db(), events=events)
    studio, room, client = _world(svc)
    show = svc.shows.create("Live", T0, T0 + timedelta(hours=1), studio_room_uid=room).show
    svc.shows.reschedule(show.uid, {"show_start": T0 + timedelta(minutes=30)})
    plan = svc.schedules.create(client, studio, "Plan", T0, T0 + timedelta(days=1))
    draft = svc.shows.create(
        "Draft",
        T0 + timedelta(hours=3),
        T0 + timedelta(hours=4),
        studio_room_uid=room,
        schedule_uid=plan.uid,
    ).show
    svc.schedules.promote(plan.uid)
    assert [type(e).__name__ for e in seen] == [
        "ShowStatusChanged",  # a direct booking: created confirmed
        "ShowMoved",
        "ScheduleStatusChanged",  # created as a draft
        "ShowStatusChanged",  # a draft created
        "ShowStatusChanged",  # promoted
        "ScheduleStatusChanged",
        "ScheduleStatusChanged",
    ]
    booked, moved, _, drafted, confirmed, *steps = seen
    assert isinstance(booked, ShowStatusChanged)
    assert (booked.before, booked.after) == (None, ShowStatus.CONFIRMED)
    assert isinstance(drafted, ShowStatusChanged)
    assert drafted.after is ShowStatus.DRAFT
    assert isinstance(moved, ShowMoved)
    assert moved.slot_before == show.slot
    assert isinstance(confirmed, ShowStatusChanged)
    assert (confirmed.show_uids, confirmed.after) == ((draft.uid,), ShowStatus.CONFIRMED)
    assert confirmed.use_case == "schedules.promote"
    assert [(s.before, s.after) for s in steps if isinstance(s, ScheduleStatusChanged)] == [
        (ScheduleStatus.DRAFT, ScheduleStatus.PROPOSED),
        (ScheduleStatus.PROPOSED, ScheduleStatus.CONFIRMED),
    ]


def test_what_a_subscriber_writes_commits_or_rolls_back_with_the_use_case(
    fresh_db: FreshDatabase,
) -> None:
    events = EventBus()

    def comment(event: ShowStatusChanged, uow: UnitOfWork) -> None:
        if event.after is ShowStatus.LIVE:
            raise RuntimeError("the stream did not start")
        if event.after is ShowStatus.CANCELLED:
            name = f"cancelled {event.show_uids[0]}"
            uow.clients.add(Client(uid=new_uid("client"), created_at=T0, updated_at=T0, name=name))

    events.subscribe(ShowStatusChanged, comment)
    svc = Services(fresh_db(), events=events)
    _, room, _ = _world(svc)
    show = svc.shows.create("Live", T0, T0 + timedelta(hours=1), studio_room_uid=room).show
    with pytest.raises(RuntimeError):
        svc.shows.go_live(show.uid)
    assert svc.shows.get(show.uid).show_status is ShowStatus.CONFIRMED
    svc.shows.cancel(show.uid)
    (made,) = [c for c in svc.clients.list() if c.name.startswith("cancelled")]
    assert [a.action for a in svc.audits.history(made.uid)] == ["create"]
    assert svc.audits.history(made.uid)[0].metadata["use_case"] == "shows.transition"


def test_write_listeners_hear_each_committed_write_and_nothing_else(
    fresh_db: FreshDatabase,
) -> None:
    events = EventBus()
    heard: list[bool] = []
    svc = Services(fresh_db(), events=events)

    def listener() -> None:
        # told after the commit: the write is already there for everyone
        heard.append(any(c.name == "Glow" for c in svc.clients.list()))

    events.write_listeners.append(listener)
    svc.clients.create("Glow")
    assert heard == [True]
    svc.clients.list()
    svc.studios.list()
    assert heard == [True], "a read is no write"
    with pytest.raises(ValidationError):
        svc.clients.create("")
    assert heard == [True], "a write that failed changed nothing"


def test_no_service_authorizes_or_audits_by_hand() -> None:
    for path in SERVICES.glob("*.py"):
        tree = ast.parse(path.read_text())
        called = {
            node.func.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        }
        assert not {c for c in called if c == "_authorize" or c.startswith("_audit")}, path
