"""Schedules: a client's plan of draft shows in one studio, and the
"Promotable Draft" promotion that confirms them all at once or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from studiocore.conflicts import Conflict, Severity
from studiocore.entities import Schedule, ScheduleVersion, Show
from studiocore.errors import (
    ConcurrencyError,
    ConflictError,
    FieldProblem,
    ValidationError,
)
from studiocore.lookups import ScheduleStatus, ShowStatus
from studiocore.permissions import SYSTEM, Action, Actor
from studiocore.ports import ShowQuery, UnitOfWork
from studiocore.scheduling.guard import assess_schedule, blocking_error
from studiocore.scheduling.workflow import check_schedule_transition
from studiocore.serialization import to_jsonable

from ._base import CrudService, build

__all__ = ["PromotionReport", "PromotionResult", "ScheduleService"]

_OPEN = frozenset({ScheduleStatus.DRAFT, ScheduleStatus.PROPOSED})
_FINAL = frozenset({ScheduleStatus.ARCHIVED, ScheduleStatus.CANCELLED})
_HOLDING = frozenset({ShowStatus.CONFIRMED, ShowStatus.LIVE})


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
class PromotionResult:
    """A successful promotion: the confirmed schedule, the shows it confirmed,
    the WARN conflicts they have, and the version snapshot written."""

    schedule: Schedule
    confirmed_show_uids: tuple[str, ...]
    warnings: tuple[Conflict, ...] = ()
    version: int = 0


class ScheduleService(CrudService[Schedule]):
    """Schedules: create, read, update, soft-delete, status workflow
    (draft -> proposed -> confirmed -> archived; draft, proposed and confirmed ->
    cancelled) and promotion of their draft shows.

    Confirming a schedule *is* promoting it: every draft show is checked against
    the reserving shows and against the other drafts, and either all become
    confirmed in one unit of work or nothing changes. A draft schedule may be
    promoted directly (it passes through proposed, audited as two steps).
    """

    entity_type = Schedule
    resource = "schedules"
    read_only_fields = frozenset({"schedule_status", "version", "client_uid", "studio_uid"})

    # -- create ---------------------------------------------------------------------

    def create(
        self,
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
        self._authorize(actor, Action.WRITE, self.resource)
        schedule = build(
            Schedule,
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
            self._now(),
        )
        with self._uow() as uow:
            self._validate(uow, schedule, None)
            uow.schedules.add(schedule)
            self._audit(uow, actor, "create", schedule, new_values=to_jsonable(schedule))
            self._write_version(uow, schedule, actor, "created")
        return schedule

    # -- reads ----------------------------------------------------------------------

    def shows(
        self, uid: str, *, status: ShowStatus | None = None, actor: Actor = SYSTEM
    ) -> list[Show]:
        """The live shows of a schedule (optionally of one status), by start."""
        self._authorize(actor, Action.READ, self.resource, uid)
        with self._reader() as uow:
            uow.schedules.get(uid, include_deleted=True)
            return uow.shows.search(ShowQuery(schedule_uid=uid, status=status))

    def versions(self, uid: str, *, actor: Actor = SYSTEM) -> list[ScheduleVersion]:
        """Every snapshot of a schedule, oldest first."""
        self._authorize(actor, Action.READ, self.resource, uid)
        with self._reader() as uow:
            uow.schedules.get(uid, include_deleted=True)
            found = uow.schedule_versions.list(where={"schedule_uid": uid})
        return sorted(found, key=lambda v: v.version)

    # -- update / delete --------------------------------------------------------------

    def _validate(self, uow: UnitOfWork, new: Schedule, old: Schedule | None) -> None:
        if old is None:
            self._require(uow.clients, new.client_uid, "client_uid", "client")
            self._require(uow.studios, new.studio_uid, "studio_uid", "studio")
            return
        if old.schedule_status in _FINAL:
            raise ValidationError(
                "schedule_status", f"a {old.schedule_status.value} schedule cannot be changed"
            )
        if (new.start_time, new.end_time) != (old.start_time, old.end_time):
            if old.schedule_status not in _OPEN:
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

    def delete(self, uid: str, *, actor: Actor = SYSTEM) -> None:
        """Soft-delete a schedule. Its draft shows are cancelled with it; a
        schedule with confirmed or live shows is refused (cancel those first)."""
        self._authorize(actor, Action.WRITE, self.resource, uid)
        with self._uow() as uow:
            old = uow.schedules.get(uid)
            shows = uow.shows.search(ShowQuery(schedule_uid=uid))
            holding = [s.uid for s in shows if s.show_status in _HOLDING]
            if holding:
                raise ConflictError(
                    f"schedule {uid} has {len(holding)} confirmed or live show(s), first "
                    f"{holding[0]}; cancel them first"
                )
            now = self._now()
            self._cancel_drafts(uow, actor, [s for s in shows if s.show_status is ShowStatus.DRAFT])
            uow.schedules.update(attrs.evolve(old, deleted_at=now, updated_at=now))
            self._audit(
                uow,
                actor,
                "delete",
                old,
                old_values={"deleted_at": None},
                new_values={"deleted_at": now.isoformat()},
            )

    # -- workflow -------------------------------------------------------------------

    def transition(
        self, uid: str, target: ScheduleStatus | str, *, actor: Actor = SYSTEM
    ) -> Schedule:
        """Move a schedule to ``target`` status. ``confirmed`` promotes its drafts
        (see :meth:`promote`); ``cancelled`` also cancels its draft shows."""
        try:
            target = ScheduleStatus(target)
        except ValueError:
            raise ValidationError(
                "schedule_status",
                f"unknown status {target!r}; expected one of "
                + ", ".join(s.value for s in ScheduleStatus),
            ) from None
        if target is ScheduleStatus.CONFIRMED:
            return self.promote(uid, actor=actor).schedule
        self._authorize(actor, Action.WRITE, self.resource, uid)
        with self._uow() as uow:
            old = uow.schedules.get(uid)
            check_schedule_transition(uid, old.schedule_status, target)
            if target is ScheduleStatus.CANCELLED:
                drafts = uow.shows.search(ShowQuery(schedule_uid=uid, status=ShowStatus.DRAFT))
                self._cancel_drafts(uow, actor, drafts)
            new = attrs.evolve(old, schedule_status=target, updated_at=self._now())
            uow.schedules.update(new)
            self._audit_status(uow, actor, new, old.schedule_status, target)
        return new

    def propose(self, uid: str, *, actor: Actor = SYSTEM) -> Schedule:
        """draft -> proposed: offer the plan to the client."""
        return self.transition(uid, ScheduleStatus.PROPOSED, actor=actor)

    def confirm(self, uid: str, *, actor: Actor = SYSTEM) -> PromotionResult:
        """Confirm the schedule: the same as :meth:`promote`."""
        return self.promote(uid, actor=actor)

    def archive(self, uid: str, *, actor: Actor = SYSTEM) -> Schedule:
        """confirmed -> archived."""
        return self.transition(uid, ScheduleStatus.ARCHIVED, actor=actor)

    def cancel(self, uid: str, *, actor: Actor = SYSTEM) -> Schedule:
        """draft, proposed or confirmed -> cancelled; its draft shows are cancelled
        too (confirmed shows keep their bookings until cancelled one by one)."""
        return self.transition(uid, ScheduleStatus.CANCELLED, actor=actor)

    # -- promotion ------------------------------------------------------------------

    def check_promotion(self, uid: str, *, actor: Actor = SYSTEM) -> PromotionReport:
        """The report :meth:`promote` would act on, without writing or locking."""
        self._authorize(actor, Action.READ, self.resource, uid)
        with self._reader() as uow:
            schedule = uow.schedules.get(uid)
            report, _ = self._assess(uow, schedule, lock=False)
        return report

    def promote(self, uid: str, *, actor: Actor = SYSTEM) -> PromotionResult:
        """Confirm every draft show of a draft or proposed schedule, all or nothing.

        Inside one unit of work: lock the drafts' rooms and MCs, check every draft
        against the reserving shows (one set-based read) and against each other.
        A draft without a room or with a banned MC is a :class:`ValidationError`
        naming the show; any BLOCK conflict raises :class:`ConflictError` carrying
        the complete conflict list. Either way nothing changes. Otherwise all
        drafts become confirmed in one set-based write, the schedule becomes
        confirmed with a new version snapshot, and every change is audited.
        """
        self._authorize(actor, Action.WRITE, self.resource, uid)
        with self._uow() as uow:
            schedule = uow.schedules.get(uid)
            path = self._promotion_path(schedule)
            report, problems = self._assess(uow, schedule, lock=True)
            if problems:
                raise ValidationError(problems[0].field, problems[0].reason, problems=problems)
            error = blocking_error(
                report.conflicts, prefix=f"promotion of schedule {uid} refused: "
            )
            if error is not None:
                raise error
            now = self._now()
            changed = uow.shows.set_status(
                report.show_uids, ShowStatus.CONFIRMED, expected=ShowStatus.DRAFT, at=now
            )
            if changed != len(report.show_uids):
                raise ConcurrencyError(
                    f"schedule {uid}: {len(report.show_uids) - changed} draft(s) changed "
                    "during promotion; retry"
                )
            for show_uid in report.show_uids:
                self._audit_show(uow, actor, show_uid, ShowStatus.DRAFT, ShowStatus.CONFIRMED)
            new = attrs.evolve(
                schedule,
                schedule_status=ScheduleStatus.CONFIRMED,
                version=schedule.version + 1,
                updated_at=now,
            )
            uow.schedules.update(new)
            for before, after in path:
                self._audit_status(
                    uow,
                    actor,
                    new,
                    before,
                    after,
                    metadata={"confirmed_shows": list(report.show_uids)}
                    if after is ScheduleStatus.CONFIRMED
                    else None,
                )
            self._write_version(
                uow, new, actor, f"promoted: {len(report.show_uids)} show(s) confirmed"
            )
        return PromotionResult(
            schedule=new,
            confirmed_show_uids=report.show_uids,
            warnings=report.warnings,
            version=new.version,
        )

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
    ) -> tuple[PromotionReport, list[FieldProblem]]:
        # the drafts' resources, then bookings only around possible conflicts
        drafts, conflicts = assess_schedule(uow, schedule.uid, lock=lock)
        show_uids = tuple(d.show_uid for d in drafts)
        problems: list[FieldProblem] = []
        if schedule.schedule_status not in _OPEN:
            problems.append(
                FieldProblem(
                    "schedule_status",
                    f"a {schedule.schedule_status.value} schedule cannot be promoted",
                )
            )
        problems += [
            FieldProblem(
                "studio_room_uid", f"show {d.show_uid} needs a studio room to be confirmed"
            )
            for d in drafts
            if d.room_uid is None
        ]
        wanted = {mc for d in drafts for mc in d.mc_uids}
        mcs = uow.mcs.get_many(wanted)
        unbookable = {uid for uid in wanted if uid not in mcs or mcs[uid].is_banned}
        for draft in drafts if unbookable else ():
            for mc_uid in draft.mc_uids:  # sorted
                if mc_uid not in mcs:
                    problems.append(
                        FieldProblem(
                            "mc_uids", f"MC {mc_uid} of show {draft.show_uid} does not exist"
                        )
                    )
                elif mc_uid in unbookable:
                    problems.append(
                        FieldProblem(
                            "mc_uids",
                            f"MC {mc_uid} is banned and cannot be booked (show {draft.show_uid})",
                        )
                    )
        report = PromotionReport(
            schedule_uid=schedule.uid,
            show_uids=show_uids,
            conflicts=tuple(conflicts),
            problems=tuple(f"{p.field}: {p.reason}" for p in problems),
        )
        return report, problems

    # -- helpers --------------------------------------------------------------------

    def _cancel_drafts(self, uow: UnitOfWork, actor: Actor, drafts: Sequence[Show]) -> None:
        drafts = [s for s in drafts if s.show_status is ShowStatus.DRAFT]
        uids = [s.uid for s in drafts]
        if not uids:
            return
        changed = uow.shows.set_status(
            uids, ShowStatus.CANCELLED, expected=ShowStatus.DRAFT, at=self._now()
        )
        if changed != len(uids):
            raise ConcurrencyError("draft shows changed while cancelling them; retry")
        for show in drafts:
            self._audit_show(uow, actor, show.uid, ShowStatus.DRAFT, ShowStatus.CANCELLED)

    def _audit_show(
        self, uow: UnitOfWork, actor: Actor, show_uid: str, before: ShowStatus, after: ShowStatus
    ) -> None:
        self._audit_uid(
            uow,
            actor,
            "status_change",
            Show.TABLE,
            show_uid,
            old_values={"show_status": before.value},
            new_values={"show_status": after.value},
        )

    def _audit_status(
        self,
        uow: UnitOfWork,
        actor: Actor,
        schedule: Schedule,
        before: ScheduleStatus,
        after: ScheduleStatus,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._audit(
            uow,
            actor,
            "status_change",
            schedule,
            old_values={"schedule_status": before.value},
            new_values={"schedule_status": after.value},
            metadata=metadata,
        )

    def _write_version(self, uow: UnitOfWork, schedule: Schedule, actor: Actor, note: str) -> None:
        """Store snapshot ``schedule.version``: the schedule, its shows and their MCs."""
        shows = uow.shows.search(ShowQuery(schedule_uid=schedule.uid))
        links = uow.show_mcs.list(where={"show_uid": [s.uid for s in shows]}) if shows else []
        by_show: dict[str, list[Any]] = {}
        for link in links:
            by_show.setdefault(link.show_uid, []).append(to_jsonable(link))
        snapshot = {
            "schedule": to_jsonable(schedule),
            "shows": [{**to_jsonable(s), "mcs": by_show.get(s.uid, [])} for s in shows],
        }
        version = build(
            ScheduleVersion,
            {
                "schedule_uid": schedule.uid,
                "version": schedule.version,
                "snapshot": snapshot,
                "created_by_uid": actor.user_uid,
                "note": note,
            },
            self._now(),
        )
        uow.schedule_versions.add(version)
        self._audit(uow, actor, "create", version, new_values={"version": version.version})
