"""The booking guard: every write that makes a show reserve resources goes
through :func:`ensure_bookable` inside the writer's unit of work."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta

import attrs

from studiocore.conflicts import Conflict, ConflictKind, ResourceType, Severity
from studiocore.errors import ConflictError
from studiocore.ports import Booking, UnitOfWork

__all__ = ["BufferPolicy", "ensure_bookable", "find_conflicts", "load_policy"]

_RANK = {Severity.IGNORE: 0, Severity.WARN: 1, Severity.BLOCK: 2}


@attrs.frozen(kw_only=True)
class BufferPolicy:
    """Buffers and severities that apply to a set of bookings."""

    room_changeover: Mapping[str, timedelta] = attrs.field(factory=dict)
    mc_rest: Mapping[str, timedelta] = attrs.field(factory=dict)
    room_changeover_severity: Mapping[str, Severity] = attrs.field(factory=dict)
    """By studio uid (default WARN)."""
    mc_rest_severity: Mapping[str, Severity] = attrs.field(factory=dict)
    """By studio uid (default WARN)."""

    @property
    def max_buffer(self) -> timedelta:
        """The widest buffer any resource needs."""
        return max([*self.room_changeover.values(), *self.mc_rest.values(), timedelta(0)])

    def room_severity(self, studio_uid: str | None) -> Severity:
        return self.room_changeover_severity.get(studio_uid or "", Severity.WARN)

    def mc_severity(self, a: str | None, b: str | None) -> Severity:
        sa = self.mc_rest_severity.get(a or "", Severity.WARN)
        sb = self.mc_rest_severity.get(b or "", Severity.WARN)
        return sa if _RANK[sa] >= _RANK[sb] else sb


def load_policy(uow: UnitOfWork, bookings: Iterable[Booking]) -> BufferPolicy:
    """Read the buffers and severities of the rooms, MCs and studios involved."""
    bookings = list(bookings)
    room_uids = {b.room_uid for b in bookings if b.room_uid}
    mc_uids = set().union(*(b.mc_uids for b in bookings)) if bookings else set()
    rooms = uow.studio_rooms.get_many(room_uids)
    mcs = uow.mcs.get_many(mc_uids)
    studio_uids = {b.studio_uid for b in bookings if b.studio_uid}
    studios = uow.studios.get_many(studio_uids)
    return BufferPolicy(
        room_changeover={
            u: timedelta(minutes=r.changeover_minutes)
            for u, r in rooms.items()
            if r.changeover_minutes
        },
        mc_rest={
            u: timedelta(minutes=m.min_rest_minutes) for u, m in mcs.items() if m.min_rest_minutes
        },
        room_changeover_severity={u: s.room_changeover_severity for u, s in studios.items()},
        mc_rest_severity={u: s.mc_rest_severity for u, s in studios.items()},
    )


def _pair(
    a: Booking, b: Booking, resource_type: ResourceType, resource: str, policy: BufferPolicy
) -> Conflict | None:
    first, second = sorted((a, b), key=lambda x: (x.slot.start, x.show_uid))
    start = max(a.slot.start, b.slot.start)
    end = min(a.slot.end, b.slot.end)
    room = resource_type is ResourceType.STUDIO_ROOM
    label = "room" if room else "MC"
    if start < end:
        return Conflict(
            kind=ConflictKind.ROOM_OVERLAP if room else ConflictKind.MC_OVERLAP,
            severity=Severity.BLOCK,
            resource_type=resource_type,
            resource_uid=resource,
            show_uids=(first.show_uid, second.show_uid),
            start=start,
            end=end,
            reason=(
                f"{label} {resource} is booked by {first.show_uid} and {second.show_uid} "
                f"from {start.isoformat()} to {end.isoformat()}"
            ),
        )
    gap_start, gap_end = first.slot.end, second.slot.start
    if gap_start > gap_end:  # nested: cannot happen without overlap
        return None
    gap = gap_end - gap_start
    if room:
        need = policy.room_changeover.get(resource, timedelta(0))
        severity = policy.room_severity(first.studio_uid)
        kind = ConflictKind.ROOM_CHANGEOVER
        what = "changeover"
    else:
        need = policy.mc_rest.get(resource, timedelta(0))
        severity = policy.mc_severity(first.studio_uid, second.studio_uid)
        kind = ConflictKind.MC_REST
        what = "rest"
    if gap >= need or severity is Severity.IGNORE:
        return None
    return Conflict(
        kind=kind,
        severity=severity,
        resource_type=resource_type,
        resource_uid=resource,
        show_uids=(first.show_uid, second.show_uid),
        start=gap_start,
        end=gap_end,
        reason=(
            f"{label} {resource} has {int(gap.total_seconds() // 60)} min between "
            f"{first.show_uid} and {second.show_uid}; it needs {int(need.total_seconds() // 60)} "
            f"min {what}"
        ),
    )


def find_conflicts(
    candidates: Sequence[Booking], existing: Sequence[Booking], policy: BufferPolicy
) -> list[Conflict]:
    """Every conflict of a candidate with an existing booking or with another
    candidate (existing bookings among themselves are not compared)."""
    found: list[Conflict] = []
    everyone = [*candidates, *existing]
    n = len(candidates)
    for i, cand in enumerate(candidates):
        for j, other in enumerate(everyone):
            if j < n and j <= i:
                continue
            if other.show_uid == cand.show_uid:
                continue
            if cand.room_uid is not None and cand.room_uid == other.room_uid:
                c = _pair(cand, other, ResourceType.STUDIO_ROOM, cand.room_uid, policy)
                if c is not None:
                    found.append(c)
            for mc in sorted(cand.mc_uids & other.mc_uids):
                c = _pair(cand, other, ResourceType.MC, mc, policy)
                if c is not None:
                    found.append(c)
    found.sort(key=lambda c: (c.start, c.resource_uid, c.show_uids))
    return found


def ensure_bookable(uow: UnitOfWork, candidates: Sequence[Booking]) -> tuple[Conflict, ...]:
    """Lock the candidates' rooms and MCs, then check them against the reserving
    bookings already stored and against each other.

    Raises :class:`ConflictError` carrying every conflict when any conflict
    BLOCKs; otherwise returns the WARN conflicts for the caller to report.
    """
    if not candidates:
        return ()
    uow.lock_resources(
        room_uids={c.room_uid for c in candidates if c.room_uid},
        mc_uids=set().union(*(c.mc_uids for c in candidates)),
    )
    policy = load_policy(uow, candidates)
    existing = uow.shows.bookings_near(candidates, policy.max_buffer)
    policy = load_policy(uow, [*candidates, *existing])
    conflicts = find_conflicts(candidates, existing, policy)
    blocking = [c for c in conflicts if c.severity is Severity.BLOCK]
    if blocking:
        shows = sorted({u for c in blocking for u in c.show_uids})
        raise ConflictError(
            f"{len(blocking)} blocking conflict(s) involving shows {', '.join(shows)}",
            conflicts,
        )
    return tuple(c for c in conflicts if c.severity is Severity.WARN)
