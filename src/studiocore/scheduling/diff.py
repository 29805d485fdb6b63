"""What changed between two states of a schedule's shows.

A schedule version records the state of every show (:class:`ShowState`: times,
room, MCs, platforms, status). :func:`diff_shows` compares two such states show
by show and :func:`classify` names what changed for one show; the same
classifier labels the operations of a change request, so approvers and version
diffs speak the same words:

==================  ======================================  =================
kind                meaning                                 change type
==================  ======================================  =================
``added``           the show is new                         ``SCOPE_CHANGE``
``removed``         the show is gone (a draft deleted)      ``SCOPE_CHANGE``
``cancelled``       the show's status became cancelled      ``SCOPE_CHANGE``
``restored``        a cancelled show is back                ``SCOPE_CHANGE``
``time``            its start or end moved                  ``TIME_CHANGE``
``room``            it moved to another room                ``RESOURCE_CHANGE``
``mcs``             MCs were added or removed               ``RESOURCE_CHANGE``
``platforms``       platforms were added or removed         ``RESOURCE_CHANGE``
``details``         its name, type, standard or status      ``OTHER``
==================  ======================================  =================

>>> from datetime import datetime, UTC
>>> at = lambda h: datetime(2026, 3, 2, h, tzinfo=UTC)
>>> old = ShowState("show_1", "Morning live", "confirmed", at(9), at(11), "room_a")
>>> new = ShowState("show_1", "Morning live", "confirmed", at(10), at(12), "room_b")
>>> [change] = diff_shows([old], [new])
>>> sorted(map(str, change.kinds)), sorted(map(str, change.change_types))
(['room', 'time'], ['RESOURCE_CHANGE', 'TIME_CHANGE'])
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

__all__ = [
    "ChangeKind",
    "ChangeType",
    "ShowChange",
    "ShowState",
    "change_types_of",
    "classify",
    "diff_shows",
]


class ChangeType(enum.StrEnum):
    """The change types the classifier assigns (rows of the ``change_types`` lookup)."""

    TIME_CHANGE = "TIME_CHANGE"
    RESOURCE_CHANGE = "RESOURCE_CHANGE"
    SCOPE_CHANGE = "SCOPE_CHANGE"
    OTHER = "OTHER"


class ChangeKind(enum.StrEnum):
    """What changed about one show."""

    ADDED = "added"
    REMOVED = "removed"
    CANCELLED = "cancelled"
    RESTORED = "restored"
    TIME = "time"
    ROOM = "room"
    MCS = "mcs"
    PLATFORMS = "platforms"
    DETAILS = "details"


_TYPE_OF = {
    ChangeKind.ADDED: ChangeType.SCOPE_CHANGE,
    ChangeKind.REMOVED: ChangeType.SCOPE_CHANGE,
    ChangeKind.CANCELLED: ChangeType.SCOPE_CHANGE,
    ChangeKind.RESTORED: ChangeType.SCOPE_CHANGE,
    ChangeKind.TIME: ChangeType.TIME_CHANGE,
    ChangeKind.ROOM: ChangeType.RESOURCE_CHANGE,
    ChangeKind.MCS: ChangeType.RESOURCE_CHANGE,
    ChangeKind.PLATFORMS: ChangeType.RESOURCE_CHANGE,
    ChangeKind.DETAILS: ChangeType.OTHER,
}
_CANCELLED = "cancelled"


def _uids(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


@attrs.frozen
class ShowState:
    """One show as a version records it."""

    uid: str
    name: str
    status: str
    start: datetime
    end: datetime
    room_uid: str | None
    mc_uids: frozenset[str] = attrs.field(default=frozenset(), converter=_uids)
    platform_uids: frozenset[str] = attrs.field(default=frozenset(), converter=_uids)
    show_type: str | None = None
    show_standard: str | None = None

    @classmethod
    def from_snapshot(cls, row: Mapping[str, Any]) -> ShowState:
        """The state of a show as stored in a version's snapshot."""
        return cls(
            uid=row["uid"],
            name=row["name"],
            status=row["show_status"],
            start=datetime.fromisoformat(row["show_start"]),
            end=datetime.fromisoformat(row["show_end"]),
            room_uid=row.get("studio_room_uid"),
            mc_uids=frozenset(row.get("mc_uids", ())),
            platform_uids=frozenset(row.get("platform_uids", ())),
            show_type=row.get("show_type"),
            show_standard=row.get("show_standard"),
        )


