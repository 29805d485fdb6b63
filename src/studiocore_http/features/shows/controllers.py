"""Shows: booking, rescheduling, status changes, and their MCs, platforms and materials."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from studiocore import ShowQuery, ShowStatus
from studiocore_http.errors import BODY_ERRORS, READ_ERRORS, WRITE_ERRORS
from studiocore_http.shared.convert import (
    changes,
    many,
    one,
    page,
    parse_optional_timestamp,
    payload,
)
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep

from . import schemas as s
from .convert import written

__all__ = ["ShowController", "TimestampQuery", "UidQuery"]

UidQuery = Annotated[str | None, QueryParameter(description="Only shows with this value.")]
TimestampQuery = Annotated[
    str | None,
    QueryParameter(
        description="ISO 8601 timestamp with an offset; bounds show_start "
        "(start_from <= show_start < start_to).",
        schema_extra={"format": "date-time"},
    ),
]


class ShowController(Controller):
    path = "/shows"
    tags = ["shows"]

    @get(operation_id="ListShows", sync_to_thread=True, raises=READ_ERRORS)
    def list_shows(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        studio_uid: UidQuery = None,
        studio_room_uid: UidQuery = None,
        client_uid: UidQuery = None,
        schedule_uid: UidQuery = None,
        status: FromQuery[ShowStatus | None] = None,
        start_from: TimestampQuery = None,
        start_to: TimestampQuery = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Show]:
        """Live shows ordered by start time, filtered by any of the parameters."""
        query = ShowQuery(
            studio_uid=studio_uid,
            studio_room_uid=studio_room_uid,
            client_uid=client_uid,
            schedule_uid=schedule_uid,
            status=status,
            start_from=parse_optional_timestamp(start_from, "start_from"),
            start_to=parse_optional_timestamp(start_to, "start_to"),
        )
        return page(s.Show, services.shows.search(query, limit=limit, offset=offset, actor=actor))

    @post(operation_id="CreateShow", sync_to_thread=True, raises=BODY_ERRORS)
    def create_show(
        self,
        services: ServicesDep,
        actor: ActorDep,
        data: JSONBody[s.ShowCreate],
    ) -> s.ShowWritten:
        """Book a show. Without ``schedule_uid`` it is confirmed at once (room and
        MCs checked: 409 with ``extra.conflicts`` on a clash); with one it is a
        draft of that schedule. ``warnings`` lists non-blocking buffer conflicts."""
        return written(services.shows.create(**payload(data), actor=actor))

    @get("/{uid:str}", operation_id="GetShow", sync_to_thread=True, raises=READ_ERRORS)
    def get_show(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> s.Show:
        return one(s.Show, services.shows.get(uid, actor=actor))

    @patch("/{uid:str}", operation_id="UpdateShow", sync_to_thread=True, raises=BODY_ERRORS)
    def update_show(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ShowUpdate],
    ) -> s.ShowWritten:
        """Change a show; moving a booked show is checked like a new booking."""
        return written(services.shows.reschedule(uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}",
        operation_id="DeleteShow",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def delete_show(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.shows.delete(uid, actor=actor)

    @post(
        "/{uid:str}/status",
        operation_id="ChangeShowStatus",
        status_code=HTTP_200_OK,
        sync_to_thread=True,
        raises=BODY_ERRORS,
    )
    def change_status(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ShowStatusChange],
    ) -> s.ShowWritten:
        """Move a show along its workflow; a forbidden move is a 409."""
        return written(services.shows.transition(uid, data.show_status, actor=actor))

    # -- MCs ------------------------------------------------------------------------

    @get("/{uid:str}/mcs", operation_id="ListShowMCs", sync_to_thread=True, raises=READ_ERRORS)
    def list_mcs(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> list[s.ShowMC]:
        return many(s.ShowMC, services.shows.mcs(uid, actor=actor))

    @post("/{uid:str}/mcs", operation_id="AddShowMC", sync_to_thread=True, raises=BODY_ERRORS)
    def add_mc(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ShowMCCreate],
    ) -> s.ShowMC:
        """Put an MC on a show (checked for conflicts when the show is booked)."""
        return one(s.ShowMC, services.shows.add_mc(uid, **payload(data), actor=actor))

    @patch(
        "/{uid:str}/mcs/{mc_uid:str}",
        operation_id="UpdateShowMC",
        sync_to_thread=True,
        raises=BODY_ERRORS,
    )
    def update_mc(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        mc_uid: FromPath[str],
        data: JSONBody[s.ShowMCUpdate],
    ) -> s.ShowMC:
        return one(s.ShowMC, services.shows.update_mc(uid, mc_uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}/mcs/{mc_uid:str}",
        operation_id="RemoveShowMC",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def remove_mc(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        mc_uid: FromPath[str],
    ) -> None:
        services.shows.remove_mc(uid, mc_uid, actor=actor)

    # -- platforms ------------------------------------------------------------------

    @get(
        "/{uid:str}/platforms",
        operation_id="ListShowPlatforms",
        sync_to_thread=True,
        raises=READ_ERRORS,
    )
    def list_platforms(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> list[s.ShowPlatform]:
        return many(s.ShowPlatform, services.shows.platforms(uid, actor=actor))

    @post(
        "/{uid:str}/platforms",
        operation_id="AddShowPlatform",
        sync_to_thread=True,
        raises=BODY_ERRORS,
    )
    def add_platform(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ShowPlatformCreate],
    ) -> s.ShowPlatform:
        return one(s.ShowPlatform, services.shows.add_platform(uid, **payload(data), actor=actor))

    @patch(
        "/{uid:str}/platforms/{platform_uid:str}",
        operation_id="UpdateShowPlatform",
        sync_to_thread=True,
        raises=BODY_ERRORS,
    )
    def update_platform(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        platform_uid: FromPath[str],
        data: JSONBody[s.ShowPlatformUpdate],
    ) -> s.ShowPlatform:
        link = services.shows.update_platform(uid, platform_uid, changes(data), actor=actor)
        return one(s.ShowPlatform, link)

    @delete(
        "/{uid:str}/platforms/{platform_uid:str}",
        operation_id="RemoveShowPlatform",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def remove_platform(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        platform_uid: FromPath[str],
    ) -> None:
        services.shows.remove_platform(uid, platform_uid, actor=actor)

    # -- materials ------------------------------------------------------------------

    @get(
        "/{uid:str}/materials",
        operation_id="ListShowMaterials",
        sync_to_thread=True,
        raises=READ_ERRORS,
    )
    def list_materials(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> list[s.ShowMaterial]:
        return many(s.ShowMaterial, services.shows.materials(uid, actor=actor))

    @post(
        "/{uid:str}/materials",
        operation_id="AddShowMaterial",
        sync_to_thread=True,
        raises=BODY_ERRORS,
    )
    def add_material(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ShowMaterialCreate],
    ) -> s.ShowMaterial:
        return one(s.ShowMaterial, services.shows.add_material(uid, data.material_uid, actor=actor))

    @delete(
        "/{uid:str}/materials/{material_uid:str}",
        operation_id="RemoveShowMaterial",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def remove_material(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        material_uid: FromPath[str],
    ) -> None:
        services.shows.remove_material(uid, material_uid, actor=actor)
