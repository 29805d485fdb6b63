"""Notifications: who is told what, on every adapter, with the membership
policy (as the HTTP app runs). The world is the access world
(``tests/support/access_matrix.py``): show C in studio A for client C, hosted
by the ``host`` user's MC."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from studiocore import (
    FixedClock,
    NotFoundError,
    Notification,
    NotificationKind,
    Services,
    ShowStatusChanged,
    UnitOfWork,
    ValidationError,
)
from studiocore.access import MembershipPolicy
from tests.conftest import FreshDatabase
from tests.support import access_matrix as matrix
from tests.support import access_targets as new
from tests.support.builders import T0

CLIENT_C = {"c_admin", "c_manager", "c_member"}
"""Client C's live members (``banned`` is one too, and is told nothing)."""


@pytest.fixture
def world(fresh_db: FreshDatabase) -> matrix.World:
    return matrix.build_world(Services(fresh_db(), clock=FixedClock(T0), policy=MembershipPolicy()))


def told(w: matrix.World, kind: NotificationKind, subject_uid: str) -> dict[str, Notification]:
    """Who has a notification of ``kind`` about ``subject_uid``, by persona."""
    found = {}
    for persona in matrix.PERSONAS:
        page = w.svc.notifications.page(
            recipient_uid=w[persona], kind=kind, subject_uid=subject_uid, limit=200
        )
        for notification in page.items:
            assert persona not in found, f"{persona} told twice"
            found[persona] = notification
    return found


def test_a_cancelled_show_tells_its_host_and_its_clients_members_and_nobody_else(
    world: matrix.World,
) -> None:
    w = world
    w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    notes = told(w, NotificationKind.SHOW_CANCELLED, w["showC"])
    assert set(notes) == CLIENT_C | {"host"}  # not the studio manager who did it
    note = notes["host"]
    assert note.actor_uid == w["a_manager"]
    assert note.subject_type == "shows"
    assert note.read_at is None
    # the studio's own time zone and name, not only UTC
    assert note.text.endswith("(Studio A) was cancelled"), note.text


def test_a_moved_show_says_where_and_when_in_the_studios_time(world: matrix.World) -> None:
    w = world
    w.svc.studios.update(w["A"], {"time_zone": "Asia/Seoul"})
    show = w.svc.shows.get(w["showC"])
    later = {
        "show_start": show.show_start + timedelta(hours=2),
        "show_end": show.show_end + timedelta(hours=2),
    }
    w.svc.shows.reschedule(w["showC"], later, actor=w.actors["a_manager"])
    notes = told(w, NotificationKind.SHOW_MOVED, w["showC"])
    assert set(notes) == CLIENT_C | {"host"}
    seoul = (show.show_start + timedelta(hours=2 + 9)).strftime("%H:%M")
    assert f"moved to {(show.show_start + timedelta(hours=11)):%a}" in notes["host"].text
    assert f", {seoul}-" in notes["host"].text
    assert "(Studio A)" in notes["host"].text


def test_a_schedule_through_its_workflow_tells_both_sides_managers(world: matrix.World) -> None:
    w = world
    plan = new.plan_c(w)
    for _ in range(3):
        new.draft_c(w, plan)  # drafts reserve nothing: they need not be apart
    w.svc.schedules.propose(plan, actor=w.actors["c_manager"])
    proposed = told(w, NotificationKind.SCHEDULE_PROPOSED, plan)
    # managers (and admins) of client C and studio A, not the one who proposed
    assert set(proposed) == {"c_admin", "a_admin", "a_manager"}
    assert proposed["a_manager"].text == "c_manager proposed C's week"
    w.svc.schedules.send_back(plan, "too many shows", actor=w.actors["a_manager"])
    assert set(told(w, NotificationKind.SCHEDULE_SENT_BACK, plan)) == {
        "c_admin",
        "c_manager",
        "a_admin",
    }
    w.svc.schedules.propose(plan, actor=w.actors["c_manager"])
    w.svc.schedules.approve(plan, actor=w.actors["c_admin"])
    assert set(told(w, NotificationKind.SCHEDULE_APPROVED, plan)) == {
        "c_manager",
        "a_admin",
        "a_manager",
    }


