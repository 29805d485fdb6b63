"""What-if analysis: a copy of a studio's window in the in-memory adapter
(:func:`what_if`), where a draft schedule can be promoted or shows moved
without touching the real database, to compare before and after."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import attrs

from studiocore.adapters.memory import InMemoryDatabase
from studiocore.entities import LOOKUP_ENTRY_TYPES, MC, Entity, Show, ShowMC
from studiocore.ids import new_uid
from studiocore.lookups import LookupTable
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import repository_for
from studiocore.services import Services
from studiocore.timeslot import TimeSlot, utc_now

from .frames import Source, services_of, shows_frame
from .metrics import one_studio

__all__ = ["WhatIf", "what_if"]


@attrs.frozen
class WhatIf:
    """A studio's window copied into memory: :attr:`services` act on the copy
    (as ``SYSTEM``); every analysis function takes them as its source."""

    services: Services
    studio_uid: str
    start: datetime
    end: datetime


def _uids(values: Iterable[str | None]) -> list[str]:
    return sorted({v for v in values if v})


def _without_people(entity: Entity) -> Entity:
    """``entity`` without its references to users (who approved a schedule,
    the account of an MC): the copy holds no people."""
    people = [f for f, table in entity.REFERENCES.items() if table == "users"]
    cleared: dict[str, Any] = dict.fromkeys(people)
    return attrs.evolve(entity, **cleared) if people else entity


def _around(
    services: Services, mcs: list[MC], seen: set[str], span: TimeSlot, actor: Actor
) -> tuple[list[Show], list[tuple[str, str]]]:
    """The other shows of ``mcs`` from a day before ``span`` to a day after
    it (any studio: an MC is shared), and their links to those MCs."""
    if not mcs:
        return [], []
    around = shows_frame(
        services,
        start=span.start - timedelta(days=1),
        end=span.end + timedelta(days=1),
        mc=[m.uid for m in mcs],
        actor=actor,
    )
    around = around[~around["show_uid"].isin(list(seen))]
    known = {m.uid for m in mcs}
    links = [
        (uid, mc)
        for uid, hosts in zip(around["show_uid"], around["mc_uids"], strict=True)
        for mc in hosts
        if mc in known
    ]
    shows = services.shows.list(where={"uid": _uids(around["show_uid"])}, actor=actor)
    return shows, links


def _copied(
    services: Services, rows: list[Entity], links: list[tuple[str, str]], actor: Actor
) -> InMemoryDatabase:
    """A fresh in-memory database holding the source's lookup values, ``rows``
    (without their references to people) and the MC ``links``."""
    copy = InMemoryDatabase()
    now = utc_now()
    with copy.unit_of_work() as uow:
        for table in LookupTable:  # the source's values (custom show types, ...)
            kept = repository_for(uow, LOOKUP_ENTRY_TYPES[table])
            seeded = {e.name for e in kept.list()}
            for entry in services.lookups[table].list(actor=actor):
                if entry.name not in seeded:
                    kept.add(entry)
        for entity in rows:
            repository_for(uow, type(entity)).add(_without_people(entity))
        for show_uid, mc_uid in dict.fromkeys(links):
            link = ShowMC(
                uid=new_uid(ShowMC.PREFIX), show_uid=show_uid, mc_uid=mc_uid, created_at=now,
                updated_at=now,
            )  # fmt: skip
            uow.show_mcs.add(link)
    return copy


def what_if(
    source: Source, *, studio: str, start: datetime, end: datetime, actor: Actor = SYSTEM
) -> WhatIf:
    """Copy into a fresh in-memory database what deciding about ``studio``
    between ``start`` and ``end`` needs, as ``actor`` may read it: the studio
    and its rooms, its shows overlapping the window, its schedules
    overlapping the window with all their shows, their clients, the MCs
    hosting them (with their links) and those MCs' other shows around the
    window (with their rooms and studios: an MC is shared across studios),
    and the lookup values; no people (references to users are cleared). The
    source is only read.

    >>> from datetime import UTC
    >>> from studiocore import Services
    >>> real = Services.in_memory()
    >>> studio = real.studios.create("Main")
    >>> room = real.studio_rooms.create(studio.uid, "A")
    >>> t = datetime(2026, 3, 2, 10, tzinfo=UTC)
    >>> _ = real.shows.create("Booked", t, t + timedelta(hours=1), studio_room_uid=room.uid)
    >>> copy = what_if(real, studio=studio.uid, start=t, end=t + timedelta(days=1))
    >>> moved = copy.services.shows.list()[0]
    >>> _ = copy.services.shows.reschedule(moved.uid, {"show_start": t + timedelta(hours=2),
    ...                                              "show_end": t + timedelta(hours=3)})
    >>> real.shows.list()[0].show_start == t  # the real one has not moved
    True
    """
    services = services_of(source)
    window = TimeSlot(start, end)
    place = one_studio(services, studio, actor)
    studio = place.uid
    rooms = services.studio_rooms.list(where={"studio_uid": studio}, actor=actor)
    shows = {s.uid: s for s in services.scheduling.shows_between(studio, window, actor=actor)}
    schedules = [
        s
        for s in services.schedules.list(where={"studio_uid": studio}, actor=actor)
        if s.start_time < window.end and window.start < s.end_time
    ]
    for schedule in schedules:
        shows.update((s.uid, s) for s in services.schedules.shows(schedule.uid, actor=actor))
    first = min([window.start, *(s.show_start for s in shows.values())])
    last = max([window.end, *(s.show_end for s in shows.values())])
    frame = shows_frame(services, start=first, end=last, studio=studio, actor=actor)
    hosted = frame[frame["show_uid"].isin(list(shows))]
    links = [
        (uid, mc)
        for uid, mcs in zip(hosted["show_uid"], hosted["mc_uids"], strict=True)
        for mc in mcs
    ]
    mcs = services.mcs.list(where={"uid": _uids(m for _, m in links)}, actor=actor) if links else []
    elsewhere, more = _around(services, mcs, set(shows), TimeSlot(first, last), actor)
    links += more
    mine = {r.uid for r in rooms}
    other_rooms = _uids(s.studio_room_uid for s in elsewhere if s.studio_room_uid not in mine)
    extra_rooms = (
        services.studio_rooms.list(where={"uid": other_rooms}, actor=actor) if other_rooms else []
    )
    other_studios = _uids(r.studio_uid for r in extra_rooms if r.studio_uid != studio)
    extra_studios = (
        services.studios.list(where={"uid": other_studios}, actor=actor) if other_studios else []
    )
    everything = [*shows.values(), *elsewhere]
    client_uids = _uids([*(s.client_uid for s in everything), *(s.client_uid for s in schedules)])
    clients = services.clients.list(where={"uid": client_uids}, actor=actor) if client_uids else []
    rows: list[Entity] = [
        place, *extra_studios, *rooms, *extra_rooms, *clients, *mcs, *schedules, *everything,
    ]  # fmt: skip
    copy = _copied(services, rows, links, actor)
    return WhatIf(Services(copy), studio, start, end)
