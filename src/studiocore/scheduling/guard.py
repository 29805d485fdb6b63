"""The booking guard: every write that makes a show reserve resources goes
through :func:`ensure_bookable` inside the writer's unit of work."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from studiocore.conflicts import Conflict, Severity
from studiocore.errors import ConflictError
from studiocore.events import ConflictsWarned
from studiocore.lookups import ShowStatus
from studiocore.ports import Booking, ScheduledShow, UnitOfWork
from studiocore.scheduling.describe import describe_conflicts
from studiocore.scheduling.detector import BufferPolicy, find_conflicts

__all__ = [
    "BufferPolicy",
    "assess_bookings",
    "assess_schedule",
    "blocking_error",
    "ensure_bookable",
    "find_conflicts",
    "load_policy",
]


def load_policy(uow: UnitOfWork, bookings: Iterable[Booking]) -> BufferPolicy:
    """Read the buffers and severities of the rooms, MCs and studios involved."""
    bookings = list(bookings)
    mc_uids: set[str] = set()
    for b in bookings:
        mc_uids.update(b.mc_uids)
    return _policy(
        uow,
        {b.room_uid for b in bookings if b.room_uid},
        mc_uids,
        {b.studio_uid for b in bookings if b.studio_uid},
    )


def _policy(
    uow: UnitOfWork, room_uids: set[str], mc_uids: set[str], studio_uids: set[str]
) -> BufferPolicy:
    rooms = uow.studio_rooms.get_many(room_uids)
    mcs = uow.mcs.get_many(mc_uids)
    studio_uids = studio_uids | {r.studio_uid for r in rooms.values()}
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


def assess_bookings(
    uow: UnitOfWork, candidates: Sequence[Booking], *, lock: bool = True
) -> list[Conflict]:
    """Every conflict (BLOCK and WARN) of ``candidates`` with the reserving
    bookings already stored and with each other, without raising.

    With ``lock`` the candidates' rooms and MCs are locked first, so the answer
    stays true until the unit of work ends. One set-based read
    (``uow.bookings.near``) fetches the neighbours.
    """
    if not candidates:
        return []
    if lock:
        mc_uids: set[str] = set()
        for c in candidates:
            mc_uids.update(c.mc_uids)
        uow.lock_resources(
            room_uids=sorted({c.room_uid for c in candidates if c.room_uid}),
            mc_uids=sorted(mc_uids),
        )
    policy = load_policy(uow, candidates)
    existing = uow.bookings.near(candidates, policy.max_buffer)
    if existing:
        policy = load_policy(uow, [*candidates, *existing])
    return describe_conflicts(uow, find_conflicts(candidates, existing, policy), candidates)


def assess_schedule(
    uow: UnitOfWork, schedule_uid: str, *, lock: bool = True
) -> tuple[list[ScheduledShow], list[Conflict]]:
    """What confirming a schedule's drafts would conflict with: every live show
    of the schedule (:meth:`BookingReadModel.schedule_shows`, one read), and
    every conflict (BLOCK and WARN) of its drafts with the reserving bookings
    already stored and with each other. The same answer as
    :func:`assess_bookings` on all the drafts, but only the drafts involved in a
    conflict's neighbourhood are ever loaded as bookings
    (:meth:`BookingReadModel.crowded`, handed the drafts this read found): a
    schedule of 10k drafts without conflicts costs two reads.

    With ``lock`` the drafts' rooms and MCs are locked first, so the answer stays
    true until the unit of work ends."""
    shows = uow.bookings.schedule_shows(schedule_uid)
    drafts = [s for s in shows if s.status is ShowStatus.DRAFT]
    if not drafts:
        return shows, []
    room_uids = {s.room_uid for s in drafts if s.room_uid}
    mc_uids = {mc for s in drafts for mc in s.mc_uids}
    if lock:
        uow.lock_resources(room_uids=sorted(room_uids), mc_uids=sorted(mc_uids))
    policy = _policy(uow, room_uids, mc_uids, set())
    candidates, existing = uow.bookings.crowded(drafts, policy.max_buffer)
    if not candidates:
        return shows, []
    policy = load_policy(uow, [*candidates, *existing])
    return shows, describe_conflicts(uow, find_conflicts(candidates, existing, policy))


def blocking_error(conflicts: Sequence[Conflict], prefix: str = "") -> ConflictError | None:
    """A :class:`ConflictError` carrying every conflict when any of them BLOCKs
    (``prefix`` starts the message)."""
    blocking = [c for c in conflicts if c.severity is Severity.BLOCK]
    if not blocking:
        return None
    first = blocking[0].reason
    more = f" (and {len(blocking) - 1} more)" if len(blocking) > 1 else ""
    return ConflictError(f"{prefix}{first}{more}", conflicts)


def ensure_bookable(uow: UnitOfWork, candidates: Sequence[Booking]) -> tuple[Conflict, ...]:
    """Lock the candidates' rooms and MCs, then check them against the reserving
    bookings already stored and against each other.

    Raises :class:`ConflictError` carrying every conflict when any conflict
    BLOCKs; otherwise returns the WARN conflicts for the caller to report.
    """
    conflicts = assess_bookings(uow, candidates)
    error = blocking_error(conflicts)
    if error is not None:
        raise error
    warnings = tuple(c for c in conflicts if c.severity is Severity.WARN)
    if warnings:
        uow.emit(
            ConflictsWarned(
                use_case="",
                user_uid=None,
                show_uids=tuple(c.show_uid for c in candidates),
                conflicts=warnings,
            )
        )
    return warnings
