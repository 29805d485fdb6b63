"""How a schedule's versions are stored and read back.

Every version records the state of every show of its schedule
(:class:`~studiocore.scheduling.diff.ShowState`), but a version is stored in
proportion to what changed: a version is either **full** (every show's state;
written when a schedule is created and each time it is proposed, when the plan
may have changed anywhere) or **changes** against the version before it (written
by confirmation and by change requests, which know exactly which shows they
touch). Once proposed, a schedule's shows change only through those use cases,
so the changes they record are all that changed.

A stored snapshot is a JSON object: ``{"schedule": {...}, "shows": [row, ...]}``
when full, ``{"schedule": {...}, "changed": [row, ...]}`` otherwise, where a
changed row holds the show's uid and the fields that changed (every field, for a
show that is new). Reading version ``n`` replays the changes since the latest full
version at or before ``n``: it costs that full version plus the changes since,
never more than storing every version in full would have.

>>> from datetime import datetime, UTC
>>> at = lambda h: datetime(2026, 3, 2, h, tzinfo=UTC)
>>> first = full_snapshot({}, [ShowState("show_1", "Live", "draft", at(9), at(11), "room_a")])
>>> second = changes_snapshot({}, [{"uid": "show_1", "show_status": "confirmed"}])
>>> [state] = replay([first, second])[-1].values()
>>> state.status, state.start.hour
('confirmed', 9)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from studiocore.scheduling.diff import ShowChange, ShowState, change_order, classify

__all__ = [
    "ScheduleSnapshot",
    "VersionSummary",
    "changes_snapshot",
    "diff_rows",
    "full_snapshot",
    "is_full",
    "replay",
    "replay_rows",
    "row_of",
    "show_counts",
]

_ROWS = "shows"
_CHANGED = "changed"


def row_of(state: ShowState, iso: Any = None) -> dict[str, Any]:
    """The stored row of a show's state (``iso`` formats an instant; pass a
    caching formatter when many shows share their times)."""
    fmt = iso or datetime.isoformat
    return {
        "uid": state.uid,
        "name": state.name,
        "show_status": state.status,
        "show_start": fmt(state.start),
        "show_end": fmt(state.end),
        "studio_room_uid": state.room_uid,
        "mc_uids": sorted(state.mc_uids),
        "platform_uids": sorted(state.platform_uids),
        "show_type": state.show_type,
        "show_standard": state.show_standard,
    }


def full_snapshot(schedule: Mapping[str, Any], shows: Iterable[ShowState]) -> dict[str, Any]:
    """A full version: the schedule and the state of every one of its shows."""
    return {"schedule": dict(schedule), _ROWS: [row_of(s) for s in shows]}


def changes_snapshot(
    schedule: Mapping[str, Any], changed: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """A version stored as changes against the one before it: ``changed`` rows
    hold a show's ``uid`` and the fields that changed (all of them for a new show)."""
    rows = [dict(row) for row in changed]
    for i, row in enumerate(rows):
        if not isinstance(row.get("uid"), str):
            raise ValueError(f"changed[{i}] has no show uid")
    return {"schedule": dict(schedule), _CHANGED: rows}


def is_full(snapshot: Mapping[str, Any]) -> bool:
    """Whether a stored snapshot holds every show (not only changes)."""
    return _CHANGED not in snapshot


Row = dict[str, Any]
"""A show's stored state (:func:`row_of`)."""


def replay_rows(
    snapshots: Sequence[Mapping[str, Any]], keep: Collection[int] | None = None
) -> list[dict[str, Row]]:
    """The stored rows of versions, given the stored snapshots of consecutive
    versions from a full one on: one ``{uid: row}`` per snapshot, or only for
    the positions in ``keep``. A row that did not change between two versions
    is the same object in both."""
    if snapshots and not is_full(snapshots[0]):
        raise ValueError("replay starts at a full version")
    rows: dict[str, Row] = {}
    out: list[dict[str, Row]] = []
    for i, snapshot in enumerate(snapshots):
        if is_full(snapshot):
            rows = {row["uid"]: row for row in snapshot.get(_ROWS, [])}
        else:
            for change in snapshot[_CHANGED]:
                uid = change["uid"]
                rows[uid] = {**rows.get(uid, {}), **change}
        if keep is None or i in keep:
            out.append(dict(rows))
    return out


def replay(
    snapshots: Sequence[Mapping[str, Any]], keep: Collection[int] | None = None
) -> list[dict[str, ShowState]]:
    """The shows of versions, as :func:`replay_rows` finds their rows."""
    return [
        {uid: ShowState.from_snapshot(row) for uid, row in rows.items()}
        for rows in replay_rows(snapshots, keep)
    ]


def diff_rows(old: Mapping[str, Row], new: Mapping[str, Row]) -> list[ShowChange]:
    """:func:`~studiocore.scheduling.diff.diff_shows` of two versions' rows:
    only the rows that differ are read as show states."""
    changes = []
    for uid in old.keys() | new.keys():
        a, b = old.get(uid), new.get(uid)
        if a is b or a == b:
            continue
        before = None if a is None else ShowState.from_snapshot(a)
        after = None if b is None else ShowState.from_snapshot(b)
        kinds = classify(before, after)
        if kinds:
            changes.append(ShowChange(uid, kinds, before, after))
    changes.sort(key=change_order)
    return changes


def show_counts(snapshots: Sequence[Mapping[str, Any]]) -> list[int]:
    """How many shows each version records, given the stored snapshots of
    consecutive versions from a full one on (no show state is built)."""
    uids: set[str] = set()
    out = []
    for snapshot in snapshots:
        if is_full(snapshot):
            uids = {row["uid"] for row in snapshot.get(_ROWS, [])}
        else:
            uids.update(row["uid"] for row in snapshot[_CHANGED])
        out.append(len(uids))
    return out


@attrs.frozen(kw_only=True)
class VersionSummary:
    """One version of a schedule, without its shows."""

    schedule_uid: str
    version: int
    created_at: datetime
    created_by_uid: str | None
    note: str | None
    change_request_uid: str | None
    show_count: int
    """How many shows (of any status) the version records."""
    full: bool
    """Stored in full (``True``) or as the changes since the version before."""


@attrs.frozen(kw_only=True)
class ScheduleSnapshot:
    """A version of a schedule with the state of every show it records."""

    summary: VersionSummary
    schedule: Mapping[str, Any]
    """The schedule's own fields as the version recorded them."""
    shows: tuple[ShowState, ...]
    """By start time, then uid."""

    @property
    def version(self) -> int:
        return self.summary.version
