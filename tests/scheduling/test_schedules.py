"""ScheduleService: CRUD, workflow, all-or-nothing promotion, versions (every adapter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from studiocore import (
    MC,
    Actor,
    ConflictError,
    ConflictKind,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    Schedule,
    ScheduleStatus,
    Services,
    Severity,
    ShowStatus,
    StudioRoom,
    UserRole,
    ValidationError,
)
from tests.support.builders import T0, at
from tests.support.cast import Cast


@dataclass
class World(Cast):
    def schedule(self, name: str = "Spring") -> Schedule:
        return self.svc.schedules.create(
            self.client.uid, self.studio.uid, name, T0, T0 + timedelta(days=7)
        )

    def draft(
        self,
        schedule: Schedule,
        start: float,
        end: float,
        *,
        mcs: tuple[MC, ...] = (),
        room: StudioRoom | None = None,
        roomless: bool = False,
    ) -> str:
        outcome = self.svc.shows.create(
            f"draft {start}",
            at(start),
            at(end),
            schedule_uid=schedule.uid,
            studio_room_uid=None if roomless else (room or self.room).uid,
            mc_uids=[m.uid for m in mcs],
        )
        assert outcome.show.show_status is ShowStatus.DRAFT
        return outcome.show.uid

    def direct(
        self, start: float, end: float, *, room: StudioRoom | None = None, mcs: tuple[MC, ...] = ()
    ) -> str:
        return self.svc.shows.create(
            f"direct {start}",
            at(start),
            at(end),
            studio_room_uid=(room or self.room).uid,
            mc_uids=[m.uid for m in mcs],
        ).show.uid

    def statuses(self) -> dict[str, Any]:
        """Everything a rejected promotion must leave alone."""
        with self.svc.context.uow_factory() as uow:
            shows = {s.uid: (s.show_status, s.updated_at) for s in uow.shows.list()}
            schedules = {s.uid: (s.schedule_status, s.version) for s in uow.schedules.list()}
            return {
                "shows": shows,
                "schedules": schedules,
                "versions": uow.schedule_versions.count(),
                "audits": uow.audits.count(),
            }


@pytest.fixture
def w(svc: Services) -> World:
    return World.create(svc, studio={"time_zone": "Europe/Berlin"})


class TestCrud:
    def test_a_new_schedule_is_a_draft_with_its_first_version(self, w: World) -> None:
        schedule = w.schedule()
        assert schedule.schedule_status is ScheduleStatus.DRAFT
        assert schedule.version == 1
        assert w.svc.schedules.get(schedule.uid) == schedule
        (version,) = w.svc.schedules.versions(schedule.uid)
        assert (version.version, version.show_count, version.full) == (1, 0, True)
        first = w.svc.schedules.version(schedule.uid, 1)
        assert first.schedule["uid"] == schedule.uid
        assert first.shows == ()
        assert [a.action for a in w.svc.audits.history(schedule.uid)] == ["create"]

    def test_references_and_window_are_validated(self, w: World) -> None:
        with pytest.raises(ValidationError) as err:
            w.svc.schedules.create(
                "client_01J0000000000000000000000Z", w.studio.uid, "x", T0, at(1)
            )
        assert err.value.field == "client_uid"
        with pytest.raises(ValidationError) as err:
            w.svc.schedules.create(
                w.client.uid, "studio_01J0000000000000000000000Z", "x", T0, at(1)
            )
        assert err.value.field == "studio_uid"
        with pytest.raises(ValidationError) as err:
            w.svc.schedules.create(w.client.uid, w.studio.uid, "x", at(1), T0)
        assert err.value.field == "end_time"
        assert w.svc.schedules.list() == []

    def test_status_version_and_owner_are_not_updatable(self, w: World) -> None:
        schedule = w.schedule()
        for field, value in [
            ("schedule_status", "confirmed"),
            ("version", 5),
            ("studio_uid", w.studio.uid),
        ]:
            with pytest.raises(ValidationError, match="cannot be changed with update") as err:
                w.svc.schedules.update(schedule.uid, {field: value})
            assert err.value.field == field

    def test_the_window_cannot_shrink_past_its_shows(self, w: World) -> None:
        schedule = w.schedule()
        show = w.draft(schedule, 30, 31)
        with pytest.raises(ValidationError, match=f"show {show} would fall outside") as err:
            w.svc.schedules.update(schedule.uid, {"end_time": at(24)})
        assert err.value.field == "end_time"
        updated = w.svc.schedules.update(schedule.uid, {"end_time": at(40), "name": "Short"})
        assert (updated.end_time, updated.name) == (at(40), "Short")

    def test_deleting_cancels_its_drafts_but_refuses_confirmed_shows(self, w: World) -> None:
        schedule = w.schedule()
        draft = w.draft(schedule, 1, 2)
        w.svc.schedules.delete(schedule.uid)
        assert w.svc.shows.get(draft).show_status is ShowStatus.CANCELLED
        assert w.svc.schedules.list() == []

        other = w.schedule("Summer")
        w.draft(other, 3, 4)
        w.svc.schedules.promote(other.uid)
        with pytest.raises(ConflictError, match="confirmed or live show"):
            w.svc.schedules.delete(other.uid)
        assert w.svc.schedules.get(other.uid).deleted_at is None

    def test_a_cancelled_schedule_cannot_be_edited(self, w: World) -> None:
        schedule = w.schedule()
        w.svc.schedules.cancel(schedule.uid)
        with pytest.raises(ValidationError, match="a cancelled schedule cannot be changed"):
            w.svc.schedules.update(schedule.uid, {"name": "again"})


class TestWorkflow:
    def test_draft_proposed_confirmed_archived(self, w: World) -> None:
        schedule = w.schedule()
        w.draft(schedule, 1, 2)
        assert w.svc.schedules.propose(schedule.uid).schedule_status is ScheduleStatus.PROPOSED
        result = w.svc.schedules.confirm(schedule.uid)
        assert result.schedule.schedule_status is ScheduleStatus.CONFIRMED
        audits = len(w.svc.audits.page(limit=500).items)
        again = w.svc.schedules.confirm(schedule.uid)  # the same answer, nothing written
        assert (again.schedule, again.confirmed_show_uids, again.version) == (
            result.schedule,
            result.confirmed_show_uids,
            result.version,
        )
        assert len(w.svc.audits.page(limit=500).items) == audits
        assert w.svc.schedules.archive(schedule.uid).schedule_status is ScheduleStatus.ARCHIVED

    @pytest.mark.parametrize(
        ("path", "target"),
        [
            ([], ScheduleStatus.ARCHIVED),
            (["cancel"], ScheduleStatus.PROPOSED),
            (["propose", "confirm"], ScheduleStatus.DRAFT),
            (["propose", "confirm", "archive"], ScheduleStatus.CANCELLED),
        ],
    )
    def test_other_transitions_are_invalid_and_name_both_states(
        self, w: World, path: list[str], target: ScheduleStatus
    ) -> None:
        schedule = w.schedule()
        for step in path:
            getattr(w.svc.schedules, step)(schedule.uid)
        current = w.svc.schedules.get(schedule.uid).schedule_status
        with pytest.raises(InvalidTransitionError) as err:
            w.svc.schedules.transition(schedule.uid, target)
        assert str(err.value) == (
            f"schedule {schedule.uid!r} cannot go from {current.value!r} to {target.value!r}"
        )
        assert (err.value.from_state, err.value.to_state) == (current.value, target.value)

    def test_promoting_a_finished_schedule_is_an_invalid_transition(self, w: World) -> None:
        schedule = w.schedule()
        w.svc.schedules.cancel(schedule.uid)
        with pytest.raises(InvalidTransitionError, match="from 'cancelled' to 'confirmed'"):
            w.svc.schedules.promote(schedule.uid)
        report = w.svc.schedules.check_promotion(schedule.uid)
        assert report.problems == ("schedule_status: a cancelled schedule cannot be promoted",)
        assert not report.promotable

    def test_an_unknown_status_is_a_validation_error(self, w: World) -> None:
        schedule = w.schedule()
        with pytest.raises(ValidationError, match="unknown status 'done'") as err:
            w.svc.schedules.transition(schedule.uid, "done")
        assert err.value.field == "schedule_status"

    def test_cancelling_a_schedule_cancels_its_drafts_only(self, w: World) -> None:
        schedule, booked = w.schedule(), w.schedule("Booked")
        draft = w.draft(schedule, 1, 2)
        confirmed = w.draft(booked, 3, 4)
        w.svc.schedules.promote(booked.uid)
        w.svc.schedules.cancel(schedule.uid)
        w.svc.schedules.cancel(booked.uid)
        assert w.svc.shows.get(draft).show_status is ShowStatus.CANCELLED
        assert w.svc.shows.get(confirmed).show_status is ShowStatus.CONFIRMED
        audits = w.svc.audits.history(draft)
        assert audits[-1].new_values == {"show_status": "cancelled"}

    def test_transition_to_confirmed_promotes(self, w: World) -> None:
        schedule = w.schedule()
        show = w.draft(schedule, 1, 2)
        assert (
            w.svc.schedules.transition(schedule.uid, "confirmed").schedule_status
            is ScheduleStatus.CONFIRMED
        )
        assert w.svc.shows.get(show).show_status is ShowStatus.CONFIRMED


class TestPromotion:
    def test_every_draft_is_confirmed_with_audits_and_a_new_version(self, w: World) -> None:
        schedule = w.schedule()
        a = w.draft(schedule, 1, 2, mcs=(w.mc,))
        b = w.draft(schedule, 2, 3, mcs=(w.mc,))  # back to back on the same room and MC
        c = w.draft(schedule, 1, 3, room=w.room2, mcs=(w.mc2,))
        result = w.svc.schedules.promote(schedule.uid)
        assert set(result.confirmed_show_uids) == {a, b, c}
        assert result.warnings == ()
        assert result.version == 2
        assert result.schedule.schedule_status is ScheduleStatus.CONFIRMED
        assert w.svc.schedules.get(schedule.uid) == result.schedule
        for uid in (a, b, c):
            assert w.svc.shows.get(uid).show_status is ShowStatus.CONFIRMED
            (audit,) = [x for x in w.svc.audits.history(uid) if x.action == "status_change"]
            assert (audit.old_values, audit.new_values) == (
                {"show_status": "draft"},
                {"show_status": "confirmed"},
            )
        steps = [
            (x.old_values, x.new_values)
            for x in w.svc.audits.history(schedule.uid)
            if x.action == "status_change"
        ]
        assert steps == [
            ({"schedule_status": "draft"}, {"schedule_status": "proposed"}),
            ({"schedule_status": "proposed"}, {"schedule_status": "confirmed"}),
        ]
        latest = w.svc.schedules.versions(schedule.uid)[-1]
        assert latest.version == 2
        assert latest.note == "promoted: 3 show(s) confirmed"
        assert latest.show_count == 3
        shows = {s.uid: s for s in w.svc.schedules.version(schedule.uid, 2).shows}
        assert {s.status for s in shows.values()} == {"confirmed"}
        assert shows[a].mc_uids == {w.mc.uid}

    def test_a_proposed_schedule_is_promoted_in_one_step(self, w: World) -> None:
        schedule = w.schedule()
        w.draft(schedule, 1, 2)
        w.svc.schedules.propose(schedule.uid)
        w.svc.schedules.promote(schedule.uid)
        steps = [
            x.new_values for x in w.svc.audits.history(schedule.uid) if x.action == "status_change"
        ]
        assert steps == [{"schedule_status": "proposed"}, {"schedule_status": "confirmed"}]

    def test_a_conflict_with_a_booked_show_rejects_everything_with_the_full_report(
        self, w: World
    ) -> None:
        booked = w.direct(1, 3, mcs=(w.mc,))
        schedule = w.schedule()
        fine = w.draft(schedule, 5, 6)
        clash = w.draft(schedule, 2, 4, mcs=(w.mc,))  # same room and same MC as `booked`
        before = w.statuses()
        with pytest.raises(ConflictError) as err:
            w.svc.schedules.promote(schedule.uid)
        assert str(err.value) == (
            f"promotion of schedule {schedule.uid} refused: Room A is double-booked: "
            '"direct 1" 10:00-12:00 and "draft 2" 11:00-13:00 (Europe/Berlin, Mon 2 Mar 2026; '
            "UTC 09:00-11:00 and 10:00-12:00), overlap 1 h (and 1 more)"
        )
        assert [
            (c.kind, c.resource_uid, c.show_uids, c.start, c.end) for c in err.value.conflicts
        ] == [
            (ConflictKind.ROOM_OVERLAP, w.room.uid, (booked, clash), at(2), at(3)),
            (ConflictKind.MC_OVERLAP, w.mc.uid, (booked, clash), at(2), at(3)),
        ]
        assert w.statuses() == before
        assert w.svc.shows.get(fine).show_status is ShowStatus.DRAFT

    def test_drafts_of_one_schedule_are_checked_against_each_other(self, w: World) -> None:
        schedule = w.schedule()
        a = w.draft(schedule, 1, 3)
        b = w.draft(schedule, 2, 4)
        before = w.statuses()
        with pytest.raises(ConflictError) as err:
            w.svc.schedules.promote(schedule.uid)
        assert [c.show_uids for c in err.value.conflicts] == [(a, b)]
        assert w.statuses() == before

    def test_mc_conflicts_are_checked_across_studios(self, w: World) -> None:
        elsewhere = w.svc.studios.create("Two")
        far_room = w.svc.studio_rooms.create(elsewhere.uid, "Far")
        booked = w.direct(1, 2, room=far_room, mcs=(w.mc,))
        schedule = w.schedule()
        draft = w.draft(schedule, 1.5, 2.5, mcs=(w.mc,))
        report = w.svc.schedules.check_promotion(schedule.uid)
        assert [(c.kind, c.show_uids) for c in report.conflicts] == [
            (ConflictKind.MC_OVERLAP, (booked, draft))
        ]
        assert not report.promotable

    def test_a_roomless_draft_is_a_validation_error_naming_the_show(self, w: World) -> None:
        schedule = w.schedule()
        w.draft(schedule, 1, 2)
        roomless = w.draft(schedule, 3, 4, roomless=True)
        before = w.statuses()
        with pytest.raises(ValidationError) as err:
            w.svc.schedules.promote(schedule.uid)
        assert err.value.field == "studio_room_uid"
        assert (
            str(err.value)
            == f"studio_room_uid: show {roomless} needs a studio room to be confirmed"
        )
        assert w.statuses() == before

    def test_a_banned_mc_is_refused(self, w: World) -> None:
        schedule = w.schedule()
        show = w.draft(schedule, 1, 2, mcs=(w.mc,))
        w.svc.mcs.ban(w.mc.uid)
        before = w.statuses()
        with pytest.raises(ValidationError) as err:
            w.svc.schedules.promote(schedule.uid)
        assert err.value.field == "mc_uids"
        assert err.value.reason == f"MC {w.mc.uid} is banned and cannot be booked (show {show})"
        assert w.statuses() == before

    def test_buffer_warnings_come_back_with_a_successful_promotion(self, w: World) -> None:
        w.svc.studio_rooms.update(w.room.uid, {"changeover_minutes": 30})
        booked = w.direct(1, 2)
        schedule = w.schedule()
        draft = w.draft(schedule, 2.25, 3)
        result = w.svc.schedules.promote(schedule.uid)
        assert [(c.kind, c.severity, c.show_uids) for c in result.warnings] == [
            (ConflictKind.ROOM_CHANGEOVER, Severity.WARN, (booked, draft))
        ]
        warning = result.warnings[0]
        assert warning.reason == (
            'Room A needs 30 min changeover between "direct 1" (ends 11:00) and "draft 2.25" '
            "(starts 11:15) (Europe/Berlin, Mon 2 Mar 2026; UTC 10:00 and 10:15): it has 15 min"
        )
        assert (warning.resource_name, warning.time_zone) == ("A", "Europe/Berlin")
        assert [(s.name, s.local_start.hour, s.start.hour) for s in warning.shows] == [
            ("direct 1", 10, 9),
            ("draft 2.25", 11, 10),
        ]

    def test_a_studio_can_make_buffer_conflicts_block(self, w: World) -> None:
        w.svc.studios.update(w.studio.uid, {"mc_rest_severity": Severity.BLOCK})
        w.svc.mcs.update(w.mc.uid, {"min_rest_minutes": 60})
        w.direct(1, 2, mcs=(w.mc,))
        schedule = w.schedule()
        w.draft(schedule, 2.5, 3, room=w.room2, mcs=(w.mc,))
        with pytest.raises(ConflictError) as err:
            w.svc.schedules.promote(schedule.uid)
        assert [(c.kind, c.severity) for c in err.value.conflicts] == [
            (ConflictKind.MC_REST, Severity.BLOCK)
        ]

    def test_check_promotion_reports_without_writing(self, w: World) -> None:
        w.direct(1, 2)
        schedule = w.schedule()
        clash = w.draft(schedule, 1, 2)
        roomless = w.draft(schedule, 4, 5, roomless=True)
        before = w.statuses()
        report = w.svc.schedules.check_promotion(schedule.uid)
        assert w.statuses() == before
        assert set(report.show_uids) == {clash, roomless}
        assert [c.kind for c in report.blocking] == [ConflictKind.ROOM_OVERLAP]
        assert report.problems == (
            f"studio_room_uid: show {roomless} needs a studio room to be confirmed",
        )
        assert not report.promotable

    def test_only_admins_promote_but_anyone_may_check(self, w: World) -> None:
        schedule = w.schedule()
        w.draft(schedule, 1, 2)
        reader = Actor(user_uid=w.svc.users.create("r@example.com", "R").uid, role=UserRole.USER)
        with pytest.raises(PermissionDeniedError):
            w.svc.schedules.promote(schedule.uid, actor=reader)
        assert w.svc.schedules.check_promotion(schedule.uid, actor=reader).promotable
        admin = w.svc.users.create("a@example.com", "A", role=UserRole.ADMIN)
        as_admin = w.svc.users.actor(admin.uid)
        with pytest.raises(ValidationError, match="not approved by the client") as err:
            w.svc.schedules.promote(schedule.uid, actor=as_admin)  # no approval, no reason
        assert err.value.field == "reason"
        result = w.svc.schedules.promote(
            schedule.uid, reason="client agreed by phone", actor=as_admin
        )
        assert w.svc.schedules.versions(schedule.uid)[-1].created_by_uid == admin.uid
        assert result.schedule.schedule_status is ScheduleStatus.CONFIRMED
        assert result.schedule.approved_by_uid == admin.uid
        assert result.schedule.approval_note == (
            "confirmed without client approval: client agreed by phone"
        )


class TestApproval:
    """Proposed to the client, sent back with a reason, proposed again, approved,
    confirmed: each step recorded."""

    def test_the_client_approves_a_proposal_and_sending_back_needs_a_reason(self, w: World) -> None:
        schedule = w.schedule()
        w.draft(schedule, 1, 2)
        svc = w.svc.schedules
        with pytest.raises(InvalidTransitionError, match="from 'draft' to 'approved'"):
            svc.approve(schedule.uid)
        proposed = svc.propose(schedule.uid)
        assert proposed.version == 2
        with pytest.raises(ValidationError) as err:
            svc.send_back(schedule.uid, "  ")
        assert err.value.field == "reason"
        back = svc.send_back(schedule.uid, "move Tuesday's show to the afternoon")
        assert back.schedule_status is ScheduleStatus.DRAFT
        assert back.approval_note == "move Tuesday's show to the afternoon"
        svc.propose(schedule.uid)
        approved = svc.approve(schedule.uid, note="looks good")
        assert approved.approved_at is not None
        assert approved.approval_note == "looks good"
        assert svc.approve(schedule.uid) == approved  # approving again changes nothing
        assert svc.transition(schedule.uid, "draft", reason="one more change").approved_at is None
        notes = [v.note for v in svc.versions(schedule.uid)]
        assert notes == ["created", "proposed", "proposed"]

    def test_the_approval_fields_are_not_edited_directly(self, w: World) -> None:
        schedule = w.schedule()
        for field in ("approved_at", "approved_by_uid", "approval_note"):
            with pytest.raises(ValidationError) as err:
                w.svc.schedules.update(schedule.uid, {field: None})
            assert err.value.field == field


class TestSingleShowChecks:
    """Confirming, moving or adding an MC to one show goes through the same guard."""

    def test_a_direct_booking_that_overlaps_is_refused_with_the_report(self, w: World) -> None:
        first = w.direct(1, 3, mcs=(w.mc,))
        before = w.statuses()
        with pytest.raises(ConflictError) as err:
            w.svc.shows.create(
                "late", at(2), at(4), studio_room_uid=w.room2.uid, mc_uids=[w.mc.uid]
            )
        (conflict,) = err.value.conflicts
        assert conflict.kind is ConflictKind.MC_OVERLAP
        assert conflict.show_uids[0] == first
        assert str(err.value) == (  # the new show by its name: its uid will never exist
            'MC Jo is double-booked: "direct 1" 10:00-12:00 and "late" 11:00-13:00 '
            "(Europe/Berlin, Mon 2 Mar 2026; UTC 09:00-11:00 and 10:00-12:00), overlap 1 h"
        )
        assert w.statuses() == before

    def test_moving_into_a_taken_slot_is_refused(self, w: World) -> None:
        w.direct(1, 3)
        other = w.direct(4, 5)
        with pytest.raises(ConflictError) as err:
            w.svc.shows.reschedule(other, {"show_start": at(2), "show_end": at(4)})
        assert [c.kind for c in err.value.conflicts] == [ConflictKind.ROOM_OVERLAP]
        assert w.svc.shows.get(other).show_start == at(4)

    def test_confirming_a_single_draft_checks_it(self, w: World) -> None:
        w.direct(1, 3)
        schedule = w.schedule()
        draft = w.draft(schedule, 2, 4)
        with pytest.raises(ConflictError):
            w.svc.shows.confirm(draft)
        assert w.svc.shows.get(draft).show_status is ShowStatus.DRAFT

    def test_adding_a_busy_mc_to_a_booked_show_is_refused(self, w: World) -> None:
        w.direct(1, 3, mcs=(w.mc,))
        other = w.direct(2, 4, room=w.room2)
        with pytest.raises(ConflictError):
            w.svc.shows.add_mc(other, w.mc.uid)
        assert w.svc.shows.mcs(other) == []

    def test_cancelled_and_deleted_shows_free_their_room_and_mcs(self, w: World) -> None:
        cancelled = w.direct(1, 3, mcs=(w.mc,))
        w.svc.shows.cancel(cancelled)
        deleted = w.direct(1, 3, mcs=(w.mc,))
        w.svc.shows.delete(deleted)
        again = w.direct(1, 3, mcs=(w.mc,))
        assert w.svc.shows.get(again).show_status is ShowStatus.CONFIRMED
        assert w.svc.scheduling.conflicts() == []


class TestBulkConfirmation:
    """An explicit list of drafts confirmed together, all or nothing."""

    def test_listed_drafts_are_confirmed_together_with_a_version_each(self, w: World) -> None:
        one, two = w.schedule("One"), w.schedule("Two")
        a = w.draft(one, 1, 2)
        b = w.draft(one, 3, 4)
        left = w.draft(one, 5, 6)
        c = w.draft(two, 1, 2, room=w.room2)
        done = w.svc.schedules.confirm_shows([a, b, c])
        assert done.confirmed_show_uids == (a, b, c)
        assert done.versions == {one.uid: 2, two.uid: 2}
        status = {u: w.svc.shows.get(u).show_status for u in (a, b, c, left)}
        assert status == {
            a: ShowStatus.CONFIRMED,
            b: ShowStatus.CONFIRMED,
            c: ShowStatus.CONFIRMED,
            left: ShowStatus.DRAFT,
        }
        assert w.svc.schedules.versions(one.uid)[-1].note == "2 show(s) confirmed"

    def test_one_conflict_refuses_them_all_with_the_report(self, w: World) -> None:
        booked = w.direct(1, 3)
        schedule = w.schedule()
        fine = w.draft(schedule, 5, 6)
        clash = w.draft(schedule, 2, 4)
        before = w.statuses()
        with pytest.raises(ConflictError) as err:
            w.svc.schedules.confirm_shows([fine, clash])
        assert [c.show_uids for c in err.value.conflicts] == [(booked, clash)]
        assert w.statuses() == before
        assert w.svc.schedules.get(schedule.uid).version == 1

    def test_only_drafts_of_open_schedules_and_only_existing_ones(self, w: World) -> None:
        booked = w.direct(1, 2)
        schedule = w.schedule()
        draft = w.draft(schedule, 3, 4)
        with pytest.raises(InvalidTransitionError):
            w.svc.schedules.confirm_shows([draft, booked])
        with pytest.raises(NotFoundError):
            w.svc.schedules.confirm_shows([draft, "show_01JD0000000000000000000000"])
        with pytest.raises(ValidationError) as err:
            w.svc.schedules.confirm_shows([])
        assert err.value.field == "show_uids"
        assert w.svc.shows.get(draft).show_status is ShowStatus.DRAFT
