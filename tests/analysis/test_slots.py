"""Free slots and the conflict report as frames, by hand-computed cases, on
every adapter."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from studiocore import Services, ValidationError
from studiocore.analysis import conflicts_frame, free_slots
from tests.analysis.test_metrics import book

ZONE = "Asia/Seoul"
DAY = date(2026, 3, 2)


def window(day: date) -> tuple[datetime, datetime]:
    """Seoul's calendar day ``day``."""
    start = datetime.combine(day, time(), ZoneInfo(ZONE))
    return start, start + timedelta(days=1)


def wall(table: pd.DataFrame, who: str, column: str = "room") -> list[tuple[str, str]]:
    rows = table[table[column] == who]
    return [
        (f"{s:%H:%M}", f"{e:%H:%M}")
        for s, e in zip(rows["local_start"], rows["local_end"], strict=True)
    ]


def test_free_slots_keep_each_rooms_changeover_and_each_mcs_rest(svc: Services) -> None:
    studio = svc.studios.create("Seoul", time_zone=ZONE, operational_day_start_hour=6)
    a = svc.studio_rooms.create(studio.uid, "A", changeover_minutes=30).uid
    svc.studio_rooms.create(studio.uid, "B")
    hana = svc.mcs.create("Hana", min_rest_minutes=60).uid
    book(svc, "One", a, (10, 12), hana)
    book(svc, "Two", a, (13, 14))
    client = svc.clients.create("C").uid
    plan = svc.schedules.create(client, studio.uid, "Plan", *window(DAY))
    book(svc, "Draft", a, (16, 18), schedule_uid=plan.uid)
    hours = {studio.uid: (time(8), time(22))}
    rooms = free_slots(svc, day=DAY, minutes=60, operating_hours=hours)
    # 12:00 + 30 min changeover to 13:00 - 30 min leaves nothing; a draft holds nothing
    assert wall(rooms, "A") == [("08:00", "09:30"), ("14:30", "22:00")]
    assert wall(rooms, "B") == [("08:00", "22:00")]
    assert rooms["minutes"].tolist() == [90.0, 450.0, 840.0]
    assert wall(free_slots(svc, day=DAY, minutes=91, operating_hours=hours), "A") == [
        ("14:30", "22:00")
    ]
    hosts = free_slots(svc, day=DAY, by="mcs", operating_hours=hours)
    assert wall(hosts, "Hana", "mc") == [("08:00", "09:00"), ("13:00", "22:00")]
    assert hosts["start"].dt.tz is not None  # UTC instants next to the wall clock
    with pytest.raises(ValidationError) as err:
        free_slots(svc, day=DAY, by="studios")  # type: ignore[arg-type]
    assert err.value.field == "by"


def test_conflicts_frame_is_the_engines_report_with_names(svc: Services) -> None:
    studio = svc.studios.create("Seoul", time_zone=ZONE)  # the rest rule only warns
    a = svc.studio_rooms.create(studio.uid, "A").uid
    b = svc.studio_rooms.create(studio.uid, "B").uid
    hana = svc.mcs.create("Hana", min_rest_minutes=60).uid
    book(svc, "First", a, (10, 11), hana)
    book(svc, "Second", b, (11.5, 12), hana)
    start, end = window(DAY)
    [row] = conflicts_frame(svc, start=start, end=end).to_dict("records")
    assert (row["kind"], row["severity"], row["resource"]) == ("mc_rest", "WARN", "Hana")
    assert (row["shows"], row["minutes"], row["required_minutes"]) == (
        ["First", "Second"],
        30.0,
        60.0,
    )
    assert row["start"] == pd.Timestamp("2026-03-02T02:00Z")  # 11:00 in Seoul
    assert "Hana" in row["reason"]
    later, after = window(date(2026, 3, 3))
    empty = conflicts_frame(svc, start=later, end=after)
    assert empty.empty
    assert "reason" in empty.columns
