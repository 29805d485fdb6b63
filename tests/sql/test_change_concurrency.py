"""Change requests racing on PostgreSQL: two changes that overlap in a room or
an MC, applied at the same moment from two connections, never both succeed;
a change applied while a schedule is being confirmed never leaves a double
booking."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from studiocore import Services
from studiocore_sql import SqlDatabase
from tests.sql.helpers import MC_DOUBLE_BOOKINGS, ROOM_DOUBLE_BOOKINGS
from tests.support.builders import T0

pytestmark = pytest.mark.postgres


def hours(h: float) -> Any:
    return T0 + timedelta(hours=h)


def race(*calls: Callable[[], object]) -> list[str]:
    """Run ``calls`` at the same moment on threads of their own; each one's
    outcome: ``won`` or the name of the error it raised."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], object]) -> None:
        start.wait(10)
        try:
            call()
            outcomes.append("won")
        except Exception as exc:  # the outcome is asserted by the caller
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(outcomes)


def studio_with_two_rooms(svc: Services) -> tuple[str, str, str, str]:
    """A studio "S" with rooms "A" and "B", and a client "C": their uids."""
    studio = svc.studios.create("S").uid
    room_a, room_b = (svc.studio_rooms.create(studio, n).uid for n in ("A", "B"))
    return studio, room_a, room_b, svc.clients.create("C").uid


def confirmed_schedule(
    svc: Services, studio: str, room: str, client: str, *, mc: str, at: float
) -> tuple[str, str]:
    """A confirmed schedule with one show in ``room`` hosted by ``mc``."""
    plan = svc.schedules.create(client, studio, f"plan {at}", T0, T0 + timedelta(days=2)).uid
    show = svc.shows.create(
        f"show {at}",
        hours(at),
        hours(at + 1),
        studio_room_uid=room,
        schedule_uid=plan,
        mc_uids=[mc],
    ).show.uid
    svc.schedules.promote(plan)
    return plan, show


def approved_move(svc: Services, plan: str, show: str, start: float, **change: str) -> str:
    op: dict[str, str] = {
        "op": "move",
        "show_uid": show,
        "show_start": hours(start).isoformat(),
        "show_end": hours(start + 1).isoformat(),
    }
    ops = [op]
    if "room" in change:
        ops.append({"op": "change_room", "show_uid": show, "studio_room_uid": change["room"]})
    request = svc.change_requests.create(plan, "CLIENT_REQUESTED", "race", ops).uid
    svc.change_requests.approve(request)
    return request


def apply_both(svc: Services, first: str, second: str) -> list[str]:
    """Apply two approved change requests at the same moment (see :func:`race`)."""
    return race(lambda: svc.change_requests.apply(first), lambda: svc.change_requests.apply(second))


def no_double_booking(db: SqlDatabase) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(ROOM_DOUBLE_BOOKINGS).all() == []
        assert conn.execute(MC_DOUBLE_BOOKINGS).all() == []


def test_two_changes_into_one_room_slot_never_both_succeed(pg_db: SqlDatabase) -> None:
    svc = Services(pg_db)
    studio, room_a, room_b, client = studio_with_two_rooms(svc)
    mc1, mc2 = (svc.mcs.create(n).uid for n in ("Jo", "Sam"))
    plan1, show1 = confirmed_schedule(svc, studio, room_a, client, mc=mc1, at=1)
    plan2, show2 = confirmed_schedule(svc, studio, room_b, client, mc=mc2, at=3)
    # both want room A at 10:00
    first = approved_move(svc, plan1, show1, 10)
    second = approved_move(svc, plan2, show2, 10, room=room_a)
    assert apply_both(svc, first, second) == ["ConflictError", "won"]
    no_double_booking(pg_db)


def test_two_changes_onto_one_mc_never_both_succeed(pg_db: SqlDatabase) -> None:
    svc = Services(pg_db)
    studio, room_a, room_b, client = studio_with_two_rooms(svc)
    shared = svc.mcs.create("Jo").uid
    plan1, show1 = confirmed_schedule(svc, studio, room_a, client, mc=shared, at=1)
    plan2, show2 = confirmed_schedule(svc, studio, room_b, client, mc=shared, at=3)
    # different rooms, the same MC, the same hour
    first = approved_move(svc, plan1, show1, 10)
    second = approved_move(svc, plan2, show2, 10)
    assert apply_both(svc, first, second) == ["ConflictError", "won"]
    no_double_booking(pg_db)


def test_a_change_racing_a_confirmation_never_double_books(pg_db: SqlDatabase) -> None:
    svc = Services(pg_db)
    studio = svc.studios.create("S").uid
    room = svc.studio_rooms.create(studio, "A").uid
    client = svc.clients.create("C").uid
    mc1, mc2 = (svc.mcs.create(n).uid for n in ("Jo", "Sam"))
    plan1, show1 = confirmed_schedule(svc, studio, room, client, mc=mc1, at=1)
    # a second schedule's draft sits where the change wants to move show1
    plan2 = svc.schedules.create(client, studio, "drafts", T0, T0 + timedelta(days=2)).uid
    svc.shows.create(
        "draft", hours(10), hours(11), studio_room_uid=room, schedule_uid=plan2, mc_uids=[mc2]
    )
    change = approved_move(svc, plan1, show1, 10)
    outcomes = race(lambda: svc.change_requests.apply(change), lambda: svc.schedules.promote(plan2))
    assert outcomes == ["ConflictError", "won"]
    no_double_booking(pg_db)
