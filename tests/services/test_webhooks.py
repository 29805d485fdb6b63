"""Webhooks in the core, on every adapter: endpoints and who sees them, the
outbox (deliveries queued in the change's transaction), and the worker's use
cases (claim with a lease, record attempts, back off, disable after a day).
The world is the access world (``tests/support/access_matrix.py``): show C in
studio A, show D in studio B, the draft schedule ``planC`` of client C in A."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from studiocore import (
    DeliveryStatus,
    FixedClock,
    NotFoundError,
    NotificationKind,
    PermissionDeniedError,
    Services,
    ShowStatusChanged,
    UnitOfWork,
    ValidationError,
)
from studiocore.access import MembershipPolicy
from studiocore.services import Attempt, Dispatch
from studiocore.services.webhook_messages import webhook_headers
from tests.conftest import FreshDatabase
from tests.support import access_matrix as matrix
from tests.support import access_targets as new
from tests.support.builders import T0

SHORT = (timedelta(seconds=1), timedelta(seconds=2))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def world(fresh_db: FreshDatabase, clock: FixedClock) -> matrix.World:
    return matrix.build_world(Services(fresh_db(), clock=clock, policy=MembershipPolicy()))


def register(
    w: matrix.World, types: list[str], persona: str = "sys_admin", studio_uid: str | None = None
) -> str:
    return w.svc.webhooks.create(
        "https://hooks.example.com/in", types, studio_uid=studio_uid, actor=w.actors[persona]
    ).endpoint.uid


def shown_secret(endpoint: object) -> object:
    """The secret an endpoint shows (withheld: ``None``; typed ``str`` on the entity)."""
    return getattr(endpoint, "secret", "missing")


def queued(w: matrix.World, endpoint_uid: str) -> list[tuple[str, dict[str, object]]]:
    page = w.svc.webhooks.deliveries(endpoint_uid, limit=500)
    return [(d.event_type, d.payload) for d in reversed(page.items)]


def ok(at: datetime, code: int = 200) -> Attempt:
    return Attempt(started_at=at, duration=timedelta(milliseconds=12), status_code=code)


# --------------------------------------------------------------------------- endpoints


def test_the_secret_is_shown_once_and_signs_what_standardwebhooks_verifies(
    world: matrix.World,
) -> None:
    w = world
    made = w.svc.webhooks.create("https://hooks.example.com/in", ["*"], actor=w.actors["sys_admin"])
    assert made.secret.startswith("whsec_")
    assert len(made.secret) > 40
    assert shown_secret(made.endpoint) is None
    admin = w.actors["sys_admin"]
    assert shown_secret(w.svc.webhooks.get(made.endpoint.uid, actor=admin)) is None
    assert all(shown_secret(e) is None for e in w.svc.webhooks.list(actor=admin))
    rotated = w.svc.webhooks.rotate_secret(made.endpoint.uid, actor=admin)
    assert rotated.secret != made.secret
    assert shown_secret(rotated.endpoint) is None
    body = b'{"type":"show.cancelled"}'
    now = datetime.now(UTC)
    headers = webhook_headers(rotated.secret, "msg_1", now, body)
    assert Webhook(rotated.secret).verify(body, headers) == {"type": "show.cancelled"}
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(made.secret).verify(body, headers)  # the old secret no longer matches


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("url", {"url": "ftp://hooks.example.com/in"}),
        ("event_types", {"event_types": ["show.exploded"]}),
        ("event_types", {"event_types": []}),
        ("event_types", {"event_types": "show.moved"}),
    ],
)
def test_bad_endpoints_are_refused_naming_the_field(
    world: matrix.World, field: str, changes: dict[str, object]
) -> None:
    w = world
    fields: dict[str, object] = {"url": "https://x.example.com", "event_types": ["*"], **changes}
    with pytest.raises(ValidationError) as caught:
        w.svc.webhooks.create(
            fields["url"],  # type: ignore[arg-type]
            fields["event_types"],  # type: ignore[arg-type]
            actor=w.actors["sys_admin"],
        )
    assert caught.value.field == field


def test_studio_admins_manage_their_studios_endpoints_and_see_no_other(
    world: matrix.World,
) -> None:
    w = world
    mine = register(w, ["*"], "a_admin", studio_uid=w["A"])
    global_one = register(w, ["*"])
    b_one = register(w, ["*"], studio_uid=w["B"])
    a_admin = w.actors["a_admin"]
    assert [e.uid for e in w.svc.webhooks.list(actor=a_admin)] == [mine]
    for hidden in (global_one, b_one):
        with pytest.raises(NotFoundError):
            w.svc.webhooks.get(hidden, actor=a_admin)
        with pytest.raises(NotFoundError):
            w.svc.webhooks.deliveries(hidden, actor=a_admin)
    with pytest.raises((PermissionDeniedError, NotFoundError)):
        register(w, ["*"], "a_admin")  # every studio's events: system admins only
    with pytest.raises((PermissionDeniedError, NotFoundError)):
        register(w, ["*"], "a_admin", studio_uid=w["B"])
    with pytest.raises((PermissionDeniedError, NotFoundError)):
        register(w, ["*"], "a_manager", studio_uid=w["A"])
    assert w.svc.webhooks.update(mine, {"description": "ours"}, actor=a_admin).description
    assert {e.uid for e in w.svc.webhooks.list(actor=w.actors["sys_admin"])} == {
        mine,
        global_one,
        b_one,
    }


# --------------------------------------------------------------------------- the outbox


def test_a_change_queues_one_delivery_per_subscribed_endpoint_of_its_studio(
    world: matrix.World,
) -> None:
    w = world
    every = register(w, ["*"])
    cancels = register(w, ["show.cancelled"], studio_uid=w["A"])
    moves = register(w, ["show.moved"])
    in_b = register(w, ["*"], studio_uid=w["B"])
    off = register(w, ["*"])
    w.svc.webhooks.disable(off, actor=w.actors["sys_admin"])
    w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    assert [t for t, _ in queued(w, every)] == ["show.cancelled"]
    assert [t for t, _ in queued(w, cancels)] == ["show.cancelled"]
    assert queued(w, moves) == []
    assert queued(w, in_b) == []
    assert queued(w, off) == []
    _, payload = queued(w, every)[0]
    assert payload["type"] == "show.cancelled"
    assert payload["timestamp"] == "2026-03-02T08:00:00Z"
    data = payload["data"]
    assert isinstance(data, dict)
    assert data["show_uid"] == w["showC"]
    assert data["studio_uid"] == w["A"]
    assert (data["before"], data["after"]) == ("confirmed", "cancelled")
    assert data["user_uid"] == w["a_manager"]
    assert data["name"]
    page = w.svc.webhooks.deliveries(every)
    delivery = page.items[0]
    assert delivery.message_id.startswith("msg_")
    assert delivery.status is DeliveryStatus.PENDING


def test_a_promotion_is_one_delivery_per_endpoint_naming_every_show(
    world: matrix.World,
) -> None:
    w = world
    hook = register(w, ["shows.confirmed", "schedule.confirmed", "schedule.approved"])
    plan = new.plan_c(w)
    shows = [
        w.svc.shows.create(
            f"C draft {i}",
            new.DRAFT_START + timedelta(hours=2 * i),
            new.DRAFT_START + timedelta(hours=2 * i + 1),
            studio_room_uid=w["roomA"],
            schedule_uid=plan,
        ).show.uid
        for i in range(4)
    ]
    w.svc.schedules.propose(plan, actor=w.actors["c_manager"])
    w.svc.schedules.approve(plan, actor=w.actors["c_manager"])
    w.svc.schedules.promote(plan, actor=w.actors["a_manager"])
    types = [t for t, _ in queued(w, hook)]
    assert sorted(types) == ["schedule.approved", "schedule.confirmed", "shows.confirmed"]
    bulk = next(p for t, p in queued(w, hook) if t == "shows.confirmed")
    data = bulk["data"]
    assert isinstance(data, dict)
    assert sorted(data["show_uids"]) == sorted(shows)
    assert data["count"] == 4
    assert data["schedule_uid"] == plan
    assert data["studio_uid"] == w["A"]


def test_a_rolled_back_change_queues_nothing(world: matrix.World) -> None:
    w = world
    hook = register(w, ["*"])

    def refuse(event: ShowStatusChanged, uow: UnitOfWork) -> None:
        raise RuntimeError("no")

    w.svc.events.subscribe(ShowStatusChanged, refuse)
    with pytest.raises(RuntimeError):
        w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    assert queued(w, hook) == []
    assert w.svc.webhooks.claim() == []


def test_queuing_wakes_the_worker_after_the_commit(world: matrix.World) -> None:
    w = world
    woken: list[int] = []
    w.svc.webhooks.on_queued(lambda: woken.append(len(w.svc.webhooks.claim(limit=5))))
    register(w, ["show.cancelled"])
    w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    assert woken == [1]  # called once the delivery was there to claim


# --------------------------------------------------------------------------- the worker's use cases


def test_a_failed_attempt_is_retried_after_the_backoff_then_delivered(
    world: matrix.World, clock: FixedClock
) -> None:
    w = world
    hook = register(w, ["show.cancelled"])
    assert not w.svc.webhooks.due()
    w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    assert w.svc.webhooks.due()
    [first] = w.svc.webhooks.claim(lease=timedelta(seconds=30))
    assert not w.svc.webhooks.due()  # leased
    assert isinstance(first, Dispatch)
    assert first.attempt == 1
    assert first.url == "https://hooks.example.com/in"
    assert first.secret.startswith("whsec_")
    assert w.svc.webhooks.claim() == []  # leased
    failed = Attempt(
        started_at=clock.now(), duration=timedelta(seconds=10), error="timed out after 10 s"
    )
    w.svc.webhooks.record(first.delivery_uid, failed, backoff=SHORT)
    assert w.svc.webhooks.get(hook).failing_since == T0
    assert w.svc.webhooks.claim() == []  # not due yet
    assert not w.svc.webhooks.due()
    clock.advance(timedelta(seconds=1))
    assert w.svc.webhooks.due()
    [second] = w.svc.webhooks.claim()
    assert second.message_id == first.message_id
    assert second.attempt == 2
    w.svc.webhooks.record(second.delivery_uid, ok(clock.now(), 500), backoff=SHORT)
    clock.advance(timedelta(seconds=1))
    assert w.svc.webhooks.claim() == []  # the second failure waits 2 s
    clock.advance(timedelta(seconds=1))
    [third] = w.svc.webhooks.claim()
    done = w.svc.webhooks.record(third.delivery_uid, ok(clock.now()), backoff=SHORT)
    assert done.status is DeliveryStatus.DELIVERED
    assert done.attempts == 3
    log = done.attempts_log["attempts"]
    assert [(a["status_code"], a["error"]) for a in log] == [
        (None, "timed out after 10 s"),
        (500, None),
        (200, None),
    ]
    assert log[0]["duration_ms"] == 10_000
    assert w.svc.webhooks.get(hook).failing_since is None
    assert w.svc.webhooks.claim() == []


def test_a_lease_that_expires_lets_another_worker_claim_it(
    world: matrix.World, clock: FixedClock
) -> None:
    w = world
    register(w, ["show.cancelled"])
    w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    [first] = w.svc.webhooks.claim(lease=timedelta(seconds=30))
    clock.advance(timedelta(seconds=29))
    assert w.svc.webhooks.claim() == []
    clock.advance(timedelta(seconds=2))  # the first worker died
    [again] = w.svc.webhooks.claim()
    assert again.delivery_uid == first.delivery_uid
    assert again.message_id == first.message_id


def test_an_endpoint_failing_for_a_day_is_disabled_and_its_owner_told(
    world: matrix.World, clock: FixedClock
) -> None:
    w = world
    hook = register(w, ["*"], "a_admin", studio_uid=w["A"])
    w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    other = w.svc.shows.create(
        "Later in A",
        T0 + timedelta(days=3),
        T0 + timedelta(days=3, hours=1),
        studio_room_uid=w["roomA"],
    ).show.uid
    w.svc.shows.cancel(other, actor=w.actors["a_manager"])
    hourly = (timedelta(hours=6),)
    for _ in range(4):
        claimed = w.svc.webhooks.claim(limit=1)
        assert len(claimed) == 1
        w.svc.webhooks.record(claimed[0].delivery_uid, ok(clock.now(), 503), backoff=hourly)
        assert w.svc.webhooks.get(hook).disabled_at is None
        clock.advance(timedelta(hours=6))
    claimed = w.svc.webhooks.claim(limit=1)  # 24 h after the first failure
    w.svc.webhooks.record(claimed[0].delivery_uid, ok(clock.now(), 503), backoff=hourly)
    endpoint = w.svc.webhooks.get(hook)
    assert endpoint.disabled_at == clock.now()
    assert endpoint.failing_since == T0
    statuses = {d.status for d in w.svc.webhooks.deliveries(hook).items}
    assert statuses == {DeliveryStatus.FAILED}
    notes = w.svc.notifications.page(
        actor=w.actors["a_admin"], kind=NotificationKind.WEBHOOK_DISABLED
    ).items
    assert [n.subject_uid for n in notes] == [hook]
    clock.advance(timedelta(days=1))
    assert w.svc.webhooks.claim() == []
    w.svc.shows.cancel(w["showD"], actor=w.actors["sys_admin"])  # nothing queued for it
    assert w.svc.webhooks.claim() == []


def test_redeliver_sends_again_with_the_same_id_and_only_for_who_may(
    world: matrix.World, clock: FixedClock
) -> None:
    w = world
    hook = register(w, ["show.cancelled"], "a_admin", studio_uid=w["A"])
    w.svc.shows.cancel(w["showC"], actor=w.actors["a_manager"])
    [sent] = w.svc.webhooks.claim()
    w.svc.webhooks.record(sent.delivery_uid, ok(clock.now()))
    assert w.svc.webhooks.claim() == []
    with pytest.raises(NotFoundError):
        w.svc.webhooks.redeliver(sent.delivery_uid, actor=w.actors["b_manager"])
    again = w.svc.webhooks.redeliver(sent.delivery_uid, actor=w.actors["a_admin"])
    assert again.status is DeliveryStatus.PENDING
    [resent] = w.svc.webhooks.claim()
    assert resent.message_id == sent.message_id
    assert resent.attempt == 2
    assert queued(w, hook)[0][0] == "show.cancelled"


def test_only_the_system_claims_and_records(world: matrix.World) -> None:
    w = world
    with pytest.raises(PermissionDeniedError):
        w.svc.webhooks.claim(actor=w.actors["sys_admin"])
    with pytest.raises(PermissionDeniedError):
        w.svc.webhooks.due(actor=w.actors["sys_admin"])
    with pytest.raises(PermissionDeniedError):
        w.svc.webhooks.record("whdel_x", ok(T0), actor=w.actors["sys_admin"])
