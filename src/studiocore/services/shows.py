"""Shows: direct bookings, status changes, and their MCs, platforms and materials."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from studiocore.conflicts import Conflict
from studiocore.entities import Schedule, Show, ShowMaterial, ShowMC, ShowPlatform
from studiocore.errors import ConflictError, NotFoundError, ValidationError
from studiocore.lookups import RESERVING_STATUSES, ShowStatus
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import Booking, ShowQuery, UnitOfWork
from studiocore.scheduling.describe import withhold
from studiocore.scheduling.guard import assess_bookings, ensure_bookable
from studiocore.scheduling.workflow import (
    OPEN_SCHEDULE_STATUSES,
    check_show_editable,
    check_show_in_open_schedule,
    check_show_transition,
    mc_problems,
    parse_status,
    raise_problems,
    room_problem,
)

from ._base import (
    BASE_FIELDS,
    CrudService,
    Page,
    Work,
    build,
    check_paging,
    reads,
    require,
    require_lookup,
    writes,
)
from .show_links import ShowLinks

__all__ = ["ShowOutcome", "ShowService", "booking_of"]

_PLACE = ("show_start", "show_end", "studio_room_uid")
"""Where and when a show stands: what :meth:`ShowService.check_move` checks."""
_EDITABLE = frozenset(
    {
        "name",
        "show_type",
        "show_standard",
        "client_uid",
        "external_id",
        "show_start",
        "show_end",
        "studio_room_uid",
    }
)


@attrs.frozen(kw_only=True)
class ShowOutcome:
    """A show after a successful write, with the WARN conflicts it has (buffers
    shorter than configured); BLOCK conflicts would have raised instead."""

    show: Show
    warnings: tuple[Conflict, ...] = ()


def booking_of(uow: UnitOfWork, show: Show, mc_uids: Iterable[str] | None = None) -> Booking:
    """The :class:`Booking` of ``show``; ``mc_uids`` overrides its stored MCs."""
    studio_uid = None
    if show.studio_room_uid is not None:
        room = uow.studio_rooms.find(show.studio_room_uid, include_deleted=True)
        studio_uid = room.studio_uid if room else None
    if mc_uids is None:
        mc_uids = [link.mc_uid for link in uow.show_mcs.list(where={"show_uid": show.uid})]
    return Booking.of(show, studio_uid, mc_uids)


class ShowService(ShowLinks, CrudService[Show]):
    """Shows. A show created without a schedule is CONFIRMED at once (its room
    and MCs are checked for conflicts); with a schedule it is a DRAFT that
    reserves nothing until promoted."""

    entity_type = Show
    read_only_fields = frozenset({"show_status", "schedule_uid"})

    # -- reads ----------------------------------------------------------------------

    @reads
    def search(
        self,
        work: Work,
        query: ShowQuery | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
        actor: Actor = SYSTEM,
    ) -> Page[Show]:
        """Live shows matching ``query`` that the actor may see, ordered by start time."""
        check_paging(limit, offset)
        query = attrs.evolve(query or ShowQuery(), visible=work.visibility())
        found, total = work.shows.search_page(query, limit=limit, offset=offset)
        return Page(items=found, total=total, limit=limit, offset=offset)

    @reads
    def mcs(self, work: Work, show_uid: str, *, actor: Actor = SYSTEM) -> list[ShowMC]:
        """The MCs linked to a show."""
        work.load(Show, show_uid)
        return work.show_mcs.list(where={"show_uid": show_uid})

    @reads
    def mcs_of(
        self, work: Work, show_uids: Collection[str], *, actor: Actor = SYSTEM
    ) -> dict[str, list[ShowMC]]:
        """The MC links of many shows in one read, by show uid (shows the actor
        may not see, or that do not exist, are left out)."""
        shows = work.shows.get_many(list(show_uids))
        visible = []
        for show in shows.values():
            try:
                work.authorize(show)
            except NotFoundError:
                continue
            visible.append(show.uid)
        found: dict[str, list[ShowMC]] = {uid: [] for uid in visible}
        if visible:
            for link in work.show_mcs.list(where={"show_uid": visible}):
                found[link.show_uid].append(link)
        return found

    @reads
    def platforms(self, work: Work, show_uid: str, *, actor: Actor = SYSTEM) -> list[ShowPlatform]:
        """The platforms a show streams to."""
        work.load(Show, show_uid)
        return work.show_platforms.list(where={"show_uid": show_uid})

    @reads
    def materials(self, work: Work, show_uid: str, *, actor: Actor = SYSTEM) -> list[ShowMaterial]:
        """The materials a show uses."""
        work.load(Show, show_uid)
        return work.show_materials.list(where={"show_uid": show_uid})

    # -- create ---------------------------------------------------------------------

    @writes
    def create(
        self,
        work: Work,
        name: str,
        show_start: datetime,
        show_end: datetime,
        *,
        studio_room_uid: str | None = None,
        client_uid: str | None = None,
        show_type: str = "bau",
        show_standard: str = "standard",
        schedule_uid: str | None = None,
        mc_uids: Collection[str] = (),
        platform_uids: Collection[str] = (),
        external_id: str | None = None,
        actor: Actor = SYSTEM,
    ) -> ShowOutcome:
        """Create a show: CONFIRMED without ``schedule_uid`` (room required,
        conflicts checked), DRAFT inside a draft or proposed schedule."""
        mc_list = _unique_uids(mc_uids, "mc_uids")
        platform_list = _unique_uids(platform_uids, "platform_uids")
        status = ShowStatus.DRAFT if schedule_uid is not None else ShowStatus.CONFIRMED
        now = self._now()
        show = build(
            Show,
            {
                "name": name,
                "show_start": show_start,
                "show_end": show_end,
                "studio_room_uid": studio_room_uid,
                "client_uid": client_uid,
                "show_type": show_type,
                "show_standard": show_standard,
                "schedule_uid": schedule_uid,
                "show_status": status,
                "external_id": external_id,
            },
            now,
        )
        if schedule_uid is not None:
            schedule: Schedule = require(work.schedules, schedule_uid, "schedule_uid", "schedule")
            check_show_in_open_schedule(show, schedule)
            if schedule.schedule_status not in OPEN_SCHEDULE_STATUSES:
                raise ValidationError(
                    "schedule_uid",
                    f"schedule {schedule_uid} is {schedule.schedule_status.value}; "
                    "shows are added to draft schedules only",
                )
            if show.client_uid is None:
                show = attrs.evolve(show, client_uid=schedule.client_uid)
        self._validate(work, show, None)
        raise_problems(mc_problems(work.mcs.get_many(mc_list), mc_list, "mc_uids"))
        for platform_uid in platform_list:
            require(work.platforms, platform_uid, "platform_uids", "platform")
        warnings: tuple[Conflict, ...] = ()
        if show.show_status in RESERVING_STATUSES:
            warnings = ensure_bookable(work, [booking_of(work, show, mc_list)])
        work.shows.add(show)
        for mc_uid in mc_list:
            work.show_mcs.add(build(ShowMC, {"show_uid": show.uid, "mc_uid": mc_uid}, now))
        for platform_uid in platform_list:
            work.show_platforms.add(
                build(ShowPlatform, {"show_uid": show.uid, "platform_uid": platform_uid}, now)
            )
        return ShowOutcome(show=show, warnings=warnings)

    # -- update ---------------------------------------------------------------------

    def update(self, uid: str, changes: Mapping[str, Any], *, actor: Actor = SYSTEM) -> Show:
        """Change a show; see :meth:`reschedule` to also get the WARN conflicts."""
        return self.reschedule(uid, changes, actor=actor).show

    @writes
    def reschedule(
        self, work: Work, uid: str, changes: Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> ShowOutcome:
        """Change a show's fields. Moving a reserving show (new time or room) is
        checked for conflicts like a new booking."""
        for name in changes:
            if name in BASE_FIELDS or name in self.read_only_fields:
                raise ValidationError(name, "cannot be changed with update")
            if name not in _EDITABLE:
                raise ValidationError(name, "unknown field for shows")
        old = work.load(Show, uid)
        new = attrs.evolve(old, **changes, updated_at=self._now())
        work.authorize(old, after=new)  # who may, before what the data says (403 before 409)
        check_show_editable(old)
        check_show_in_open_schedule(old, self.schedule_of(work, old))
        self._validate(work, new, old)
        warnings: tuple[Conflict, ...] = ()
        moved = (new.slot, new.studio_room_uid) != (old.slot, old.studio_room_uid)
        if new.show_status in RESERVING_STATUSES and moved:
            warnings = ensure_bookable(work, [booking_of(work, new)])
        work.shows.update(new)
        return ShowOutcome(show=new, warnings=warnings)

    @reads
    def check_move(
        self, work: Work, uid: str, changes: Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> list[Conflict]:
        """The conflicts (BLOCK and WARN) show ``uid`` would have with the
        reserving shows, hosted by its MCs, if it stood where ``changes`` puts it
        (``show_start``, ``show_end``, ``studio_room_uid``): what moving it, or
        confirming it there, would meet. Nothing changes: a planner's check
        before a move is committed. A show the actor may not read is named only
        as :data:`~studiocore.scheduling.describe.HIDDEN_SHOW`."""
        for name in changes:
            if name not in _PLACE:
                raise ValidationError(name, f"cannot be checked; allowed: {', '.join(_PLACE)}")
        show = attrs.evolve(work.load(Show, uid), **changes)
        self._validate(work, show, None)
        conflicts = assess_bookings(work, [booking_of(work, show)], lock=False)
        others = work.shows.get_many({u for c in conflicts for u in c.show_uids} - {uid})
        hidden = {u for u, other in others.items() if not work.may_read(other)}
        return [withhold(c, hidden) for c in conflicts]

    def _validate(self, uow: UnitOfWork, new: Show, old: Show | None) -> None:
        require_lookup(uow.show_types, new.show_type, "show_type")
        require_lookup(uow.show_standards, new.show_standard, "show_standard")
        if new.client_uid is not None and (old is None or new.client_uid != old.client_uid):
            require(uow.clients, new.client_uid, "client_uid", "client")
            if old is not None:
                self._check_materials_fit(uow, new)
        if new.studio_room_uid is not None and (
            old is None or new.studio_room_uid != old.studio_room_uid
        ):
            require(uow.studio_rooms, new.studio_room_uid, "studio_room_uid", "studio room")
        raise_problems(
            [p for p in [room_problem(new.uid, new.studio_room_uid, new.show_status)] if p]
        )
        if new.schedule_uid is not None:
            schedule = uow.schedules.get(new.schedule_uid, include_deleted=True)
            if new.client_uid != schedule.client_uid:
                raise ValidationError(
                    "client_uid", f"must be the schedule's client {schedule.client_uid}"
                )
            if new.show_start < schedule.start_time or new.show_end > schedule.end_time:
                raise ValidationError(
                    "show_start",
                    f"show must lie inside its schedule [{schedule.start_time.isoformat()}, "
                    f"{schedule.end_time.isoformat()})",
                )
            if new.studio_room_uid is not None:
                room = uow.studio_rooms.get(new.studio_room_uid, include_deleted=True)
                if room.studio_uid != schedule.studio_uid:
                    raise ValidationError(
                        "studio_room_uid",
                        f"room {room.uid} is not in the schedule's studio {schedule.studio_uid}",
                    )

    def _before_delete(self, uow: UnitOfWork, entity: Show) -> None:
        if entity.schedule_uid is not None:
            schedule = uow.schedules.get(entity.schedule_uid, include_deleted=True)
            check_show_in_open_schedule(entity, schedule)

    def _check_materials_fit(self, uow: UnitOfWork, show: Show) -> None:
        links = uow.show_materials.list(where={"show_uid": show.uid})
        materials = uow.materials.get_many([link.material_uid for link in links])
        for material in materials.values():
            if material.client_uid is not None and material.client_uid != show.client_uid:
                raise ValidationError(
                    "client_uid",
                    f"show uses material {material.uid} of client {material.client_uid}; "
                    "unlink it first",
                )

    # -- status ---------------------------------------------------------------------

    @writes
    def transition(
        self, work: Work, uid: str, target: ShowStatus | str, *, actor: Actor = SYSTEM
    ) -> ShowOutcome:
        """Move a show to ``target`` status along the workflow
        (draft -> confirmed -> live -> completed, or -> cancelled). Confirming
        checks the room and MCs for conflicts."""
        status = parse_status(ShowStatus, target, "show_status")
        old = work.load(Show, uid)
        check_show_transition(uid, old.show_status, status)
        schedule = self.schedule_of(work, old)
        if schedule is not None and status is ShowStatus.CONFIRMED:
            raise ConflictError(
                f"show {uid} is a draft of schedule {schedule.uid}: confirm the schedule "
                f"(all its drafts at once: POST /api/v1/schedules/{schedule.uid}/confirm)"
            )
        new = attrs.evolve(old, show_status=status, updated_at=self._now())
        work.authorize(old, after=new)  # who may, before what the data says (403 before 409)
        if status is ShowStatus.CANCELLED:
            check_show_in_open_schedule(old, schedule)
        warnings: tuple[Conflict, ...] = ()
        if status is ShowStatus.CONFIRMED:
            raise_problems([p for p in [room_problem(uid, new.studio_room_uid, status)] if p])
            booking = booking_of(work, new)
            mcs = work.mcs.get_many(booking.mc_uids)
            raise_problems(mc_problems(mcs, sorted(booking.mc_uids), "mc_uid"))
            warnings = ensure_bookable(work, [booking])
        work.shows.update(new)
        return ShowOutcome(show=new, warnings=warnings)

    def confirm(self, uid: str, *, actor: Actor = SYSTEM) -> ShowOutcome:
        """draft -> confirmed, after the conflict check."""
        return self.transition(uid, ShowStatus.CONFIRMED, actor=actor)

    def go_live(self, uid: str, *, actor: Actor = SYSTEM) -> ShowOutcome:
        """confirmed -> live."""
        return self.transition(uid, ShowStatus.LIVE, actor=actor)

    def complete(self, uid: str, *, actor: Actor = SYSTEM) -> ShowOutcome:
        """live -> completed."""
        return self.transition(uid, ShowStatus.COMPLETED, actor=actor)

    def cancel(self, uid: str, *, actor: Actor = SYSTEM) -> ShowOutcome:
        """draft, confirmed or live -> cancelled (frees the room and MCs)."""
        return self.transition(uid, ShowStatus.CANCELLED, actor=actor)

    # -- MCs ------------------------------------------------------------------------

    @writes
    def add_mc(
        self,
        work: Work,
        show_uid: str,
        mc_uid: str,
        *,
        rating: int | None = None,
        note: str | None = None,
        actor: Actor = SYSTEM,
    ) -> ShowMC:
        """Link an MC to a show. Banned MCs are refused; on a reserving show the
        MC is checked for conflicts first."""
        fields = {"rating": rating, "note": note}
        show, link = self._new_link(work, ShowMC, show_uid, {"mc_uid": mc_uid}, fields)
        raise_problems(mc_problems(work.mcs.get_many([mc_uid]), [mc_uid], "mc_uid"))
        if show.show_status in RESERVING_STATUSES:
            booking = booking_of(work, show)
            ensure_bookable(work, [attrs.evolve(booking, mc_uids=booking.mc_uids | {mc_uid})])
        work.show_mcs.add(link)
        return link

    @writes
    def update_mc(
        self,
        work: Work,
        show_uid: str,
        mc_uid: str,
        changes: Mapping[str, Any],
        *,
        actor: Actor = SYSTEM,
    ) -> ShowMC:
        """Change the ``rating`` or ``note`` of an MC on a show."""
        return self._update_link(work, work.show_mcs, show_uid, {"mc_uid": mc_uid}, changes)

    @writes
    def remove_mc(self, work: Work, show_uid: str, mc_uid: str, *, actor: Actor = SYSTEM) -> None:
        """Unlink an MC from a show."""
        self._remove_link(work, work.show_mcs, show_uid, {"mc_uid": mc_uid}, scheduled=True)


def _unique_uids(values: Collection[str], field: str) -> list[str]:
    if isinstance(values, str):
        raise ValidationError(field, "must be a list of uids")
    seen: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise ValidationError(field, "must be a list of uids")
        if value in seen:
            raise ValidationError(field, f"{value} is listed twice")
        seen.append(value)
    return seen
