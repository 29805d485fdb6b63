"""Shows: direct bookings, status changes, and their MCs, platforms and materials."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any, cast

import attrs

from studiocore.conflicts import Conflict
from studiocore.entities import Material, Show, ShowMaterial, ShowMC, ShowPlatform
from studiocore.errors import ConflictError, NotFoundError, ValidationError
from studiocore.lookups import RESERVING_STATUSES, ScheduleStatus, ShowStatus
from studiocore.permissions import SYSTEM, Action, Actor
from studiocore.ports import Booking, Repository, ShowQuery, UnitOfWork
from studiocore.scheduling.guard import ensure_bookable
from studiocore.scheduling.workflow import check_show_transition
from studiocore.serialization import to_jsonable

from ._base import BASE_FIELDS, CrudService, Page, build, check_paging, diff

__all__ = ["ShowOutcome", "ShowService", "booking_of"]

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
_OPEN_SCHEDULE = frozenset({ScheduleStatus.DRAFT, ScheduleStatus.PROPOSED})


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
    return Booking(
        show_uid=show.uid,
        studio_uid=studio_uid,
        room_uid=show.studio_room_uid,
        mc_uids=frozenset(mc_uids),
        slot=show.slot,
        status=show.show_status,
    )


class ShowService(CrudService[Show]):
    """Shows. A show created without a schedule is CONFIRMED at once (its room
    and MCs are checked for conflicts); with a schedule it is a DRAFT that
    reserves nothing until promoted."""

    entity_type = Show
    resource = "shows"
    read_only_fields = frozenset({"show_status", "schedule_uid"})

    # -- reads ----------------------------------------------------------------------

    def search(
        self,
        query: ShowQuery | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
        actor: Actor = SYSTEM,
    ) -> Page[Show]:
        """Live shows matching ``query``, ordered by start time."""
        check_paging(limit, offset)
        self._authorize(actor, Action.READ, self.resource)
        query = query or ShowQuery()
        with self._reader() as uow:
            return Page(
                items=uow.shows.search(query, limit=limit, offset=offset),
                total=uow.shows.search_count(query),
                limit=limit,
                offset=offset,
            )

    def mcs(self, show_uid: str, *, actor: Actor = SYSTEM) -> list[ShowMC]:
        """The MCs linked to a show."""
        return cast(list[ShowMC], self._links(show_uid, "show_mcs", actor))

    def platforms(self, show_uid: str, *, actor: Actor = SYSTEM) -> list[ShowPlatform]:
        """The platforms a show streams to."""
        return cast(list[ShowPlatform], self._links(show_uid, "show_platforms", actor))

    def materials(self, show_uid: str, *, actor: Actor = SYSTEM) -> list[ShowMaterial]:
        """The materials a show uses."""
        return cast(list[ShowMaterial], self._links(show_uid, "show_materials", actor))

    def _links(self, show_uid: str, table: str, actor: Actor) -> Any:
        self._authorize(actor, Action.READ, self.resource, show_uid)
        with self._reader() as uow:
            uow.shows.get(show_uid)
            repo: Repository[Any] = getattr(uow, table)
            return repo.list(where={"show_uid": show_uid})

    # -- create ---------------------------------------------------------------------

    def create(
        self,
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
        self._authorize(actor, Action.WRITE, self.resource)
        mc_list = _unique_uids(mc_uids, "mc_uids")
        platform_list = _unique_uids(platform_uids, "platform_uids")
        status = ShowStatus.DRAFT if schedule_uid is not None else ShowStatus.CONFIRMED
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
            self._now(),
        )
        with self._uow() as uow:
            if schedule_uid is not None:
                schedule = self._require(uow.schedules, schedule_uid, "schedule_uid", "schedule")
                if schedule.schedule_status not in _OPEN_SCHEDULE:
                    raise ValidationError(
                        "schedule_uid",
                        f"schedule {schedule_uid} is {schedule.schedule_status.value}; "
                        "shows are added to draft or proposed schedules only",
                    )
                if show.client_uid is None:
                    show = attrs.evolve(show, client_uid=schedule.client_uid)
            self._validate(uow, show, None)
            for mc_uid in mc_list:
                self._require_bookable_mc(uow, mc_uid, "mc_uids")
            for platform_uid in platform_list:
                self._require(uow.platforms, platform_uid, "platform_uids", "platform")
            warnings: tuple[Conflict, ...] = ()
            if show.show_status in RESERVING_STATUSES:
                warnings = ensure_bookable(uow, [booking_of(uow, show, mc_list)])
            uow.shows.add(show)
            self._audit(uow, actor, "create", show, new_values=to_jsonable(show))
            now = self._now()
            for mc_uid in mc_list:
                self._add_link(
                    uow, actor, build(ShowMC, {"show_uid": show.uid, "mc_uid": mc_uid}, now)
                )
            for platform_uid in platform_list:
                self._add_link(
                    uow,
                    actor,
                    build(ShowPlatform, {"show_uid": show.uid, "platform_uid": platform_uid}, now),
                )
        return ShowOutcome(show=show, warnings=warnings)

    # -- update ---------------------------------------------------------------------

    def update(self, uid: str, changes: Mapping[str, Any], *, actor: Actor = SYSTEM) -> Show:
        """Change a show; see :meth:`reschedule` to also get the WARN conflicts."""
        return self.reschedule(uid, changes, actor=actor).show

    def reschedule(
        self, uid: str, changes: Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> ShowOutcome:
        """Change a show's fields. Moving a reserving show (new time or room) is
        checked for conflicts like a new booking."""
        self._authorize(actor, Action.WRITE, self.resource, uid)
        for name in changes:
            if name in BASE_FIELDS or name in self.read_only_fields:
                raise ValidationError(name, "cannot be changed with update")
            if name not in _EDITABLE:
                raise ValidationError(name, "unknown field for shows")
        with self._uow() as uow:
            old = uow.shows.get(uid)
            if old.show_status in (ShowStatus.COMPLETED, ShowStatus.CANCELLED):
                raise ValidationError(
                    "show_status", f"a {old.show_status.value} show cannot be changed"
                )
            new = attrs.evolve(old, **changes, updated_at=self._now())
            self._validate(uow, new, old)
            warnings: tuple[Conflict, ...] = ()
            moved = (new.slot, new.studio_room_uid) != (old.slot, old.studio_room_uid)
            if new.show_status in RESERVING_STATUSES and moved:
                warnings = ensure_bookable(uow, [booking_of(uow, new)])
            self._apply_update(uow, old, new, actor)
        return ShowOutcome(show=new, warnings=warnings)

    def _validate(self, uow: UnitOfWork, new: Show, old: Show | None) -> None:
        self._require_lookup(uow.show_types, new.show_type, "show_type")
        self._require_lookup(uow.show_standards, new.show_standard, "show_standard")
        if new.client_uid is not None and (old is None or new.client_uid != old.client_uid):
            self._require(uow.clients, new.client_uid, "client_uid", "client")
            if old is not None:
                self._check_materials_fit(uow, new)
        if new.studio_room_uid is not None and (
            old is None or new.studio_room_uid != old.studio_room_uid
        ):
            self._require(uow.studio_rooms, new.studio_room_uid, "studio_room_uid", "studio room")
        if new.show_status in RESERVING_STATUSES and new.studio_room_uid is None:
            raise ValidationError(
                "studio_room_uid",
                f"show {new.uid} needs a studio room to be {new.show_status.value}",
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

    def transition(
        self, uid: str, target: ShowStatus | str, *, actor: Actor = SYSTEM
    ) -> ShowOutcome:
        """Move a show to ``target`` status along the workflow
        (draft -> confirmed -> live -> completed, or -> cancelled). Confirming
        checks the room and MCs for conflicts."""
        self._authorize(actor, Action.WRITE, self.resource, uid)
        try:
            target = ShowStatus(target)
        except ValueError:
            raise ValidationError(
                "show_status",
                f"unknown status {target!r}; expected one of "
                + ", ".join(s.value for s in ShowStatus),
            ) from None
        with self._uow() as uow:
            old = uow.shows.get(uid)
            check_show_transition(uid, old.show_status, target)
            new = attrs.evolve(old, show_status=target, updated_at=self._now())
            warnings: tuple[Conflict, ...] = ()
            if target is ShowStatus.CONFIRMED:
                if new.studio_room_uid is None:
                    raise ValidationError(
                        "studio_room_uid", f"show {uid} needs a studio room to be confirmed"
                    )
                booking = booking_of(uow, new)
                self._check_no_banned(uow, booking.mc_uids)
                warnings = ensure_bookable(uow, [booking])
            uow.shows.update(new)
            self._audit(
                uow,
                actor,
                "status_change",
                new,
                old_values={"show_status": old.show_status.value},
                new_values={"show_status": target.value},
            )
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

    def _require_bookable_mc(self, uow: UnitOfWork, mc_uid: str, field: str) -> None:
        mc = self._require(uow.mcs, mc_uid, field, "MC")
        if mc.is_banned:
            raise ValidationError(field, f"MC {mc_uid} is banned and cannot be booked")

    def _check_no_banned(self, uow: UnitOfWork, mc_uids: Iterable[str]) -> None:
        for mc in uow.mcs.get_many(list(mc_uids)).values():
            if mc.is_banned:
                raise ValidationError("mc_uid", f"MC {mc.uid} is banned and cannot be booked")

    def add_mc(
        self,
        show_uid: str,
        mc_uid: str,
        *,
        rating: int | None = None,
        note: str | None = None,
        actor: Actor = SYSTEM,
    ) -> ShowMC:
        """Link an MC to a show. Banned MCs are refused; on a reserving show the
        MC is checked for conflicts first."""
        self._authorize(actor, Action.WRITE, "show_mcs", show_uid)
        with self._uow() as uow:
            show = uow.shows.get(show_uid)
            self._require_bookable_mc(uow, mc_uid, "mc_uid")
            if uow.show_mcs.count(where={"show_uid": show_uid, "mc_uid": mc_uid}):
                raise ConflictError(f"MC {mc_uid} is already linked to show {show_uid}")
            link = build(
                ShowMC,
                {"show_uid": show_uid, "mc_uid": mc_uid, "rating": rating, "note": note},
                self._now(),
            )
            if show.show_status in RESERVING_STATUSES:
                booking = booking_of(uow, show)
                ensure_bookable(uow, [attrs.evolve(booking, mc_uids=booking.mc_uids | {mc_uid})])
            self._add_link(uow, actor, link)
            return link

    def update_mc(
        self, show_uid: str, mc_uid: str, changes: Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> ShowMC:
        """Change the ``rating`` or ``note`` of an MC on a show."""
        return cast(
            ShowMC,
            self._update_link(
                "show_mcs",
                {"show_uid": show_uid, "mc_uid": mc_uid},
                changes,
                frozenset({"rating", "note", "metadata"}),
                actor,
            ),
        )

    def remove_mc(self, show_uid: str, mc_uid: str, *, actor: Actor = SYSTEM) -> None:
        """Unlink an MC from a show."""
        self._remove_link("show_mcs", {"show_uid": show_uid, "mc_uid": mc_uid}, actor)

    # -- platforms ------------------------------------------------------------------

    def add_platform(
        self,
        show_uid: str,
        platform_uid: str,
        *,
        live_stream_link: str | None = None,
        platform_show_id: str | None = None,
        viewer_count: int | None = None,
        actor: Actor = SYSTEM,
    ) -> ShowPlatform:
        """Stream a show on a platform."""
        self._authorize(actor, Action.WRITE, "show_platforms", show_uid)
        with self._uow() as uow:
            uow.shows.get(show_uid)
            self._require(uow.platforms, platform_uid, "platform_uid", "platform")
            if uow.show_platforms.count(where={"show_uid": show_uid, "platform_uid": platform_uid}):
                raise ConflictError(f"platform {platform_uid} is already linked to show {show_uid}")
            link = build(
                ShowPlatform,
                {
                    "show_uid": show_uid,
                    "platform_uid": platform_uid,
                    "live_stream_link": live_stream_link,
                    "platform_show_id": platform_show_id,
                    "viewer_count": viewer_count,
                },
                self._now(),
            )
            self._add_link(uow, actor, link)
            return link

    def update_platform(
        self,
        show_uid: str,
        platform_uid: str,
        changes: Mapping[str, Any],
        *,
        actor: Actor = SYSTEM,
    ) -> ShowPlatform:
        """Change the stream link, platform show id or viewer count."""
        return cast(
            ShowPlatform,
            self._update_link(
                "show_platforms",
                {"show_uid": show_uid, "platform_uid": platform_uid},
                changes,
                frozenset({"live_stream_link", "platform_show_id", "viewer_count", "metadata"}),
                actor,
            ),
        )

    def remove_platform(self, show_uid: str, platform_uid: str, *, actor: Actor = SYSTEM) -> None:
        """Stop streaming a show on a platform."""
        self._remove_link(
            "show_platforms", {"show_uid": show_uid, "platform_uid": platform_uid}, actor
        )

    # -- materials ------------------------------------------------------------------

    def add_material(
        self, show_uid: str, material_uid: str, *, actor: Actor = SYSTEM
    ) -> ShowMaterial:
        """Use a material in a show. A client's material only fits that client's shows."""
        self._authorize(actor, Action.WRITE, "show_materials", show_uid)
        with self._uow() as uow:
            show = uow.shows.get(show_uid)
            material: Material = self._require(
                uow.materials, material_uid, "material_uid", "material"
            )
            if material.client_uid is not None and material.client_uid != show.client_uid:
                raise ValidationError(
                    "material_uid",
                    f"material {material_uid} belongs to client {material.client_uid}; "
                    f"show {show_uid} is for {show.client_uid or 'no client'}",
                )
            if not material.is_active:
                raise ValidationError("material_uid", f"material {material_uid} is inactive")
            if uow.show_materials.count(where={"show_uid": show_uid, "material_uid": material_uid}):
                raise ConflictError(f"material {material_uid} is already linked to show {show_uid}")
            link = build(
                ShowMaterial, {"show_uid": show_uid, "material_uid": material_uid}, self._now()
            )
            self._add_link(uow, actor, link)
            return link

    def remove_material(self, show_uid: str, material_uid: str, *, actor: Actor = SYSTEM) -> None:
        """Stop using a material in a show."""
        self._remove_link(
            "show_materials", {"show_uid": show_uid, "material_uid": material_uid}, actor
        )

    # -- link plumbing --------------------------------------------------------------

    def _add_link(
        self, uow: UnitOfWork, actor: Actor, link: ShowMC | ShowPlatform | ShowMaterial
    ) -> None:
        repo: Repository[Any] = getattr(uow, link.TABLE)
        repo.add(link)
        self._audit(uow, actor, "link", link, new_values=to_jsonable(link))

    def _find_link(self, uow: UnitOfWork, table: str, where: dict[str, str]) -> Any:
        uow.shows.get(where["show_uid"])
        repo: Repository[Any] = getattr(uow, table)
        found = repo.list(where=where)
        if not found:
            other = next(v for k, v in where.items() if k != "show_uid")
            raise NotFoundError(table, f"{where['show_uid']}/{other}")
        return found[0]

    def _update_link(
        self,
        table: str,
        where: dict[str, str],
        changes: Mapping[str, Any],
        allowed: frozenset[str],
        actor: Actor,
    ) -> Any:
        self._authorize(actor, Action.WRITE, table, where["show_uid"])
        for name in changes:
            if name not in allowed:
                raise ValidationError(
                    name, f"cannot be changed; allowed: {', '.join(sorted(allowed))}"
                )
        with self._uow() as uow:
            old = self._find_link(uow, table, where)
            new = attrs.evolve(old, **changes, updated_at=self._now())
            before, after = diff(old, new)
            if after:
                repo: Repository[Any] = getattr(uow, table)
                repo.update(new)
                self._audit(uow, actor, "update", new, old_values=before, new_values=after)
            return new

    def _remove_link(self, table: str, where: dict[str, str], actor: Actor) -> None:
        self._authorize(actor, Action.WRITE, table, where["show_uid"])
        with self._uow() as uow:
            old = self._find_link(uow, table, where)
            now = self._now()
            repo: Repository[Any] = getattr(uow, table)
            repo.update(attrs.evolve(old, deleted_at=now, updated_at=now))
            self._audit(uow, actor, "unlink", old, old_values=to_jsonable(old))


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
