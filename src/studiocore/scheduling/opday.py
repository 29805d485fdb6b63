"""Operational days: a studio's working day in its own time zone.

A studio's operational day ``D`` starts at ``operational_day_start_hour`` local
time on ``D`` and ends when operational day ``D + 1`` starts, so consecutive
days tile the time line exactly. Everything is stored and compared in UTC; only
the boundaries are computed in the studio's IANA zone, so a day is 23 or 25
hours long when the clocks change.

Local times that do not exist (the hour skipped in spring) or exist twice (the
hour repeated in autumn) follow :pep:`495` with ``fold=0``: a start hour inside
the skipped hour resolves to the instant the clocks jump, a start hour inside
the repeated hour to its first occurrence.

>>> from datetime import date
>>> window = operational_day_window("Europe/Berlin", 0, date(2026, 3, 29))
>>> window.duration.total_seconds() / 3600  # clocks go forward: 23 hours
23.0
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from studiocore.errors import ValidationError
from studiocore.timeslot import TimeSlot, require_aware

__all__ = ["operational_day_of", "operational_day_start", "operational_day_window"]

_ONE_DAY = timedelta(days=1)


def _zone(time_zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone)
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValidationError("time_zone", f"unknown IANA time zone {time_zone!r}") from exc


def _check_hour(start_hour: int) -> None:
    if type(start_hour) is not int or not 0 <= start_hour <= 23:
        raise ValidationError("operational_day_start_hour", "must be an integer from 0 to 23")


def operational_day_start(time_zone: str, start_hour: int, day: date) -> datetime:
    """The UTC instant at which operational day ``day`` starts."""
    _check_hour(start_hour)
    value: object = day  # callers outside mypy may pass anything
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError("day", "must be a date")
    local = datetime.combine(day, time(start_hour), tzinfo=_zone(time_zone))
    return local.astimezone(UTC)


def operational_day_window(time_zone: str, start_hour: int, day: date) -> TimeSlot:
    """The UTC window ``[start, end)`` of operational day ``day``."""
    return TimeSlot(
        operational_day_start(time_zone, start_hour, day),
        operational_day_start(time_zone, start_hour, day + _ONE_DAY),
    )


def operational_day_of(time_zone: str, start_hour: int, instant: datetime) -> date:
    """The operational day that ``instant`` belongs to (a show belongs to the day
    of its start). Always consistent with :func:`operational_day_window`."""
    instant = require_aware(instant, "instant")
    _check_hour(start_hour)
    local = instant.astimezone(_zone(time_zone))
    day = local.date()
    if local.hour < start_hour:
        day -= _ONE_DAY
    # Around a clock change the local reading can be off by one; the windows decide.
    if instant < operational_day_start(time_zone, start_hour, day):
        day -= _ONE_DAY
    elif instant >= operational_day_start(time_zone, start_hour, day + _ONE_DAY):
        day += _ONE_DAY
    return day
