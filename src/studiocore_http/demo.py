"""A realistic demo data set, created through the public services only.

Two studios (Seoul Main in Asia/Seoul, 3 rooms; Berlin Loft in Europe/Berlin,
2 rooms), three clients with materials, five MCs, three platforms (one with an
API key in its ``api_config``, which the SQL adapter stores encrypted), tags;
eight weeks of past shows before the reference day and two weeks of confirmed
shows from it, with an uneven load worth analysing (see
:mod:`studiocore_http._demo_shows`: how the history is recorded, the busy and
quiet rooms, the peak day, the overloaded MC, the near-conflicts); a draft
schedule for next week, and a schedule taken through the whole workflow by
the demo's people: proposed, approved, confirmed, an applied change (four
versions) and a change request waiting for the client manager, with comment
threads among those people (:mod:`studiocore_http._demo_comments`). Every random
choice comes from one seeded ``random.Random``."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from studiocore import Services, User, UserRole
from studiocore.access import MembershipPolicy

from ._demo_comments import add_comment_threads
from ._demo_shows import (
    HISTORY_DAYS,
    UPCOMING_DAYS,
    Names,
    book_history,
    book_upcoming,
    plan_days,
)

__all__ = [
    "DEMO_ADMIN_EMAIL",
    "DEMO_PEOPLE",
    "DEMO_PLATFORM_API_KEY",
    "DEMO_VIEWER_EMAIL",
    "DemoPerson",
    "DemoSummary",
    "demo_people",
    "ensure_admin",
    "seed_demo",
]

DEMO_ADMIN_EMAIL = "admin@demo.studiocore.dev"
DEMO_VIEWER_EMAIL = "viewer@demo.studiocore.dev"
DEMO_PLATFORM_API_KEY = "demo_live_key_not_a_real_secret"
"""The demo YouTube platform's ``api_config["api_key"]`` (stored encrypted)."""


@attrs.frozen
class DemoPerson:
    """A demo user with a membership (or an MC profile), to try the access rules as."""

    email: str
    name: str
    group: str
    """The name of the studio, client or MC profile they belong to."""
    role: str
    """Their membership role (``host`` for the MC's own user)."""
    sees: str
    """What they see and may do, in a few words (printed by ``serve --demo``)."""


DEMO_PEOPLE = (
    DemoPerson(
        "studio.manager@demo.studiocore.dev",
        "Seo-jun Han",
        "Seoul Main",
        "manager",
        "every show in Seoul Main, whichever the client; schedules and bookings there",
    ),
    DemoPerson(
        "client.manager@demo.studiocore.dev",
        "Ji-woo Park",
        "Glow Cosmetics",
        "manager",
        "Glow Cosmetics' shows and materials only; edits the draft schedule's shows",
    ),
    DemoPerson(
        "client.member@demo.studiocore.dev",
        "Eun-ji Song",
        "Glow Cosmetics",
        "member",
        "Glow Cosmetics' shows and materials, read only",
    ),
    DemoPerson(
        "mc.hana@demo.studiocore.dev",
        "Hana Kim",
        "Hana Kim",
        "host",
        "the shows Hana hosts",
    ),
)
"""The demo's people besides the admin (and the viewer, who belongs to no group)."""

_CONFIRMED_SCHEDULE_SHOWS = 3
"""The shows of :func:`_confirmed_schedule`."""


