"""The operations of a change request (internal): parsed and stored as JSON,
planned against the schedule's shows (each touched show before and after, the
whole result checked), and written. :mod:`.change_requests` runs them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from studiocore.entities import Schedule, Show, ShowMC, ShowPlatform
from studiocore.errors import ValidationError
from studiocore.ids import new_uid
from studiocore.lookups import ScheduleStatus, ShowStatus
from studiocore.ports import Booking, UnitOfWork
from studiocore.scheduling.diff import ChangeKind, ShowChange, ShowState, diff_shows
from studiocore.scheduling.workflow import mc_problems, raise_problems
from studiocore.timeslot import TimeSlot

from ._base import Work, build, require

__all__ = ["Plan", "bookings_of", "parse_operations", "plan_changes", "release", "write"]

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
class Plan:
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


def plan_changes(work: Work, schedule: Schedule, ops: Sequence[Mapping[str, Any]]) -> Plan:
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
    plan = Plan(schedule, shows, before, dict(before))
    status = (
        ShowStatus.CONFIRMED
        if schedule.schedule_status is ScheduleStatus.CONFIRMED
        else ShowStatus.DRAFT
    )
    for i, op in enumerate(ops):
        _step(work, plan, i, op, status)
    _check_states(work, plan)
    return plan


def _step(work: Work, plan: Plan, i: int, op: Mapping[str, Any], status: ShowStatus) -> None:
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
            mc_uids=frozenset(_uid_list(op.get("mc_uids", []), f"{where}.mc_uids")),
            platform_uids=frozenset(
                _uid_list(op.get("platform_uids", []), f"{where}.platform_uids")
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


def _uid_list(value: object, field: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(field, "must be a list of uids")
    return list(value)


def _check_states(uow: UnitOfWork, plan: Plan) -> None:
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


def bookings_of(plan: Plan) -> list[Booking]:
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


def release(work: Work, plan: Plan, changes: Sequence[ShowChange]) -> None:
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


def write(work: Work, plan: Plan, change: ShowChange, now: datetime) -> None:
    after = change.after
    assert after is not None  # operations never delete a show
    if change.before is None:
        _add_show(work, plan, after, now)
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
        [stream] = work.show_platforms.list(where={"show_uid": show.uid, "platform_uid": platform})
        work.show_platforms.update(attrs.evolve(stream, deleted_at=now, updated_at=now))


def _add_show(work: Work, plan: Plan, state: ShowState, now: datetime) -> None:
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
