"""Status workflows of shows and schedules."""

from __future__ import annotations

from collections.abc import Mapping

from studiocore.errors import InvalidTransitionError
from studiocore.lookups import ScheduleStatus, ShowStatus

__all__ = [
    "SCHEDULE_TRANSITIONS",
    "SHOW_TRANSITIONS",
    "check_schedule_transition",
    "check_show_transition",
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
    ScheduleStatus.PROPOSED: frozenset({ScheduleStatus.CONFIRMED, ScheduleStatus.CANCELLED}),
    ScheduleStatus.CONFIRMED: frozenset({ScheduleStatus.ARCHIVED, ScheduleStatus.CANCELLED}),
    ScheduleStatus.ARCHIVED: frozenset(),
    ScheduleStatus.CANCELLED: frozenset(),
    ScheduleStatus.OTHER: frozenset(),
}
"""draft -> proposed -> confirmed -> archived; draft, proposed, confirmed -> cancelled."""


def check_show_transition(uid: str, current: ShowStatus, target: ShowStatus) -> None:
    """Raise :class:`InvalidTransitionError` unless ``current -> target`` is allowed."""
    if target not in SHOW_TRANSITIONS[current]:
        raise InvalidTransitionError("show", uid, current.value, target.value)


def check_schedule_transition(uid: str, current: ScheduleStatus, target: ScheduleStatus) -> None:
    """Raise :class:`InvalidTransitionError` unless ``current -> target`` is allowed."""
    if target not in SCHEDULE_TRANSITIONS[current]:
        raise InvalidTransitionError("schedule", uid, current.value, target.value)
