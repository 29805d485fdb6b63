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
from datetime import datetime
from typing import Any

import attrs

from studiocore.conflicts import Conflict
from studiocore.entities import ChangeRequest, Schedule, Show, ShowMC, ShowPlatform
from studiocore.errors import (
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from studiocore.ids import new_uid
from studiocore.lookups import ChangeRequestStatus, ScheduleStatus, ShowStatus
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import Booking, UnitOfWork
from studiocore.scheduling.diff import (
    ChangeKind,
    ChangeType,
    ShowChange,
    ShowState,
    change_types_of,
    diff_shows,
)
from studiocore.scheduling.guard import assess_bookings, ensure_bookable
from studiocore.scheduling.versions import row_of
from studiocore.scheduling.workflow import mc_problems, raise_problems
from studiocore.timeslot import TimeSlot

from ._base import CrudService, Work, build, reads, require, writes
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
_FIELDS: Mapping[str, tuple[str, ...]] = {
    "move": ("show_uid", "show_start", "show_end"),
    "change_room": ("show_uid", "studio_room_uid"),
    "add_mc": ("show_uid", "mc_uid"),
    "remove_mc": ("show_uid", "mc_uid"),
    "add_platform": ("show_uid", "platform_uid"),
    "remove_platform": ("show_uid", "platform_uid"),
    "cancel_show": ("show_uid",),
    "add_show": ("name", "show_start", "show_end", "studio_room_uid"),
}
_OPTIONAL: Mapping[str, tuple[str, ...]] = {
    "add_show": ("mc_uids", "platform_uids", "show_type", "show_standard"),
}
_TIMES = ("show_start", "show_end")
_RESERVING = frozenset({ShowStatus.CONFIRMED.value, ShowStatus.LIVE.value})


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


# --------------------------------------------------------------------------- operations


def _parse_time(value: object, field: str) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(field, f"{value!r} is not an ISO 8601 timestamp") from None
    else:
        raise ValidationError(field, "must be an ISO 8601 timestamp with an offset")
    if parsed.utcoffset() is None:
        raise ValidationError(field, "must include a UTC offset")
    return parsed


def parse_operations(raw: object) -> list[dict[str, Any]]:
    """The operations as stored (JSON: timestamps as ISO strings), or a
    :class:`ValidationError` naming ``operations[i].field``."""
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise ValidationError("operations", "must be a non-empty list of operations")
    parsed = []
    for i, op in enumerate(raw):
        where = f"operations[{i}]"
        if not isinstance(op, Mapping):
            raise ValidationError(where, "must be an object with an 'op'")
        kind = op.get("op")
        if not isinstance(kind, str) or kind not in _FIELDS:
            raise ValidationError(f"{where}.op", f"must be one of {', '.join(_FIELDS)}")
        known = {"op", *_FIELDS[kind], *_OPTIONAL.get(kind, ())}
        for name in op:
            if name not in known:
                raise ValidationError(f"{where}.{name}", f"is not a field of {kind}")
        clean: dict[str, Any] = {"op": kind}
        for name in _FIELDS[kind]:
            value = op.get(name)
            if name in _TIMES:
                clean[name] = _parse_time(value, f"{where}.{name}").isoformat()
            elif not isinstance(value, str) or not value.strip():
                raise ValidationError(f"{where}.{name}", "is required (a non-empty string)")
            else:
                clean[name] = value
        for name in _OPTIONAL.get(kind, ()):
            if name in op:
                clean[name] = op[name]
        parsed.append(clean)
    return parsed


@attrs.define
class _Plan:
    """The shows a change request touches, before and after."""

    schedule: Schedule
    shows: dict[str, Show]
    before: dict[str, ShowState]
    after: dict[str, ShowState]
    new: dict[str, dict[str, Any]] = attrs.Factory(dict)
    """The ``add_show`` operations by their placeholder uid."""

    def changes(self) -> list[ShowChange]:
        return diff_shows(self.before.values(), self.after.values())


def _state(show: Show, mcs: Sequence[str], platforms: Sequence[str]) -> ShowState:
    return ShowState(
        uid=show.uid,
        name=show.name,
        status=show.show_status.value,
        start=show.show_start,
        end=show.show_end,
        room_uid=show.studio_room_uid,
        mc_uids=frozenset(mcs),
        platform_uids=frozenset(platforms),
        show_type=show.show_type,
        show_standard=show.show_standard,
    )


def _toggle(
    current: frozenset[str], value: str, kind: str, field: str, show: str
) -> frozenset[str]:
    """``current`` with ``value`` added (``add_...``) or removed."""
    adding = kind.startswith("add")
    if adding == (value in current):
        raise ValidationError(field, f"{value} is {'already' if adding else 'not'} on show {show}")
    return current | {value} if adding else current - {value}


class ChangeRequestService(CrudService[ChangeRequest]):
    """Change requests to proposed and confirmed schedules (see the module
    docstring). ``create`` raises one; ``approve``, ``reject``, ``withdraw``,
    ``apply`` and ``acknowledge`` move it; ``preview`` shows what it would do."""

    entity_type = ChangeRequest
    resource = "change_requests"
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
        plan = self._plan(work, schedule, ops)
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
            plan = self._plan(work, schedule, request.payload.get("operations", []))
        except (ValidationError, NotFoundError) as exc:
            return ChangePreview(
                change_request=request, changes=(), conflicts=(), problems=(str(exc),)
            )
        candidates = self._bookings(work, plan)
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
        plan = self._plan(work, schedule, request.payload.get("operations", []))
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

    def _apply(self, work: Work, request: ChangeRequest, plan: _Plan) -> ChangeApplied:
        schedule = plan.schedule
        if schedule.schedule_status not in _CHANGEABLE:
            raise ValidationError(
                "schedule_uid",
                f"schedule {schedule.uid} is {schedule.schedule_status.value}; it cannot change",
            )
        warnings = ensure_bookable(work, self._bookings(work, plan))
        now = self._now()
        changes = plan.changes()
        self._release(work, plan, changes)
        for change in changes:
            self._write(work, plan, change, now)
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

    def _release(self, work: Work, plan: _Plan, changes: Sequence[ShowChange]) -> None:
        """Before several booked shows move, let go of their holds, so that moves
        among them (two shows swapping times or rooms) never meet halfway: the
        database refuses an overlap statement by statement. The whole result
        was checked above; the release is not a change of its own (not audited,
        same version of each row)."""
        moving = [
            plan.shows[c.show_uid]
            for c in changes
            if c.before is not None
            and c.before.status in _RESERVING
            and c.kinds & {ChangeKind.TIME, ChangeKind.ROOM}
        ]
        if len(moving) < 2:
            return
        for show in moving:
            work.inner.shows.update(attrs.evolve(show, show_status=ShowStatus.DRAFT))

    def _write(self, work: Work, plan: _Plan, change: ShowChange, now: datetime) -> None:
        after = change.after
        assert after is not None  # operations never delete a show
        if change.before is None:
            self._add_show(work, plan, after, now)
            return
        show = plan.shows[change.show_uid]
        updated = attrs.evolve(
            show,
            show_start=after.start,
            show_end=after.end,
            studio_room_uid=after.room_uid,
            show_status=ShowStatus(after.status),
            updated_at=now,
        )
        if updated != attrs.evolve(show, updated_at=now):
            work.shows.update(updated)
        for mc in change.mcs_added:
            work.show_mcs.add(build(ShowMC, {"show_uid": show.uid, "mc_uid": mc}, now))
        for mc in change.mcs_removed:
            [link] = work.show_mcs.list(where={"show_uid": show.uid, "mc_uid": mc})
            work.show_mcs.update(attrs.evolve(link, deleted_at=now, updated_at=now))
        for platform in change.platforms_added:
            work.show_platforms.add(
                build(ShowPlatform, {"show_uid": show.uid, "platform_uid": platform}, now)
            )
        for platform in change.platforms_removed:
            [stream] = work.show_platforms.list(
                where={"show_uid": show.uid, "platform_uid": platform}
            )
            work.show_platforms.update(attrs.evolve(stream, deleted_at=now, updated_at=now))

    def _add_show(self, work: Work, plan: _Plan, state: ShowState, now: datetime) -> None:
        op = plan.new[state.uid]
        show = Show(
            uid=state.uid,
            created_at=now,
            updated_at=now,
            name=state.name,
            show_start=state.start,
            show_end=state.end,
            studio_room_uid=state.room_uid,
            client_uid=plan.schedule.client_uid,
            schedule_uid=plan.schedule.uid,
            show_status=ShowStatus(state.status),
            show_type=op.get("show_type") or "bau",
            show_standard=op.get("show_standard") or "standard",
        )
        work.shows.add(show)
        for mc in sorted(state.mc_uids):
            work.show_mcs.add(build(ShowMC, {"show_uid": show.uid, "mc_uid": mc}, now))
        for platform in sorted(state.platform_uids):
            work.show_platforms.add(
                build(ShowPlatform, {"show_uid": show.uid, "platform_uid": platform}, now)
            )

    # -- planning -----------------------------------------------------------------------

    def _plan(self, work: Work, schedule: Schedule, ops: Sequence[Mapping[str, Any]]) -> _Plan:
        """The shows the operations touch, as they are and as they would be;
        a :class:`ValidationError` names the first operation that cannot apply."""
        uids = sorted({op["show_uid"] for op in ops if "show_uid" in op})
        shows = work.shows.get_many(uids)
        before: dict[str, ShowState] = {}
        for i, op in enumerate(ops):
            uid = op.get("show_uid")
            if uid is None:
                continue
            show = shows.get(uid)
            if show is None or show.schedule_uid != schedule.uid:
                raise ValidationError(
                    f"operations[{i}].show_uid",
                    f"show {uid!r} is not a show of schedule {schedule.uid}",
                )
            if show.show_status in {ShowStatus.CANCELLED, ShowStatus.COMPLETED}:
                raise ValidationError(
                    f"operations[{i}].show_uid",
                    f"show {uid} is {show.show_status.value} and cannot change",
                )
        # the touched shows' links: one read per kind of link, not one per show
        mcs: dict[str, list[str]] = {uid: [] for uid in uids}
        for link in work.show_mcs.list(where={"show_uid": uids}) if uids else []:
            mcs[link.show_uid].append(link.mc_uid)
        platforms: dict[str, list[str]] = {uid: [] for uid in uids}
        for stream in work.show_platforms.list(where={"show_uid": uids}) if uids else []:
            platforms[stream.show_uid].append(stream.platform_uid)
        for uid in uids:
            before[uid] = _state(shows[uid], mcs[uid], platforms[uid])
        plan = _Plan(schedule, shows, before, dict(before))
        status = (
            ShowStatus.CONFIRMED
            if schedule.schedule_status is ScheduleStatus.CONFIRMED
            else ShowStatus.DRAFT
        )
        for i, op in enumerate(ops):
            self._step(work, plan, i, op, status)
        self._check_states(work, plan)
        return plan

    def _step(
        self, work: Work, plan: _Plan, i: int, op: Mapping[str, Any], status: ShowStatus
    ) -> None:
        where = f"operations[{i}]"
        kind = op["op"]
        if kind == "add_show":
            uid = new_uid(Show.PREFIX)
            plan.new[uid] = dict(op)
            plan.after[uid] = ShowState(
                uid=uid,
                name=op["name"],
                status=status.value,
                start=_parse_time(op["show_start"], f"{where}.show_start"),
                end=_parse_time(op["show_end"], f"{where}.show_end"),
                room_uid=op["studio_room_uid"],
                mc_uids=frozenset(self._uid_list(op.get("mc_uids", []), f"{where}.mc_uids")),
                platform_uids=frozenset(
                    self._uid_list(op.get("platform_uids", []), f"{where}.platform_uids")
                ),
                show_type=op.get("show_type") or "bau",
                show_standard=op.get("show_standard") or "standard",
            )
            return
        uid = op["show_uid"]
        state = plan.after[uid]
        if kind == "move":
            state = attrs.evolve(
                state,
                start=_parse_time(op["show_start"], f"{where}.show_start"),
                end=_parse_time(op["show_end"], f"{where}.show_end"),
            )
        elif kind == "change_room":
            state = attrs.evolve(state, room_uid=op["studio_room_uid"])
        elif kind == "cancel_show":
            state = attrs.evolve(state, status=ShowStatus.CANCELLED.value)
        elif kind in {"add_mc", "remove_mc"}:
            state = attrs.evolve(
                state, mc_uids=_toggle(state.mc_uids, op["mc_uid"], kind, f"{where}.mc_uid", uid)
            )
        elif kind in {"add_platform", "remove_platform"}:
            field = f"{where}.platform_uid"
            state = attrs.evolve(
                state,
                platform_uids=_toggle(state.platform_uids, op["platform_uid"], kind, field, uid),
            )
        plan.after[uid] = state

    @staticmethod
    def _uid_list(value: object, field: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(field, "must be a list of uids")
        return list(value)

    def _check_states(self, uow: UnitOfWork, plan: _Plan) -> None:
        """Every show after the change lies inside the schedule, in a live room
        of its studio, with live, unbanned MCs and live platforms."""
        schedule = plan.schedule
        changed = [c.after for c in plan.changes() if c.after is not None]
        rooms = uow.studio_rooms.get_many({s.room_uid for s in changed if s.room_uid})
        mcs = uow.mcs.get_many({m for s in changed for m in s.mc_uids})
        for state in changed:
            label = f"show {state.name!r} ({state.uid})"
            if state.end <= state.start:
                raise ValidationError("show_end", f"{label} must end after it starts")
            if state.start < schedule.start_time or state.end > schedule.end_time:
                raise ValidationError(
                    "show_start",
                    f"{label} must lie inside its schedule [{schedule.start_time.isoformat()}, "
                    f"{schedule.end_time.isoformat()})",
                )
            room = rooms.get(state.room_uid or "")
            if room is None:
                raise ValidationError(
                    "studio_room_uid", f"{label}: room {state.room_uid!r} does not exist"
                )
            if room.studio_uid != schedule.studio_uid:
                raise ValidationError(
                    "studio_room_uid", f"{label}: room {room.uid} is not in the schedule's studio"
                )
            raise_problems(mc_problems(mcs, state.mc_uids, "mc_uids", state.uid))
            for platform in state.platform_uids:
                require(uow.platforms, platform, "platform_uids", "platform")

    def _bookings(self, uow: UnitOfWork, plan: _Plan) -> list[Booking]:
        """The bookings of the changed shows as they would be: what the guard
        checks (drafts and cancelled shows reserve nothing)."""
        out = []
        for change in plan.changes():
            state = change.after
            if state is None or state.status not in {
                ShowStatus.CONFIRMED.value,
                ShowStatus.LIVE.value,
            }:
                continue
            out.append(
                Booking(
                    show_uid=state.uid,
                    studio_uid=plan.schedule.studio_uid,
                    room_uid=state.room_uid,
                    mc_uids=state.mc_uids,
                    slot=TimeSlot(state.start, state.end),
                    status=ShowStatus(state.status),
                )
            )
        return out
