"""Studios and their rooms: plain CRUD (availability is in ``scheduling``)."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, QueryFilter, crud_controller
from studiocore_http.shared.examples import CREATE_STUDIO
from studiocore_http.shared.wording import Wording

from . import schemas as s

__all__ = ["StudioController", "StudioRoomController"]

StudioController = crud_controller(
    CrudResource(
        "/studios",
        lambda sv: sv.studios,
        s.STUDIO_BODIES,
        examples={"create": CREATE_STUDIO},
        wording=Wording(
            "studio",
            "studios",
            "A studio is a physical facility with rooms, a time zone (its shows' local "
            "time and operational day) and the severities of its buffer rules.",
            "studios",
            on_delete="Refused with a 409 while the studio still has rooms.",
        ),
    )
)
StudioRoomController = crud_controller(
    CrudResource(
        "/studio-rooms",
        lambda sv: sv.studio_rooms,
        s.STUDIO_ROOM_BODIES,
        filters=(QueryFilter("studio_uid"),),
        wording=Wording(
            "studio room",
            "studio rooms",
            "A room of a studio, where shows are booked; its `changeover_minutes` is the "
            "gap wanted between consecutive shows (a warning or a refusal, as the studio's "
            "`room_changeover_severity` says).",
            "studio_rooms",
            conflicts="Room names are unique within a studio: a duplicate is a 409.",
            on_delete="Refused with a 409 while upcoming booked shows use the room.",
        ),
    )
)
