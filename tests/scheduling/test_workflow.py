"""The show and schedule status machines, every pair of states."""

from __future__ import annotations

import itertools

import pytest

from studiocore import InvalidTransitionError, ScheduleStatus, ShowStatus
from studiocore.scheduling import check_schedule_transition, check_show_transition

SHOW_ALLOWED = {
    ("draft", "confirmed"),
    ("confirmed", "live"),
    ("live", "completed"),
    ("draft", "cancelled"),
    ("confirmed", "cancelled"),
    ("live", "cancelled"),
}
SCHEDULE_ALLOWED = {
    ("draft", "proposed"),
    ("proposed", "confirmed"),
    ("proposed", "draft"),
    ("confirmed", "archived"),
    ("draft", "cancelled"),
    ("proposed", "cancelled"),
    ("confirmed", "cancelled"),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(ShowStatus, ShowStatus)))
def test_show_transitions_follow_the_workflow(current: ShowStatus, target: ShowStatus) -> None:
    if (current.value, target.value) in SHOW_ALLOWED:
        check_show_transition("show_1", current, target)
        return
    with pytest.raises(InvalidTransitionError) as err:
        check_show_transition("show_1", current, target)
    assert str(err.value) == f"show 'show_1' cannot go from {current.value!r} to {target.value!r}"
    assert (err.value.entity, err.value.uid) == ("show", "show_1")


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(ScheduleStatus, ScheduleStatus))
)
def test_schedule_transitions_follow_the_workflow(
    current: ScheduleStatus, target: ScheduleStatus
) -> None:
    if (current.value, target.value) in SCHEDULE_ALLOWED:
        check_schedule_transition("schedule_1", current, target)
        return
    with pytest.raises(InvalidTransitionError) as err:
        check_schedule_transition("schedule_1", current, target)
    assert str(err.value) == (
        f"schedule 'schedule_1' cannot go from {current.value!r} to {target.value!r}"
    )
