"""Conflict detection over :class:`~studiocore.ports.Booking` objects.

The detector is pure: it takes bookings and a :class:`BufferPolicy` and returns
:class:`~studiocore.conflicts.Conflict` reports. It never touches a database.

Algorithm (see docs/scheduling.md): the bookings are converted once into
flat int64 columns (start and end, in seconds, or microseconds when any
instant has a sub-second part, relative to the first start) and grouped by
resource (room uid, MC uid). Each group is sorted by start and swept once,
keeping the small *active* list of earlier bookings whose end plus the
resource's buffer lies after the current start; every member of that list
conflicts with the current booking. That is ``O(N log N + K)`` for ``N``
bookings and ``K`` reported pairs, with no attrs object created except the
``K`` conflicts.

:class:`BookingIndex` answers "what does this candidate conflict with?" against
a fixed set of bookings in ``O(log n + m)`` per resource, where ``m`` is the
number of bookings that start within one maximal show length of the candidate.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias

import attrs

from studiocore.conflicts import Conflict, ConflictKind, ResourceType, Severity
from studiocore.ports import Booking

__all__ = [
    "BookingIndex",
    "BufferPolicy",
    "detect_all",
    "find_conflicts",
    "near_bookings",
    "sort_conflicts",
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
def _span(seconds: float) -> str:
    """A length for humans: ``2 h 5 min``, ``45 min``, ``12.5 s``."""
    if seconds % 60:
        return f"{seconds:g} s"
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def _overlap(  # noqa: PLR0917 - positional on the hot path
    resource_type: ResourceType,
    resource: str,
    first: Booking,
    second: Booking,
    end: datetime,
    seconds: float,
) -> Conflict:
    room = resource_type is ResourceType.STUDIO_ROOM
    return Conflict(
        kind=ConflictKind.ROOM_OVERLAP if room else ConflictKind.MC_OVERLAP,
        severity=Severity.BLOCK,
        resource_type=resource_type,
        resource_uid=resource,
        show_uids=(first.show_uid, second.show_uid),
        start=second.slot.start,
        end=end,
        reason=(
            f"{'room' if room else 'MC'} {resource} is double-booked: {first.show_uid} and "
            f"{second.show_uid} overlap for {_span(seconds)}"
        ),
    )


def _gap(  # noqa: PLR0917 - positional on the hot path
    resource_type: ResourceType,
    resource: str,
    first: Booking,
    second: Booking,
    severity: Severity,
    seconds: float,
    need: timedelta,
) -> Conflict:
    room = resource_type is ResourceType.STUDIO_ROOM
    return Conflict(
        kind=ConflictKind.ROOM_CHANGEOVER if room else ConflictKind.MC_REST,
        severity=severity,
        resource_type=resource_type,
        resource_uid=resource,
        show_uids=(first.show_uid, second.show_uid),
        start=first.slot.end,
        end=second.slot.start,
        reason=(
            f"{'room' if room else 'MC'} {resource} has {_span(seconds)} between "
            f"{first.show_uid} and {second.show_uid}; it needs "
            f"{_span(need.total_seconds())} {'changeover' if room else 'rest'}"
        ),
    )


def _severity(
    resource_type: ResourceType, first: Booking, second: Booking, policy: BufferPolicy
) -> Severity:
    if resource_type is ResourceType.STUDIO_ROOM:
        return policy.room_severity(first.studio_uid)
    return policy.mc_severity(first.studio_uid, second.studio_uid)


def _classify(
    a: Booking, b: Booking, resource_type: ResourceType, resource: str, policy: BufferPolicy
) -> Conflict | None:
    """The conflict between two bookings of one resource, or ``None``."""
    sa, sb = a.slot.start, b.slot.start
    first, second = (a, b) if sa < sb or (sa == sb and a.show_uid <= b.show_uid) else (b, a)
    end = min(first.slot.end, second.slot.end)
    if second.slot.start < end:
        return _overlap(
            resource_type, resource, first, second, end, (end - second.slot.start).total_seconds()
        )
    gap = second.slot.start - first.slot.end
    if resource_type is ResourceType.STUDIO_ROOM:
        need = policy.room_need(resource, first.studio_uid)
    else:
        need = policy.mc_need(resource)
    severity = _severity(resource_type, first, second, policy)
    if gap >= need or severity is Severity.IGNORE:
        return None
    return _gap(resource_type, resource, first, second, severity, gap.total_seconds(), need)


def sort_conflicts(conflicts: Iterable[Conflict]) -> list[Conflict]:
    """Conflicts in report order: by start, rooms before MCs, resource uid, shows."""
    return sorted(
        conflicts,
        key=lambda c: (c.start, c.resource_type is ResourceType.MC, c.resource_uid, c.show_uids),
    )


# --------------------------------------------------------------------------- sweep


def _columns(
    bookings: Sequence[Booking], buffers: Iterable[timedelta]
) -> tuple[Ints, Ints, int, dict[str, list[int]], dict[str, list[int]]]:
    """One pass over the bookings: start and end as integers relative to the first
    start (in flat int64 arrays, which keeps the sweep cache-friendly), the scale
    (1: seconds; 10**6: microseconds, when any instant or buffer has a sub-second
    part), and the indices of the bookings of each room and each MC."""
    base = bookings[0].slot.start
    starts: Ints = array("q")
    ends: Ints = array("q")
    add_start = starts.append
    add_end = ends.append
    rooms: dict[str, list[int]] = {}
    mcs: dict[str, list[int]] = {}
    fraction = 0
    for i, booking in enumerate(bookings):
        slot = booking.slot
        d = slot.start - base
        add_start(d.days * 86400 + d.seconds)
        fraction |= d.microseconds
        d = slot.end - base
        add_end(d.days * 86400 + d.seconds)
        fraction |= d.microseconds
        room = booking.room_uid
        if room is not None:
            group = rooms.get(room)
            if group is None:
                rooms[room] = [i]
            else:
                group.append(i)
        for mc in booking.mc_uids:
            group = mcs.get(mc)
            if group is None:
                mcs[mc] = [i]
            else:
                group.append(i)
    for buffer in buffers:
        fraction |= buffer.microseconds
    if not fraction:
        return starts, ends, 1, rooms, mcs
    starts = array("q")
    ends = array("q")
    for booking in bookings:
        slot = booking.slot
        d = slot.start - base
        starts.append((d.days * 86400 + d.seconds) * _MICRO + d.microseconds)
        d = slot.end - base
        ends.append((d.days * 86400 + d.seconds) * _MICRO + d.microseconds)
    return starts, ends, _MICRO, rooms, mcs


def _units(delta: timedelta, scale: int) -> int:
    whole = delta.days * 86400 + delta.seconds
    return whole * _MICRO + delta.microseconds if scale == _MICRO else whole


def _sweep(  # noqa: PLR0917 - positional on the hot path
    order: list[int], starts: Ints, ends: Ints, need: int, early: list[int], late: list[int]
) -> None:
    """Append to ``early``/``late`` every pair ``(j, i)`` of ``order`` (sorted by
    start, j before i) with ``end[j] + need > start[i]``: the overlapping pairs,
    and with ``need > 0`` also the pairs closer than the buffer. Two flat lists of
    ints, not a list of tuples: nothing for the cyclic garbage collector to scan."""
    reach = starts[order[0]]  # the largest end + need among the active bookings
    last = -1  # the only active booking while ``active`` is None
    active: list[int] | None = None
    for i in order:
        s = starts[i]
        if reach <= s:  # everything before has ended (buffer included): fast path
            last = i
            active = None
            reach = ends[i] + need
            continue
        active = [last] if active is None else [j for j in active if ends[j] + need > s]
        for j in active:
            early.append(j)
            late.append(i)
        active.append(i)
        r = ends[i] + need
        if r > reach:  # noqa: PLR1730 - max() is a call on the hot path
            reach = r


def _detect(
    bookings: Sequence[Booking],
    policy: BufferPolicy,
    candidate_count: int | None,
) -> list[Conflict]:
    """Every conflict among ``bookings``; with ``candidate_count`` set, only pairs
    involving at least one of the first ``candidate_count`` bookings."""
    if not bookings:
        return []
    buffers = [*policy.room_changeover.values(), *policy.mc_rest.values()]
    starts, ends, scale, rooms, mcs = _columns(bookings, buffers)
    if candidate_count is not None:  # only the candidates' resources matter
        wanted_rooms: set[str] = set()
        wanted_mcs: set[str] = set()
        for booking in bookings[:candidate_count]:
            if booking.room_uid is not None:
                wanted_rooms.add(booking.room_uid)
            wanted_mcs.update(booking.mc_uids)
        rooms = {r: g for r, g in rooms.items() if r in wanted_rooms}
        mcs = {m: g for m, g in mcs.items() if m in wanted_mcs}
    by_start = starts.__getitem__
    limit = len(bookings) if candidate_count is None else candidate_count
    keys: list[int] = []  # where each conflict starts, for the final ordering
    found: list[Conflict] = []
    add_key = keys.append
    keep = found.append
    early_hits: list[int] = []
    late_hits: list[int] = []
    for kind, groups, overlap_kind, label in (
        (ResourceType.STUDIO_ROOM, rooms, ConflictKind.ROOM_OVERLAP, "room"),
        (ResourceType.MC, mcs, ConflictKind.MC_OVERLAP, "MC"),
    ):
        for resource in sorted(groups):
            order = groups[resource]
            if len(order) < 2:
                continue
            order.sort(key=by_start)
            if kind is ResourceType.STUDIO_ROOM:
                need = policy.room_need(resource, bookings[order[0]].studio_uid)
            else:
                need = policy.mc_need(resource)
            early_hits.clear()
            late_hits.clear()
            _sweep(order, starts, ends, _units(need, scale), early_hits, late_hits)
            if not early_hits:
                continue
            prefix = f"{label} {resource} is double-booked: "
            for early, late in zip(early_hits, late_hits, strict=True):  # by start
                if early >= limit and late >= limit:
                    continue  # two existing bookings: not this check's business
                first, second = bookings[early], bookings[late]
                s1, s2 = starts[early], starts[late]
                e1, e2 = ends[early], ends[late]
                if s1 == s2 and second.show_uid < first.show_uid:
                    first, second, e1, e2 = second, first, e2, e1
                elif first.show_uid == second.show_uid:
                    continue
                if e1 > s2:  # overlap [s2, min(e1, e2)), built inline: the hot path
                    if e2 < e1:
                        e1, end = e2, second.slot.end
                    else:
                        end = first.slot.end
                    a, b = first.show_uid, second.show_uid
                    conflict = Conflict(
                        kind=overlap_kind,
                        severity=Severity.BLOCK,
                        resource_type=kind,
                        resource_uid=resource,
                        show_uids=(a, b),
                        start=second.slot.start,
                        end=end,
                        reason=f"{prefix}{a} and {b} overlap for {_span((e1 - s2) / scale)}",
                    )
                    add_key(s2)
                    keep(conflict)
                    continue
                severity = _severity(kind, first, second, policy)
                if severity is Severity.IGNORE:
                    continue
                add_key(e1)
                keep(_gap(kind, resource, first, second, severity, (s2 - e1) / scale, need))
    ranking = sorted(range(len(found)), key=keys.__getitem__)  # stable: ties keep their order
    return [found[r] for r in ranking]


def detect_all(bookings: Sequence[Booking], policy: BufferPolicy | None = None) -> list[Conflict]:
    """Every conflicting pair among ``bookings``, for rooms and for MCs (the audit).

    Overlaps are BLOCK; changeover and rest conflicts take their severity from
    ``policy`` (no buffers when ``policy`` is omitted). ``O(N log N + K)``.
    Conflicts are ordered by start (of the overlap or the gap), then rooms before
    MCs, then resource uid.
    """
    return _detect(bookings, policy or BufferPolicy(), None)


def find_conflicts(
    candidates: Sequence[Booking], existing: Sequence[Booking], policy: BufferPolicy
) -> list[Conflict]:
    """Every conflict of a candidate with an existing booking or with another
    candidate; existing bookings among themselves are not compared. An existing
    booking with the uid of a candidate is the candidate's old state and ignored.
    Same order as :func:`detect_all`."""
    if not candidates:
        return []
    mine = {c.show_uid for c in candidates}
    others = [b for b in existing if b.show_uid not in mine]
    return _detect([*candidates, *others], policy, len(candidates))


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
    the same subset in the database."""
    if not candidates:
        return [], []
    mine = {c.show_uid for c in candidates}
    rows = [*candidates, *(b for b in existing if b.show_uid not in mine)]
    n_cand = len(candidates)
    lanes: dict[tuple[bool, str], list[int]] = {}
    for i, b in enumerate(rows):
        if b.room_uid is not None:
            lanes.setdefault((False, b.room_uid), []).append(i)
        for mc in b.mc_uids:
            lanes.setdefault((True, mc), []).append(i)
    near = [False] * len(rows)
    for lane in lanes.values():
        if len(lane) < 2:
            continue
        lane.sort(key=lambda i: (rows[i].slot.start, rows[i].show_uid))
        # forward: near an earlier row (any, and any candidate)
        latest_any: datetime | None = None
        latest_cand: datetime | None = None
        for i in lane:
            start, end = rows[i].slot.start, rows[i].slot.end
            partner = latest_any if i < n_cand else latest_cand
            if partner is not None and start < partner + margin:
                near[i] = True
            latest_any = end if latest_any is None else max(latest_any, end)
            if i < n_cand:
                latest_cand = end if latest_cand is None else max(latest_cand, end)
        # backward: near a later row (the next start is the earliest later start)
        next_any: datetime | None = None
        next_cand: datetime | None = None
        for i in reversed(lane):
            start, end = rows[i].slot.start, rows[i].slot.end
            partner = next_any if i < n_cand else next_cand
            if partner is not None and partner < end + margin:
                near[i] = True
            next_any = start
            if i < n_cand:
                next_cand = start
    return (
        [b for i, b in enumerate(rows[:n_cand]) if near[i]],
        [b for i, b in enumerate(rows[n_cand:], start=n_cand) if near[i]],
    )


