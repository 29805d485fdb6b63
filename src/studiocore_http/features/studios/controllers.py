"""Studios and their rooms: plain CRUD (availability is in ``scheduling``)."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, QueryFilter, crud_controller

from . import schemas as s

__all__ = ["StudioController", "StudioRoomController"]

StudioController = crud_controller(CrudResource("/studios", lambda sv: sv.studios, s.STUDIO_BODIES))
StudioRoomController = crud_controller(
    CrudResource(
        "/studio-rooms",
        lambda sv: sv.studio_rooms,
        s.STUDIO_ROOM_BODIES,
        filters=(QueryFilter("studio_uid"),),
    )
)
