"""SchedulingService: availability, room suggestions, the conflict audit and
operational days, on every adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import attrs
import pytest

from studiocore import (
    ConflictKind,
    NotFoundError,
    Services,
    Severity,
    Studio,
    StudioRoom,
    TimeSlot,
    ValidationError,
    new_uid,
)
from tests.support.builders import T0, at, slot


@dataclass
class World:
    svc: Services
    studio: Studio
    room_b: StudioRoom
    room_a: StudioRoom


@pytest.fixture
def w(svc: Services) -> World:
    studio = svc.studios.create("One", time_zone="Europe/Berlin", operational_day_start_hour=6)
    room_b = svc.studio_rooms.create(studio.uid, "B")  # created first, sorts second
    room_a = svc.studio_rooms.create(studio.uid, "A", changeover_minutes=30)
    return World(svc=svc, studio=studio, room_b=room_b, room_a=room_a)


def book(w: World, room: StudioRoom, start: float, end: float) -> str:
    return w.svc.shows.create("s", at(start), at(end), studio_room_uid=room.uid).show.uid


class TestAvailability:
    def test_rooms_come_by_name_with_free_and_reserved_time(self, w: World) -> None:
        book(w, w.room_a, 1, 2)
        book(w, w.room_a, 2, 3)
        cancelled = book(w, w.room_b, 1, 2)
        w.svc.shows.cancel(cancelled)
        a, b = w.svc.scheduling.availability(w.studio.uid, slot(0, 6))
        assert (a.room_name, b.room_name) == ("A", "B")
        assert a.free == (slot(0, 1), slot(3, 6))
        assert a.reserved == (slot(1, 3),)
        assert b.free == (slot(0, 6),)  # cancelled shows reserve nothing
        assert b.reserved == ()

    def test_drafts_do_not_reserve(self, w: World) -> None:
        client = w.svc.clients.create("Acme")
        schedule = w.svc.schedules.create(client.uid, w.studio.uid, "S", T0, at(48))
        w.svc.shows.create(
            "d", at(1), at(2), studio_room_uid=w.room_b.uid, schedule_uid=schedule.uid
        )
        _, b = w.svc.scheduling.availability(w.studio.uid, slot(0, 6))
        assert b.free == (slot(0, 6),)

    def test_minimum_length_and_changeover_options(self, w: World) -> None:
        book(w, w.room_a, 1, 2)
        book(w, w.room_a, 2.5, 5)
        a, _ = w.svc.scheduling.availability(w.studio.uid, slot(0, 6), min_minutes=45)
        assert a.free == (slot(0, 1), slot(5, 6))
        a, _ = w.svc.scheduling.availability(w.studio.uid, slot(0, 6), honour_changeover=True)
        assert a.free == (slot(0, 0.5), slot(5.5, 6))

    def test_bad_arguments_are_validation_errors_naming_the_field(self, w: World) -> None:
        with pytest.raises(ValidationError) as err:
            w.svc.scheduling.availability(w.studio.uid, slot(0, 6), min_minutes=0)
        assert err.value.field == "min_minutes"
        with pytest.raises(ValidationError) as err:
            w.svc.scheduling.availability(w.studio.uid, (at(0), at(6)))  # type: ignore[arg-type]
        assert err.value.field == "window"
        with pytest.raises(NotFoundError):
            w.svc.scheduling.availability(new_uid("studio"), slot(0, 6))


class TestSuggestRoom:
    def test_the_first_free_room_by_name_is_suggested(self, w: World) -> None:
        assert w.svc.scheduling.suggest_room(w.studio.uid, at(1), at(2)) == w.room_a
        book(w, w.room_a, 1, 2)
        assert w.svc.scheduling.suggest_room(w.studio.uid, at(1), at(2)) == w.room_b
        book(w, w.room_b, 0, 4)
        assert w.svc.scheduling.suggest_room(w.studio.uid, at(1), at(2)) is None

    def test_changeover_is_honoured_unless_asked_not_to(self, w: World) -> None:
        book(w, w.room_a, 1, 2)
        book(w, w.room_b, 0, 6)
        assert w.svc.scheduling.suggest_room(w.studio.uid, at(2), at(3)) is None
        assert (
            w.svc.scheduling.suggest_room(w.studio.uid, at(2), at(3), honour_changeover=False)
            == w.room_a
        )
        w.svc.studios.update(w.studio.uid, {"room_changeover_severity": Severity.IGNORE})
        assert w.svc.scheduling.suggest_room(w.studio.uid, at(2), at(3)) == w.room_a

    def test_a_room_for_a_draft_comes_from_its_schedule_studio(self, w: World) -> None:
        client = w.svc.clients.create("Acme")
        schedule = w.svc.schedules.create(client.uid, w.studio.uid, "S", T0, at(48))
        draft = w.svc.shows.create("d", at(1), at(2), schedule_uid=schedule.uid).show
        book(w, w.room_a, 0, 3)
        assert w.svc.scheduling.suggest_room_for_show(draft.uid) == w.room_b

    def test_a_confirmed_show_does_not_block_its_own_room(self, w: World) -> None:
        show = book(w, w.room_a, 1, 2)
        assert w.svc.scheduling.suggest_room_for_show(show) == w.room_a

    def test_a_slot_must_be_a_valid_interval(self, w: World) -> None:
        with pytest.raises(ValidationError) as err:
            w.svc.scheduling.suggest_room(w.studio.uid, at(2), at(2))
        assert err.value.field == "end"


class TestConflictAudit:
    def test_the_audit_finds_conflicts_that_appear_after_a_policy_change(self, w: World) -> None:
        first = book(w, w.room_a, 1, 2)
        second = w.svc.shows.create("late", at(2.25), at(3), studio_room_uid=w.room_a.uid)
        assert [c.severity for c in second.warnings] == [Severity.WARN]
        w.svc.studios.update(w.studio.uid, {"room_changeover_severity": Severity.BLOCK})
        (conflict,) = w.svc.scheduling.conflicts()
        assert (conflict.kind, conflict.severity) == (ConflictKind.ROOM_CHANGEOVER, Severity.BLOCK)
        assert conflict.show_uids == (first, second.show.uid)
        assert (conflict.start, conflict.end) == (at(2), at(2.25))
        assert w.svc.scheduling.conflicts(studio_uid=w.studio.uid) == [conflict]
        assert w.svc.scheduling.conflicts(window=slot(2.5, 3.5)) == [conflict]
        assert w.svc.scheduling.conflicts(window=slot(5, 6)) == []
        other = w.svc.studios.create("Two")
        assert w.svc.scheduling.conflicts(studio_uid=other.uid) == []

    def test_the_audit_reports_warnings(self, w: World) -> None:
        book(w, w.room_a, 1, 2)
        outcome = w.svc.shows.create("late", at(2), at(3), studio_room_uid=w.room_a.uid)
        assert [c.severity for c in outcome.warnings] == [Severity.WARN]
        assert [c.kind for c in w.svc.scheduling.conflicts()] == [ConflictKind.ROOM_CHANGEOVER]

    def test_a_studio_audit_includes_mc_conflicts_with_other_studios(self, w: World) -> None:
        mc = w.svc.mcs.create("Jo", min_rest_minutes=60)
        other = w.svc.studios.create("Two")
        far = w.svc.studio_rooms.create(other.uid, "Far")
        here = w.svc.shows.create("h", at(1), at(2), studio_room_uid=w.room_b.uid, mc_uids=[mc.uid])
        there = w.svc.shows.create("t", at(2.5), at(3), studio_room_uid=far.uid, mc_uids=[mc.uid])
        assert [c.kind for c in there.warnings] == [ConflictKind.MC_REST]
        found = w.svc.scheduling.conflicts(studio_uid=w.studio.uid)
        assert [(c.kind, c.show_uids) for c in found] == [
            (ConflictKind.MC_REST, (here.show.uid, there.show.uid))
        ]


class TestOperationalDay:
    def test_shows_of_an_operational_day_use_the_studio_zone(self, w: World) -> None:
        day = date(2026, 3, 28)
        # Berlin, day starts 06:00 local: [2026-03-28 05:00Z, 2026-03-29 04:00Z) (23 h)
        window = w.svc.scheduling.operational_day(w.studio.uid, day)
        assert window == TimeSlot(
            datetime(2026, 3, 28, 5, tzinfo=UTC), datetime(2026, 3, 29, 4, tzinfo=UTC)
        )

        def make(hour_utc: float) -> str:
            start = datetime(2026, 3, 28, tzinfo=UTC) + timedelta(hours=hour_utc)
            return w.svc.shows.create(
                "s", start, start + timedelta(minutes=30), studio_room_uid=w.room_b.uid
            ).show.uid

        early = make(4.5)  # 05:30 local on the 28th: the previous operational day
        first = make(5)  # 06:00 local
        night = make(25)  # 03:00 CEST on the 29th: still the 28th's operational day
        make(28)  # 06:00 CEST on the 29th: the next day
        shows = w.svc.scheduling.shows_of_operational_day(w.studio.uid, day)
        assert [s.uid for s in shows] == [first, night]
        # T0 is 08:00Z = 09:00 in Berlin; 05:30 local still belongs to the day before
        assert w.svc.scheduling.operational_day_of(w.studio.uid, at(0)) == date(2026, 3, 2)
        assert w.svc.scheduling.operational_day_of(w.studio.uid, at(-3.5)) == date(2026, 3, 1)
        assert w.svc.scheduling.operational_day_of(
            w.studio.uid, datetime(2026, 3, 28, 4, 30, tzinfo=UTC)
        ) == date(2026, 3, 27)
        assert early not in [s.uid for s in shows]
        assert attrs.has(type(shows[0]))
