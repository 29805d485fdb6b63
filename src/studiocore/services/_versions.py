"""Writing and reading a schedule's versions (internal): the use cases that
record a version call :func:`record_full` or :func:`record_changes`; the reads
replay them (:mod:`studiocore.scheduling.versions` says how they are stored)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from studiocore.entities import Schedule, ScheduleVersion
from studiocore.errors import NotFoundError
from studiocore.lookups import ShowStatus
from studiocore.ports import ScheduledShow, UnitOfWork
from studiocore.scheduling.diff import ShowChange, ShowState
from studiocore.scheduling.versions import (
    Row,
    ScheduleSnapshot,
    VersionSummary,
    changes_snapshot,
    diff_rows,
    is_full,
    replay_rows,
    show_counts,
)
from studiocore.serialization import to_jsonable

from ._base import Work, build

__all__ = ["diff", "record_changes", "record_full", "snapshot", "stored", "summaries"]


def record_full(
    work: Work,
    schedule: Schedule,
    note: str,
    shows: Sequence[ScheduledShow],
    at: datetime,
    *,
    promoted: bool = False,
) -> None:
    """Store version ``schedule.version`` in full: the schedule and ``shows``
    (as :meth:`~studiocore.ports.BookingReadModel.schedule_shows` read them) with
    their platforms; ``promoted``: the drafts recorded as confirmed."""
    statuses = {status: status.value for status in ShowStatus}
    if promoted:
        statuses[ShowStatus.DRAFT] = ShowStatus.CONFIRMED.value
    platforms = work.bookings.schedule_platforms(schedule.uid) if shows else {}
    instants: dict[datetime, str] = {}  # a schedule's shows share few start and end times

    def iso(instant: datetime) -> str:
        text = instants.get(instant)
        if text is None:
            text = instants[instant] = instant.isoformat()
        return text

    rows = [
        {
            "uid": s.show_uid,
            "name": s.name,
            "show_status": statuses[s.status],
            "show_start": iso(s.start),
            "show_end": iso(s.end),
            "studio_room_uid": s.room_uid,
            "mc_uids": list(s.mc_uids),
            "platform_uids": list(platforms.get(s.show_uid, ())),
            "show_type": s.show_type,
            "show_standard": s.show_standard,
        }
        for s in shows
    ]
    _store(
        work,
        schedule,
        note,
        {"schedule": to_jsonable(schedule), "shows": rows},
        at,
        change_request_uid=None,
    )


def record_changes(
    work: Work,
    schedule: Schedule,
    note: str,
    changed: Iterable[Mapping[str, Any]],
    at: datetime,
    *,
    change_request_uid: str | None = None,
) -> None:
    """Store version ``schedule.version`` as the changes since the version
    before: ``changed`` rows (a show's uid and the fields that changed, every
    field for a new show; :func:`~studiocore.scheduling.versions.row_of`). Only
    for use cases through which every change of the schedule's shows since the
    last version passed (a proposed or confirmed schedule's)."""
    snapshot = changes_snapshot(to_jsonable(schedule), changed)
    _store(work, schedule, note, snapshot, at, change_request_uid=change_request_uid)


def _store(
    work: Work,
    schedule: Schedule,
    note: str,
    snapshot: dict[str, Any],
    at: datetime,
    *,
    change_request_uid: str | None,
) -> None:
    version = build(
        ScheduleVersion,
        {
            "schedule_uid": schedule.uid,
            "version": schedule.version,
            "snapshot": snapshot,
            "created_by_uid": work.actor.user_uid,
            "note": note,
            "change_request_uid": change_request_uid,
        },
        at,
    )
    work.schedule_versions.add(version)


def stored(uow: UnitOfWork, schedule_uid: str) -> list[ScheduleVersion]:
    """The stored versions of a schedule, oldest first."""
    found = uow.schedule_versions.list(where={"schedule_uid": schedule_uid})
    return sorted(found, key=lambda v: v.version)


def _chain(versions: Sequence[ScheduleVersion], upto: int) -> list[ScheduleVersion]:
    """The versions to replay for version ``upto``: from the latest full one
    at or before it."""
    head = [v for v in versions if v.version <= upto]
    start = max((i for i, v in enumerate(head) if is_full(v.snapshot)), default=0)
    return head[start:]


_SUMMARIZED = (
    "schedule_uid",
    "version",
    "created_at",
    "created_by_uid",
    "note",
    "change_request_uid",
)
"""The fields a summary takes from the stored version as they are."""


def _summary(version: ScheduleVersion, show_count: int) -> VersionSummary:
    return VersionSummary(
        **{name: getattr(version, name) for name in _SUMMARIZED},
        show_count=show_count,
        full=is_full(version.snapshot),
    )


def summaries(versions: Sequence[ScheduleVersion]) -> list[VersionSummary]:
    """Each version without its shows (the stored versions, oldest first)."""
    counts = show_counts([v.snapshot for v in versions]) if versions else []
    return [_summary(v, n) for v, n in zip(versions, counts, strict=True)]


def _rows_at(
    versions: Sequence[ScheduleVersion], numbers: Collection[int]
) -> dict[int, dict[str, Row]]:
    """The stored rows of versions ``numbers`` (``versions``: the stored ones,
    oldest first); :class:`NotFoundError` names a missing number."""
    known = {v.version for v in versions}
    for number in numbers:
        if number not in known:
            uid = versions[0].schedule_uid if versions else "schedule"
            raise NotFoundError("schedule version", f"{uid} v{number}")
    if not numbers:
        return {}
    chain = _chain(versions, max(numbers))
    index = {v.version: i for i, v in enumerate(chain)}
    positions = sorted(index[n] for n in set(numbers) if n in index)
    replayed = replay_rows([v.snapshot for v in chain], set(positions))
    rows = dict(zip(positions, replayed, strict=True))
    out: dict[int, dict[str, Row]] = {}
    for number in numbers:
        if number in index:
            out[number] = rows[index[number]]
        else:  # older than the latest full version: replayed from its own
            older = _chain(versions, number)
            out[number] = replay_rows([v.snapshot for v in older], {len(older) - 1})[0]
    return out


def snapshot(versions: Sequence[ScheduleVersion], number: int) -> ScheduleSnapshot:
    """Version ``number`` of a schedule with its shows (``versions``: the stored
    ones, oldest first); :class:`NotFoundError` if there is none."""
    rows = _rows_at(versions, [number])[number]
    shows = sorted(map(ShowState.from_snapshot, rows.values()), key=lambda s: (s.start, s.uid))
    [version] = [v for v in versions if v.version == number]
    return ScheduleSnapshot(
        summary=_summary(version, len(shows)),
        schedule=version.snapshot.get("schedule", {}),
        shows=tuple(shows),
    )


def diff(versions: Sequence[ScheduleVersion], old: int, new: int) -> list[ShowChange]:
    """How the shows changed from version ``old`` to ``new`` (``versions``: the
    stored ones, oldest first); only the shows that differ are read."""
    rows = _rows_at(versions, {old, new})
    return diff_rows(rows[old], rows[new])
