"""Calendars as iCalendar (RFC 5545) for calendar apps: :func:`to_ical`.

The ``icalendar`` library is imported only when a calendar is written (it comes
with the ``http`` and ``analysis`` extras). Each show is one ``VEVENT`` whose
``UID`` is ``<show uid>@studiocore``, stable across exports, so a calendar app
updates the event it already has instead of adding another; ``SEQUENCE``
grows whenever the show changes and ``LAST-MODIFIED`` says when. Times are
written in the studio's zone (``DTSTART;TZID=Asia/Seoul:...``) with one
``VTIMEZONE`` per zone used.

>>> from datetime import datetime, timedelta, UTC
>>> from studiocore import Services, to_ical
>>> svc = Services.in_memory()
>>> studio = svc.studios.create("Seoul Main", time_zone="Asia/Seoul")
>>> room = svc.studio_rooms.create(studio.uid, "Room A")
>>> start = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
>>> show = svc.shows.create("Glow live", start, start + timedelta(hours=2),
...                         studio_room_uid=room.uid).show
>>> text = to_ical(svc.scheduling.calendar("studio_room", room.uid)).decode()
>>> "X-WR-CALNAME:Room A, Seoul Main" in text, "TZID:Asia/Seoul" in text
(True, True)
>>> f"UID:{show.uid}@studiocore" in text, "T100000" in text  # 01:00 UTC is 10:00 in Seoul
(True, True)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from studiocore.lookups import ShowStatus
from studiocore.services.calendars import CalendarEvent, CalendarView

__all__ = ["PRODID", "event_uid", "to_ical"]

PRODID = "-//studiocore//calendar feed//EN"
"""Who wrote the calendar (iCalendar's ``PRODID``)."""

_STATUS = {
    ShowStatus.DRAFT: "TENTATIVE",
    ShowStatus.CANCELLED: "CANCELLED",
}
"""iCalendar ``STATUS`` of a show's status (every other one: ``CONFIRMED``)."""


def event_uid(show_uid: str) -> str:
    """The iCalendar ``UID`` of a show's event: the same in every export."""
    return f"{show_uid}@studiocore"


def _description(event: CalendarEvent) -> str:
    lines = []
    if event.client_name:
        lines.append(f"Client: {event.client_name}")
    if event.mc_names:
        lines.append(f"MCs: {', '.join(event.mc_names)}")
    lines.append(f"Status: {event.status.value}")
    return "\n".join(lines)


def to_ical(view: CalendarView) -> bytes:
    """``view`` (:meth:`studiocore.services.SchedulingService.calendar`) as an
    iCalendar file (UTF-8, CRLF line ends): ``PRODID``, ``VERSION:2.0``,
    ``X-WR-CALNAME``, one ``VTIMEZONE`` per studio zone used, and one
    ``VEVENT`` per show with ``UID``, ``DTSTAMP``, ``DTSTART``/``DTEND`` in the
    studio's zone, ``SUMMARY`` (the show's name), ``LOCATION`` (room, studio),
    ``DESCRIPTION`` (client, MCs, status), ``STATUS`` (``TENTATIVE`` for a
    draft, ``CANCELLED``, else ``CONFIRMED``), ``SEQUENCE`` and
    ``LAST-MODIFIED``. ``DTSTAMP`` is the show's last change too (without a
    ``METHOD``, RFC 5545 makes them the same), so an unchanged calendar is
    written byte for byte the same.

    Raises ``ImportError`` naming the extra to install when ``icalendar`` is missing.
    """
    try:
        import icalendar
    except ImportError as exc:
        raise ImportError(
            "writing iCalendar needs the icalendar library: "
            'pip install "studiocore[http]" (or "studiocore[analysis]")'
        ) from exc

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", view.name)
    for event in view.events:
        zone = ZoneInfo(event.time_zone)
        item = icalendar.Event()
        item.add("uid", event_uid(event.show_uid))
        item.add("dtstamp", event.last_modified)
        item.add("dtstart", event.start.astimezone(zone))
        item.add("dtend", event.end.astimezone(zone))
        item.add("summary", event.name)
        if event.location:
            item.add("location", event.location)
        item.add("description", _description(event))
        item.add("status", _STATUS.get(event.status, "CONFIRMED"))
        item.add("sequence", event.sequence)
        item.add("last-modified", event.last_modified)
        calendar.add_component(item)
    if view.events:
        first, last = _years_around(view)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    data: bytes = calendar.to_ical()
    return data


def _years_around(view: CalendarView) -> tuple[date, date]:
    """The span the ``VTIMEZONE`` rules must cover: the events' dates and a
    year on each side (the zone's whole history would be mostly noise)."""
    starts: list[datetime] = [e.start for e in view.events]
    ends: list[datetime] = [e.end for e in view.events]
    year = timedelta(days=366)
    return (min(starts) - year).date(), (max(ends) + year).date()
