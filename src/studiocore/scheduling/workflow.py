"""Status workflows of shows and schedules, and the booking rules every path
that books, changes or promotes a show goes through."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from studiocore.entities import MC, Show
from studiocore.errors import FieldProblem, InvalidTransitionError, ValidationError
from studiocore.lookups import RESERVING_STATUSES, ScheduleStatus, ShowStatus

__all__ = [
    "FINAL_SCHEDULE_STATUSES",
    "FROZEN_SHOW_STATUSES",
    "HOLDING_SHOW_STATUSES",
    "OPEN_SCHEDULE_STATUSES",
    "SCHEDULE_TRANSITIONS",
    "SHOW_TRANSITIONS",
    "check_schedule_transition",
    "check_show_editable",
    "check_show_transition",
    "mc_problems",
    "parse_status",
    "raise_problems",
    "room_problem",
]

SHOW_TRANSITIONS: Mapping[ShowStatus, frozenset[ShowStatus]] = {
    ShowStatus.DRAFT: frozenset({ShowStatus.CONFIRMED, ShowStatus.CANCELLED}),
    ShowStatus.CONFIRMED: frozenset({ShowStatus.LIVE, ShowStatus.CANCELLED}),
    ShowStatus.LIVE: frozenset({ShowStatus.COMPLETED, ShowStatus.CANCELLED}),
    ShowStatus.COMPLETED: frozenset(),
    ShowStatus.CANCELLED: frozenset(),
}
"""draft -> confirmed -> live -> completed; draft, confirmed, live -> cancelled."""

SCHEDULE_TRANSITIONS: Mapping[ScheduleStatus, frozenset[ScheduleStatus]] = {
    ScheduleStatus.DRAFT: frozenset({ScheduleStatus.PROPOSED, ScheduleStatus.CANCELLED}),
    ScheduleStatus.PROPOSED: frozenset(
        {ScheduleStatus.DRAFT, ScheduleStatus.CONFIRMED, ScheduleStatus.CANCELLED}
    ),
    ScheduleStatus.CONFIRMED: frozenset({ScheduleStatus.ARCHIVED, ScheduleStatus.CANCELLED}),
    ScheduleStatus.ARCHIVED: frozenset(),
    ScheduleStatus.CANCELLED: frozenset(),
    ScheduleStatus.OTHER: frozenset(),
}
"""draft -> proposed -> confirmed -> archived; proposed -> draft (sent back);
draft, proposed, confirmed -> cancelled."""


def check_show_transition(uid: str, current: ShowStatus, target: ShowStatus) -> None:
    """Raise :class:`InvalidTransitionError` unless ``current -> target`` is allowed."""
    if target not in SHOW_TRANSITIONS[current]:
        raise InvalidTransitionError("show", uid, current.value, target.value)


def check_schedule_transition(uid: str, current: ScheduleStatus, target: ScheduleStatus) -> None:
    """Raise :class:`InvalidTransitionError` unless ``current -> target`` is allowed."""
    if target not in SCHEDULE_TRANSITIONS[current]:
        raise InvalidTransitionError("schedule", uid, current.value, target.value)


# --------------------------------------------------------------------------- booking rules

OPEN_SCHEDULE_STATUSES = frozenset({ScheduleStatus.DRAFT, ScheduleStatus.PROPOSED})
"""Schedules whose drafts may still change, be added, or be promoted."""

FINAL_SCHEDULE_STATUSES = frozenset({ScheduleStatus.ARCHIVED, ScheduleStatus.CANCELLED})
"""Schedules that cannot change any more."""

FROZEN_SHOW_STATUSES = frozenset({ShowStatus.COMPLETED, ShowStatus.CANCELLED})
"""Shows that cannot change any more."""

HOLDING_SHOW_STATUSES = frozenset({ShowStatus.CONFIRMED, ShowStatus.LIVE})
"""Shows that hold their room and MCs for the future."""

S = TypeVar("S", ShowStatus, ScheduleStatus)


def parse_status(kind: type[S], value: object, field: str) -> S:
    """``value`` as a status of ``kind``, or a :class:`ValidationError` naming
    ``field`` and the allowed values."""
    try:
        return kind(value)  # type: ignore[arg-type]  # anything else is refused below
    except ValueError:
        allowed = ", ".join(s.value for s in kind)
        raise ValidationError(
            field, f"unknown status {value!r}; expected one of {allowed}"
        ) from None


def check_show_editable(show: Show) -> None:
    """Refuse a change to a completed or cancelled show."""
    if show.show_status in FROZEN_SHOW_STATUSES:
        raise ValidationError("show_status", f"a {show.show_status.value} show cannot be changed")


def room_problem(show_uid: str, room_uid: str | None, status: ShowStatus) -> FieldProblem | None:
    """A show needs a room to reserve (be confirmed, live or completed)."""
    if room_uid is None and status in RESERVING_STATUSES:
        return FieldProblem(
            "studio_room_uid", f"show {show_uid} needs a studio room to be {status.value}"
        )
    return None


def mc_problems(
    mcs: Mapping[str, MC], mc_uids: Iterable[str], field: str, show_uid: str | None = None
) -> list[FieldProblem]:
    """Why the MCs ``mc_uids`` (looked up in ``mcs``, the live ones) cannot be
    booked: an MC that does not exist, or a banned one."""
    where = f" (show {show_uid})" if show_uid else ""
    problems = []
    for uid in mc_uids:
        mc = mcs.get(uid)
        if mc is None:
            problems.append(FieldProblem(field, f"MC {uid!r} does not exist{where}"))
        elif mc.is_banned:
            problems.append(FieldProblem(field, f"MC {uid} is banned and cannot be booked{where}"))
    return problems


def raise_problems(problems: Sequence[FieldProblem]) -> None:
    """Raise the first problem as a :class:`ValidationError` carrying them all."""
    if problems:
        raise ValidationError(problems[0].field, problems[0].reason, problems=problems)
