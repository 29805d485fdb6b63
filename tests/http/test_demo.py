"""The demo data set: deterministic, eight weeks of history (completed,
cancelled, rated, counted) and two weeks ahead, an uneven load worth analysing,
two time zones, and nothing the core would refuse."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from click.testing import CliRunner

from studiocore import (
    ChangeRequestStatus,
    ConflictKind,
    Services,
    Severity,
    Show,
    ShowQuery,
    ShowStatus,
)
from studiocore_http.cli import main
from studiocore_http.demo import DemoSummary, seed_demo

TODAY = date(2026, 11, 16)
"""A Monday; the history (from 21 September) spans Berlin's change from summer time."""


def every_show(services: Services) -> list[Show]:
    shows: list[Show] = []
    while True:
        page = services.shows.search(ShowQuery(), limit=500, offset=len(shows))
        shows += page.items
        if len(shows) >= page.total:
            return shows


def fingerprint(services: Services) -> list[tuple[Any, ...]]:
    """Every show as names and local times (uids differ from run to run): its
    studio, room, name, start and end, status, MCs with ratings, platforms
    with viewer counts."""
    studios = {s.uid: s for s in services.studios.list()}
    rooms = {r.uid: r for r in services.studio_rooms.list()}
    mcs = {m.uid: m.name for m in services.mcs.list()}
    platforms = {p.uid: p.name for p in services.platforms.list()}
    shows = every_show(services)
    links = services.shows.mcs_of([s.uid for s in shows])
    rows = []
    for show in shows:
        room = rooms[show.studio_room_uid or ""]
        studio = studios[room.studio_uid]
        zone = ZoneInfo(studio.time_zone)
        rows.append(
            (
                studio.name,
                room.name,
                show.name,
                show.show_start.astimezone(zone).isoformat(),
                show.show_end.astimezone(zone).isoformat(),
                show.show_status.value,
                tuple(sorted((mcs[link.mc_uid], link.rating) for link in links[show.uid])),
                tuple(
                    sorted(
                        (platforms[p.platform_uid], p.viewer_count)
                        for p in services.shows.platforms(show.uid)
                    )
                ),
            )
        )
    return sorted(rows)


def seeded(seed: int = 0, today: date = TODAY) -> tuple[Services, DemoSummary]:
    services = Services.in_memory()
    return services, seed_demo(services, today=today, seed=seed)


@pytest.fixture(scope="module")
def demo() -> tuple[Services, DemoSummary]:
    return seeded()


def local_day(services: Services, show: Show) -> tuple[str, date]:
    room = services.studio_rooms.get(show.studio_room_uid or "")
    studio = services.studios.get(room.studio_uid)
    return studio.name, show.show_start.astimezone(ZoneInfo(studio.time_zone)).date()


def start_of(day: date) -> datetime:
    """The earliest start of ``day`` anywhere (Seoul's midnight, in UTC)."""
    return datetime.combine(day, time(), ZoneInfo("Asia/Seoul")).astimezone(UTC)


def test_the_same_seed_and_day_make_the_same_shows_and_another_seed_others() -> None:
    first, second, other = seeded(), seeded(), seeded(seed=1)
    assert fingerprint(first[0]) == fingerprint(second[0])

    def without_uids(summary: DemoSummary) -> DemoSummary:
        return attrs.evolve(summary, schedule_uid=None, confirmed_schedule_uid=None)

    assert without_uids(first[1]) == without_uids(second[1])
    assert fingerprint(other[0]) != fingerprint(first[0])
    later = seeded(today=TODAY + timedelta(days=7))
    assert later[1].peak_day != first[1].peak_day


