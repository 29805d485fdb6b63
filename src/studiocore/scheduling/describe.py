"""Conflict reports people can read.

The engine reports conflicts by uid (:mod:`studiocore.scheduling.detector`);
:func:`describe_conflicts` adds what a person needs: the room's or MC's name,
each show's name, and times in the studio's time zone next to UTC, in a
``reason`` such as::

    Room A is double-booked: "Morning live" 10:00-12:00 and "Launch" 11:00-13:00
    (Europe/Berlin, Mon 2 Mar 2026; UTC 09:00-11:00 and 10:00-12:00), overlap 1 h

A show that is not stored (a refused new booking) is named by the name its
caller gives (``names``), never by a uid that will never exist.

>>> from datetime import datetime, UTC
>>> from zoneinfo import ZoneInfo
>>> at = lambda h: datetime(2026, 3, 2, h, tzinfo=UTC)
>>> line(ConflictKind.ROOM_OVERLAP, "Room A", ZoneInfo("Europe/Berlin"),
...      ("Morning live", at(9), at(11)), ("Launch", at(10), at(12)), at(10), at(11), None)
'Room A is double-booked: "Morning live" 10:00-12:00 and "Launch" 11:00-13:00 (Europe/Berlin, Mon 2 Mar 2026; UTC 09:00-11:00 and 10:00-12:00), overlap 1 h'
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import attrs

from studiocore.conflicts import Conflict, ConflictKind, ConflictShow, ResourceType
from studiocore.ports import Booking, UnitOfWork
from studiocore.scheduling.detector import span

__all__ = ["HIDDEN_SHOW", "describe_conflicts", "line", "withhold"]

_UTC = ZoneInfo("UTC")
Show = tuple[str, datetime, datetime]
"""A show as a report names it: name, start, end (UTC)."""


def _hm(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def _day(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y}"


def line(  # noqa: PLR0917 - the parts of one sentence
    kind: ConflictKind,
    resource: str,
    zone: ZoneInfo,
    first: Show,
    second: Show,
    start: datetime,
    end: datetime,
    required: timedelta | None,
) -> str:
    """The sentence describing one conflict."""
    (a, a_start, a_end), (b, b_start, b_end) = first, second
    where = f"{zone.key}, {_day(a_start, zone)}"
    if kind in {ConflictKind.ROOM_OVERLAP, ConflictKind.MC_OVERLAP}:
        return (
            f'{resource} is double-booked: "{a}" {_hm(a_start, zone)}-{_hm(a_end, zone)} '
            f'and "{b}" {_hm(b_start, zone)}-{_hm(b_end, zone)} ({where}; UTC '
            f"{_hm(a_start, _UTC)}-{_hm(a_end, _UTC)} and {_hm(b_start, _UTC)}-{_hm(b_end, _UTC)})"
            f", overlap {span(end - start)}"
        )
    what = "changeover" if kind is ConflictKind.ROOM_CHANGEOVER else "rest"
    need = f"{span(required)} " if required is not None else ""
    return (
        f'{resource} needs {need}{what} between "{a}" (ends {_hm(a_end, zone)}) and "{b}" '
        f"(starts {_hm(b_start, zone)}) ({where}; UTC {_hm(a_end, _UTC)} and "
        f"{_hm(b_start, _UTC)}): it has {span(end - start)}"
    )


def describe_conflicts(
    uow: UnitOfWork, conflicts: Sequence[Conflict], candidates: Sequence[Booking] = ()
) -> list[Conflict]:
    """``conflicts`` with names and local times (one read per kind of record:
    shows, rooms, MCs, studios). ``candidates`` are the bookings being checked:
    their times (and names, when they carry one) win over what is stored, which
    a move has not changed yet and a new booking is not in at all."""
    if not conflicts:
        return []
    proposed = {b.show_uid: b for b in candidates}
    uids = {u for c in conflicts for u in c.show_uids}
    shows = uow.shows.get_many(sorted(uids))
    states: dict[str, tuple[str, datetime, datetime, str | None]] = {}
    for uid in uids:
        stored, booking = shows.get(uid), proposed.get(uid)
        name = (booking.name if booking else None) or (stored.name if stored else uid)
        if booking is not None:
            states[uid] = (name, booking.slot.start, booking.slot.end, booking.room_uid)
        elif stored is not None:
            states[uid] = (name, stored.show_start, stored.show_end, stored.studio_room_uid)
    rooms = uow.studio_rooms.get_many(
        {c.resource_uid for c in conflicts if c.resource_type is ResourceType.STUDIO_ROOM}
        | {room for *_, room in states.values() if room}
    )
    mcs = uow.mcs.get_many(
        {c.resource_uid for c in conflicts if c.resource_type is ResourceType.MC}
    )
    studios = uow.studios.get_many({r.studio_uid for r in rooms.values()})
    zones = {uid: ZoneInfo(s.time_zone) for uid, s in studios.items()}
    described = []
    for conflict in conflicts:
        if not all(uid in states for uid in conflict.show_uids):
            described.append(conflict)  # a show gone meanwhile: keep the engine's words
            continue
        if conflict.resource_type is ResourceType.STUDIO_ROOM:
            room = rooms.get(conflict.resource_uid)
            name = room.name if room else conflict.resource_uid
            resource, studio = f"Room {name}", room.studio_uid if room else None
        else:
            mc = mcs.get(conflict.resource_uid)
            name = mc.name if mc else conflict.resource_uid
            resource = f"MC {name}"
            first_room = rooms.get(states[conflict.show_uids[0]][3] or "")
            studio = first_room.studio_uid if first_room else None
        zone = zones.get(studio or "", _UTC)
        parts = [states[uid][:3] for uid in conflict.show_uids]
        reason = line(
            conflict.kind,
            resource,
            zone,
            parts[0],
            parts[1],
            conflict.start,
            conflict.end,
            conflict.required,
        )
        described.append(
            attrs.evolve(
                conflict,
                reason=reason,
                resource_name=name,
                time_zone=zone.key,
                shows=tuple(
                    ConflictShow(
                        uid=uid,
                        name=show_name,
                        start=start,
                        end=end,
                        local_start=start.astimezone(zone),
                        local_end=end.astimezone(zone),
                    )
                    for uid, (show_name, start, end) in zip(conflict.show_uids, parts, strict=True)
                ),
            )
        )
    return described


HIDDEN_SHOW = "a booking you may not see"
"""How a report names a show its reader may not read."""


def withhold(conflict: Conflict, hidden: Collection[str]) -> Conflict:
    """``conflict`` as told to a reader who may not read the shows ``hidden``:
    such a show is named :data:`HIDDEN_SHOW`, without its uid, in the
    conflict's shows and its reason (its times stay: they are what clashes)."""
    if not hidden or not any(uid in hidden for uid in conflict.show_uids):
        return conflict
    shows = tuple(
        attrs.evolve(s, uid="", name=HIDDEN_SHOW) if s.uid in hidden else s for s in conflict.shows
    )
    a, b = conflict.show_uids
    uids = ("" if a in hidden else a, "" if b in hidden else b)
    if len(shows) != 2 or conflict.time_zone is None:  # not described: the engine's words
        return attrs.evolve(conflict, show_uids=uids, shows=shows, reason=conflict.kind.value)
    noun = "Room" if conflict.resource_type is ResourceType.STUDIO_ROOM else "MC"
    first, second = ((s.name, s.start, s.end) for s in shows)
    reason = line(
        conflict.kind,
        f"{noun} {conflict.resource_name}",
        ZoneInfo(conflict.time_zone),
        first,
        second,
        conflict.start,
        conflict.end,
        conflict.required,
    )
    return attrs.evolve(conflict, show_uids=uids, shows=shows, reason=reason)
