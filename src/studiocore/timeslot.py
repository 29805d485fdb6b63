"""Time values: the half-open :class:`TimeSlot` and the :class:`Clock` port."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol

import attrs

from studiocore.errors import ValidationError

__all__ = [
    "Clock",
    "FixedClock",
    "SystemClock",
    "TimeSlot",
    "require_aware",
    "union",
    "utc_now",
]


def require_aware(value: object, field: str) -> datetime:
    """Return ``value`` as a UTC datetime; raise :class:`ValidationError` naming ``field``
    if it is not a timezone-aware datetime."""
    if value.__class__ is datetime and value.tzinfo is UTC:
        return value  # the common case, kept cheap
    if not isinstance(value, datetime):
        raise ValidationError(field, f"must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValidationError(field, "must be timezone-aware (naive datetimes are ambiguous)")
    return value.astimezone(UTC)


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def _to_utc_start(value: object) -> datetime:
    return require_aware(value, "start")


def _to_utc_end(value: object) -> datetime:
    return require_aware(value, "end")


@attrs.frozen(order=True)
class TimeSlot:
    """A half-open interval ``[start, end)`` of aware datetimes, stored in UTC.

    >>> from datetime import datetime, UTC
    >>> a = TimeSlot(datetime(2026, 1, 5, 9, tzinfo=UTC), datetime(2026, 1, 5, 10, tzinfo=UTC))
    >>> b = TimeSlot(datetime(2026, 1, 5, 10, tzinfo=UTC), datetime(2026, 1, 5, 11, tzinfo=UTC))
    >>> a.overlaps(b)  # back to back: no overlap
    False
    """

    start: datetime = attrs.field(converter=_to_utc_start)
    end: datetime = attrs.field(converter=_to_utc_end)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValidationError(
                "end", f"must be after start ({self.end.isoformat()} <= {self.start.isoformat()})"
            )

    @property
    def duration(self) -> timedelta:
        """Length of the slot."""
        return self.end - self.start

    def overlaps(self, other: TimeSlot) -> bool:
        """Whether the two slots share any instant (touching slots do not)."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: TimeSlot | datetime) -> bool:
        """Whether ``other`` (a slot or an instant) lies inside this slot."""
        if isinstance(other, datetime):
            instant = require_aware(other, "instant")
            return self.start <= instant < self.end
        return self.start <= other.start and other.end <= self.end

    def intersection(self, other: TimeSlot) -> TimeSlot | None:
        """The common part of both slots, or ``None`` when they do not overlap."""
        if not self.overlaps(other):
            return None
        return TimeSlot(max(self.start, other.start), min(self.end, other.end))

    def widened(self, before: timedelta, after: timedelta | None = None) -> TimeSlot:
        """This slot extended by ``before`` at the start and ``after`` (default: the same)
        at the end."""
        return TimeSlot(self.start - before, self.end + (before if after is None else after))

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat()})"

    @classmethod
    def of_checked(cls, start: datetime, end: datetime) -> TimeSlot:
        """A slot from bounds already known to be aware UTC datetimes with
        ``start < end`` (cut from validated slots), without checking them again:
        availability builds hundreds per call. It sets the slots through their
        member descriptors, which the availability A/B in benchmarks/RESULTS.md
        shows to matter for that use case."""
        slot = _new(cls)
        _set_start(slot, start)
        _set_end(slot, end)
        return slot


_new = object.__new__
_set_start = TimeSlot.__dict__["start"].__set__
_set_end = TimeSlot.__dict__["end"].__set__


def union(
    intervals: Iterable[tuple[datetime, datetime]], *, bridge: timedelta = timedelta(0)
) -> list[tuple[datetime, datetime]]:
    """The union of half-open ``[start, end)`` intervals as sorted, disjoint
    intervals. Touching intervals merge, and so do intervals whose gap is at
    most ``bridge``.

    >>> from datetime import datetime, UTC
    >>> h = lambda n: datetime(2026, 1, 5, n, tzinfo=UTC)
    >>> [(a.hour, b.hour) for a, b in union([(h(9), h(10)), (h(10), h(11)), (h(13), h(14))])]
    [(9, 11), (13, 14)]
    """
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + bridge:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class Clock(Protocol):
    """Where services read the current time (swap it in tests)."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        return utc_now()


def _current(value: object) -> datetime:
    return require_aware(value, "current")


@attrs.define
class FixedClock:
    """A clock that returns ``current`` until moved; for tests and replays."""

    current: datetime = attrs.field(converter=_current)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self.current = self.current + delta