def test_eight_weeks_of_history_lie_before_today_completed_or_cancelled(
    demo: tuple[Services, DemoSummary],
) -> None:
    services, summary = demo
    shows = every_show(services)
    past = [s for s in shows if s.show_start < start_of(TODAY)]
    assert len(past) == summary.history_shows > 200
    assert all(s.show_end <= start_of(TODAY) + timedelta(hours=9) for s in past)  # Berlin's
    assert min(s.show_start for s in past) >= start_of(TODAY - timedelta(days=56))
    weeks = Counter(((TODAY - local_day(services, s)[1]).days - 1) // 7 for s in past)
    assert sorted(weeks) == list(range(8))  # every one of the eight weeks
    statuses = Counter(s.show_status for s in past)
    assert set(statuses) == {ShowStatus.COMPLETED, ShowStatus.CANCELLED}
    assert statuses[ShowStatus.COMPLETED] == summary.completed > 0.85 * len(past)
    assert 3 <= statuses[ShowStatus.CANCELLED] == summary.cancelled < 0.15 * len(past)
    ahead = [s for s in shows if s.show_start >= start_of(TODAY)]
    assert {s.show_status for s in ahead} == {ShowStatus.CONFIRMED, ShowStatus.DRAFT}
    confirmed_ahead = [s for s in ahead if s.schedule_uid is None]
    assert len(confirmed_ahead) == summary.upcoming > 30
    days = {local_day(services, s)[1] for s in confirmed_ahead}
    assert TODAY <= min(days) <= max(days) < TODAY + timedelta(days=14)
    assert summary.shows == len(shows) < 500  # one page of the API holds them all


def test_the_demo_command_refuses_a_day_it_cannot_read() -> None:
    answer = CliRunner().invoke(main, ["demo", "--today", "5.1.2026"])
    assert answer.exit_code == 2
    assert "--today" in answer.output


def test_completed_shows_carry_ratings_and_viewer_counts_and_the_times_they_happened(
    demo: tuple[Services, DemoSummary],
) -> None:
    services, _ = demo
    done = [s for s in every_show(services) if s.show_status is ShowStatus.COMPLETED]
    links = services.shows.mcs_of([s.uid for s in done])
    ratings = [link.rating for s in done for link in links[s.uid]]
    assert len(ratings) == len(done)
    assert all(r is not None and 0 <= r <= 10 for r in ratings)
    assert len(set(ratings)) >= 4  # they vary
    for show in done[::25]:
        [platform] = services.shows.platforms(show.uid)
        assert platform.viewer_count is not None
        assert platform.viewer_count > 0
        # recorded as it happened: completed at its end, booked the day before
        assert show.updated_at == show.show_end
        assert show.created_at == show.show_start - timedelta(days=1)
        verbs = [a.action for a in services.audits.history(show.uid)]
        assert verbs.count("status_change") == 2, verbs


def test_the_load_is_uneven_rooms_mcs_and_a_peak_day(
    demo: tuple[Services, DemoSummary],
) -> None:
    services, summary = demo
    past = [
        s
        for s in every_show(services)
        if s.show_status is ShowStatus.COMPLETED and s.show_start < start_of(TODAY)
    ]
    rooms = {r.uid: r.name for r in services.studio_rooms.list()}
    hours: dict[str, float] = defaultdict(float)
    for show in past:
        hours[rooms[show.studio_room_uid or ""]] += show.slot.duration.total_seconds() / 3600
    assert len({round(h) for h in hours.values()}) == 5  # no two rooms alike
    assert max(hours.values()) > 4 * min(hours.values())
    links = services.shows.mcs_of([s.uid for s in past])
    mcs = {m.uid: m.name for m in services.mcs.list()}
    by_mc: dict[str, float] = defaultdict(float)
    for show in past:
        for link in links[show.uid]:
            by_mc[mcs[link.mc_uid]] += show.slot.duration.total_seconds() / 3600
    busiest, second = sorted(by_mc.values(), reverse=True)[:2]
    assert by_mc["Seo-yeon Choi"] == busiest > 1.5 * second
    per_day = Counter(local_day(services, s)[1] for s in past)
    assert summary.peak_day is not None
    assert per_day[summary.peak_day] == max(per_day.values())
    assert per_day[summary.peak_day] >= 2 * statistics.median(per_day.values())


def test_near_conflicts_only_warn_and_nothing_is_double_booked(
    demo: tuple[Services, DemoSummary],
) -> None:
    services, summary = demo
    conflicts = services.scheduling.conflicts()
    assert conflicts, "the demo has near-conflicts to find"
    assert {c.severity for c in conflicts} == {Severity.WARN}
    kinds = Counter(c.kind for c in conflicts)
    assert kinds[ConflictKind.MC_REST] >= 2
    assert kinds[ConflictKind.ROOM_CHANGEOVER] >= 2
    # the draft schedule still promotes: its week in Seoul was left to it
    report = services.schedules.check_promotion(summary.schedule_uid or "")
    assert report.promotable, report


def test_both_studios_book_in_their_own_time_zone_across_summer_time(
    demo: tuple[Services, DemoSummary],
) -> None:
    services, _ = demo
    local_hours: dict[str, set[int]] = defaultdict(set)
    utc_hours: dict[str, set[int]] = defaultdict(set)
    for show in every_show(services):
        studio, _ = local_day(services, show)
        zone = ZoneInfo("Asia/Seoul" if studio == "Seoul Main" else "Europe/Berlin")
        if show.show_start.astimezone(zone).hour == 10 and show.schedule_uid is None:
            local_hours[studio].add(show.show_start.astimezone(zone).minute)
            utc_hours[studio].add(show.show_start.hour)
    assert local_hours == {"Seoul Main": {0}, "Berlin Loft": {0}}  # 10:00 local, always
    assert utc_hours["Seoul Main"] == {1}
    assert utc_hours["Berlin Loft"] == {8, 9}  # 10:00 in summer and in winter time


def test_the_demo_people_talk_in_comment_threads_with_mentions(
    demo: tuple[Services, DemoSummary],
) -> None:
    services, summary = demo
    plan = summary.confirmed_schedule_uid or ""
    thread = services.comments.thread(plan)
    assert [(c.depth, c.owner_name, c.deleted) for c in thread.items] == [
        (0, "Ji-woo Park", False),
        (1, "Seo-jun Han", False),
        (1, "Eun-ji Song", False),
        (0, "Eun-ji Song", True),
    ]
    assert [m.name for m in thread.items[0].mentions] == ["Seo-jun Han"]
    assert [m.name for m in thread.items[1].mentions] == ["Eun-ji Song"]
    (request,) = services.change_requests.of_schedule(plan, status=ChangeRequestStatus.PENDING)
    assert len(services.comments.thread(request.uid).items) == 2
    hosted = [
        c
        for show in services.schedules.shows(plan)
        for c in services.comments.thread(show.uid).items
    ]
    assert [(c.owner_name, [m.name for m in c.mentions]) for c in hosted] == [
        ("Hana Kim", ["Seo-jun Han"]),
        ("Seo-jun Han", ["Hana Kim"]),
    ]
    assert summary.comments == 8
    written = services.audits.page(recordable_type="comments", limit=50).items
    assert [a.action for a in written].count("delete") == 1
    assert len(written) == 9  # eight comments written, one deleted
