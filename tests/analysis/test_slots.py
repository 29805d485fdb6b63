"""Free slots and the conflict report as frames, by hand-computed cases, on
every adapter."""

from __future__ import annotations

from datetime import date, time

import pandas as pd
import pytest

from studiocore import Services, ValidationError
from studiocore.analysis import conflicts_frame, free_slots
from tests.analysis.test_metrics import local

ZONE = "Asia/Seoul"
DAY = date(2026, 3, 2)


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
    svc.shows.create(
        "One",
        local(ZONE, 2026, 3, 2, 10),
        local(ZONE, 2026, 3, 2, 12),
        studio_room_uid=a,
        mc_uids=[hana],
    )
    svc.shows.create(
        "Two", local(ZONE, 2026, 3, 2, 13), local(ZONE, 2026, 3, 2, 14), studio_room_uid=a
    )
    draft = svc.schedules.create(
        svc.clients.create("C").uid,
        studio.uid,
        "Plan",
        local(ZONE, 2026, 3, 2),
        local(ZONE, 2026, 3, 3),
    )
    svc.shows.create(
        "Draft",
        local(ZONE, 2026, 3, 2, 16),
        local(ZONE, 2026, 3, 2, 18),
        studio_room_uid=a,
        schedule_uid=draft.uid,
    )
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
    svc.shows.create(
        "First",
        local(ZONE, 2026, 3, 2, 10),
        local(ZONE, 2026, 3, 2, 11),
        studio_room_uid=a,
        mc_uids=[hana],
    )
    svc.shows.create(
        "Second",
        local(ZONE, 2026, 3, 2, 11, minute=30),
        local(ZONE, 2026, 3, 2, 12),
        studio_room_uid=b,
        mc_uids=[hana],
    )
    window = {"start": local(ZONE, 2026, 3, 2), "end": local(ZONE, 2026, 3, 3)}
    [row] = conflicts_frame(svc, start=window["start"], end=window["end"]).to_dict("records")
    assert (row["kind"], row["severity"], row["resource"]) == ("mc_rest", "WARN", "Hana")
    assert (row["shows"], row["minutes"], row["required_minutes"]) == (
        ["First", "Second"],
        30.0,
        60.0,
    )
    assert row["start"] == pd.Timestamp("2026-03-02T02:00Z")  # 11:00 in Seoul
    assert "Hana" in row["reason"]
    empty = conflicts_frame(svc, start=local(ZONE, 2026, 3, 3), end=local(ZONE, 2026, 3, 4))
    assert empty.empty
    assert "reason" in empty.columns
