"""Confirming drafts: the "Promotable Draft" promotion of a whole schedule, all
or nothing, and the bulk confirmation of a list of drafts; mixed into
:class:`~studiocore.services.ScheduleService`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from studiocore.conflicts import Conflict, Severity
from studiocore.entities import Schedule
from studiocore.errors import (
    ConcurrencyError,
    FieldProblem,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from studiocore.lookups import ScheduleStatus, ShowStatus
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import Booking, ScheduledShow, UnitOfWork
from studiocore.scheduling.guard import assess_schedule, blocking_error, ensure_bookable
from studiocore.scheduling.workflow import (
    OPEN_SCHEDULE_STATUSES,
    check_schedule_transition,
    mc_problems,
    raise_problems,
    room_problem,
)

from ._base import Service, Work, reads, writes
from ._versions import record_changes, record_full

__all__ = ["BulkConfirmation", "PromotionReport", "PromotionResult", "SchedulePromotion"]


@attrs.frozen(kw_only=True)
class PromotionReport:
    """What promoting a schedule would do, computed without writing anything.

    ``show_uids`` are the drafts that would be confirmed; ``conflicts`` every
    conflict they have (with reserving shows and with each other), BLOCK and
    WARN; ``problems`` the reasons besides conflicts that stop the promotion
    (the schedule's status, a draft without a room, a banned MC).
    """

    schedule_uid: str
    show_uids: tuple[str, ...]
    conflicts: tuple[Conflict, ...]
    problems: tuple[str, ...] = ()

    @property
    def blocking(self) -> tuple[Conflict, ...]:
        """The conflicts that stop the promotion."""
        return tuple(c for c in self.conflicts if c.severity is Severity.BLOCK)

    @property
    def warnings(self) -> tuple[Conflict, ...]:
        """The conflicts reported alongside a successful promotion."""
        return tuple(c for c in self.conflicts if c.severity is Severity.WARN)

    @property
    def promotable(self) -> bool:
        """Whether :meth:`ScheduleService.promote` would succeed now."""
        return not self.problems and not self.blocking


@attrs.frozen(kw_only=True)
class BulkConfirmation:
    """Drafts confirmed together: their uids, their WARN conflicts, and the new
    version of each schedule they belong to."""

    confirmed_show_uids: tuple[str, ...]
    warnings: tuple[Conflict, ...] = ()
    versions: dict[str, int] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class PromotionResult:
    """A successful promotion: the confirmed schedule, the shows it confirmed,
    the WARN conflicts they have, and the version snapshot written."""

    schedule: Schedule
    confirmed_show_uids: tuple[str, ...]
    warnings: tuple[Conflict, ...] = ()
    version: int = 0


class SchedulePromotion(Service):
    """The use cases that confirm drafts."""

    @reads
    def check_promotion(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> PromotionReport:
        """The report :meth:`promote` would act on, without writing or locking."""
        schedule = work.load(Schedule, uid)
        report, _, _ = self._assess(work, schedule, lock=False)
        return report

    @writes
    def promote(
        self, work: Work, uid: str, *, reason: str | None = None, actor: Actor = SYSTEM
    ) -> PromotionResult:
        """Confirm every draft show of a proposed schedule the client approved,
        all or nothing.

        Without the client's approval only a studio admin may confirm, giving a
        ``reason`` (recorded on the schedule and audited as an override); the
        in-process ``SYSTEM`` actor may confirm a draft or proposed schedule
        directly (scripts, imports).

        Inside one unit of work: lock the drafts' rooms and MCs, check every draft
        against the reserving shows (one set-based read) and against each other.
        A draft without a room or with a banned MC is a :class:`ValidationError`
        naming the show; any BLOCK conflict raises :class:`ConflictError` carrying
        the complete conflict list. Either way nothing changes. Otherwise all
        drafts become confirmed in one set-based write, the schedule becomes
        confirmed with a new version snapshot, and every change is audited.
        """
        schedule = work.load(Schedule, uid)
        if schedule.schedule_status is ScheduleStatus.CONFIRMED:
            return self._confirmed_already(work, schedule)
        path = self._promotion_path(schedule)
        approval = self._approval(work, schedule, reason)
        # who may, before what the data says (403 before 409)
        work.authorize(schedule, after=attrs.evolve(schedule, **approval))
        report, problems, shows = self._assess(work, schedule, lock=True)
        raise_problems(problems)
        error = blocking_error(report.conflicts, prefix=f"promotion of schedule {uid} refused: ")
        if error is not None:
            raise error
        now = self._now()
        changed = work.shows.set_status(
            report.show_uids, ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=now
        )
        if changed != len(report.show_uids):
            raise ConcurrencyError(
                f"schedule {uid}: {len(report.show_uids) - changed} draft(s) changed "
                "during promotion; retry"
            )
        new = schedule
        for _, after in path:  # each workflow step is a status change of its own
            new = attrs.evolve(new, schedule_status=after, updated_at=now)
            work.schedules.update(new)
        new = attrs.evolve(new, version=schedule.version + 1, **approval)
        work.schedules.update(new)
        note = f"promoted: {len(report.show_uids)} show(s) confirmed"
        if schedule.schedule_status is ScheduleStatus.PROPOSED:  # nothing else changed since
            record_changes(work, new, note, _confirmed_rows(report.show_uids), now)
        else:  # a draft schedule, confirmed directly: its plan changed since its last version
            record_full(work, new, note, shows, now, promoted=True)
        return PromotionResult(
            schedule=new,
            confirmed_show_uids=report.show_uids,
            warnings=report.warnings,
            version=new.version,
        )

    @writes
    def confirm_shows(
        self,
        work: Work,
        show_uids: Sequence[str],
        *,
        reason: str | None = None,
        actor: Actor = SYSTEM,
    ) -> BulkConfirmation:
        """Confirm an explicit list of drafts at once, all or nothing: each must
        be a draft of a draft or proposed schedule the client approved (a studio
        admin may confirm without, giving a ``reason``), and all of them are
        checked for conflicts together (with the booked shows and each other).
        Each schedule touched records a new version."""
        uids = list(dict.fromkeys(show_uids))
        if not uids:
            raise ValidationError("show_uids", "name at least one draft show")
        shows = work.shows.get_many(uids)
        for uid in uids:
            if uid not in shows:
                raise NotFoundError("Show", uid)
            work.authorize(shows[uid])
        drafts = [shows[uid] for uid in uids]
        for show in drafts:
            if show.show_status is not ShowStatus.DRAFT or show.schedule_uid is None:
                raise InvalidTransitionError(
                    "show", show.uid, show.show_status.value, ShowStatus.CONFIRMED.value
                )
        schedules = {
            sid: work.load(Schedule, sid)
            for sid in dict.fromkeys(d.schedule_uid for d in drafts if d.schedule_uid)
        }
        approvals = {}
        for schedule in schedules.values():
            if schedule.schedule_status not in OPEN_SCHEDULE_STATUSES:
                raise ValidationError(
                    "show_uids",
                    f"schedule {schedule.uid} is {schedule.schedule_status.value}; "
                    "its drafts cannot be confirmed",
                )
            approvals[schedule.uid] = self._approval(work, schedule, reason)
        mc_links = work.show_mcs.list(where={"show_uid": uids})
        mcs_of: dict[str, list[str]] = {uid: [] for uid in uids}
        for link in mc_links:
            mcs_of[link.show_uid].append(link.mc_uid)
        problems: list[FieldProblem] = []
        for show in drafts:
            problem = room_problem(show.uid, show.studio_room_uid, ShowStatus.CONFIRMED)
            problems += [problem] if problem else []
        mcs = work.mcs.get_many({mc for found in mcs_of.values() for mc in found})
        for show in drafts:
            problems += mc_problems(mcs, mcs_of[show.uid], "show_uids", show.uid)
        raise_problems(problems)
        rooms = work.studio_rooms.get_many({d.studio_room_uid for d in drafts if d.studio_room_uid})
        candidates = [
            Booking.of(
                attrs.evolve(d, show_status=ShowStatus.CONFIRMED),
                rooms[d.studio_room_uid].studio_uid if d.studio_room_uid in rooms else None,
                mcs_of[d.uid],
            )
            for d in drafts
        ]
        for show in drafts:  # who may, before what the data says (403 before 409)
            work.authorize(show, after=attrs.evolve(show, show_status=ShowStatus.CONFIRMED))
        for schedule in schedules.values():
            work.authorize(schedule, after=attrs.evolve(schedule, **approvals[schedule.uid]))
        warnings = ensure_bookable(work, candidates)
        now = self._now()
        changed = work.shows.set_status(
            uids, ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=now
        )
        if changed != len(uids):
            raise ConcurrencyError("draft shows changed while confirming them; retry")
        versions = {}
        for schedule in schedules.values():
            new = attrs.evolve(
                schedule, version=schedule.version + 1, updated_at=now, **approvals[schedule.uid]
            )
            work.schedules.update(new)
            mine = [d.uid for d in drafts if d.schedule_uid == schedule.uid]
            note = f"{len(mine)} show(s) confirmed"
            if schedule.schedule_status is ScheduleStatus.PROPOSED:
                record_changes(work, new, note, _confirmed_rows(mine), now)
            else:
                record_full(work, new, note, work.bookings.schedule_shows(schedule.uid), now)
            versions[schedule.uid] = new.version
        return BulkConfirmation(
            confirmed_show_uids=tuple(uids), warnings=tuple(warnings), versions=versions
        )

    def _confirmed_already(self, work: Work, schedule: Schedule) -> PromotionResult:
        """Confirming a confirmed schedule again: the same answer, nothing written
        (the shows it confirmed, as its confirmed shows are now)."""
        shows = work.bookings.schedule_shows(schedule.uid)
        held = {ShowStatus.CONFIRMED, ShowStatus.LIVE, ShowStatus.COMPLETED}
        return PromotionResult(
            schedule=schedule,
            confirmed_show_uids=tuple(s.show_uid for s in shows if s.status in held),
            version=schedule.version,
        )

    def _approval(self, work: Work, schedule: Schedule, reason: str | None) -> dict[str, Any]:
        """What confirming records of the client's approval: nothing when the
        client approved; the override and its reason when a studio admin
        confirms without (the policy decides who may); nothing for ``SYSTEM``."""
        if schedule.approved_at is not None or work.actor.is_system:
            return {}
        if reason is None or not reason.strip():
            raise ValidationError(
                "reason",
                f"schedule {schedule.uid} is not approved by the client: propose it and have "
                "the client approve it, or (a studio admin) confirm it giving a reason",
            )
        return {
            "approved_at": self._now(),
            "approved_by_uid": work.actor.user_uid,
            "approval_note": f"confirmed without client approval: {reason.strip()}",
        }

    def _promotion_path(self, schedule: Schedule) -> list[tuple[ScheduleStatus, ScheduleStatus]]:
        """The workflow steps from the schedule's status to confirmed."""
        path = [(schedule.schedule_status, ScheduleStatus.CONFIRMED)]
        if schedule.schedule_status is ScheduleStatus.DRAFT:
            path = [
                (ScheduleStatus.DRAFT, ScheduleStatus.PROPOSED),
                (ScheduleStatus.PROPOSED, ScheduleStatus.CONFIRMED),
            ]
        for before, after in path:
            check_schedule_transition(schedule.uid, before, after)
        return path

    def _assess(
        self, uow: UnitOfWork, schedule: Schedule, *, lock: bool
    ) -> tuple[PromotionReport, list[FieldProblem], list[ScheduledShow]]:
        # the schedule's shows, then bookings only around possible conflicts
        shows, conflicts = assess_schedule(uow, schedule.uid, lock=lock)
        drafts = [s for s in shows if s.status is ShowStatus.DRAFT]
        problems: list[FieldProblem] = []
        if schedule.schedule_status not in OPEN_SCHEDULE_STATUSES:
            problems.append(
                FieldProblem(
                    "schedule_status",
                    f"a {schedule.schedule_status.value} schedule cannot be promoted",
                )
            )
        problems += [
            p
            for d in drafts
            if (p := room_problem(d.show_uid, d.room_uid, ShowStatus.CONFIRMED)) is not None
        ]
        mcs = uow.mcs.get_many({mc for d in drafts for mc in d.mc_uids})
        for draft in drafts:
            problems += mc_problems(mcs, draft.mc_uids, "mc_uids", draft.show_uid)
        report = PromotionReport(
            schedule_uid=schedule.uid,
            show_uids=tuple(d.show_uid for d in drafts),
            conflicts=tuple(conflicts),
            problems=tuple(f"{p.field}: {p.reason}" for p in problems),
        )
        return report, problems, shows


def _confirmed_rows(uids: Sequence[str]) -> list[dict[str, Any]]:
    """A version's changes when drafts are confirmed: their status."""
    confirmed = ShowStatus.CONFIRMED.value
    return [{"uid": uid, "show_status": confirmed} for uid in uids]
