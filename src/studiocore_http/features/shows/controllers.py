"""Shows: booking, rescheduling, status changes, and their MCs, platforms and materials."""

from __future__ import annotations

from typing import Annotated

import attrs
from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from studiocore import ShowQuery, ShowStatus
from studiocore_http.errors import BODY_ERRORS, WRITE_ERRORS
from studiocore_http.shared.convert import (
    changes,
    one,
    page,
    parse_optional_timestamp,
    payload,
)
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep
from studiocore_http.shared.routes import operation

from . import schemas as s
from .convert import written
from .links import ShowLink, link_handlers

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


@attrs.frozen
class ShowSearch:
    """What the show listing asks: the shows matching ``query``, one page of them."""

    query: ShowQuery
    limit: int
    offset: int


def _show_search(
    *,
    studio_uid: UidQuery = None,
    studio_room_uid: UidQuery = None,
    client_uid: UidQuery = None,
    schedule_uid: UidQuery = None,
    mc_uid: UidQuery = None,
    status: FromQuery[ShowStatus | None] = None,
    start_from: TimestampQuery = None,
    start_to: TimestampQuery = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> ShowSearch:
    """The show listing's query parameters. Litestar checks them all at once (one
    422 listing every bad one) before a bad timestamp is a 422 naming it."""
    return ShowSearch(
        ShowQuery(
            studio_uid=studio_uid,
            studio_room_uid=studio_room_uid,
            client_uid=client_uid,
            schedule_uid=schedule_uid,
            status=status,
            start_from=parse_optional_timestamp(start_from, "start_from"),
            start_to=parse_optional_timestamp(start_to, "start_to"),
            mc_uid=mc_uid,
        ),
        limit,
        offset,
    )


ShowSearchDep = NamedDependency[ShowSearch]
"""The parsed :class:`ShowSearch` of the show listing (injected)."""

_OWNER = f"{__name__}.ShowController"


class ShowController(Controller):
    path = "/shows"
    tags = ["shows"]
    dependencies = {"search": Provide(_show_search, sync_to_thread=False)}

    @get(**operation("ListShows"))
    def list_shows(
        self, services: ServicesDep, actor: ActorDep, search: ShowSearchDep
    ) -> OffsetPagination[s.Show]:
        """Live shows ordered by start time, filtered by any of the parameters
        (``mc_uid``: the shows that MC hosts)."""
        limit, offset = search.limit, search.offset
        found = services.shows.search(search.query, limit=limit, offset=offset, actor=actor)
        return page(s.Show, found)

    @post(**operation("CreateShow", BODY_ERRORS))
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

    @post("/confirm", **operation("ConfirmShows", BODY_ERRORS, HTTP_200_OK))
    def confirm_shows(
        self, services: ServicesDep, actor: ActorDep, data: JSONBody[s.ShowsConfirmation]
    ) -> s.ShowsConfirmed:
        """Confirm a list of drafts at once: every one confirmed, or, on any
        blocking conflict, a 409 with the full report and nothing changed."""
        done = services.schedules.confirm_shows(data.show_uids, reason=data.reason, actor=actor)
        return s.ShowsConfirmed(
            confirmed_show_uids=list(done.confirmed_show_uids),
            warnings=list(done.warnings),
            versions=dict(done.versions),
        )

    @get("/{uid:str}", **operation("GetShow"))
    def get_show(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> s.Show:
        return one(s.Show, services.shows.get(uid, actor=actor))

    @patch("/{uid:str}", **operation("UpdateShow", BODY_ERRORS))
    def update_show(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ShowUpdate],
    ) -> s.ShowWritten:
        """Change a show; moving a booked show is checked like a new booking."""
        return written(services.shows.reschedule(uid, changes(data), actor=actor))

    @delete("/{uid:str}", **operation("DeleteShow", WRITE_ERRORS, HTTP_204_NO_CONTENT))
    def delete_show(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.shows.delete(uid, actor=actor)

    @post("/{uid:str}/status", **operation("ChangeShowStatus", BODY_ERRORS, HTTP_200_OK))
    def change_status(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ShowStatusChange],
    ) -> s.ShowWritten:
        """Move a show along its workflow; a forbidden move is a 409."""
        return written(services.shows.transition(uid, data.show_status, actor=actor))

    # -- MCs, platforms, materials (see .links) --------------------------------------

    list_mcs, add_mc, update_mc, remove_mc = link_handlers(
        ShowLink(
            "mc",
            s.ShowMC,
            s.ShowMCCreate,
            s.ShowMCUpdate,
            add_doc="Put an MC on a show (checked for conflicts when the show is booked).",
        ),
        _OWNER,
    )
    list_platforms, add_platform, update_platform, remove_platform = link_handlers(
        ShowLink("platform", s.ShowPlatform, s.ShowPlatformCreate, s.ShowPlatformUpdate), _OWNER
    )
    list_materials, add_material, remove_material = link_handlers(
        ShowLink("material", s.ShowMaterial, s.ShowMaterialCreate), _OWNER
    )
