"""Conflict detection over :class:`~studiocore.ports.Booking` objects.

The detector is pure: it takes bookings and a :class:`BufferPolicy` and returns
:class:`~studiocore.conflicts.Conflict` reports. It never touches a database.

Algorithm (see docs/scheduling.md): starts and ends become integer columns and
the bookings are grouped by resource (room uid, MC uid); each group is sorted by
start and swept once, keeping the small *active* list of earlier bookings whose
end plus the resource's buffer lies after the current start. Each pair the
sweep meets goes to :func:`_classify`, the one place that turns two bookings of
a resource into a :class:`~studiocore.conflicts.Conflict`. That is
``O(N log N + K)`` for ``N`` bookings and ``K`` reported pairs.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, TypeAlias

import attrs

from studiocore.conflicts import Conflict, ConflictKind, ResourceType, Severity
from studiocore.ports import Booking

__all__ = [
    "BufferPolicy",
    "detect_all",
    "find_conflicts",
    "near_bookings",
    "near_in_lanes",
    "sort_conflicts",
    "span",
]

_RANK = {Severity.IGNORE: 0, Severity.WARN: 1, Severity.BLOCK: 2}
_ZERO = timedelta(0)
_MICRO = 1_000_000

if TYPE_CHECKING:
    Ints: TypeAlias = array[int]  # flat int64 columns ("q" arrays)


@attrs.frozen(kw_only=True)
class BufferPolicy:
    """Buffers and severities that apply to a set of bookings.

    ``room_changeover`` (by room uid) is the gap a room needs between two shows,
    ``mc_rest`` (by MC uid) the rest an MC needs. Severities are per studio uid
    and default to WARN; IGNORE switches the buffer check off. Overlaps are
    always BLOCK and are not configurable.
    """

    room_changeover: Mapping[str, timedelta] = attrs.field(factory=dict)
    mc_rest: Mapping[str, timedelta] = attrs.field(factory=dict)
    room_changeover_severity: Mapping[str, Severity] = attrs.field(factory=dict)
    """By studio uid (default WARN)."""
    mc_rest_severity: Mapping[str, Severity] = attrs.field(factory=dict)
    """By studio uid (default WARN)."""

    @property
    def max_buffer(self) -> timedelta:
        """The widest buffer any resource needs."""
        return max([*self.room_changeover.values(), *self.mc_rest.values(), _ZERO])

    def room_severity(self, studio_uid: str | None) -> Severity:
        """Severity of a changeover conflict in a room of ``studio_uid``."""
        return self.room_changeover_severity.get(studio_uid or "", Severity.WARN)

    def mc_severity(self, a: str | None, b: str | None) -> Severity:
        """Severity of a rest conflict between shows in studios ``a`` and ``b``: the
        stricter of the two studios' settings."""
        sa = self.mc_rest_severity.get(a or "", Severity.WARN)
        sb = self.mc_rest_severity.get(b or "", Severity.WARN)
        return sa if _RANK[sa] >= _RANK[sb] else sb

    def room_need(self, room_uid: str, studio_uid: str | None) -> timedelta:
        """The changeover that room ``room_uid`` needs (zero when switched off)."""
        if self.room_severity(studio_uid) is Severity.IGNORE:
            return _ZERO
        return self.room_changeover.get(room_uid, _ZERO)

    def mc_need(self, mc_uid: str) -> timedelta:
        """The rest that MC ``mc_uid`` needs (severity is decided per pair)."""
        return self.mc_rest.get(mc_uid, _ZERO)


# --------------------------------------------------------------------------- reports


@lru_cache(maxsize=4096)
def span(length: timedelta) -> str:
    """A length for humans: ``2 h 5 min``, ``45 min``, ``12.5 s``."""
    seconds = length.total_seconds()
    if seconds % 60:
        return f"{seconds:g} s"
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def _classify(  # noqa: PLR0917 - one positional call site, in the sweep
    resource_type: ResourceType,
    resource: str,
    a: Booking,
    b: Booking,
    need: timedelta,
    policy: BufferPolicy,
) -> Conflict | None:
    """The conflict between two bookings of one resource, or ``None``.

    Overlapping bookings are a BLOCK overlap; a gap shorter than ``need`` (the
    resource's changeover or rest) is a buffer conflict with the studio's
    severity, unless that severity is IGNORE. The earlier booking (by start, then
    show uid) comes first in the report."""
    a_slot, b_slot = a.slot, b.slot
    if b_slot.start < a_slot.start or (b_slot.start == a_slot.start and b.show_uid < a.show_uid):
        a, b, a_slot, b_slot = b, a, b_slot, a_slot
    room = resource_type is ResourceType.STUDIO_ROOM
    label = "room" if room else "MC"
    first, second = a.show_uid, b.show_uid
    start, end = b_slot.start, min(a_slot.end, b_slot.end)
    if start < end:
        return Conflict(
            kind=ConflictKind.ROOM_OVERLAP if room else ConflictKind.MC_OVERLAP,
            severity=Severity.BLOCK,
            resource_type=resource_type,
            resource_uid=resource,
            show_uids=(first, second),
            start=start,
            end=end,
            reason=(
                f"{label} {resource} is double-booked: {first} and {second} "
                f"overlap for {span(end - start)}"
            ),
        )
    gap = start - a_slot.end
    if room:
        severity = policy.room_severity(a.studio_uid)
    else:
        severity = policy.mc_severity(a.studio_uid, b.studio_uid)
    if gap >= need or severity is Severity.IGNORE:
        return None
    return Conflict(
        kind=ConflictKind.ROOM_CHANGEOVER if room else ConflictKind.MC_REST,
        severity=severity,
        resource_type=resource_type,
        resource_uid=resource,
        show_uids=(first, second),
        start=a_slot.end,
        end=start,
        reason=(
            f"{label} {resource} has {span(gap)} between {first} and "
            f"{second}; it needs {span(need)} {'changeover' if room else 'rest'}"
        ),
        required=need,
    )


