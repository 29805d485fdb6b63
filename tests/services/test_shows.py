"""ShowService: direct bookings, links, client scoping, banned MCs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from studiocore import (
    Client,
    ConflictError,
    ConflictKind,
    InvalidTransitionError,
    NotFoundError,
    Schedule,
    Services,
    Show,
    ShowStatus,
    ValidationError,
    new_uid,
)
from tests.support.builders import T0, at
from tests.support.cast import Cast


@dataclass
class Setup(Cast):
    other_client: Client


@pytest.fixture
def s(svc: Services) -> Setup:
    return Setup.create(svc, other_client=svc.clients.create("Globex"))


def add_schedule(s: Setup) -> Schedule:
    schedule = Schedule(
        uid=new_uid("schedule"),
        created_at=T0,
        updated_at=T0,
        client_uid=s.client.uid,
        studio_uid=s.studio.uid,
        name="Spring",
        start_time=T0,
        end_time=T0 + timedelta(days=7),
    )
    with s.svc.context.uow_factory() as uow:
        uow.schedules.add(schedule)
    return schedule


def add_draft(s: Setup, schedule: Schedule) -> Show:
    """A show "d" of ``schedule`` in the room, from hour 1 to hour 3."""
    return s.svc.shows.create(
        "d", at(1), at(3), studio_room_uid=s.room.uid, schedule_uid=schedule.uid
    ).show


class TestDirectShows:
    def test_a_show_without_schedule_is_confirmed_with_its_links(self, s: Setup) -> None:
        platform = s.svc.platforms.create("Twitch")
        outcome = s.svc.shows.create(
            "Morning",
            at(1),
            at(2),
            studio_room_uid=s.room.uid,
            client_uid=s.client.uid,
            mc_uids=[s.mc.uid],
            platform_uids=[platform.uid],
        )
        show = outcome.show
        assert show.show_status is ShowStatus.CONFIRMED
        assert show.schedule_uid is None
        assert outcome.warnings == ()
        assert [m.mc_uid for m in s.svc.shows.mcs(show.uid)] == [s.mc.uid]
        assert [p.platform_uid for p in s.svc.shows.platforms(show.uid)] == [platform.uid]
        assert s.svc.shows.get(show.uid) == show

    def test_a_confirmed_show_needs_a_room(self, s: Setup) -> None:
        with pytest.raises(ValidationError) as err:
            s.svc.shows.create("x", at(1), at(2))
        assert err.value.field == "studio_room_uid"

    def test_lookup_names_are_checked(self, s: Setup) -> None:
        with pytest.raises(ValidationError) as err:
            s.svc.shows.create("x", at(1), at(2), studio_room_uid=s.room.uid, show_type="gala")
        assert err.value.field == "show_type"
        assert "bau, campaign, other" in err.value.reason
        with pytest.raises(ValidationError) as err:
            s.svc.shows.create("x", at(1), at(2), studio_room_uid=s.room.uid, show_standard="gold")
        assert err.value.field == "show_standard"

    def test_naive_times_are_rejected(self, s: Setup) -> None:
        with pytest.raises(ValidationError) as err:
            s.svc.shows.create("x", datetime(2026, 3, 2, 9), at(5), studio_room_uid=s.room.uid)
        assert err.value.field == "show_start"

    def test_back_to_back_shows_do_not_conflict(self, s: Setup) -> None:
        s.svc.shows.create("a", at(1), at(2), studio_room_uid=s.room.uid, mc_uids=[s.mc.uid])
        second = s.svc.shows.create(
            "b", at(2), at(3), studio_room_uid=s.room.uid, mc_uids=[s.mc.uid]
        )
        assert second.show.show_status is ShowStatus.CONFIRMED

    def test_an_overlapping_room_booking_is_refused_and_nothing_is_written(self, s: Setup) -> None:
        first = s.svc.shows.create("a", at(1), at(3), studio_room_uid=s.room.uid).show
        with pytest.raises(ConflictError) as err:
            s.svc.shows.create("b", at(2), at(4), studio_room_uid=s.room.uid, mc_uids=[s.mc.uid])
        (conflict,) = err.value.conflicts
        assert conflict.kind is ConflictKind.ROOM_OVERLAP
        assert conflict.resource_uid == s.room.uid
        assert conflict.show_uids[0] == first.uid
        assert (conflict.start, conflict.end) == (at(2), at(3))
        assert [x.uid for x in s.svc.shows.list()] == [first.uid]
        with s.svc.context.uow_factory() as uow:
            assert uow.show_mcs.count() == 0
            assert uow.audits.count(where={"recordable_type": "shows"}) == 1

    def test_an_mc_cannot_be_in_two_rooms_at_once_even_across_studios(self, s: Setup) -> None:
        elsewhere = s.svc.studios.create("Two")
        far_room = s.svc.studio_rooms.create(elsewhere.uid, "Z")
        s.svc.shows.create("a", at(1), at(3), studio_room_uid=s.room.uid, mc_uids=[s.mc.uid])
        with pytest.raises(ConflictError) as err:
            s.svc.shows.create("b", at(2), at(4), studio_room_uid=far_room.uid, mc_uids=[s.mc.uid])
        assert [c.kind for c in err.value.conflicts] == [ConflictKind.MC_OVERLAP]
        assert err.value.conflicts[0].resource_uid == s.mc.uid

    def test_cancelled_and_deleted_shows_free_their_room(self, s: Setup) -> None:
        a = s.svc.shows.create("a", at(1), at(3), studio_room_uid=s.room.uid).show
        b = s.svc.shows.create("b", at(4), at(6), studio_room_uid=s.room.uid).show
        s.svc.shows.cancel(a.uid)
        s.svc.shows.delete(b.uid)
        s.svc.shows.create("c", at(1), at(6), studio_room_uid=s.room.uid)

    def test_buffers_shorter_than_configured_are_warnings(self, s: Setup) -> None:
        s.svc.studio_rooms.update(s.room.uid, {"changeover_minutes": 30})
        s.svc.shows.create("a", at(1), at(2), studio_room_uid=s.room.uid)
        outcome = s.svc.shows.create("b", at(2.25), at(3), studio_room_uid=s.room.uid)
        (warning,) = outcome.warnings
        assert warning.kind is ConflictKind.ROOM_CHANGEOVER
        assert "15 min" in warning.reason
        assert "30 min" in warning.reason

    def test_buffer_conflicts_block_when_the_studio_says_so(self, s: Setup) -> None:
        s.svc.studios.update(s.studio.uid, {"mc_rest_severity": "BLOCK"})
        s.svc.mcs.update(s.mc.uid, {"min_rest_minutes": 60})
        s.svc.shows.create("a", at(1), at(2), studio_room_uid=s.room.uid, mc_uids=[s.mc.uid])
        with pytest.raises(ConflictError) as err:
            s.svc.shows.create("b", at(2.5), at(3), studio_room_uid=s.room2.uid, mc_uids=[s.mc.uid])
        assert [c.kind for c in err.value.conflicts] == [ConflictKind.MC_REST]


class TestMovingShows:
    def test_moving_onto_a_booked_slot_is_refused(self, s: Setup) -> None:
        s.svc.shows.create("a", at(1), at(3), studio_room_uid=s.room.uid)
        b = s.svc.shows.create("b", at(1), at(3), studio_room_uid=s.room2.uid).show
        with pytest.raises(ConflictError):
            s.svc.shows.update(b.uid, {"studio_room_uid": s.room.uid})
        s.svc.shows.create("c", at(4), at(5), studio_room_uid=s.room2.uid)
        with pytest.raises(ConflictError):
            s.svc.shows.reschedule(b.uid, {"show_start": at(3.5), "show_end": at(4.5)})
        assert s.svc.shows.get(b.uid) == b
        moved = s.svc.shows.update(
            b.uid, {"studio_room_uid": s.room.uid, "show_start": at(3), "show_end": at(4)}
        )
        assert moved.studio_room_uid == s.room.uid

    def test_status_cannot_be_patched(self, s: Setup) -> None:
        show = s.svc.shows.create("a", at(1), at(2), studio_room_uid=s.room.uid).show
        with pytest.raises(ValidationError) as err:
            s.svc.shows.update(show.uid, {"show_status": "live"})
        assert err.value.field == "show_status"
        with pytest.raises(ValidationError) as err:
            s.svc.shows.update(show.uid, {"show_end": at(0.5)})
        assert err.value.field == "show_end"


class TestStatus:
    def test_the_lifecycle_runs_forward_only(self, s: Setup) -> None:
        show = s.svc.shows.create("a", at(1), at(2), studio_room_uid=s.room.uid).show
        assert s.svc.shows.go_live(show.uid).show.show_status is ShowStatus.LIVE
        assert s.svc.shows.complete(show.uid).show.show_status is ShowStatus.COMPLETED
        with pytest.raises(InvalidTransitionError) as err:
            s.svc.shows.cancel(show.uid)
        assert (err.value.from_state, err.value.to_state) == ("completed", "cancelled")
        assert "'completed' to 'cancelled'" in str(err.value)

    def test_unknown_status_is_a_validation_error(self, s: Setup) -> None:
        show = s.svc.shows.create("a", at(1), at(2), studio_room_uid=s.room.uid).show
        with pytest.raises(ValidationError) as err:
            s.svc.shows.transition(show.uid, "paused")
        assert err.value.field == "show_status"


class TestDrafts:
    def test_a_show_in_a_schedule_is_a_draft_that_reserves_nothing(self, s: Setup) -> None:
        schedule = add_schedule(s)
        draft = add_draft(s, schedule)
        assert draft.show_status is ShowStatus.DRAFT
        assert draft.client_uid == s.client.uid  # taken from the schedule
        s.svc.shows.create("c", at(1), at(3), studio_room_uid=s.room.uid)
        with pytest.raises(ConflictError):
            s.svc.schedules.promote(schedule.uid)
        assert s.svc.shows.get(draft.uid).show_status is ShowStatus.DRAFT

    def test_a_draft_is_confirmed_with_its_schedule_not_on_its_own(self, s: Setup) -> None:
        schedule = add_schedule(s)
        draft = add_draft(s, schedule)
        with pytest.raises(ConflictError, match=f"confirm the schedule .*{schedule.uid}/confirm"):
            s.svc.shows.confirm(draft.uid)
        assert s.svc.shows.get(draft.uid).show_status is ShowStatus.DRAFT

    def test_a_proposed_schedules_shows_change_through_change_requests(self, s: Setup) -> None:
        schedule = add_schedule(s)
        draft = add_draft(s, schedule)
        s.svc.schedules.propose(schedule.uid)
        edits: list[Callable[[], object]] = [
            lambda: s.svc.shows.update(draft.uid, {"name": "renamed"}),
            lambda: s.svc.shows.add_mc(draft.uid, s.mc.uid),
            lambda: s.svc.shows.cancel(draft.uid),
            lambda: s.svc.shows.delete(draft.uid),
            lambda: s.svc.shows.create("e", at(4), at(5), schedule_uid=schedule.uid),
        ]
        for edit in edits:
            with pytest.raises(ConflictError, match="change-requests"):
                edit()
        assert s.svc.shows.get(draft.uid).name == "d"

    def test_a_roomless_draft_cannot_be_confirmed(self, s: Setup) -> None:
        schedule = add_schedule(s)
        draft = s.svc.shows.create("d", at(1), at(3), schedule_uid=schedule.uid).show
        with pytest.raises(ValidationError) as err:
            s.svc.schedules.promote(schedule.uid)
        assert err.value.field == "studio_room_uid"
        assert draft.uid in err.value.reason

    def test_a_draft_must_fit_its_schedule(self, s: Setup) -> None:
        schedule = add_schedule(s)
        with pytest.raises(ValidationError) as err:
            s.svc.shows.create("d", at(-2), at(1), schedule_uid=schedule.uid)
        assert err.value.field == "show_start"
        with pytest.raises(ValidationError) as err:
            s.svc.shows.create(
                "d", at(1), at(2), schedule_uid=schedule.uid, client_uid=s.other_client.uid
            )
        assert err.value.field == "client_uid"


class TestMcs:
    def test_a_banned_mc_cannot_be_linked(self, s: Setup) -> None:
        show = s.svc.shows.create("a", at(1), at(2), studio_room_uid=s.room.uid).show
        s.svc.mcs.ban(s.mc.uid)
        with pytest.raises(ValidationError) as err:
            s.svc.shows.add_mc(show.uid, s.mc.uid)
        assert err.value.field == "mc_uid"
        assert "banned" in err.value.reason
        with pytest.raises(ValidationError) as err:
            s.svc.shows.create("b", at(3), at(4), studio_room_uid=s.room.uid, mc_uids=[s.mc.uid])
        assert err.value.field == "mc_uids"
        assert s.svc.shows.mcs(show.uid) == []

    def test_a_banned_mc_on_a_draft_blocks_its_confirmation(self, s: Setup) -> None:
        schedule = add_schedule(s)
        draft = s.svc.shows.create(
            "d",
            at(1),
            at(2),
            studio_room_uid=s.room.uid,
            schedule_uid=schedule.uid,
            mc_uids=[s.mc.uid],
        ).show
        s.svc.mcs.ban(s.mc.uid)
        with pytest.raises(ValidationError, match="banned"):
            s.svc.schedules.promote(schedule.uid)
        assert s.svc.shows.get(draft.uid).show_status is ShowStatus.DRAFT

    def test_link_rate_and_unlink(self, s: Setup) -> None:
        show = s.svc.shows.create("a", at(1), at(2), studio_room_uid=s.room.uid).show
        link = s.svc.shows.add_mc(show.uid, s.mc.uid, note="opening")
        with pytest.raises(ConflictError):
            s.svc.shows.add_mc(show.uid, s.mc.uid)
        rated = s.svc.shows.update_mc(show.uid, s.mc.uid, {"rating": 9})
        assert (rated.rating, rated.note, rated.uid) == (9, "opening", link.uid)
        with pytest.raises(ValidationError) as err:
            s.svc.shows.update_mc(show.uid, s.mc.uid, {"rating": 11})
        assert err.value.field == "rating"
        with pytest.raises(ValidationError) as err:
            s.svc.shows.update_mc(show.uid, s.mc.uid, {"mc_uid": s.mc2.uid})
        assert err.value.field == "mc_uid"
        s.svc.shows.remove_mc(show.uid, s.mc.uid)
        assert s.svc.shows.mcs(show.uid) == []
        with pytest.raises(NotFoundError):
            s.svc.shows.remove_mc(show.uid, s.mc.uid)

    def test_adding_a_busy_mc_to_a_confirmed_show_is_a_conflict(self, s: Setup) -> None:
        s.svc.shows.create("a", at(1), at(3), studio_room_uid=s.room.uid, mc_uids=[s.mc.uid])
        b = s.svc.shows.create("b", at(2), at(4), studio_room_uid=s.room2.uid).show
        with pytest.raises(ConflictError):
            s.svc.shows.add_mc(b.uid, s.mc.uid)
        assert s.svc.shows.mcs(b.uid) == []
        s.svc.shows.add_mc(b.uid, s.mc2.uid)


class TestPlatformsAndMaterials:
    def test_platform_link_carries_stream_data(self, s: Setup) -> None:
        show = s.svc.shows.create("a", at(1), at(2), studio_room_uid=s.room.uid).show
        platform = s.svc.platforms.create("YouTube")
        s.svc.shows.add_platform(
            show.uid, platform.uid, live_stream_link="https://youtu.be/x", platform_show_id="x1"
        )
        updated = s.svc.shows.update_platform(show.uid, platform.uid, {"viewer_count": 1500})
        assert (updated.viewer_count, updated.platform_show_id) == (1500, "x1")
        with pytest.raises(ValidationError) as err:
            s.svc.shows.update_platform(show.uid, platform.uid, {"viewer_count": -1})
        assert err.value.field == "viewer_count"
        with pytest.raises(ValidationError) as err:
            s.svc.shows.update_platform(show.uid, platform.uid, {"live_stream_link": "nope"})
        assert err.value.field == "live_stream_link"
        s.svc.shows.remove_platform(show.uid, platform.uid)
        assert s.svc.shows.platforms(show.uid) == []

    def test_materials_are_client_scoped(self, s: Setup) -> None:
        show = s.svc.shows.create(
            "a", at(1), at(2), studio_room_uid=s.room.uid, client_uid=s.client.uid
        ).show
        own = s.svc.materials.create("Brief", "brief", client_uid=s.client.uid)
        foreign = s.svc.materials.create("Brief", "brief", client_uid=s.other_client.uid)
        shared = s.svc.materials.create("Logo", "other")
        s.svc.shows.add_material(show.uid, own.uid)
        s.svc.shows.add_material(show.uid, shared.uid)
        with pytest.raises(ValidationError) as err:
            s.svc.shows.add_material(show.uid, foreign.uid)
        assert err.value.field == "material_uid"
        assert s.other_client.uid in err.value.reason
        assert {m.material_uid for m in s.svc.shows.materials(show.uid)} == {own.uid, shared.uid}
        with pytest.raises(ValidationError) as err:
            s.svc.shows.update(show.uid, {"client_uid": s.other_client.uid})
        assert err.value.field == "client_uid"
        s.svc.shows.remove_material(show.uid, own.uid)
        moved = s.svc.shows.update(show.uid, {"client_uid": s.other_client.uid})
        assert moved.client_uid == s.other_client.uid

    def test_inactive_materials_cannot_be_used(self, s: Setup) -> None:
        show = s.svc.shows.create("a", at(1), at(2), studio_room_uid=s.room.uid).show
        old = s.svc.materials.create("Old", "brief", is_active=False)
        with pytest.raises(ValidationError, match="inactive"):
            s.svc.shows.add_material(show.uid, old.uid)


def test_times_in_other_zones_are_stored_in_utc(s: Setup) -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    show = s.svc.shows.create(
        "a",
        datetime(2026, 3, 2, 10, tzinfo=berlin),
        datetime(2026, 3, 2, 11, tzinfo=berlin),
        studio_room_uid=s.room.uid,
    ).show
    assert s.svc.shows.get(show.uid).show_start == datetime(2026, 3, 2, 9, tzinfo=UTC)
