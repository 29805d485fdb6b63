"""The demo's booked shows: eight weeks of history before the reference day
and two weeks ahead of it, planned with one ``random.Random`` and booked
through the services.

The load is uneven on purpose, so that an analysis finds something: each room
has its own slots and its own chance of being booked (Studio A and Loft 1
busy, Studio B steady, Studio C and Loft 2 quiet), one past day is the peak
(every slot of every room booked), Seo-yeon Choi hosts every show of Studio A
(the overloaded MC), and a few days hold near-conflicts the studios only warn
about: Seo-yeon going on air in Studio B 15 minutes after leaving Studio A
(her rest is 30), and a short extra show in Loft 1 5 minutes after the one
before (the changeover is 15). Nothing is double-booked.

History is recorded the way a studio importing its past would: through a
:class:`~studiocore.Services` whose :class:`~studiocore.FixedClock` stands at
each moment in turn, so a show is booked a day before its start, goes live at
its start and is completed (with its MC's rating and its viewer count) at its
end, or is cancelled 20 hours before its start, and every record and audit
entry carries those times. The core does not refuse a show in the past; the clock
only makes the history read like one.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs

from studiocore import FixedClock, Services, Show

__all__ = [
    "HISTORY_DAYS",
    "ROOM_PLANS",
    "UPCOMING_DAYS",
    "BookedShows",
    "Names",
    "Planned",
    "RoomPlan",
    "book_history",
    "book_upcoming",
    "plan_days",
]

HISTORY_DAYS = 56
UPCOMING_DAYS = 14


@attrs.frozen
class RoomPlan:
    """How one room is booked: its slots (local hour, minute, length in
    minutes), the chance each slot is booked on a weekday and at a weekend,
    its MC, and its clients (with weights) and platforms."""

    studio: str
    room: str
    slots: tuple[tuple[int, int, int], ...]
    weekday: float
    weekend: float
    mc: str
    clients: tuple[tuple[str, int], ...]
    platforms: tuple[str, ...]


ROOM_PLANS = (
    RoomPlan(
        "Seoul Main",
        "Studio A",
        ((10, 0, 120), (12, 30, 120), (15, 0, 120), (19, 0, 120)),
        0.7,
        0.45,
        "Seo-yeon Choi",
        (("Glow Cosmetics", 3), ("Kimchi Kitchen", 2)),
        ("Naver Shopping Live", "YouTube Live"),
    ),
    RoomPlan(
        "Seoul Main",
        "Studio B",
        ((11, 0, 120), (14, 0, 120), (17, 0, 120)),
        0.35,
        0.25,
        "Hana Kim",
        (("Kimchi Kitchen", 2), ("Glow Cosmetics", 1), ("Nordic Outdoor", 1)),
        ("Naver Shopping Live", "YouTube Live"),
    ),
    RoomPlan(
        "Seoul Main",
        "Studio C",
        ((13, 0, 90),),
        0.3,
        0.0,
        "Daniel Oh",
        (("Kimchi Kitchen", 1), ("Glow Cosmetics", 1), ("Nordic Outdoor", 1)),
        ("YouTube Live",),
    ),
    RoomPlan(
        "Berlin Loft",
        "Loft 1",
        ((10, 0, 120), (13, 0, 120), (16, 0, 120), (19, 0, 120)),
        0.4,
        0.3,
        "Mia Schneider",
        (("Nordic Outdoor", 3), ("Kimchi Kitchen", 1)),
        ("YouTube Live", "Twitch"),
    ),
    RoomPlan(
        "Berlin Loft",
        "Loft 2",
        ((18, 0, 120),),
        0.25,
        0.15,
        "Jonas Weber",
        (("Nordic Outdoor", 1),),
        ("Twitch",),
    ),
)
"""Every room's plan (the rooms and MCs :func:`~studiocore_http.demo.seed_demo` makes)."""

