"""The scheduling engine: workflows, conflict detection, the booking guard,
operational days and availability."""

from studiocore.scheduling.availability import (
    RoomAvailability,
    first_fitting_room,
    free_intervals,
    merge_intervals,
    room_availability,
)
from studiocore.scheduling.detector import (
    BufferPolicy,
    detect_all,
    find_conflicts,
    sort_conflicts,
)
from studiocore.scheduling.diff import (
    ChangeKind,
    ChangeType,
    ShowChange,
    ShowState,
    change_types_of,
    classify,
    diff_shows,
)
from studiocore.scheduling.guard import assess_bookings, ensure_bookable, load_policy
from studiocore.scheduling.opday import operational_day_of, operational_day_window
from studiocore.scheduling.versions import ScheduleSnapshot, VersionSummary
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
    "ChangeKind",
    "ChangeType",
    "RoomAvailability",
    "ScheduleSnapshot",
    "ShowChange",
    "ShowState",
    "VersionSummary",
    "assess_bookings",
    "change_types_of",
    "check_schedule_transition",
    "check_show_transition",
    "classify",
    "detect_all",
    "diff_shows",
    "ensure_bookable",
    "find_conflicts",
    "first_fitting_room",
    "free_intervals",
    "load_policy",
    "merge_intervals",
    "operational_day_of",
    "operational_day_window",
    "room_availability",
    "sort_conflicts",
]
