"""The analysis metrics against small cases computed by hand: a show across
midnight, the DST changes of Europe/London and America/New_York, operating
hours, an idle room, a week, MC load; on every adapter."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from studiocore import Services, Show, ValidationError
from studiocore.analysis import mc_load, room_utilization, shows_frame


def local(
    zone: str, year: int, month: int, day: int, hour: int = 0, *, minute: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


def book(
    svc: Services,
    name: str,
    room: str,
    hours: tuple[float, float],
    *mcs: str,
    day: int = 2,
    zone: str = "Asia/Seoul",
    client_uid: str | None = None,
    schedule_uid: str | None = None,
) -> Show:
    """A show on 2026-03-``day`` from wall-clock hour ``hours[0]`` to
    ``hours[1]`` in ``zone`` (a fraction is minutes; 26 is 02:00 the next day)."""

    def at(hour: float) -> datetime:
        when = datetime.combine(date(2026, 3, day), time(), ZoneInfo(zone))
        clock = time(int(hour % 24), round(hour % 1 * 60))
        return datetime.combine(when.date() + timedelta(days=int(hour // 24)), clock, when.tzinfo)

    made = svc.shows.create(
        name, at(hours[0]), at(hours[1]), studio_room_uid=room, mc_uids=list(mcs),
        client_uid=client_uid, schedule_uid=schedule_uid,
    )  # fmt: skip
    return made.show


def studio_with_rooms(svc: Services, zone: str, *names: str) -> tuple[str, list[str]]:
    studio = svc.studios.create(f"Studio {zone}", time_zone=zone, operational_day_start_hour=0)
    return studio.uid, [svc.studio_rooms.create(studio.uid, n).uid for n in names]


def booked(table: pd.DataFrame, room: str) -> list[tuple[str, float, float]]:
    rows = table[table["room"] == room]
    return [
        (f"{p:%Y-%m-%d}", b, a)
        for p, b, a in zip(
            rows["period"], rows["booked_hours"], rows["available_hours"], strict=True
        )
    ]


def test_a_show_across_midnight_counts_on_both_days(svc: Services) -> None:
    seoul = "Asia/Seoul"
    _, [a, _b] = studio_with_rooms(svc, seoul, "A", "B")
    book(svc, "Late", a, (22, 26), zone=seoul)
    table = room_utilization(svc, start=date(2026, 3, 2), end=date(2026, 3, 4))
    assert booked(table, "A") == [("2026-03-02", 2.0, 24.0), ("2026-03-03", 2.0, 24.0)]
    assert booked(table, "B") == [("2026-03-02", 0.0, 24.0), ("2026-03-03", 0.0, 24.0)]  # idle
    assert table["utilization"].tolist() == pytest.approx([2 / 24, 2 / 24, 0, 0])


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("Europe/London", date(2026, 3, 29), 23.0),  # clocks go forward at 01:00
        ("America/New_York", date(2026, 11, 1), 25.0),  # clocks go back at 02:00
    ],
)
def test_a_day_with_a_dst_change_has_its_real_length(
    svc: Services, zone: str, day: date, hours: float
) -> None:
    _, [room] = studio_with_rooms(svc, zone, "A")
    # 00:30 to 03:30 on the wall clock: 2 real hours in spring, 4 in autumn
    svc.shows.create(
        "Across the change",
        datetime.combine(day, time(0, 30), ZoneInfo(zone)),
        datetime.combine(day, time(3, 30), ZoneInfo(zone)),
        studio_room_uid=room,
    )
    table = room_utilization(svc, start=day, end=day + timedelta(days=1))
    assert booked(table, "A") == [(f"{day}", 3.0 + (hours - 24), hours)]


def test_operating_hours_bound_what_is_available_and_booked(svc: Services) -> None:
    berlin = "Europe/Berlin"
    studio, [room] = studio_with_rooms(svc, berlin, "Loft")
    book(svc, "Early", room, (9, 11), zone=berlin)
    book(svc, "Night", room, (23, 25), zone=berlin)
    hours = {studio: (time(10), time(0))}  # 10:00 to midnight
    table = room_utilization(
        svc, start=date(2026, 3, 2), end=date(2026, 3, 3), operating_hours=hours
    )
    assert booked(table, "Loft") == [("2026-03-02", 2.0, 14.0)]  # 10-11 and 23-24


def test_a_week_sums_its_days_and_drafts_and_cancelled_shows_do_not_count(svc: Services) -> None:
    zone = "Asia/Seoul"
    _, [room] = studio_with_rooms(svc, zone, "A")
    for day in (2, 4, 9):  # Monday and Wednesday of one week, Monday of the next
        book(svc, "Show", room, (10, 13), day=day)
    svc.shows.cancel(book(svc, "Off", room, (10, 12), day=3).uid)
    table = room_utilization(svc, start=date(2026, 3, 2), end=date(2026, 3, 16), freq="W")
    assert booked(table, "A") == [("2026-03-02", 6.0, 168.0), ("2026-03-09", 3.0, 168.0)]
    with pytest.raises(ValidationError) as err:
        room_utilization(svc, start=date(2026, 3, 2), end=date(2026, 3, 2))
    assert err.value.field == "end"


def test_mc_load_counts_shows_hours_back_to_back_and_the_shortest_rest(svc: Services) -> None:
    zone = "Asia/Seoul"
    _, [a, b] = studio_with_rooms(svc, zone, "A", "B")
    hana = svc.mcs.create("Hana").uid
    dan = svc.mcs.create("Dan").uid
    book(svc, "S", a, (10, 12), hana)
    book(svc, "S", b, (12 + 1 / 3, 13), hana, dan)  # 20 minutes after: back to back
    book(svc, "S", a, (15, 16.5), hana)  # 2 hours rest
    book(svc, "S", a, (10, 11), dan, day=3)
    table = mc_load(svc, start=date(2026, 3, 2), end=date(2026, 3, 4))
    rows = {
        (r.mc, f"{r.period:%d}"): (r.shows, r.hours, r.back_to_back, r.shortest_rest)
        for r in table.itertuples()
    }
    assert rows == {
        ("Dan", "02"): (1, pytest.approx(2 / 3), 0, pd.NaT),
        ("Dan", "03"): (1, 1.0, 0, pd.Timedelta(hours=21)),
        ("Hana", "02"): (3, pytest.approx(2 + 2 / 3 + 1.5), 1, pd.Timedelta(minutes=20)),
    }


def test_shows_frame_names_local_times_and_one_row_per_mc(svc: Services) -> None:
    zone = "Europe/Berlin"
    _, [room] = studio_with_rooms(svc, zone, "Loft")
    mcs = [svc.mcs.create(n).uid for n in ("Mia", "Jo")]
    client = svc.clients.create("Nordic")
    show = book(svc, "Launch", room, (10, 12), *mcs, zone=zone, client_uid=client.uid)
    start, end = local(zone, 2026, 3, 2), local(zone, 2026, 3, 3)
    [row] = shows_frame(svc, start=start, end=end).to_dict("records")
    assert (row["show"], row["room"], row["client"], row["studio"]) == (
        "Launch", "Loft", "Nordic", f"Studio {zone}",
    )  # fmt: skip
    assert row["start"] == pd.Timestamp(show.show_start)
    assert row["local_start"] == pd.Timestamp(2026, 3, 2, 10)  # Berlin's wall clock
    assert (row["mcs"], row["hours"], row["status"]) == (["Jo", "Mia"], 2.0, "confirmed")
    pairs = shows_frame(svc, start=start, end=end, explode="mcs")
    assert sorted(pairs["mc"]) == ["Jo", "Mia"]
    assert shows_frame(svc, start=start, end=end, mc=mcs[0])["show_uid"].tolist() == [show.uid]
    assert shows_frame(svc, start=start, end=end, status="draft").empty
    with pytest.raises(ValidationError) as err:
        shows_frame(svc, start=start, end=end, status="maybe")
    assert err.value.field == "status"