@attrs.frozen(kw_only=True)
class DemoSummary:
    """What :func:`seed_demo` created (``created`` False: the data was already there)."""

    created: bool
    today: date | None = None
    """The reference day."""
    studios: int = 0
    rooms: int = 0
    shows: int = 0
    """Every show made."""
    history_shows: int = 0
    """Shows in the eight weeks before the reference day..."""
    completed: int = 0
    """... of which completed (rated, viewers counted)..."""
    cancelled: int = 0
    """... and cancelled."""
    upcoming: int = 0
    """Shows confirmed in the two weeks from the reference day (outside schedules)."""
    draft_shows: int = 0
    """Draft shows of the draft schedule."""
    peak_day: date | None = None
    """The busiest past day (every slot of every room booked)."""
    schedule_uid: str | None = None
    confirmed_schedule_uid: str | None = None
    comments: int = 0
    """Comments in the threads on the confirmed schedule, its pending change
    request and a show of it (one of them deleted)."""

    def describe(self) -> str:
        """What was made, in one sentence (the CLI prints it)."""
        return (
            f"Seeded demo data: {self.studios} studios, {self.rooms} rooms, {self.shows} shows: "
            f"{self.history_shows} in the eight weeks before {self.today} ({self.completed} completed, "
            f"{self.cancelled} cancelled; the peak day {self.peak_day}), {self.upcoming} "
            f"confirmed in the two weeks ahead, {self.draft_shows} draft shows and "
            f"{_CONFIRMED_SCHEDULE_SHOWS} in a confirmed schedule."
        )


def ensure_admin(services: Services, email: str, name: str) -> tuple[User, bool]:
    """The admin user with this e-mail, created (or promoted) if needed; the flag
    says whether anything changed. Idempotent."""
    from studiocore import NotFoundError

    try:
        user = services.users.by_email(email)
    except NotFoundError:
        return services.users.create(email, name, role=UserRole.ADMIN), True
    if user.role is UserRole.ADMIN and not user.is_banned:
        return user, False
    return services.users.update(user.uid, {"role": UserRole.ADMIN, "is_banned": False}), True


