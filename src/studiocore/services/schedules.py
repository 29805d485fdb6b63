"""Schedules: a client's plan of draft shows in one studio, and the
"Promotable Draft" promotion that confirms them all at once or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from studiocore.entities import Schedule, Show
from studiocore.errors import (
    ConcurrencyError,
    ConflictError,
    InvalidTransitionError,
    ValidationError,
)
from studiocore.lookups import ScheduleStatus, ShowStatus
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import ShowQuery, UnitOfWork
from studiocore.scheduling.diff import ShowChange
from studiocore.scheduling.versions import ScheduleSnapshot, VersionSummary
from studiocore.scheduling.workflow import (
    FINAL_SCHEDULE_STATUSES,
    HOLDING_SHOW_STATUSES,
    OPEN_SCHEDULE_STATUSES,
    check_schedule_transition,
    parse_status,
)

from . import _versions
from ._base import CrudService, Work, reads, require, writes
from ._versions import record_full
from .promotion import PromotionResult, SchedulePromotion

__all__ = ["ScheduleService"]


def _without_approval(note: str | None) -> dict[str, Any]:
    """The fields of a schedule whose proposal (with the client's approval, if
    any) is made again or sent back, ``note`` saying why."""
    return {"approved_at": None, "approved_by_uid": None, "approval_note": note}


class ScheduleService(SchedulePromotion, CrudService[Schedule]):
    """Schedules: create, read, update, soft-delete, status workflow
    (draft -> proposed -> confirmed -> archived; draft, proposed and confirmed ->
    cancelled) and promotion of their draft shows.

    Confirming a schedule *is* promoting it: every draft show is checked against
    the reserving shows and against the other drafts, and either all become
    confirmed in one unit of work or nothing changes. A draft schedule may be
    promoted directly (it passes through proposed, audited as two steps).
    """

    entity_type = Schedule
    read_only_fields = frozenset(
        {
            "schedule_status",
            "version",
            "client_uid",
            "studio_uid",
            "approved_at",
            "approved_by_uid",
            "approval_note",
        }
    )

    # -- create ---------------------------------------------------------------------

    @writes
    def create(  # noqa: PLR0917 - the public signature takes five positional fields
        self,
        work: Work,
        client_uid: str,
        studio_uid: str,
        name: str,
        start_time: datetime,
        end_time: datetime,
        *,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> Schedule:
        """Create a draft schedule of ``client_uid`` in ``studio_uid`` over
        ``[start_time, end_time)``; version 1 is its first snapshot."""
        schedule = self._add(
            work,
            {
                "client_uid": client_uid,
                "studio_uid": studio_uid,
                "name": name,
                "start_time": start_time,
                "end_time": end_time,
                "description": description,
                "metadata": metadata or {},
                "schedule_status": ScheduleStatus.DRAFT,
                "version": 1,
            },
        )
        record_full(work, schedule, "created", [], self._now())
        return schedule

    # -- reads ----------------------------------------------------------------------

    @reads
    def shows(
        self, work: Work, uid: str, *, status: ShowStatus | None = None, actor: Actor = SYSTEM
    ) -> list[Show]:
        """The live shows of a schedule (optionally of one status), by start."""
        work.load(Schedule, uid, include_deleted=True)
        return work.shows.search(ShowQuery(schedule_uid=uid, status=status))

    @reads
    def versions(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> list[VersionSummary]:
        """Every version of a schedule, oldest first, without their shows."""
        work.load(Schedule, uid, include_deleted=True)
        return _versions.summaries(_versions.stored(work, uid))

    @reads
    def version(
        self, work: Work, uid: str, number: int, *, actor: Actor = SYSTEM
    ) -> ScheduleSnapshot:
        """Version ``number`` of a schedule with the state of every show it
        records (``NotFoundError`` if it has none)."""
        work.load(Schedule, uid, include_deleted=True)
        return _versions.snapshot(_versions.stored(work, uid), number)

    @reads
    def diff(
        self, work: Work, uid: str, old: int, new: int, *, actor: Actor = SYSTEM
    ) -> list[ShowChange]:
        """How the schedule's shows changed from version ``old`` to version
        ``new``: each changed show with its kinds of change and change types
        (:mod:`studiocore.scheduling.diff`), by start time."""
        work.load(Schedule, uid, include_deleted=True)
        return _versions.diff(_versions.stored(work, uid), old, new)

    # -- update / delete --------------------------------------------------------------

    def _validate(self, uow: UnitOfWork, new: Schedule, old: Schedule | None) -> None:
        if old is None:
            require(uow.clients, new.client_uid, "client_uid", "client")
            require(uow.studios, new.studio_uid, "studio_uid", "studio")
            return
        if old.schedule_status in FINAL_SCHEDULE_STATUSES:
            raise ValidationError(
                "schedule_status", f"a {old.schedule_status.value} schedule cannot be changed"
            )
        if (new.start_time, new.end_time) != (old.start_time, old.end_time):
            if old.schedule_status not in OPEN_SCHEDULE_STATUSES:
                raise ValidationError(
                    "start_time",
                    f"the window of a {old.schedule_status.value} schedule cannot change",
                )
            for show in uow.shows.search(ShowQuery(schedule_uid=new.uid)):
                if show.show_status is ShowStatus.CANCELLED:
                    continue
                if show.show_start < new.start_time or show.show_end > new.end_time:
                    raise ValidationError(
                        "start_time" if show.show_start < new.start_time else "end_time",
                        f"show {show.uid} would fall outside the schedule",
                    )

    @writes
    def delete(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> None:
        """Soft-delete a schedule. Its draft shows are cancelled with it; a
        schedule with confirmed or live shows is refused (cancel those first)."""
        old = work.load(Schedule, uid)
        shows = work.shows.search(ShowQuery(schedule_uid=uid))
        holding = [s.uid for s in shows if s.show_status in HOLDING_SHOW_STATUSES]
        if holding:
            raise ConflictError(
                f"schedule {uid} has {len(holding)} confirmed or live show(s), first "
                f"{holding[0]}; cancel them first"
            )
        now = self._now()
        self._cancel_drafts(work, [s.uid for s in shows if s.show_status is ShowStatus.DRAFT])
        work.schedules.update(attrs.evolve(old, deleted_at=now, updated_at=now))

    # -- workflow -------------------------------------------------------------------

    def transition(
        self,
        uid: str,
        target: ScheduleStatus | str,
        *,
        reason: str | None = None,
        actor: Actor = SYSTEM,
    ) -> Schedule:
        """Move a schedule to ``target`` status, through the use case of that
        step: :meth:`propose`, :meth:`send_back` (to ``draft``, with a
        ``reason``), :meth:`confirm` (promotes its drafts), :meth:`archive` or
        :meth:`cancel`."""
        status = parse_status(ScheduleStatus, target, "schedule_status")
        if status is ScheduleStatus.CONFIRMED:
            return self.promote(uid, reason=reason, actor=actor).schedule
        if status is ScheduleStatus.DRAFT:
            return self.send_back(uid, reason or "", actor=actor)
        step = {
            ScheduleStatus.PROPOSED: self.propose,
            ScheduleStatus.ARCHIVED: self.archive,
            ScheduleStatus.CANCELLED: self.cancel,
        }.get(status)
        if step is None:
            raise ValidationError("schedule_status", f"no workflow step leads to {status.value}")
        return step(uid, actor=actor)

    def _step(
        self, work: Work, uid: str, target: ScheduleStatus, **changes: Any
    ) -> tuple[Schedule, Schedule]:
        """Check and write one workflow step of ``uid``; the schedule before and after."""
        old = work.load(Schedule, uid)
        check_schedule_transition(uid, old.schedule_status, target)
        new = attrs.evolve(old, schedule_status=target, updated_at=self._now(), **changes)
        work.schedules.update(new)
        return old, new

    @writes
    def propose(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> Schedule:
        """draft -> proposed: offer the plan to the client, who approves it or
        sends it back. Records a new version."""
        _, new = self._step(work, uid, ScheduleStatus.PROPOSED, **_without_approval(None))
        new = attrs.evolve(new, version=new.version + 1)
        work.schedules.update(new)
        record_full(work, new, "proposed", work.bookings.schedule_shows(uid), self._now())
        return new

    @writes
    def send_back(self, work: Work, uid: str, reason: str, *, actor: Actor = SYSTEM) -> Schedule:
        """proposed -> draft: the client asked for changes (or the studio takes
        its proposal back); ``reason`` says why."""
        old = work.load(Schedule, uid)
        check_schedule_transition(uid, old.schedule_status, ScheduleStatus.DRAFT)
        if not (reason or "").strip():
            raise ValidationError("reason", "say why the proposal goes back to draft")
        _, new = self._step(work, uid, ScheduleStatus.DRAFT, **_without_approval(reason.strip()))
        return new

    @writes
    def approve(
        self, work: Work, uid: str, *, note: str | None = None, actor: Actor = SYSTEM
    ) -> Schedule:
        """The client approves the proposed schedule (its managers' call): the
        studio may then confirm it. Approving an approved proposal changes nothing."""
        old = work.load(Schedule, uid)
        if old.schedule_status is not ScheduleStatus.PROPOSED:
            raise InvalidTransitionError("schedule", uid, old.schedule_status.value, "approved")
        if old.approved_at is not None:
            return old
        new = attrs.evolve(
            old,
            approved_at=self._now(),
            approved_by_uid=work.actor.user_uid,
            approval_note=note,
            updated_at=self._now(),
        )
        work.schedules.update(new)
        return new

    def confirm(
        self, uid: str, *, reason: str | None = None, actor: Actor = SYSTEM
    ) -> PromotionResult:
        """Confirm the schedule: the same as :meth:`promote`."""
        return self.promote(uid, reason=reason, actor=actor)

    @writes
    def archive(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> Schedule:
        """confirmed -> archived."""
        return self._step(work, uid, ScheduleStatus.ARCHIVED)[1]

    @writes
    def cancel(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> Schedule:
        """draft, proposed or confirmed -> cancelled; its draft shows are cancelled
        too (confirmed shows keep their bookings until cancelled one by one)."""
        _, new = self._step(work, uid, ScheduleStatus.CANCELLED)
        drafts = work.shows.search(ShowQuery(schedule_uid=uid, status=ShowStatus.DRAFT))
        self._cancel_drafts(work, [s.uid for s in drafts])
        return new

    # -- helpers --------------------------------------------------------------------

    def _cancel_drafts(self, work: Work, uids: Sequence[str]) -> None:
        if not uids:
            return
        changed = work.shows.set_status(
            uids, ShowStatus.CANCELLED, expected=ShowStatus.DRAFT, at=self._now()
        )
        if changed != len(uids):
            raise ConcurrencyError("draft shows changed while cancelling them; retry")
