"""One conflict report, whoever refuses the booking: the services' check on
every adapter and PostgreSQL's own guards (the room exclusion constraint, the
MC guard) report a double booking built by the core's classifier
(``find_conflicts``), which the core describes in the same words for people
(``describe_conflicts``: names, local times)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from studiocore import Booking, Conflict, ConflictError, Services, Show, ShowMC, ShowStatus
from studiocore.scheduling.describe import describe_conflicts
from studiocore_sql import SqlDatabase
from tests.support.adapters import ADAPTERS
from tests.support.builders import at, make


def _world(svc: Services) -> tuple[str, str, str, Show]:
    """A studio, a room, an MC and show A on both from hour 0 to 2 (confirmed)."""
    studio = svc.studios.create("S")
    room = svc.studio_rooms.create(studio.uid, "R")
    mc = svc.mcs.create("Kim")
    first = svc.shows.create("a", at(0), at(2), studio_room_uid=room.uid, mc_uids=[mc.uid])
    return studio.uid, room.uid, mc.uid, first.show


def _words(conflicts: Sequence[Conflict], room: str, mc: str, a: str) -> set[str]:
    """The reasons with this run's uids replaced by their roles (B: any other show)."""
    reasons = set()
    for conflict in conflicts:
        reason = conflict.reason
        for uid, role in ((room, "ROOM"), (mc, "MC-1"), (a, "A")):
            reason = reason.replace(uid, role)
        reasons.add(re.sub(r"show_[0-9A-Z]+", "B", reason))
    return reasons


def _refused_by_the_service(backend: str) -> set[str]:
    """Show B, from hour 1 to 3 in the same room with the same MC."""
    with ADAPTERS[backend]() as factory:
        svc = Services(factory)
        _, room, mc, first = _world(svc)
        with pytest.raises(ConflictError) as caught:
            svc.shows.create("b", at(1), at(3), studio_room_uid=room, mc_uids=[mc])
    return _words(caught.value.conflicts, room, mc, first.uid)


def _refused_by_postgresql() -> set[str]:
    """The same double booking written past the service: show B in the room
    (the exclusion constraint refuses), then show B in another room and a link
    of B to the MC (the MC guard refuses)."""
    with ADAPTERS["postgres"]() as factory:
        assert isinstance(factory, SqlDatabase)
        svc = Services(factory)
        studio, room, mc, first = _world(svc)
        other_room = svc.studio_rooms.create(studio, "Q").uid
        words: set[str] = set()
        with factory() as uow:
            refused = _confirmed(room)
            with pytest.raises(ConflictError) as caught:
                uow.shows.add(refused)
            words |= _words(_described(factory, caught, refused), room, mc, first.uid)
            elsewhere = _confirmed(other_room)
            uow.shows.add(elsewhere)
            with pytest.raises(ConflictError) as caught:
                uow.show_mcs.add(make(ShowMC, show_uid=elsewhere.uid, mc_uid=mc))
            words |= _words(_described(factory, caught, elsewhere), room, mc, first.uid)
    return words


def _described(
    factory: SqlDatabase, caught: pytest.ExceptionInfo[ConflictError], show: Show
) -> list[Conflict]:
    """The database's report as the core describes it (a new unit of work: the
    refused one is rolled back), naming the refused show by its name."""
    with factory() as uow:
        return describe_conflicts(uow, caught.value.conflicts, [Booking.of(show, None, [])])


def _confirmed(room: str) -> Show:
    made: Show = make(
        Show,
        name="b",
        studio_room_uid=room,
        show_status=ShowStatus.CONFIRMED,
        show_start=at(1),
        show_end=at(3),
    )
    return made


@pytest.mark.postgres
def test_a_double_booking_is_described_in_the_same_words_on_every_adapter() -> None:
    times = '"a" 08:00-10:00 and "b" 09:00-11:00 (UTC, Mon 2 Mar 2026; UTC 08:00-10:00 and '
    expected = {
        f"Room R is double-booked: {times}09:00-11:00), overlap 1 h",
        f"MC Kim is double-booked: {times}09:00-11:00), overlap 1 h",
    }
    for backend in ADAPTERS:
        assert _refused_by_the_service(backend) == expected, backend
    assert _refused_by_postgresql() == expected