def _local(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def seed_demo(services: Services, *, today: date | None = None, seed: int = 0) -> DemoSummary:
    """Create the demo data unless the database already has studios.

    ``today`` is the reference day (default: today in UTC): the history lies in
    the eight weeks before it, the bookings in the two weeks from it. Every
    choice comes from ``random.Random(seed)``: the same arguments make the same
    shows, names and times (the uids differ)."""
    if services.studios.page(limit=1).total > 0:
        return DemoSummary(created=False)
    today = today or datetime.now(UTC).date()
    ensure_admin(services, DEMO_ADMIN_EMAIL, "Demo Admin")
    try:
        services.users.by_email(DEMO_VIEWER_EMAIL)
    except Exception:
        services.users.create(DEMO_VIEWER_EMAIL, "Demo Viewer")

    seoul = services.studios.create(
        "Seoul Main",
        address="123 Teheran-ro, Gangnam-gu, Seoul",
        time_zone="Asia/Seoul",
        room_changeover_severity="BLOCK",
    )
    berlin = services.studios.create(
        "Berlin Loft", address="Torstrasse 1, 10119 Berlin", time_zone="Europe/Berlin"
    )
    rooms = {
        seoul.uid: [
            services.studio_rooms.create(seoul.uid, name, changeover_minutes=30)
            for name in ("Studio A", "Studio B", "Studio C")
        ],
        berlin.uid: [
            services.studio_rooms.create(berlin.uid, name, changeover_minutes=15)
            for name in ("Loft 1", "Loft 2")
        ],
    }
    clients = [
        services.clients.create(
            "Glow Cosmetics", contact_person="Ji-woo Park", contact_email="jiwoo@glow.example"
        ),
        services.clients.create(
            "Nordic Outdoor", contact_person="Lena Berg", contact_email="lena@nordic.example"
        ),
        services.clients.create(
            "Kimchi Kitchen", contact_person="Min-jun Lee", contact_email="minjun@kimchi.example"
        ),
    ]
    mc_names = [
        ("Hana Kim", "Hana"),
        ("Seo-yeon Choi", "Sunny"),
        ("Daniel Oh", "Dan"),
        ("Mia Schneider", "Mia"),
        ("Jonas Weber", "Jo"),
    ]
    mcs = [
        services.mcs.create(name, alias_name=alias, min_rest_minutes=30) for name, alias in mc_names
    ]
    mcs_of = {seoul.uid: mcs[:3], berlin.uid: mcs[3:]}
    platforms = [
        services.platforms.create(name, api_config=config)
        for name, config in (
            ("YouTube Live", {"region": "global", "api_key": DEMO_PLATFORM_API_KEY}),
            ("Twitch", {"region": "global"}),
            ("Naver Shopping Live", {"region": "kr"}),
        )
    ]
    for client in clients:
        services.materials.create(
            f"{client.name} product brief",
            "brief",
            client_uid=client.uid,
            resource_url=f"https://files.example/{client.uid}/brief.pdf",
        )
        services.materials.create(
            f"{client.name} host script",
            "script",
            client_uid=client.uid,
            platform_uid=platforms[0].uid,
            version="v2",
        )
    _add_people(services, [seoul, berlin], clients, mcs)
    prime = services.tags.create("prime-time")
    services.tags.create("launch", studio_uid=seoul.uid)

    rng = random.Random(seed)
    names = Names(
        rooms={(s.name, r.name): r.uid for s in (seoul, berlin) for r in rooms[s.uid]},
        clients={c.name: c.uid for c in clients},
        mcs={m.name: m.uid for m in mcs},
        platforms={p.name: p.uid for p in platforms},
    )
    past_days = [today - timedelta(days=n) for n in range(HISTORY_DAYS, 0, -1)]
    peak = rng.choice(past_days[14:-7])
    near = frozenset(rng.sample([d for d in past_days[7:-3] if d != peak], 3))
    history = book_history(services, names, plan_days(rng, past_days, peak=peak, near=near), rng)
    ahead_days = [today + timedelta(days=n) for n in range(UPCOMING_DAYS)]
    # the draft schedule's week in Seoul: its first day free (the board's
    # planning day in the web tests), and the mornings of the others
    keep_free = {"Seoul Main": (today + timedelta(days=7), ahead_days[-1], time(13, 30))}
    upcoming = book_upcoming(
        services,
        names,
        plan_days(rng, ahead_days, opening=today, keep_free=keep_free),
        prime.uid,
    )

    schedule_uid, drafts = _draft_schedule(
        services, seoul.uid, rooms[seoul.uid], clients[0].uid, today
    )
    confirmed_uid = _confirmed_schedule(
        services, seoul.uid, clients[0].uid, today, rooms=rooms[seoul.uid], mcs=mcs_of[seoul.uid]
    )
    comments = add_comment_threads(services, confirmed_uid)
    _read_the_past(services, today)
    return DemoSummary(
        created=True,
        today=today,
        studios=2,
        rooms=sum(len(r) for r in rooms.values()),
        shows=history.shows + upcoming.shows + drafts + _CONFIRMED_SCHEDULE_SHOWS,
        history_shows=history.shows,
        completed=history.completed,
        cancelled=history.cancelled,
        upcoming=upcoming.shows,
        draft_shows=drafts,
        peak_day=peak,
        schedule_uid=schedule_uid,
        confirmed_schedule_uid=confirmed_uid,
        comments=comments,
    )


def _read_the_past(services: Services, today: date) -> None:
    """The demo's people have read what they were told before yesterday: what
    is unread is recent (the week's confirmations, the waiting change request)."""
    since = datetime.combine(today - timedelta(days=1), time(0), tzinfo=UTC)
    ctx = services.context
    people = Services(
        ctx.uow_factory, clock=ctx.clock, policy=MembershipPolicy(), events=ctx.events
    )
    for _, user in demo_people(people):
        people.notifications.mark_all_read(before=since, actor=people.users.actor(user.uid))


def _add_people(services: Services, studios: list[Any], clients: list[Any], mcs: list[Any]) -> None:
    """The users of :data:`DEMO_PEOPLE`, with their memberships or MC profile."""
    groups = {g.name: g.uid for g in (*studios, *clients)}
    profiles = {mc.name: mc.uid for mc in mcs}
    for person in DEMO_PEOPLE:
        user = services.users.create(person.email, person.name)
        if person.role == "host":
            services.mcs.update(profiles[person.group], {"user_uid": user.uid})
        else:
            services.memberships.create(user.uid, groups[person.group], person.role)


def demo_people(services: Services) -> list[tuple[DemoPerson, User]]:
    """The demo's people and their users (those that exist in this database)."""
    from studiocore import NotFoundError

    found = []
    for person in DEMO_PEOPLE:
        try:
            found.append((person, services.users.by_email(person.email)))
        except NotFoundError:
            continue
    return found


def _confirmed_schedule(
    services: Services,
    studio_uid: str,
    client_uid: str,
    today: date,
    *,
    rooms: list[Any],
    mcs: list[Any],
) -> str:
    """Glow Cosmetics' plan for the week after next, through the whole workflow
    as the demo's people would run it: drafted and proposed by the studio
    manager (version 2), approved by the client manager and confirmed (version
    3), an operational change applied (version 4), and a second change waiting
    for the client manager's decision."""
    ctx = services.context
    services = Services(
        ctx.uow_factory, clock=ctx.clock, policy=MembershipPolicy(), events=ctx.events
    )  # the people act under the access table, whatever the caller's policy
    by_email = {person.email: user.uid for person, user in demo_people(services)}
    studio = services.users.actor(by_email["studio.manager@demo.studiocore.dev"])
    client = services.users.actor(by_email["client.manager@demo.studiocore.dev"])
    zone = ZoneInfo("Asia/Seoul")
    start_day = today + timedelta(days=14)
    schedule = services.schedules.create(
        client_uid,
        studio_uid,
        "Glow Cosmetics - summer launch week",
        _local(start_day, 0, zone),
        _local(start_day + timedelta(days=7), 0, zone),
        actor=studio,
    )
    shows = []
    for day_index in range(_CONFIRMED_SCHEDULE_SHOWS):
        day = start_day + timedelta(days=day_index)
        shows.append(
            services.shows.create(
                f"Glow summer launch day {day_index + 1}",
                _local(day, 14, zone),
                _local(day, 16, zone),
                studio_room_uid=rooms[0].uid,
                schedule_uid=schedule.uid,
                mc_uids=[mcs[day_index % len(mcs)].uid],
                show_type="campaign",
                actor=studio,
            ).show
        )
    services.schedules.propose(schedule.uid, actor=studio)
    services.schedules.approve(schedule.uid, note="Approved for launch", actor=client)
    services.schedules.promote(schedule.uid, actor=studio)

    def move(show: Any, day_index: int, hour: int) -> dict[str, str]:
        day = start_day + timedelta(days=day_index)
        return {
            "op": "move",
            "show_uid": show.uid,
            "show_start": _local(day, hour, zone).isoformat(),
            "show_end": _local(day, hour + 2, zone).isoformat(),
        }

    applied = services.change_requests.create(
        schedule.uid,
        "OPERATIONAL",
        "The lighting crew starts later on day 2",
        [move(shows[1], 1, 17)],
        actor=studio,
    )
    services.change_requests.approve(applied.uid, note="Fine by us", actor=client)
    services.change_requests.apply(applied.uid, actor=studio)
    services.change_requests.create(
        schedule.uid,
        "OPERATIONAL",
        "Room Studio A is booked for maintenance on day 3: move to Studio B",
        [{"op": "change_room", "show_uid": shows[2].uid, "studio_room_uid": rooms[1].uid}],
        actor=studio,
    )
    return str(schedule.uid)


def _draft_schedule(
    services: Services, studio_uid: str, rooms: list[Any], client_uid: str, today: date
) -> tuple[str | None, int]:
    """A draft schedule for next week with a few draft shows (needs the
    schedules service; skipped when this build of the core has none)."""
    schedules = getattr(services, "schedules", None)
    if schedules is None:
        return None, 0
    zone = ZoneInfo("Asia/Seoul")
    start_day = today + timedelta(days=7)
    schedule = schedules.create(
        client_uid,
        studio_uid,
        "Glow Cosmetics - next week (draft)",
        _local(start_day, 0, zone),
        _local(start_day + timedelta(days=7), 0, zone),
    )
    drafts = 0
    for day_index in range(5):
        day = start_day + timedelta(days=day_index)
        services.shows.create(
            f"Glow Cosmetics weekday live #{day_index + 1}",
            _local(day, 11, zone),
            _local(day, 13, zone),
            studio_room_uid=rooms[day_index % len(rooms)].uid,
            client_uid=client_uid,
            schedule_uid=schedule.uid,
        )
        drafts += 1
    return str(schedule.uid), drafts