def classify(before: ShowState | None, after: ShowState | None) -> frozenset[ChangeKind]:
    """What changed from ``before`` to ``after`` (``None``: the show does not
    exist on that side)."""
    if before is None and after is None:
        return frozenset()
    if before is None:
        return frozenset({ChangeKind.ADDED})
    if after is None:
        return frozenset({ChangeKind.REMOVED})
    kinds: set[ChangeKind] = set()
    if before.status != after.status:
        if after.status == _CANCELLED:
            kinds.add(ChangeKind.CANCELLED)
        elif before.status == _CANCELLED:
            kinds.add(ChangeKind.RESTORED)
        else:
            kinds.add(ChangeKind.DETAILS)
    if before.start != after.start or before.end != after.end:
        kinds.add(ChangeKind.TIME)
    if before.room_uid != after.room_uid:
        kinds.add(ChangeKind.ROOM)
    if before.mc_uids != after.mc_uids:
        kinds.add(ChangeKind.MCS)
    if before.platform_uids != after.platform_uids:
        kinds.add(ChangeKind.PLATFORMS)
    if (before.name, before.show_type, before.show_standard) != (
        after.name,
        after.show_type,
        after.show_standard,
    ):
        kinds.add(ChangeKind.DETAILS)
    return frozenset(kinds)


def change_types_of(kinds: Iterable[ChangeKind]) -> frozenset[ChangeType]:
    """The change types of these kinds of change."""
    return frozenset(_TYPE_OF[k] for k in kinds)


@attrs.frozen
class ShowChange:
    """How one show differs between two versions."""

    show_uid: str
    kinds: frozenset[ChangeKind]
    before: ShowState | None
    after: ShowState | None

    @property
    def name(self) -> str:
        """The show's name (as it is after the change, if it still exists)."""
        state = self.after or self.before
        assert state is not None  # a change has at least one side
        return state.name

    @property
    def change_types(self) -> frozenset[ChangeType]:
        return change_types_of(self.kinds)

    @property
    def mcs_added(self) -> frozenset[str]:
        return _added(self.before, self.after, "mc_uids")

    @property
    def mcs_removed(self) -> frozenset[str]:
        return _added(self.after, self.before, "mc_uids")

    @property
    def platforms_added(self) -> frozenset[str]:
        return _added(self.before, self.after, "platform_uids")

    @property
    def platforms_removed(self) -> frozenset[str]:
        return _added(self.after, self.before, "platform_uids")


def _added(old: ShowState | None, new: ShowState | None, field: str) -> frozenset[str]:
    theirs: frozenset[str] = getattr(new, field) if new is not None else frozenset()
    ours: frozenset[str] = getattr(old, field) if old is not None else frozenset()
    return theirs - ours


def change_order(change: ShowChange) -> tuple[datetime, str]:
    """How changes are listed: by the show's start time, then uid."""
    state = change.after or change.before
    assert state is not None
    return state.start, change.show_uid


def diff_shows(before: Iterable[ShowState], after: Iterable[ShowState]) -> list[ShowChange]:
    """Every show that differs between two states, ordered by start time then
    uid (shows that did not change are left out)."""
    old = {s.uid: s for s in before}
    new = {s.uid: s for s in after}
    changes = []
    for uid in old.keys() | new.keys():
        a, b = old.get(uid), new.get(uid)
        if a == b:
            continue
        kinds = classify(a, b)
        if kinds:
            changes.append(ShowChange(uid, kinds, a, b))
    changes.sort(key=change_order)
    return changes
