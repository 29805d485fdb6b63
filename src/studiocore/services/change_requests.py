"""Change requests: how a proposed or confirmed schedule changes.

A change request carries a category (``CLIENT_REQUESTED``, ``OPERATIONAL``,
``FORCE_MAJEURE``), a reason and concrete operations on the schedule's shows:

=================  ==============================================================
``op``             fields
=================  ==============================================================
``move``           ``show_uid``, ``show_start``, ``show_end``
``change_room``    ``show_uid``, ``studio_room_uid``
``add_mc``         ``show_uid``, ``mc_uid`` (``remove_mc`` likewise)
``add_platform``   ``show_uid``, ``platform_uid`` (``remove_platform`` likewise)
``add_show``       ``name``, ``show_start``, ``show_end``, ``studio_room_uid``,
                   optional ``mc_uids``, ``platform_uids``, ``show_type``,
                   ``show_standard``
``cancel_show``    ``show_uid``
=================  ==============================================================

Its change types are derived from the operations by the classifier of the
version diffs (:mod:`studiocore.scheduling.diff`). It moves ``pending ->
approved -> applied``, or ``rejected``, or ``withdrawn``; who decides depends on
the category (the access table's ``change_requests`` row): a client-requested
change is approved by the studio's managers, an operational one by the client's
managers, never by whoever raised it; a force-majeure change is applied at once
by a studio admin and acknowledged by the client's managers afterwards.
Applying checks every changed show for conflicts at once (all or nothing),
writes the changes and a new version of the schedule in one unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from studiocore.conflicts import Conflict
from studiocore.entities import ChangeRequest, Schedule
from studiocore.errors import (
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from studiocore.lookups import ChangeRequestStatus, ScheduleStatus
from studiocore.permissions import SYSTEM, Actor
from studiocore.scheduling.diff import (
    ChangeType,
    ShowChange,
    change_types_of,
)
from studiocore.scheduling.guard import assess_bookings, ensure_bookable
from studiocore.scheduling.versions import row_of

from ._base import CrudService, Work, build, reads, writes
from ._change_plans import Plan, bookings_of, parse_operations, plan_changes, release, write
from ._versions import record_changes

__all__ = [
    "CHANGE_CATEGORIES",
    "ChangeApplied",
    "ChangePreview",
    "ChangeRequestService",
]

CLIENT_REQUESTED, OPERATIONAL, FORCE_MAJEURE = "CLIENT_REQUESTED", "OPERATIONAL", "FORCE_MAJEURE"
CHANGE_CATEGORIES = (CLIENT_REQUESTED, OPERATIONAL, FORCE_MAJEURE)
"""The categories the workflow knows (rows of the ``change_categories`` lookup)."""

_CHANGEABLE = frozenset({ScheduleStatus.PROPOSED, ScheduleStatus.CONFIRMED})
_OPEN = frozenset({ChangeRequestStatus.PENDING, ChangeRequestStatus.APPROVED})
_TYPE_ORDER = (
    ChangeType.SCOPE_CHANGE,
    ChangeType.TIME_CHANGE,
    ChangeType.RESOURCE_CHANGE,
    ChangeType.OTHER,
)


@attrs.frozen(kw_only=True)
class ChangePreview:
    """What applying a change request would do now: each changed show (before
    and after) and the conflicts the result would have (BLOCK and WARN)."""

    change_request: ChangeRequest
    changes: tuple[ShowChange, ...]
    conflicts: tuple[Conflict, ...]
    problems: tuple[str, ...] = ()

    @property
    def applicable(self) -> bool:
        """Whether applying would succeed now (conflict-wise)."""
        return not self.problems and not any(c.blocking for c in self.conflicts)


@attrs.frozen(kw_only=True)
class ChangeApplied:
    """An applied change request: the request, the schedule's new version and
    the WARN conflicts of the changed shows."""

    change_request: ChangeRequest
    version: int
    warnings: tuple[Conflict, ...] = ()


class ChangeRequestService(CrudService[ChangeRequest]):
    """Change requests to proposed and confirmed schedules (see the module
    docstring). ``create`` raises one; ``approve``, ``reject``, ``withdraw``,
    ``apply`` and ``acknowledge`` move it; ``preview`` shows what it would do."""

    entity_type = ChangeRequest
    read_only_fields = frozenset(
        {
            "schedule_uid",
            "change_category",
            "change_type",
            "status",
            "payload",
            "requested_by_uid",
            "reviewed_by_uid",
            "decided_at",
        }
    )

    # -- raising ------------------------------------------------------------------------

    @writes
    def create(
        self,
        work: Work,
        schedule_uid: str,
        change_category: str,
        reason: str,
        operations: Sequence[Mapping[str, Any]],
        *,
        actor: Actor = SYSTEM,
    ) -> ChangeRequest:
        """Raise a change request on a proposed or confirmed schedule. A
        ``FORCE_MAJEURE`` change (a studio admin's call) is applied at once."""
        schedule = work.load(Schedule, schedule_uid)
        if schedule.schedule_status not in _CHANGEABLE:
            raise ValidationError(
                "schedule_uid",
                f"schedule {schedule_uid} is {schedule.schedule_status.value}: change requests "
                "are for proposed or confirmed schedules (edit a draft schedule's shows directly)",
            )
        if change_category not in CHANGE_CATEGORIES:
            raise ValidationError(
                "change_category", f"must be one of {', '.join(CHANGE_CATEGORIES)}"
            )
        if not (reason or "").strip():
            raise ValidationError("reason", "say why the schedule should change")
        ops = parse_operations(operations)
        plan = plan_changes(work, schedule, ops)
        types = change_types_of(k for c in plan.changes() for k in c.kinds)
        ordered = [t.value for t in _TYPE_ORDER if t in types] or [ChangeType.OTHER.value]
        request = build(
            ChangeRequest,
            {
                "schedule_uid": schedule_uid,
                "change_category": change_category,
                "change_type": ordered[0],
                "reason": reason.strip(),
                "payload": {"operations": ops, "change_types": ordered},
                "requested_by_uid": work.actor.user_uid,
                "status": ChangeRequestStatus.PENDING,
            },
            self._now(),
        )
        work.change_requests.add(request)
        if change_category == FORCE_MAJEURE:
            return self._apply(work, request, plan).change_request
        return request

    # -- reading ------------------------------------------------------------------------

    @reads
    def of_schedule(
        self,
        work: Work,
        schedule_uid: str,
        *,
        status: ChangeRequestStatus | None = None,
        actor: Actor = SYSTEM,
    ) -> list[ChangeRequest]:
        """The change requests of a schedule (optionally in one status), oldest first."""
        work.load(Schedule, schedule_uid, include_deleted=True)
        where: dict[str, object] = {"schedule_uid": schedule_uid}
        if status is not None:
            where["status"] = ChangeRequestStatus(status)
        found = work.change_requests.list(where=where)
        return sorted(found, key=lambda r: (r.created_at, r.uid))

    @reads
    def preview(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> ChangePreview:
        """The diff the request would make and the conflicts it would hit now
        (nothing written, nothing locked)."""
        request = work.load(ChangeRequest, uid)
        schedule = work.schedules.get(request.schedule_uid, include_deleted=True)
        try:
            plan = plan_changes(work, schedule, request.payload.get("operations", []))
        except (ValidationError, NotFoundError) as exc:
            return ChangePreview(
                change_request=request, changes=(), conflicts=(), problems=(str(exc),)
            )
        candidates = bookings_of(plan)
        conflicts = assess_bookings(work, candidates, lock=False) if candidates else []
        return ChangePreview(
            change_request=request, changes=tuple(plan.changes()), conflicts=tuple(conflicts)
        )

    # -- deciding -----------------------------------------------------------------------

    @writes
    def approve(
        self, work: Work, uid: str, *, note: str | None = None, actor: Actor = SYSTEM
    ) -> ChangeRequest:
        """The other side approves a pending request (approving it again changes nothing)."""
        request = work.load(ChangeRequest, uid)
        if request.status is ChangeRequestStatus.APPROVED:
            return request
        return self._decide(work, request, ChangeRequestStatus.APPROVED, note)

    @writes
    def reject(self, work: Work, uid: str, reason: str, *, actor: Actor = SYSTEM) -> ChangeRequest:
        """The other side turns a pending request down, saying why."""
        request = work.load(ChangeRequest, uid)
        if not (reason or "").strip():
            raise ValidationError("reason", "say why the change is rejected")
        return self._decide(work, request, ChangeRequestStatus.REJECTED, reason.strip())

    @writes
    def withdraw(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> ChangeRequest:
        """Whoever raised it (or their side) takes back a request not yet applied."""
        request = work.load(ChangeRequest, uid)
        if request.status not in _OPEN:
            raise InvalidTransitionError(
                "change request", uid, request.status.value, ChangeRequestStatus.WITHDRAWN.value
            )
        new = attrs.evolve(
            request,
            status=ChangeRequestStatus.WITHDRAWN,
            decided_at=self._now(),
            updated_at=self._now(),
        )
        work.change_requests.update(new)
        return new

    def _decide(
        self, work: Work, request: ChangeRequest, to: ChangeRequestStatus, note: str | None
    ) -> ChangeRequest:
        if request.status is not ChangeRequestStatus.PENDING:
            raise InvalidTransitionError(
                "change request", request.uid, request.status.value, to.value
            )
        if request.requested_by_uid is not None and request.requested_by_uid == work.actor.user_uid:
            raise PermissionDeniedError(
                "a change request is decided by the other side, not by whoever raised it",
                action="write",
                resource=self.resource,
            )
        metadata = dict(request.metadata)
        if note:
            metadata["review_note"] = note
        new = attrs.evolve(
            request,
            status=to,
            reviewed_by_uid=work.actor.user_uid,
            decided_at=self._now(),
            updated_at=self._now(),
            metadata=metadata,
        )
        work.change_requests.update(new)
        return new

    # -- applying -----------------------------------------------------------------------

    @writes
    def apply(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> ChangeApplied:
        """Apply an approved request: every changed show checked for conflicts
        at once, then the changes and a new version written together (nothing
        on any BLOCK conflict: ``ConflictError`` with the report). Applying an
        applied request answers the same result again and writes nothing."""
        request = work.load(ChangeRequest, uid)
        if request.status is ChangeRequestStatus.APPLIED:
            return ChangeApplied(
                change_request=request, version=int(request.metadata.get("version", 0))
            )
        if request.status is not ChangeRequestStatus.APPROVED:
            raise InvalidTransitionError(
                "change request", uid, request.status.value, ChangeRequestStatus.APPLIED.value
            )
        schedule = work.schedules.get(request.schedule_uid)
        plan = plan_changes(work, schedule, request.payload.get("operations", []))
        return self._apply(work, request, plan)

    @writes
    def acknowledge(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> ChangeRequest:
        """The client's managers acknowledge a force-majeure change applied
        without their approval (acknowledging again changes nothing)."""
        request = work.load(ChangeRequest, uid)
        if request.change_category != FORCE_MAJEURE:
            raise ValidationError(
                "change_category",
                "only force-majeure changes are acknowledged; others are approved",
            )
        if "acknowledged_at" in request.metadata:
            return request
        metadata = {
            **request.metadata,
            "acknowledged_by_uid": work.actor.user_uid,
            "acknowledged_at": self._now().isoformat(),
        }
        new = attrs.evolve(request, metadata=metadata, updated_at=self._now())
        work.change_requests.update(new)
        return new

    def _apply(self, work: Work, request: ChangeRequest, plan: Plan) -> ChangeApplied:
        schedule = plan.schedule
        if schedule.schedule_status not in _CHANGEABLE:
            raise ValidationError(
                "schedule_uid",
                f"schedule {schedule.uid} is {schedule.schedule_status.value}; it cannot change",
            )
        warnings = ensure_bookable(work, bookings_of(plan))
        now = self._now()
        changes = plan.changes()
        release(work, plan, changes)
        for change in changes:
            write(work, plan, change, now)
        new_schedule = attrs.evolve(schedule, version=schedule.version + 1, updated_at=now)
        work.schedules.update(new_schedule)
        record_changes(
            work,
            new_schedule,
            f"change request applied: {request.reason}",
            [row_of(c.after) for c in changes if c.after is not None],
            now,
            change_request_uid=request.uid,
        )
        applied = attrs.evolve(
            request,
            status=ChangeRequestStatus.APPLIED,
            decided_at=request.decided_at or now,
            updated_at=now,
            metadata={**request.metadata, "version": new_schedule.version},
        )
        work.change_requests.update(applied)
        return ChangeApplied(
            change_request=applied, version=new_schedule.version, warnings=tuple(warnings)
        )