ZONES = {"Seoul Main": ZoneInfo("Asia/Seoul"), "Berlin Loft": ZoneInfo("Europe/Berlin")}
_FORMATS = {
    "Glow Cosmetics": ("morning routine", "skincare hour", "new-in", "night deals"),
    "Kimchi Kitchen": ("brunch", "cook-along", "pantry", "late snacks"),
    "Nordic Outdoor": ("trail start", "gear check", "camp kitchen", "night hike"),
}
"""The recurring formats of past shows, by client and slot (names of the history)."""
_RATING = {
    "Seo-yeon Choi": 8,
    "Hana Kim": 8,
    "Daniel Oh": 7,
    "Mia Schneider": 8,
    "Jonas Weber": 6,
}
"""Each MC's usual rating; Seo-yeon's drops on days she hosts more than two shows."""
_VIEWERS = {"YouTube Live": 1200, "Twitch": 450, "Naver Shopping Live": 2600}


@attrs.frozen
class Planned:
    """A show to book: where, when (UTC), for whom, with whom."""

    studio: str
    room: str
    slot: int
    start: datetime
    end: datetime
    client: str
    mc: str
    platform: str
    near: bool = False
    """On a near-conflict day (never cancelled, so the near-conflict stays)."""


@attrs.frozen(kw_only=True)
class BookedShows:
    """What :func:`book_history` or :func:`book_upcoming` booked."""

    shows: int = 0
    completed: int = 0
    cancelled: int = 0


def _at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in weighted], [w for _, w in weighted])[0]


def plan_days(
    rng: random.Random,
    days: Sequence[date],
    *,
    peak: date | None = None,
    near: frozenset[date] = frozenset(),
    opening: date | None = None,
    keep_free: Mapping[str, tuple[date, date, time]] | None = None,
) -> list[Planned]:
    """The shows of ``days`` (local dates in each studio), in start order.

    On ``peak`` every slot is booked; on ``near`` days a near-conflict is
    added (see the module's docstring); on ``opening`` Studio A's first slot
    is Glow Cosmetics'. ``keep_free`` maps a studio to ``(first, last,
    earliest)``: between those dates (inclusive) that studio gets no show on
    the first day and none starting before ``earliest`` on the others (where
    the demo's draft schedule plans its drafts).
    """
    planned = []
    for day in days:
        for plan in ROOM_PLANS:
            free = (keep_free or {}).get(plan.studio)
            for index, usual in enumerate(plan.slots):
                if day == peak:
                    chance = 1.0
                else:
                    chance = plan.weekend if day.weekday() >= 5 else plan.weekday
                booked = rng.random() < chance  # three draws per slot, booked or not
                client = _pick(rng, plan.clients)
                platform = rng.choice(plan.platforms)
                slot, mc = usual, plan.mc
                if day == opening and plan.room == "Studio A" and index == 0:
                    booked, client = True, "Glow Cosmetics"
                if day in near:
                    booked, slot, mc = _near(plan.room, index, slot, booked, mc)
                if free and free[0] <= day <= free[1]:
                    booked = booked and day != free[0] and time(slot[0], slot[1]) >= free[2]
                if booked:
                    start = _at(day, slot[0], slot[1], ZONES[plan.studio])
                    end = start + timedelta(minutes=slot[2])
                    where = (plan.studio, plan.room, index, start, end)
                    planned.append(Planned(*where, client, mc, platform, day in near))
            if day in near and plan.room == "Loft 1":
                start = _at(day, 12, 5, ZONES[plan.studio])  # 5 minutes after the 10:00 show
                end = start + timedelta(minutes=40)  # and 15 before the 13:00 one
                extra = ("Nordic Outdoor", "Jonas Weber", "Twitch", True)
                planned.append(Planned(plan.studio, plan.room, 1, start, end, *extra))
    planned.sort(key=lambda p: (p.start, p.room))
    return planned


def _near(
    room: str, index: int, slot: tuple[int, int, int], booked: bool, mc: str
) -> tuple[bool, tuple[int, int, int], str]:
    """A slot on a near-conflict day: Seo-yeon hosts Studio A at 12:30-14:30
    (its 15:00 show dropped), then Studio B from 14:45 (a 15-minute rest);
    Loft 1's 10:00 show is booked (the extra show follows it)."""
    if room == "Studio A":
        return (index == 1 or (booked and index != 2)), slot, mc
    if room == "Studio B" and index == 1:
        return True, (14, 45, 90), "Seo-yeon Choi"
    if room == "Loft 1" and index == 0:
        return True, slot, mc
    return booked, slot, mc