def test_a_promotion_tells_each_person_once_about_the_schedule(world: matrix.World) -> None:
    w = world
    plan = new.plan_c(w)
    shows = [
        w.svc.shows.create(
            f"C draft {i}",
            new.DRAFT_START + timedelta(hours=2 * i),
            new.DRAFT_START + timedelta(hours=2 * i + 1),
            studio_room_uid=w["roomA"],
            schedule_uid=plan,
            mc_uids=[w["mc"]] if i == 0 else [],
        ).show.uid
        for i in range(4)
    ]
    w.svc.schedules.propose(plan, actor=w.actors["c_manager"])
    w.svc.schedules.approve(plan, actor=w.actors["c_manager"])
    w.svc.schedules.promote(plan, actor=w.actors["a_manager"])
    notes = told(w, NotificationKind.SCHEDULE_CONFIRMED, plan)
    # the host of one of its shows, every member of client C (the schedule is
    # confirmed), and client and studio managers
    assert set(notes) >= CLIENT_C | {"host", "a_admin"}
    assert "a_manager" not in notes
    assert notes["c_member"].text == "a_manager confirmed 4 shows of C's week"
    for persona in ("host", "c_member"):
        assert not w.svc.notifications.page(
            recipient_uid=w[persona], kind=NotificationKind.SHOW_CONFIRMED, subject_uid=shows[0]
        ).items, "one notification about the schedule, not one per show"


def test_a_change_request_tells_who_decides_and_then_its_outcome(world: matrix.World) -> None:
    w = world
    request = new.change_request_c(w)
    waiting = told(w, NotificationKind.CHANGE_REQUEST_WAITING, request)
    assert set(waiting) == {"a_admin", "a_manager"}  # client-requested: the studio decides
    w.svc.change_requests.reject(request, "not this week", actor=w.actors["a_manager"])
    decided = told(w, NotificationKind.CHANGE_REQUEST_DECIDED, request)
    assert set(decided) == {"c_admin", "c_manager", "a_admin"}
    assert decided["c_manager"].text.endswith("was rejected")


def test_a_rolled_back_change_tells_nobody(world: matrix.World) -> None:
    w = world
    heard: list[Sequence[Notification]] = []
    w.svc.notifications.listen(heard.append)

    def boom(event: ShowStatusChanged, uow: UnitOfWork) -> None:
        raise RuntimeError("a later subscriber fails")

    w.svc.events.subscribe(ShowStatusChanged, boom)
    with pytest.raises(RuntimeError):
        w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    assert heard == []
    assert told(w, NotificationKind.SHOW_CANCELLED, w["showC"]) == {}


def test_listeners_hear_each_committed_batch_after_the_commit(world: matrix.World) -> None:
    w = world
    seen_in_store: list[bool] = []

    def listener(batch: Sequence[Notification]) -> None:
        # the notifications are already readable by another unit of work
        for n in batch:
            page = w.svc.notifications.page(
                recipient_uid=n.recipient_uid, subject_uid=n.subject_uid
            )
            seen_in_store.append(n.uid in {m.uid for m in page.items})

    w.svc.notifications.listen(listener)
    w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    assert seen_in_store
    assert all(seen_in_store)


def test_reading_marking_and_replaying_ones_own_notifications(world: matrix.World) -> None:
    w = world
    me = w.actors["host"]
    notes = w.svc.notifications
    before = notes.page(actor=me).items
    w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    page = notes.page(actor=me)
    newest = page.items[0]
    assert newest.kind is NotificationKind.SHOW_CANCELLED
    assert notes.unread_count(actor=me) == page.total == len(before) + 1
    assert [n.uid for n in notes.since(before[0].uid, actor=me)] == [newest.uid]
    read = notes.mark_read(newest.uid, actor=me)
    assert read.read_at == T0
    assert notes.unread_count(actor=me) == len(before)
    assert notes.page(actor=me).items[-1].uid == newest.uid  # read ones after the unread
    assert notes.page(unread_only=True, actor=me).total == len(before)
    assert notes.mark_all_read(actor=me) == len(before)
    assert notes.unread_count(actor=me) == 0
    # someone else's notification does not exist for them
    with pytest.raises(NotFoundError):
        notes.mark_read(newest.uid, actor=w.actors["c_member"])
    with pytest.raises(ValidationError, match="kind"):
        notes.page(kind="gossip", actor=me)
    assert notes.page(recipient_uid=w["host"], actor=w.actors["c_member"]).items == []


def test_services_sharing_an_event_bus_tell_each_person_once(world: matrix.World) -> None:
    """studiocore's own subscribers install once per bus (``install_once``):
    a second ``Services`` on the same bus (the demo's people act through one)
    writes no second notification, and queues no second webhook delivery."""
    w = world
    ctx = w.svc.context
    endpoint = w.svc.webhooks.create(
        "https://hooks.example.com/x", ["*"], studio_uid=w["A"], owner_uid=w["a_admin"]
    )
    other = Services(ctx.uow_factory, clock=ctx.clock, policy=ctx.policy, events=ctx.events)
    other.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    assert set(told(w, NotificationKind.SHOW_CANCELLED, w["showC"])) == CLIENT_C | {"host"}
    deliveries = w.svc.webhooks.deliveries(endpoint.endpoint.uid)
    assert [d.event_type for d in deliveries.items] == ["show.cancelled"]
