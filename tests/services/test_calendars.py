"""``SchedulingService.calendar`` and ``to_ical``: the shows of an MC, a room or
a schedule as iCalendar, parsed back with the icalendar library, on every
adapter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import icalendar
import pytest

from studiocore import (
    CalendarKind,
    CalendarView,
    FixedClock,
    NotFoundError,
    Services,
    ShowStatus,
    TimeSlot,
    ValidationError,
    to_ical,
)
from studiocore.access import MembershipPolicy
from tests.conftest import FreshDatabase
from tests.support import access_matrix as matrix
from tests.support.builders import T0

SEOUL_10AM = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)  # 10:00 in Seoul (UTC+9)
BERLIN_10AM = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Berlin (UTC+1 in March)


@attrs.frozen
class Studios:
    svc: Services
    clock: FixedClock
    uids: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.uids[key]


@pytest.fixture
def studios(svc: Services, clock: FixedClock) -> Studios:
    """Seoul Main (room A) and Berlin One (room B), client Glow, MCs Hana Kim
    (hosting a show in each studio) and Jun Park, a draft schedule with a draft."""
    u: dict[str, str] = {}
    seoul = svc.studios.create("Seoul Main", time_zone="Asia/Seoul")
    berlin = svc.studios.create("Berlin One", time_zone="Europe/Berlin")
    u["roomA"] = svc.studio_rooms.create(seoul.uid, "Studio A").uid
    u["roomB"] = svc.studio_rooms.create(berlin.uid, "Studio B").uid
    u["client"] = svc.clients.create("Glow Cosmetics").uid
    u["hana"] = svc.mcs.create("Hana Kim").uid
    u["jun"] = svc.mcs.create("Jun Park").uid
    u["seoul_show"] = svc.shows.create(
        "Glow morning live",
        SEOUL_10AM,
        SEOUL_10AM + timedelta(hours=2),
        studio_room_uid=u["roomA"],
        client_uid=u["client"],
        mc_uids=[u["hana"], u["jun"]],
    ).show.uid
    u["berlin_show"] = svc.shows.create(
        "Berlin launch",
        BERLIN_10AM,
        BERLIN_10AM + timedelta(hours=1),
        studio_room_uid=u["roomB"],
        mc_uids=[u["hana"]],
    ).show.uid
    u["plan"] = svc.schedules.create(
        u["client"], seoul.uid, "Glow spring week", T0 + timedelta(days=1), T0 + timedelta(days=8)
    ).uid
    u["draft"] = svc.shows.create(
        "Glow draft",
        SEOUL_10AM + timedelta(days=1),
        SEOUL_10AM + timedelta(days=1, hours=1),
        studio_room_uid=u["roomA"],
        schedule_uid=u["plan"],
        mc_uids=[u["hana"]],
    ).show.uid
    return Studios(svc, clock, u)


def parsed(view: CalendarView) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(to_ical(view))


def events(view: CalendarView) -> dict[str, Any]:
    """The VEVENTs of the exported calendar by UID."""
    return {str(e["UID"]): e for e in parsed(view).walk("VEVENT")}


def test_an_mcs_calendar_has_each_show_in_its_studios_zone(studios: Studios) -> None:
    svc, u = studios.svc, studios
    view = svc.scheduling.calendar("mc", u["hana"])
    assert view.name == "Hana Kim's shows"
    text = to_ical(view).decode()
    assert "DTSTART;TZID=Asia/Seoul:20260303T100000" in text
    assert "DTEND;TZID=Asia/Seoul:20260303T120000" in text
    assert "DTSTART;TZID=Europe/Berlin:20260304T100000" in text
    calendar = icalendar.Calendar.from_ical(text.encode())
    assert str(calendar["VERSION"]) == "2.0"
    assert "studiocore" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Hana Kim's shows"
    zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
    assert zones == {"Asia/Seoul", "Europe/Berlin"}
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(found) == {f"{u['seoul_show']}@studiocore", f"{u['berlin_show']}@studiocore"}
    seoul = found[f"{u['seoul_show']}@studiocore"]
    assert seoul.decoded("DTSTART") == SEOUL_10AM  # the same instant, read back
    assert str(seoul.decoded("DTSTART").tzinfo) == "Asia/Seoul"
    assert str(seoul["SUMMARY"]) == "Glow morning live"
    assert str(seoul["LOCATION"]) == "Studio A, Seoul Main"
    description = str(seoul["DESCRIPTION"])
    assert "Client: Glow Cosmetics" in description
    assert "MCs: Hana Kim, Jun Park" in description
    assert str(seoul["STATUS"]) == "CONFIRMED"
    assert "DTSTAMP" in seoul
    assert "LAST-MODIFIED" in seoul


def test_a_rooms_and_a_schedules_calendars_hold_their_own_shows(studios: Studios) -> None:
    svc, u = studios.svc, studios
    room = svc.scheduling.calendar(CalendarKind.STUDIO_ROOM, u["roomB"])
    assert room.name == "Studio B, Berlin One"
    assert [e.show_uid for e in room.events] == [u["berlin_show"]]
    zones = {str(z["TZID"]) for z in parsed(room).walk("VTIMEZONE")}
    assert zones == {"Europe/Berlin"}  # only the zones used
    plan = svc.scheduling.calendar("schedule", u["plan"], drafts=True)
    assert plan.name == "Glow spring week"
    assert [e.show_uid for e in plan.events] == [u["draft"]]


def test_uids_are_stable_and_sequence_grows_when_a_show_moves(studios: Studios) -> None:
    svc, u = studios.svc, studios
    key = f"{u['seoul_show']}@studiocore"
    first = events(svc.scheduling.calendar("mc", u["hana"]))
    again = events(svc.scheduling.calendar("mc", u["hana"]))
    assert set(first) == set(again)
    assert to_ical(svc.scheduling.calendar("mc", u["hana"])) == to_ical(
        svc.scheduling.calendar("mc", u["hana"])
    )  # an unchanged calendar is written byte for byte the same
    studios.clock.advance(timedelta(minutes=5))
    svc.shows.reschedule(
        u["seoul_show"],
        {
            "show_start": SEOUL_10AM + timedelta(hours=1),
            "show_end": SEOUL_10AM + timedelta(hours=3),
        },
    )
    moved = events(svc.scheduling.calendar("mc", u["hana"]))
    assert set(moved) == set(first)  # the same event, updated
    assert int(moved[key]["SEQUENCE"]) > int(first[key]["SEQUENCE"])
    assert moved[key].decoded("LAST-MODIFIED") > first[key].decoded("LAST-MODIFIED")
    assert moved[key].decoded("DTSTART") == SEOUL_10AM + timedelta(hours=1)
    other = f"{u['berlin_show']}@studiocore"
    assert int(moved[other]["SEQUENCE"]) == int(first[other]["SEQUENCE"])  # untouched


def test_cancelled_shows_stay_as_cancelled_and_drafts_only_when_asked(studios: Studios) -> None:
    svc, u = studios.svc, studios
    svc.shows.cancel(u["berlin_show"])
    plain = events(svc.scheduling.calendar("mc", u["hana"]))
    assert str(plain[f"{u['berlin_show']}@studiocore"]["STATUS"]) == "CANCELLED"
    assert f"{u['draft']}@studiocore" not in plain
    with_drafts = events(svc.scheduling.calendar("mc", u["hana"], drafts=True))
    assert str(with_drafts[f"{u['draft']}@studiocore"]["STATUS"]) == "TENTATIVE"
    assert svc.scheduling.calendar("schedule", u["plan"]).events == ()


def test_the_window_defaults_to_90_days_back_and_400_ahead(studios: Studios) -> None:
    svc, u = studios.svc, studios
    old = T0 - timedelta(days=100)
    far = T0 + timedelta(days=420)
    for start in (old, far):
        svc.shows.create(
            "Out of reach", start, start + timedelta(hours=1), studio_room_uid=u["roomB"]
        )
    view = svc.scheduling.calendar("studio_room", u["roomB"])
    assert view.window == TimeSlot(T0 - timedelta(days=90), T0 + timedelta(days=400))
    assert [e.name for e in view.events] == ["Berlin launch"]
    wide = TimeSlot(T0 - timedelta(days=200), T0 + timedelta(days=500))
    names = [e.name for e in svc.scheduling.calendar("studio_room", u["roomB"], window=wide).events]
    assert names == ["Out of reach", "Berlin launch", "Out of reach"]  # by start


def test_an_empty_calendar_is_still_a_valid_calendar(studios: Studios) -> None:
    view = studios.svc.scheduling.calendar(
        "mc", studios["jun"], window=TimeSlot(T0, T0 + timedelta(hours=1))
    )
    calendar = parsed(view)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Jun Park's shows"


def test_bad_questions_name_their_field_and_unknown_targets_are_not_found(
    studios: Studios,
) -> None:
    svc, u = studios.svc, studios
    with pytest.raises(ValidationError) as bad:
        svc.scheduling.calendar("studio", u["roomA"])
    assert bad.value.field == "kind"
    with pytest.raises(ValidationError) as bad:
        svc.scheduling.calendar("mc", u["hana"], drafts="yes")  # type: ignore[arg-type]
    assert bad.value.field == "drafts"
    with pytest.raises(ValidationError) as bad:
        svc.scheduling.calendar("mc", u["hana"], window=(T0, T0))  # type: ignore[arg-type]
    assert bad.value.field == "window"
    with pytest.raises(NotFoundError):
        svc.scheduling.calendar("mc", "mc_01JD000000000000000000000")
    with pytest.raises(NotFoundError):
        svc.scheduling.calendar("mc", u["roomA"])  # a room is not an MC


# --------------------------------------------------------------------------- who sees what


@pytest.fixture
def world(fresh_db: FreshDatabase) -> matrix.World:
    return matrix.build_world(Services(fresh_db(), clock=FixedClock(T0), policy=MembershipPolicy()))


def test_a_client_member_sees_only_their_clients_shows_in_a_room(world: matrix.World) -> None:
    w = world
    svc = w.svc
    other = w.svc.shows.create(
        "D in A", *w.when(w.next_hours()), studio_room_uid=w["roomA"], client_uid=w["D"]
    ).show.uid
    staff = svc.scheduling.calendar("studio_room", w["roomA"], actor=w.actors["a_member"])
    assert {w["showC"], other} <= {e.show_uid for e in staff.events}
    client = svc.scheduling.calendar("studio_room", w["roomA"], actor=w.actors["c_member"])
    assert w["showC"] in {e.show_uid for e in client.events}
    assert other not in {e.show_uid for e in client.events}
    assert other.encode() not in to_ical(client)


def test_a_host_reads_their_mcs_calendar_with_drafts_but_not_the_client_name(
    world: matrix.World,
) -> None:
    w = world
    view = w.svc.scheduling.calendar("mc", w["mc"], drafts=True, actor=w.actors["host"])
    found = {e.show_uid: e for e in view.events}
    assert {w["showC"], w["draftC"]} <= set(found)
    assert found[w["showC"]].client_name is None  # the host may not read client C
    staff = w.svc.scheduling.calendar("mc", w["mc"], actor=w.actors["a_member"])
    assert {e.show_uid: e for e in staff.events}[w["showC"]].client_name == "Client C"


def test_a_schedule_the_actor_may_not_read_is_not_found(world: matrix.World) -> None:
    w = world
    for persona in ("stranger", "d_member", "host"):
        with pytest.raises(NotFoundError):
            w.svc.scheduling.calendar("schedule", w["planC"], actor=w.actors[persona])
    view = w.svc.scheduling.calendar(
        "schedule", w["planC"], drafts=True, actor=w.actors["c_member"]
    )
    assert [e.show_uid for e in view.events] == [w["draftC"]]
    assert view.events[0].status is ShowStatus.DRAFT


def test_a_change_of_mcs_is_a_change_of_the_event(studios: Studios) -> None:
    svc, u = studios.svc, studios
    key = f"{u['berlin_show']}@studiocore"
    before = events(svc.scheduling.calendar("studio_room", u["roomB"]))[key]
    assert "MCs: Hana Kim" in str(before["DESCRIPTION"])
    studios.clock.advance(timedelta(minutes=1))
    svc.shows.add_mc(u["berlin_show"], u["jun"])
    added = events(svc.scheduling.calendar("studio_room", u["roomB"]))[key]
    assert "MCs: Hana Kim, Jun Park" in str(added["DESCRIPTION"])
    assert int(added["SEQUENCE"]) > int(before["SEQUENCE"])
    studios.clock.advance(timedelta(minutes=1))
    svc.shows.remove_mc(u["berlin_show"], u["jun"])
    removed = events(svc.scheduling.calendar("studio_room", u["roomB"]))[key]
    assert "Jun Park" not in str(removed["DESCRIPTION"])
    assert int(removed["SEQUENCE"]) > int(added["SEQUENCE"])
    assert removed.decoded("LAST-MODIFIED") == T0 + timedelta(minutes=2)