@attrs.frozen
class Names:
    """The uids of the demo's resources by name."""

    rooms: Mapping[tuple[str, str], str]
    """By (studio name, room name)."""
    clients: Mapping[str, str]
    mcs: Mapping[str, str]
    platforms: Mapping[str, str]


def _history_services(services: Services, clock: FixedClock) -> Services:
    ctx = services.context
    return Services(ctx.uow_factory, clock=clock, policy=ctx.policy, events=ctx.events)


def book_history(
    services: Services, names: Names, planned: Sequence[Planned], rng: random.Random
) -> BookedShows:
    """Book the past shows ``planned`` as they happened (see the module's
    docstring): about one in sixteen cancelled, every other one live at its
    start and completed at its end, then its MC rated (0-10; Seo-yeon lower
    on days she hosts more than two shows) and its viewers counted (more in
    the evening and at weekends). A show of a near-conflict day is never
    cancelled."""
    clock = FixedClock(planned[0].start if planned else datetime.now(UTC))
    past = _history_services(services, clock)
    per_day: dict[tuple[str, date], int] = {}
    for p in planned:
        key = (p.mc, p.start.astimezone(ZONES[p.studio]).date())
        per_day[key] = per_day.get(key, 0) + 1
    completed = cancelled = 0
    for p in planned:
        local = p.start.astimezone(ZONES[p.studio])
        cancel = rng.random() < 1 / 16 and not p.near
        rating = _rating(rng, p, per_day[(p.mc, local.date())])
        viewers = _viewers(rng, p, local)
        clock.current = p.start - timedelta(days=1)
        show = _book(past, _history_name(p, local), p, names)
        if cancel:
            clock.current = p.start - timedelta(hours=20)
            past.shows.cancel(show.uid)
            cancelled += 1
            continue
        clock.current = p.start
        past.shows.go_live(show.uid)
        clock.current = p.end
        past.shows.complete(show.uid)
        past.shows.update_mc(show.uid, names.mcs[p.mc], {"rating": rating})
        past.shows.update_platform(show.uid, names.platforms[p.platform], {"viewer_count": viewers})
        completed += 1
    return BookedShows(shows=len(planned), completed=completed, cancelled=cancelled)


def _book(services: Services, name: str, p: Planned, names: Names) -> Show:
    """Book planned show ``p`` as ``name``: an evening show is a campaign, a
    room's first slot premium."""
    local = p.start.astimezone(ZONES[p.studio])
    return services.shows.create(
        name,
        p.start,
        p.end,
        studio_room_uid=names.rooms[(p.studio, p.room)],
        client_uid=names.clients[p.client],
        show_type="campaign" if local.hour >= 19 else "bau",
        show_standard="premium" if p.slot == 0 else "standard",
        mc_uids=[names.mcs[p.mc]],
        platform_uids=[names.platforms[p.platform]],
    ).show


def _history_name(p: Planned, local: datetime) -> str:
    formats = _FORMATS[p.client]
    return f"{p.client} {formats[min(p.slot, len(formats) - 1)]}, {local:%d %b}"


def _rating(rng: random.Random, p: Planned, shows_that_day: int) -> int:
    base = _RATING[p.mc] - (2 if shows_that_day > 2 else 0)  # tired after the third show
    return max(0, min(10, round(rng.gauss(base, 1.0))))


def _viewers(rng: random.Random, p: Planned, local: datetime) -> int:
    prime = 1.8 if local.hour >= 19 else 1.0
    weekend = 1.3 if local.weekday() >= 5 else 1.0
    return int(_VIEWERS[p.platform] * prime * weekend * rng.lognormvariate(0, 0.35))


def book_upcoming(
    services: Services, names: Names, planned: Sequence[Planned], prime_tag_uid: str
) -> BookedShows:
    """Book the shows ``planned`` ahead, confirmed, named ``<client> live #n``
    (numbered per client in start order); evening shows are campaigns tagged
    prime-time."""
    numbers: dict[str, int] = {}
    for p in planned:
        local = p.start.astimezone(ZONES[p.studio])
        numbers[p.client] = numbers.get(p.client, 0) + 1
        show = _book(services, f"{p.client} live #{numbers[p.client]}", p, names)
        if local.hour >= 19:
            services.tags.tag(show.uid, prime_tag_uid)
    return BookedShows(shows=len(planned))
