"""The scheduling engine: workflows, conflict detection, the booking guard."""

from studiocore.scheduling.guard import BufferPolicy, ensure_bookable, find_conflicts
from studiocore.scheduling.workflow import (
    SCHEDULE_TRANSITIONS,
    SHOW_TRANSITIONS,
    check_schedule_transition,
    check_show_transition,
)

__all__ = [
    "SCHEDULE_TRANSITIONS",
    "SHOW_TRANSITIONS",
    "BufferPolicy",
    "check_schedule_transition",
    "check_show_transition",
    "ensure_bookable",
    "find_conflicts",
]
