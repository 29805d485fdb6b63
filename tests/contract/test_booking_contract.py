"""The booking read models (``uow.bookings``) and the promotion's set-based
``set_status``, run against every adapter. (``search``, ``near`` and
``studio_occupancy`` by example: ``test_show_repository_contract.py``.)"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import attrs

from studiocore import (
    MC,
    Booking,
    Platform,
    Show,
    ShowMC,
    ShowPlatform,
    ShowQuery,
    ShowStatus,
    StudioRoom,
    TimeSlot,
    User,
    new_uid,
)
from studiocore.ports import SHOW_EXPORT_COLUMNS, ScheduledShow, ShowExportQuery
from tests.conftest import FreshDatabase
from tests.support.builders import (
    T0,
    at,
    client_and_schedule,
    make,
    show,
    slot,
    store,
    studio_and_room,
)


def test_schedule_shows_lists_each_live_show_of_a_schedule_with_its_room_and_mcs(
    fresh_db: FreshDatabase,
) -> None:
    db = fresh_db()
    studio, room = studio_and_room()
    mcs = [make(MC, name=n) for n in ("b", "a")]
    client, schedule = client_and_schedule(studio.uid, at(0), at(100))

    def draft(start: float, in_room: StudioRoom | None = room, **kw: Any) -> Show:
        return show(
            in_room, start, start + 1, status=ShowStatus.DRAFT, schedule=schedule, name="d", **kw
        )

    hosted = draft(4, client=client, external_id="ext-h")
    roomless, bare = draft(2, None), draft(0)
    gone = draft(6, deleted_at=T0)
    confirmed = attrs.evolve(draft(8), show_status=ShowStatus.CONFIRMED)
    elsewhere = attrs.evolve(draft(10), schedule_uid=None)
    links = [
        *(make(ShowMC, show_uid=hosted.uid, mc_uid=mc.uid) for mc in mcs),
        make(ShowMC, show_uid=bare.uid, mc_uid=mcs[0].uid, deleted_at=T0),
    ]
    with db() as uow:
        store(uow, [studio, room, *mcs, client, schedule])
        store(uow, [hosted, roomless, bare, gone, confirmed, elsewhere, *links])

    def row(s: Show, start: float, **differs: Any) -> ScheduledShow:
        """What ``draft`` set up: a one-hour draft "d" in ``room`` at ``start``,
        with no MCs, client or external id, of the default type and standard."""
        return ScheduledShow(
            show_uid=s.uid,
            room_uid=room.uid,
            mc_uids=(),
            status=ShowStatus.DRAFT,
            name="d",
            start=at(start),
            end=at(start + 1),
            client_uid=None,
            show_type="bau",
            show_standard="standard",
            external_id=None,
        )._replace(**differs)

    with db() as uow:
        assert uow.bookings.schedule_shows(schedule.uid) == [
            row(bare, 0),
            row(roomless, 2, room_uid=None),
            row(
                hosted,
                4,
                mc_uids=tuple(sorted(mc.uid for mc in mcs)),
                client_uid=client.uid,
                external_id="ext-h",
            ),
            row(confirmed, 8, status=ShowStatus.CONFIRMED),
        ]
        assert uow.bookings.schedule_shows("schedule_unknown") == []


def test_schedule_platforms_lists_the_live_links_of_a_schedules_live_shows(
    fresh_db: FreshDatabase,
) -> None:
    db = fresh_db()
    studio, room = studio_and_room()
    platforms = [make(Platform, name=n) for n in ("b", "a", "c")]
    client, schedule = client_and_schedule(studio.uid, at(0), at(100))
    client_b, other = client_and_schedule(studio.uid, at(0), at(100))
    streamed, unlinked, bare = (
        show(room, h, h + 1, status=ShowStatus.DRAFT, schedule=schedule) for h in (0, 2, 4)
    )
    gone = show(room, 6, 7, status=ShowStatus.DRAFT, schedule=schedule, deleted_at=T0)
    elsewhere = show(room, 8, 9, status=ShowStatus.DRAFT, schedule=other)
    links = [
        make(ShowPlatform, show_uid=streamed.uid, platform_uid=platforms[0].uid),
        make(ShowPlatform, show_uid=streamed.uid, platform_uid=platforms[1].uid),
        make(ShowPlatform, show_uid=unlinked.uid, platform_uid=platforms[2].uid, deleted_at=T0),
        make(ShowPlatform, show_uid=gone.uid, platform_uid=platforms[2].uid),
        make(ShowPlatform, show_uid=elsewhere.uid, platform_uid=platforms[2].uid),
    ]
    with db() as uow:
        store(uow, [studio, room, *platforms, client, schedule, client_b, other])
        store(uow, [streamed, unlinked, bare, gone, elsewhere, *links])
    with db() as uow:
        assert uow.bookings.schedule_platforms(schedule.uid) == {
            streamed.uid: tuple(sorted(p.uid for p in platforms[:2]))
        }
        assert uow.bookings.schedule_platforms("schedule_unknown") == {}


def test_set_status_after_schedule_shows_changes_exactly_the_live_drafts(
    fresh_db: FreshDatabase,
) -> None:
    """The SQL adapter updates by the ids ``schedule_shows`` read; the answer must be
    the one the uid path gives: a draft deleted, or cancelled, in between is left
    alone and not counted."""
    studio, room = studio_and_room()
    client, schedule = client_and_schedule(studio.uid, at(0), at(100))
    schedule_uid = schedule.uid
    shows = [
        show(
            room,
            2 * i,
            2 * i + 1,
            status=ShowStatus.DRAFT,
            client=client,
            schedule=schedule,
            name=f"d{i}",
        )
        for i in range(5)
    ]
    db = fresh_db()
    with db() as uow:
        store(uow, [studio, room, client, schedule, *shows])
    with db() as uow:
        drafts = [r.show_uid for r in uow.bookings.schedule_shows(schedule_uid)]
        assert len(drafts) >= 3
        gone, confirmed = uow.shows.get(drafts[0]), uow.shows.get(drafts[1])
        uow.shows.update(attrs.evolve(gone, deleted_at=gone.updated_at))
        uow.shows.update(attrs.evolve(confirmed, show_status=ShowStatus.CANCELLED))
        changed = uow.shows.set_status(
            drafts, ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=at(500)
        )
        assert changed == len(drafts) - 2
    with db() as uow:
        after = {s.uid: s for s in uow.shows.search(ShowQuery(schedule_uid=schedule_uid))}
        assert drafts[0] not in after
        assert after[drafts[1]].show_status is ShowStatus.CANCELLED
        assert all(after[u].show_status is ShowStatus.CONFIRMED for u in drafts[2:])
        assert all(after[u].updated_at == at(500) for u in drafts[2:])


def test_crowded_is_empty_exactly_when_no_pair_involving_a_draft_is_near(
    fresh_db: FreshDatabase,
) -> None:
    """The boundary of "near" (gaps of exactly ``margin`` are not), on rooms and on
    MCs, and two stored shows near each other are no reason to report anything."""
    studio, room = studio_and_room("A")
    other_room = make(StudioRoom, studio_uid=studio.uid, name="B")
    mc = make(MC, name="M")
    client, schedule = client_and_schedule(studio.uid, at(0), at(100))

    def booked(
        name: str, in_room: StudioRoom, start: float, end: float, status: ShowStatus
    ) -> Show:
        drafted = status is ShowStatus.DRAFT
        return show(
            in_room,
            start,
            end,
            status=status,
            client=client,
            schedule=schedule if drafted else None,
            name=name,
        )

    # drafts one hour apart in room A; a stored show 30 minutes after the last one;
    # in room B two stored shows 10 minutes apart, and a draft sharing A's MC
    drafts = [booked(f"d{i}", room, 2 * i, 2 * i + 1, ShowStatus.DRAFT) for i in range(3)]
    stored = booked("c", room, 5.5, 6.5, ShowStatus.CONFIRMED)
    b1 = booked("b1", other_room, 20, 21, ShowStatus.CONFIRMED)
    b2 = booked("b2", other_room, 21 + 1 / 6, 22, ShowStatus.CONFIRMED)
    hosted = booked("h", other_room, 10, 11, ShowStatus.DRAFT)
    links = [
        make(ShowMC, show_uid=s.uid, mc_uid=mc.uid) for s in (drafts[2], hosted)
    ]  # d2 ends at 5, h starts at 10: five hours apart
    db = fresh_db()
    with db() as uow:
        store(uow, [studio, room, other_room, mc, client, schedule])
        store(uow, [*drafts, stored, b1, b2, hosted, *links])
    with db() as uow:
        pending = [
            s for s in uow.bookings.schedule_shows(schedule.uid) if s.status is ShowStatus.DRAFT
        ]
        for minutes in (0, 15, 30):
            assert uow.bookings.crowded(pending, timedelta(minutes=minutes)) == ([], []), minutes
        # a stored show after the last draft is the only near pair
        candidates, existing = uow.bookings.crowded(pending, timedelta(minutes=30, seconds=1))
        assert [b.show_uid for b in candidates] == [drafts[2].uid]
        assert [b.show_uid for b in existing] == [stored.uid]
        # one second more than the room gaps: every draft of room A and the stored show
        candidates, existing = uow.bookings.crowded(pending, timedelta(minutes=60, seconds=1))
        assert [b.show_uid for b in candidates] == [d.uid for d in drafts]
        assert [b.show_uid for b in existing] == [stored.uid]
        # five hours and a second: the MC's two drafts as well (b1, b2 still never)
        candidates, existing = uow.bookings.crowded(pending, timedelta(hours=5, seconds=1))
        assert [b.show_uid for b in candidates] == [*(d.uid for d in drafts), hosted.uid]
        assert [b.show_uid for b in existing] == [stored.uid]
        # the bookings are complete: room, studio, MCs, slot, status
        assert candidates[-1] == Booking(
            show_uid=hosted.uid,
            studio_uid=studio.uid,
            room_uid=other_room.uid,
            mc_uids=frozenset({mc.uid}),
            slot=TimeSlot(at(10), at(11)),
            status=ShowStatus.DRAFT,
        )


def test_near_looks_up_merged_windows_but_reports_only_true_neighbours(
    fresh_db: FreshDatabase,
) -> None:
    db = fresh_db()
    studio, room = studio_and_room()

    in_the_gap = show(room, 1.5, 2.5, name="x")  # between the two candidates: not a neighbour
    touching = show(room, 4, 5, name="x")  # starts when the second candidate ends
    overlapping = show(room, 8.5, 9.5, name="x")
    with db() as uow:
        store(uow, [studio, room, in_the_gap, touching, overlapping])
    candidates = [
        Booking(
            show_uid=new_uid("show"),
            studio_uid=studio.uid,
            room_uid=room.uid,
            mc_uids=frozenset(),
            slot=TimeSlot(at(start), at(end)),
            status=ShowStatus.CONFIRMED,
        )
        for start, end in ((0, 1), (3, 4), (9, 10))
    ]
    with db() as uow:
        assert [b.show_uid for b in uow.bookings.near(candidates, timedelta(0))] == [
            overlapping.uid
        ]
        widened = uow.bookings.near(candidates, timedelta(minutes=45))
        assert uow.bookings.near([], timedelta(hours=1)) == []
    assert [b.show_uid for b in widened] == [in_the_gap.uid, touching.uid, overlapping.uid]


def test_set_status_keeps_every_other_field(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    studio, room = studio_and_room()
    drafts = [
        show(room, i, i + 1, status=ShowStatus.DRAFT, name=f"d{i}", external_id=f"ext-{i}")
        for i in range(3)
    ]
    later = T0 + timedelta(minutes=5)
    with db() as uow:
        store(uow, [studio, room, *drafts])
        changed = uow.shows.set_status(
            [d.uid for d in drafts], ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=later
        )
        assert uow.shows.set_status([], ShowStatus.LIVE, expected=ShowStatus.DRAFT, at=later) == 0
    assert changed == 3
    with db() as uow:
        loaded = [uow.shows.get(d.uid) for d in drafts]
    assert loaded == [
        attrs.evolve(d, show_status=ShowStatus.CONFIRMED, updated_at=later) for d in drafts
    ]


def test_export_shows_writes_the_selected_shows_their_names_and_links_as_csv(
    fresh_db: FreshDatabase,
) -> None:
    db = fresh_db()
    studio, room = studio_and_room('Room, "A"')  # a name CSV must quote
    other_studio, other_room = studio_and_room("Elsewhere")
    client, schedule = client_and_schedule(studio.uid, at(0), at(100))
    mc = make(MC, name="Hana")
    platform = make(Platform, name="YouTube")
    hosted = show(room, 1.5, 3, client=client, schedule=schedule, name="Launch\nnight")
    draft = show(room, 4, 5, status=ShowStatus.DRAFT, name="Draft")
    roomless = show(None, 2, 6, name="No room")
    far = show(other_room, 2, 3, name="Far")
    outside = show(room, 10, 11, name="Later")
    gone = show(room, 2, 3, deleted_at=T0, name="Gone")
    links = [
        make(ShowMC, show_uid=hosted.uid, mc_uid=mc.uid),
        make(ShowMC, show_uid=draft.uid, mc_uid=mc.uid, deleted_at=T0),
        make(ShowPlatform, show_uid=hosted.uid, platform_uid=platform.uid),
    ]
    with db() as uow:
        store(uow, [studio, room, other_studio, other_room, client, schedule, mc, platform])
        store(uow, [hosted, draft, roomless, far, outside, gone, *links])

    def export(**query: Any) -> dict[str, list[list[str]]]:
        with (
            db() as uow,
            uow.bookings.export_shows(ShowExportQuery(window=slot(0, 8), **query)) as found,
        ):
            return {
                name: list(
                    csv.reader(io.StringIO(getattr(found, name).read().decode(), newline=""))
                )
                for name in SHOW_EXPORT_COLUMNS
            }

    def micros(hours: float) -> str:
        return str(int(at(hours).timestamp() * 1_000_000))

    everything = export()
    assert everything["shows"] == [
        [hosted.uid, "Launch\nnight", "confirmed", micros(1.5), micros(3), studio.uid,
         studio.name, studio.time_zone, room.uid, 'Room, "A"', client.uid, client.name,
         schedule.uid, schedule.name],
        [roomless.uid, "No room", "confirmed", micros(2), micros(6), *[""] * 9],
        [far.uid, "Far", "confirmed", micros(2), micros(3), other_studio.uid, other_studio.name,
         other_studio.time_zone, other_room.uid, "Elsewhere", "", "", "", ""],
        [draft.uid, "Draft", "draft", micros(4), micros(5), studio.uid, studio.name,
         studio.time_zone, room.uid, 'Room, "A"', "", "", "", ""],
    ]  # fmt: skip
    assert everything["mcs"] == [[hosted.uid, mc.uid, "Hana"]]
    assert everything["platforms"] == [[hosted.uid, platform.uid, "YouTube"]]

    def uids(**query: Any) -> list[str]:
        return [row[0] for row in export(**query)["shows"]]

    assert uids(studio_uids=frozenset({studio.uid})) == [hosted.uid, draft.uid]
    assert uids(room_uids=frozenset({other_room.uid})) == [far.uid]
    assert uids(client_uids=frozenset({client.uid})) == [hosted.uid]
    assert uids(schedule_uids=frozenset({schedule.uid})) == [hosted.uid]
    assert uids(mc_uids=frozenset({mc.uid})) == [hosted.uid]  # not the draft's deleted link
    assert uids(statuses=frozenset({ShowStatus.DRAFT})) == [draft.uid]
    assert export(statuses=frozenset({ShowStatus.DRAFT}))["mcs"] == []


def test_host_users_are_the_users_of_the_mcs_of_live_links_of_the_shows(
    fresh_db: FreshDatabase,
) -> None:
    db = fresh_db()
    studio, room = studio_and_room()
    users = [make(User, email=f"{n}@example.com", name=n) for n in ("a", "b", "c", "d")]
    linked = [make(MC, name=u.name, user_uid=u.uid) for u in users]
    unlinked = make(MC, name="no user")
    shows = [show(room, i, i + 1) for i in range(4)]
    links = [
        make(ShowMC, show_uid=shows[0].uid, mc_uid=linked[0].uid),
        make(ShowMC, show_uid=shows[0].uid, mc_uid=unlinked.uid),
        make(ShowMC, show_uid=shows[1].uid, mc_uid=linked[1].uid),
        make(ShowMC, show_uid=shows[1].uid, mc_uid=linked[0].uid),
        make(ShowMC, show_uid=shows[2].uid, mc_uid=linked[2].uid, deleted_at=T0),  # unlinked
        make(ShowMC, show_uid=shows[3].uid, mc_uid=linked[3].uid),  # a show not asked about
    ]
    with db() as uow:
        store(uow, [studio, room, *users, *linked, unlinked, *shows, *links])
    many = [new_uid("show") for _ in range(2500)]  # several batches on SQLite
    with db() as uow:
        found = uow.bookings.host_users([shows[0].uid, shows[1].uid, shows[2].uid, *many])
        assert found == {users[0].uid, users[1].uid}
        assert uow.bookings.host_users([]) == frozenset()
