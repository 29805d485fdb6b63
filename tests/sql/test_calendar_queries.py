"""A calendar is read in a fixed number of statements, whatever its size."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from studiocore import FixedClock, Services, to_ical
from studiocore.access import MembershipPolicy
from studiocore_sql import SqlDatabase
from tests.support.builders import T0


def _statements(db: SqlDatabase, read: object) -> int:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert callable(read)
        read()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return len(seen)


def _room_with_shows(svc: Services, count: int) -> tuple[str, str, str]:
    studio = svc.studios.create("Seoul Main", time_zone="Asia/Seoul")
    room = svc.studio_rooms.create(studio.uid, f"Room {count}").uid
    clients = [svc.clients.create(f"Client {count}-{i}").uid for i in range(2)]
    mcs = [svc.mcs.create(f"MC {count}-{i}").uid for i in range(3)]
    for i in range(count):
        start = T0 + timedelta(hours=2 * i)
        svc.shows.create(
            f"Show {i}",
            start,
            start + timedelta(hours=1),
            studio_room_uid=room,
            client_uid=clients[i % 2],
            mc_uids=[mcs[0], mcs[1 + i % 2]],
        )
    member = svc.users.create(f"staff{count}@example.com", "Staff")
    svc.memberships.create(member.uid, studio.uid, "member")
    return room, mcs[0], member.uid


def test_a_calendar_reads_the_same_number_of_statements_for_3_or_40_shows(
    sql_db: SqlDatabase,
) -> None:
    svc = Services(sql_db, clock=FixedClock(T0), policy=MembershipPolicy())
    counts = []
    for size in (3, 40):
        room, mc, user = _room_with_shows(svc, size)
        staff = svc.users.actor(user)
        for kind, uid in (("studio_room", room), ("mc", mc)):
            view = svc.scheduling.calendar(kind, uid, actor=staff)
            assert len(view.events) == size
            counts.append(
                (
                    kind,
                    _statements(
                        sql_db,
                        lambda k=kind, u=uid, a=staff: to_ical(
                            svc.scheduling.calendar(k, u, actor=a)
                        ),
                    ),
                )
            )
    small = dict(counts[:2])
    large = dict(counts[2:])
    assert small == large, counts
    assert max(large.values()) <= 12, counts
