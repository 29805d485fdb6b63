"""A random walk through the services: create, move, confirm, cancel, promote,
on the in-memory adapter and (with fewer examples) on SQLite and PostgreSQL.

After every step: no two reserving shows overlap in a room or on an MC; a
refused operation changed nothing; every status change followed the workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
)

from studiocore import (
    ConflictError,
    InvalidTransitionError,
    ScheduleStatus,
    Services,
    ShowStatus,
    StudioError,
    ValidationError,
)
from studiocore.ports import BookingQuery
from studiocore.scheduling import SCHEDULE_TRANSITIONS, SHOW_TRANSITIONS
from tests.support.adapters import (
    AdapterFactory,
    memory_adapter,
    postgres_adapter,
    sqlite_adapter,
)

R = TypeVar("R")
# Around Berlin's spring-forward night; studio two runs on Berlin time.
BASE = datetime(2026, 3, 28, 22, tzinfo=UTC)
STEP = timedelta(minutes=30)

starts = st.integers(0, 16)
lengths = st.integers(1, 6)
mc_picks = st.sets(st.integers(0, 2), max_size=2)


class SchedulingMachine(RuleBasedStateMachine):
    schedules = Bundle("schedules")
    shows = Bundle("shows")

    adapter: AdapterFactory = memory_adapter

    def __init__(self) -> None:
        super().__init__()
        self._stack = ExitStack()
        svc = Services(self._stack.enter_context(type(self).adapter()))
        one = svc.studios.create("One")
        two = svc.studios.create("Two", time_zone="Europe/Berlin", mc_rest_severity="BLOCK")
        self.studios = [one.uid, two.uid]
        self.rooms_of = {
            one.uid: [
                svc.studio_rooms.create(one.uid, "A", changeover_minutes=15).uid,
                svc.studio_rooms.create(one.uid, "B").uid,
            ],
            two.uid: [svc.studio_rooms.create(two.uid, "C").uid],
        }
        self.rooms = [r for rooms in self.rooms_of.values() for r in rooms]
        self.mcs = [
            svc.mcs.create("Jo").uid,
            svc.mcs.create("Sam", min_rest_minutes=30).uid,
            svc.mcs.create("Kim").uid,
        ]
        self.client = svc.clients.create("Acme").uid
        self.svc = svc
        self.studio_of_schedule: dict[str, str] = {}
        self.seen = self.state()

    def teardown(self) -> None:
        self._stack.close()

    # -- observation ----------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        with self.svc.context.uow_factory() as uow:
            shows = {
                s.uid: (s.show_status, s.show_start, s.show_end, s.studio_room_uid, s.updated_at)
                for s in uow.shows.list()
            }
            links = sorted((m.show_uid, m.mc_uid) for m in uow.show_mcs.list())
            schedules = {s.uid: (s.schedule_status, s.version) for s in uow.schedules.list()}
            return {
                "shows": shows,
                "links": links,
                "schedules": schedules,
                "versions": uow.schedule_versions.count(),
                "audits": uow.audits.count(),
            }

    def attempt(self, action: Callable[[], R]) -> R | None:
        """Run ``action``; if it is refused with a domain error, nothing changed."""
        before = self.state()
        try:
            return action()
        except StudioError:
            assert self.state() == before, "a refused operation changed the data"
            return None

    def slot(self, start: int, length: int) -> tuple[datetime, datetime]:
        return BASE + start * STEP, BASE + (start + length) * STEP

    def create_show(
        self,
        name: str,
        start: int,
        length: int,
        mcs: set[int],
        *,
        room_uid: str | None,
        schedule_uid: str | None = None,
    ) -> Any:
        """The new show's uid for the ``shows`` bundle, or nothing if it was refused."""
        begin, end = self.slot(start, length)
        outcome = self.attempt(
            lambda: self.svc.shows.create(
                name,
                begin,
                end,
                schedule_uid=schedule_uid,
                studio_room_uid=room_uid,
                mc_uids=[self.mcs[m] for m in sorted(mcs)],
            )
        )
        return multiple() if outcome is None else outcome.show.uid

    # -- rules ----------------------------------------------------------------------

    @rule(target=schedules, studio=st.integers(0, 1))
    def new_schedule(self, studio: int) -> str:
        schedule = self.svc.schedules.create(
            self.client,
            self.studios[studio],
            "plan",
            BASE - timedelta(days=1),
            BASE + timedelta(days=2),
        )
        self.studio_of_schedule[schedule.uid] = schedule.studio_uid
        return schedule.uid

    @rule(
        target=shows,
        schedule=schedules,
        room=st.integers(0, 2),
        start=starts,
        length=lengths,
        mcs=mc_picks,
    )
    def add_draft(self, schedule: str, room: int, start: int, length: int, mcs: set[int]) -> Any:
        rooms = self.rooms_of[self.studio_of_schedule[schedule]]
        room_uid = rooms[room] if room < len(rooms) else None  # sometimes no room yet
        return self.create_show(
            "draft", start, length, mcs, room_uid=room_uid, schedule_uid=schedule
        )

    @rule(target=shows, room=st.integers(0, 2), start=starts, length=lengths, mcs=mc_picks)
    def book_directly(self, room: int, start: int, length: int, mcs: set[int]) -> Any:
        return self.create_show("direct", start, length, mcs, room_uid=self.rooms[room])

    @rule(show=shows, start=starts, length=lengths)
    def move(self, show: str, start: int, length: int) -> None:
        begin, end = self.slot(start, length)
        self.attempt(
            lambda: self.svc.shows.reschedule(show, {"show_start": begin, "show_end": end})
        )

    @rule(show=shows, room=st.integers(0, 2))
    def change_room(self, show: str, room: int) -> None:
        self.attempt(lambda: self.svc.shows.reschedule(show, {"studio_room_uid": self.rooms[room]}))

    @rule(show=shows, mc=st.integers(0, 2))
    def add_mc(self, show: str, mc: int) -> None:
        self.attempt(lambda: self.svc.shows.add_mc(show, self.mcs[mc]))

    @rule(show=shows, status=st.sampled_from(list(ShowStatus)))
    def change_show_status(self, show: str, status: ShowStatus) -> None:
        self.attempt(lambda: self.svc.shows.transition(show, status))

    @rule(schedule=schedules)
    def promote(self, schedule: str) -> None:
        result = self.attempt(lambda: self.svc.schedules.promote(schedule))
        if result is not None:
            assert self.svc.schedules.shows(schedule, status=ShowStatus.DRAFT) == []
            held = {ShowStatus.CONFIRMED, ShowStatus.LIVE, ShowStatus.COMPLETED}
            assert all(
                self.svc.shows.get(uid).show_status in held  # confirmed, or gone on since
                for uid in result.confirmed_show_uids
            )

    @rule(schedule=schedules)
    def check_then_promote(self, schedule: str) -> None:
        report = self.attempt(lambda: self.svc.schedules.check_promotion(schedule))
        if report is None:
            return
        status = self.svc.schedules.get(schedule).schedule_status
        try:
            self.svc.schedules.promote(schedule)
            succeeded = True
        except (ConflictError, ValidationError, InvalidTransitionError):
            succeeded = False
        if status is ScheduleStatus.CONFIRMED:  # confirming again: the same answer
            assert succeeded, (status, report)
            return
        assert succeeded == report.promotable, (status, report)

    @rule(schedule=schedules, status=st.sampled_from(list(ScheduleStatus)))
    def change_schedule_status(self, schedule: str, status: ScheduleStatus) -> None:
        self.attempt(lambda: self.svc.schedules.transition(schedule, status))

    @rule(schedule=schedules)
    def delete_schedule(self, schedule: str) -> None:
        self.attempt(lambda: self.svc.schedules.delete(schedule))

    @rule(show=shows)
    def delete_show(self, show: str) -> None:
        self.attempt(lambda: self.svc.shows.delete(show))

    # -- invariants -----------------------------------------------------------------

    @invariant()
    def no_two_reserving_shows_overlap_in_a_room_or_on_an_mc(self) -> None:
        with self.svc.context.uow_factory() as uow:
            bookings = uow.bookings.search(BookingQuery())
        for i, a in enumerate(bookings):
            for b in bookings[i + 1 :]:
                if not a.slot.overlaps(b.slot):
                    continue
                assert a.room_uid != b.room_uid, (a, b)
                assert not (a.mc_uids & b.mc_uids), (a, b)

    @invariant()
    def every_status_change_follows_the_workflow(self) -> None:
        now = self.state()
        for uid, (status, *_) in now["shows"].items():
            old = self.seen["shows"].get(uid)
            if old is not None and old[0] != status:
                assert status in SHOW_TRANSITIONS[old[0]], (uid, old[0], status)
        for uid, (status, _) in now["schedules"].items():
            before = self.seen["schedules"].get(uid)
            if before is None or before[0] == status:
                continue
            allowed = SCHEDULE_TRANSITIONS[before[0]]
            via_proposed = (
                before[0] is ScheduleStatus.DRAFT
                and status in SCHEDULE_TRANSITIONS[ScheduleStatus.PROPOSED]
            )
            assert status in allowed or via_proposed, (uid, before[0], status)
        self.seen = now


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


class SqliteSchedulingMachine(SchedulingMachine):
    adapter = sqlite_adapter


class PostgresSchedulingMachine(SchedulingMachine):
    adapter = postgres_adapter


TestSchedulingInMemory = SchedulingMachine.TestCase
TestSchedulingInMemory.settings = _settings(100)
# The same walk on the SQL adapter, fewer examples (each builds a fresh database).
TestSchedulingOnSqlite = SqliteSchedulingMachine.TestCase
TestSchedulingOnSqlite.settings = _settings(15)
TestSchedulingOnPostgres = PostgresSchedulingMachine.TestCase
TestSchedulingOnPostgres.settings = _settings(8)