# --------------------------------------------------------------------------- index


class _Lane:
    """The bookings of one resource sorted by start, with the longest duration."""

    __slots__ = ("bookings", "longest", "starts")

    def __init__(self, bookings: list[Booking]) -> None:
        bookings.sort(key=lambda b: (b.slot.start, b.show_uid))
        self.bookings = bookings
        self.starts = [b.slot.start for b in bookings]
        self.longest = max(b.slot.duration for b in bookings)

    def near(self, start: datetime, end: datetime, margin: timedelta) -> list[Booking]:
        """Bookings whose slot, widened by ``margin``, overlaps ``[start, end)``."""
        lo = bisect_left(self.starts, start - self.longest - margin)
        hi = bisect_left(self.starts, end + margin)
        return [b for b in self.bookings[lo:hi] if b.slot.end + margin > start]


class BookingIndex:
    """A fixed set of bookings indexed by resource, for fast candidate checks.

    >>> from datetime import datetime, UTC
    >>> from studiocore import Booking, ShowStatus, TimeSlot
    >>> def at(h1, h2, uid):
    ...     slot = TimeSlot(datetime(2026, 1, 5, h1, tzinfo=UTC), datetime(2026, 1, 5, h2, tzinfo=UTC))
    ...     return Booking(show_uid=uid, studio_uid="studio_1", room_uid="room_1",
    ...                    mc_uids=frozenset(), slot=slot, status=ShowStatus.CONFIRMED)
    >>> index = BookingIndex([at(9, 11, "show_a"), at(12, 13, "show_b")])
    >>> [c.show_uids for c in index.conflicts_of(at(10, 12, "show_c"))]
    [('show_a', 'show_c')]
    """

    def __init__(self, bookings: Iterable[Booking], policy: BufferPolicy | None = None) -> None:
        self.policy = policy or BufferPolicy()
        rooms: dict[str, list[Booking]] = {}
        mcs: dict[str, list[Booking]] = {}
        count = 0
        for booking in bookings:
            count += 1
            if booking.room_uid is not None:
                rooms.setdefault(booking.room_uid, []).append(booking)
            for mc in booking.mc_uids:
                mcs.setdefault(mc, []).append(booking)
        self._rooms = {uid: _Lane(group) for uid, group in rooms.items()}
        self._mcs = {uid: _Lane(group) for uid, group in mcs.items()}
        self._count = count

    def __len__(self) -> int:
        return self._count

    def conflicts_of(self, candidate: Booking) -> list[Conflict]:
        """Every conflict of ``candidate`` with an indexed booking (a booking with
        the candidate's own show uid is skipped)."""
        found: list[Conflict] = []
        start, end = candidate.slot.start, candidate.slot.end
        lanes: list[tuple[ResourceType, str, _Lane, timedelta]] = []
        if candidate.room_uid is not None and candidate.room_uid in self._rooms:
            need = self.policy.room_need(candidate.room_uid, candidate.studio_uid)
            lanes.append(
                (
                    ResourceType.STUDIO_ROOM,
                    candidate.room_uid,
                    self._rooms[candidate.room_uid],
                    need,
                )
            )
        for mc in sorted(candidate.mc_uids):
            if mc in self._mcs:
                lanes.append((ResourceType.MC, mc, self._mcs[mc], self.policy.mc_need(mc)))
        for kind, resource, lane, need in lanes:
            for other in lane.near(start, end, need):
                if other.show_uid == candidate.show_uid:
                    continue
                conflict = _classify(candidate, other, kind, resource, self.policy)
                if conflict is not None:
                    found.append(conflict)
        return sort_conflicts(found)

    def blocking(self, candidate: Booking) -> bool:
        """Whether ``candidate`` has a BLOCK conflict with an indexed booking."""
        return any(c.blocking for c in self.conflicts_of(candidate))