def sort_conflicts(conflicts: Iterable[Conflict]) -> list[Conflict]:
    """Conflicts in report order: by start, rooms before MCs, resource uid, shows."""
    return sorted(
        conflicts,
        key=lambda c: (c.start, c.resource_type is ResourceType.MC, c.resource_uid, c.show_uids),
    )


# --------------------------------------------------------------------------- sweep


def _by_resource(bookings: Sequence[Booking]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The indices of the bookings of each room and of each MC, in input order."""
    rooms: defaultdict[str, list[int]] = defaultdict(list)
    mcs: defaultdict[str, list[int]] = defaultdict(list)
    for i, booking in enumerate(bookings):
        if booking.room_uid is not None:
            rooms[booking.room_uid].append(i)
        for mc in booking.mc_uids:
            mcs[mc].append(i)
    return rooms, mcs


def _columns(bookings: Sequence[Booking], buffers: Iterable[timedelta]) -> tuple[Ints, Ints, int]:
    """Every start and end as an integer relative to the first start, and the
    unit: seconds (1) when every instant and buffer is a whole second, otherwise
    microseconds (10**6), so comparisons stay exact. Whole seconds stay small
    ints, and flat int64 arrays beat lists of ints in the sort and the sweep
    (benchmarks/bench_detector.py)."""
    whole = not any(b.slot.start.microsecond or b.slot.end.microsecond for b in bookings)
    scale = 1 if whole and not any(x.microseconds for x in buffers) else _MICRO
    base = bookings[0].slot.start
    starts: Ints = array("q")
    ends: Ints = array("q")
    for booking in bookings:
        d = booking.slot.start - base
        starts.append((d.days * 86400 + d.seconds) * scale + d.microseconds)
        d = booking.slot.end - base
        ends.append((d.days * 86400 + d.seconds) * scale + d.microseconds)
    return starts, ends, scale


def _units(delta: timedelta, scale: int) -> int:
    return (delta.days * 86400 + delta.seconds) * scale + delta.microseconds


def _close_pairs(
    order: list[int], starts: Ints, ends: Ints, need: int
) -> Iterator[tuple[int, int]]:
    """Every pair ``(j, i)`` of ``order`` (sorted by start, ``j`` before ``i``)
    with ``ends[j] + need > starts[i]``: the overlapping pairs, and with a buffer
    also the pairs closer than it."""
    active: list[int] = []  # the earlier bookings whose end + need is after this start
    reach = starts[order[0]]  # the largest end + need among them
    for i in order:
        start = starts[i]
        if reach <= start:  # nothing active (the common case): skip the filtering
            active = [i]
            reach = ends[i] + need
            continue
        active = [j for j in active if ends[j] + need > start]
        for j in active:
            yield j, i
        active.append(i)
        reach = max(reach, ends[i] + need)


def _detect(bookings: Sequence[Booking], policy: BufferPolicy, limit: int) -> list[Conflict]:
    """Every conflict among ``bookings`` that involves one of the first ``limit``."""
    if not bookings:
        return []
    buffers = [*policy.room_changeover.values(), *policy.mc_rest.values()]
    starts, ends, scale = _columns(bookings, buffers)
    rooms, mcs = _by_resource(bookings)
    found: list[Conflict] = []
    for resource_type, groups in ((ResourceType.STUDIO_ROOM, rooms), (ResourceType.MC, mcs)):
        for resource in sorted(groups):
            order = groups[resource]
            if len(order) < 2 or order[0] >= limit:  # in input order: none of the first
                continue
            order.sort(key=starts.__getitem__)
            if resource_type is ResourceType.STUDIO_ROOM:
                need = policy.room_need(resource, bookings[order[0]].studio_uid)
            else:
                need = policy.mc_need(resource)
            for j, i in _close_pairs(order, starts, ends, _units(need, scale)):
                a, b = bookings[j], bookings[i]
                if (j >= limit and i >= limit) or a.show_uid == b.show_uid:
                    continue
                conflict = _classify(resource_type, resource, a, b, need, policy)
                if conflict is not None:
                    found.append(conflict)
    found.sort(key=attrgetter("start"))  # stable: rooms before MCs, then resource uid
    return found


def detect_all(bookings: Sequence[Booking], policy: BufferPolicy | None = None) -> list[Conflict]:
    """Every conflicting pair among ``bookings``, for rooms and for MCs (the audit).

    Overlaps are BLOCK; changeover and rest conflicts take their severity from
    ``policy`` (no buffers when ``policy`` is omitted). ``O(N log N + K)``.
    Conflicts are ordered by start (of the overlap or the gap), then rooms before
    MCs, then resource uid.
    """
    return _detect(bookings, policy or BufferPolicy(), len(bookings))


def find_conflicts(
    candidates: Sequence[Booking], existing: Sequence[Booking], policy: BufferPolicy
) -> list[Conflict]:
    """Every conflict of a candidate with an existing booking or with another
    candidate; existing bookings among themselves are not compared. An existing
    booking with the uid of a candidate is the candidate's old state and ignored.
    Same order as :func:`detect_all`.

    >>> from datetime import datetime, UTC
    >>> from studiocore import Booking, ShowStatus, TimeSlot
    >>> def at(h1, h2, uid):
    ...     slot = TimeSlot(datetime(2026, 1, 5, h1, tzinfo=UTC), datetime(2026, 1, 5, h2, tzinfo=UTC))
    ...     return Booking(show_uid=uid, studio_uid="studio_1", room_uid="room_1",
    ...                    mc_uids=frozenset(), slot=slot, status=ShowStatus.CONFIRMED)
    >>> existing = [at(9, 11, "show_a"), at(12, 13, "show_b")]
    >>> [c.show_uids for c in find_conflicts([at(10, 12, "show_c")], existing, BufferPolicy())]
    [('show_a', 'show_c')]
    """
    if not candidates:
        return []
    return _detect(_candidates_first(candidates, existing), policy, len(candidates))


def _candidates_first(candidates: Sequence[Booking], existing: Sequence[Booking]) -> list[Booking]:
    """The candidates, then the existing bookings that are not a candidate's old state."""
    mine = {c.show_uid for c in candidates}
    return [*candidates, *(b for b in existing if b.show_uid not in mine)]


def near_bookings(
    candidates: Sequence[Booking], existing: Sequence[Booking], margin: timedelta
) -> tuple[list[Booking], list[Booking]]:
    """The candidates that are near another candidate or an existing booking, and
    the existing bookings near a candidate, each in input order.

    Two bookings are *near* when they share a room or an MC and the later one
    starts less than ``margin`` after the earlier one ends (overlapping ones
    included). With ``margin`` at least the widest buffer, every conflict
    :func:`find_conflicts` reports is between two near bookings, so running it on
    this (usually small) subset gives the same answer. The SQL adapter computes
    the same subset with :func:`near_in_lanes` from the rows it read."""
    if not candidates:
        return [], []
    rows = _candidates_first(candidates, existing)
    n_cand = len(candidates)
    rooms, mcs = _by_resource(rows)
    near = near_in_lanes(
        [b.slot.start for b in rows],
        [b.slot.end for b in rows],
        [*rooms.values(), *mcs.values()],
        n_cand,
        margin,
    )
    return (
        [b for i, b in enumerate(rows[:n_cand]) if near[i]],
        [b for i, b in enumerate(rows[n_cand:], start=n_cand) if near[i]],
    )


def near_in_lanes(
    starts: Sequence[datetime],
    ends: Sequence[datetime],
    lanes: Iterable[list[int]],
    candidates: int,
    margin: timedelta,
) -> list[bool]:
    """Which rows are near (see :func:`near_bookings`): row ``i`` runs
    ``[starts[i], ends[i])``; rows below ``candidates`` are candidates, the
    others existing bookings; each lane lists the rows of one room or one MC
    (sorted here by start, in place). A candidate is near any row of its lanes,
    an existing booking only a candidate."""
    near = [False] * len(starts)
    for lane in lanes:
        if len(lane) < 2:
            continue
        lane.sort(key=starts.__getitem__)  # ties in any order give the same answer
        # forward: near an earlier row (any, and any candidate)
        latest_any: datetime | None = None
        latest_cand: datetime | None = None
        for i in lane:
            start, end = starts[i], ends[i]
            partner = latest_any if i < candidates else latest_cand
            if partner is not None and start < partner + margin:
                near[i] = True
            if latest_any is None or end > latest_any:
                latest_any = end
            if i < candidates and (latest_cand is None or end > latest_cand):
                latest_cand = end
        # backward: near a later row (the next start is the earliest later start)
        next_any: datetime | None = None
        next_cand: datetime | None = None
        for i in reversed(lane):
            start, end = starts[i], ends[i]
            partner = next_any if i < candidates else next_cand
            if partner is not None and partner < end + margin:
                near[i] = True
            next_any = start
            if i < candidates:
                next_cand = start
    return near
