"""Shows: booking, rescheduling, status changes, and their MCs, platforms and materials."""

from __future__ import annotations

from typing import Annotated

import attrs
from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from studiocore import ShowQuery, ShowStatus
from studiocore_http.errors import BODY_ERRORS, WRITE_ERRORS
from studiocore_http.shared import examples as ex
from studiocore_http.shared.convert import (
    changes,
    one,
    page,
    parse_optional_timestamp,
    payload,
)
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep
from studiocore_http.shared.routes import operation
from studiocore_http.shared.wording import (
    FIELD_ERRORS,
    FORBIDDEN,
    NOT_FOUND,
    PAGING,
    PATCH_RULE,
    TIMES,
    who_may,
)

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
    actor: ActorDep,
    studio_uid: UidQuery = None,
    studio_room_uid: UidQuery = None,
    client_uid: UidQuery = None,
    schedule_uid: UidQuery = None,
    mc_uid: UidQuery = None,
    status: Annotated[
        ShowStatus | None, QueryParameter(description="Only shows in this status.")
    ] = None,
    start_from: TimestampQuery = None,
    start_to: TimestampQuery = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> ShowSearch:
    """The show listing's query parameters. Litestar checks them all at once (one
    422 listing every bad one) before a bad timestamp is a 422 naming it. Parsed
    after the ``actor`` (see :func:`studiocore_http.auth.actor_dependency`)."""
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
_READ = who_may("shows", "read") + " " + NOT_FOUND
_WRITE = f"{who_may('shows', 'write')} {FORBIDDEN} {NOT_FOUND}"
_PROPOSED = (
    "A show of a schedule that was proposed to its client changes only by a change "
    "request: a direct edit is a 409 saying so."
)


class ShowController(Controller):
    path = "/shows"
    tags = ["shows"]
    dependencies = {"search": Provide(_show_search, sync_to_thread=False)}

    @get(
        **operation(
            "ListShows",
            summary="List shows",
            examples=ex.LIST_SHOWS,
            description="Live (not deleted) shows the caller may read, ordered by start "
            "time, filtered by any of the parameters: `studio_uid`, `studio_room_uid`, "
            "`client_uid`, `schedule_uid`, `mc_uid` (the shows that MC hosts), `status`, "
            "and the start time, half-open: `start_from <= show_start < start_to`. "
            f"{TIMES} {PAGING}\n\n{_READ}",
        )
    )
    def list_shows(
        self, services: ServicesDep, actor: ActorDep, search: ShowSearchDep
    ) -> OffsetPagination[s.Show]:
        limit, offset = search.limit, search.offset
        found = services.shows.search(search.query, limit=limit, offset=offset, actor=actor)
        return page(s.Show, found)

    @post(
        **operation(
            "CreateShow",
            BODY_ERRORS,
            summary="Book a show",
            examples=ex.BOOK_SHOW,
            description="Books a show in a room, with its MCs and platforms. Without "
            "`schedule_uid` it is confirmed at once: the room and every MC are checked, "
            "under a lock, against the shows already booked (the room's changeover time "
            "and each MC's rest included), and a clash is a 409 whose `extra.conflicts` "
            "lists each conflicting show with its kind and severity; nothing is written. "
            "With `schedule_uid` it is a draft of that schedule and reserves nothing yet. "
            "`warnings` lists the conflicts that do not block (WARN buffers). "
            f"{TIMES}\n\n{who_may('shows', 'create')} Anyone else who may read the room "
            f"gets 403.\n\n{FIELD_ERRORS}",
        )
    )
    def create_show(
        self,
        services: ServicesDep,
        actor: ActorDep,
        data: JSONBody[s.ShowCreate],
    ) -> s.ShowWritten:
        return written(services.shows.create(**payload(data), actor=actor))

    @post(
        "/confirm",
        **operation(
            "ConfirmShows",
            BODY_ERRORS,
            HTTP_200_OK,
            summary="Confirm several draft shows at once",
            description="Confirms the listed drafts together, all or nothing: each is "
            "checked against the booked shows and against the others, and on any "
            "blocking conflict the answer is a 409 with the full report and nothing "
            "changes. `versions` gives the new version of each schedule touched.\n\n"
            + who_may("schedules", "confirm_shows", "confirm")
            + f" {FORBIDDEN} {NOT_FOUND}",
        ),
    )
    def confirm_shows(
        self, services: ServicesDep, actor: ActorDep, data: JSONBody[s.ShowsConfirmation]
    ) -> s.ShowsConfirmed:
        done = services.schedules.confirm_shows(data.show_uids, reason=data.reason, actor=actor)
        return s.ShowsConfirmed(
            confirmed_show_uids=list(done.confirmed_show_uids),
            warnings=list(done.warnings),
            versions=dict(done.versions),
        )

    @get(
        "/{uid:str}",
        **operation(
            "GetShow",
            summary="Get a show",
            examples=ex.GET_SHOW,
            description="One show: its room, client, schedule, type, standard, status and "
            f"times (UTC).\n\n{_READ}",
        ),
    )
    def get_show(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> s.Show:
        return one(s.Show, services.shows.get(uid, actor=actor))

    @patch(
        "/{uid:str}",
        **operation(
            "UpdateShow",
            BODY_ERRORS,
            summary="Change or move a show",
            description=f"Changes a show. {PATCH_RULE} Moving a booked show (new times or "
            "room) is checked like a new booking: a clash is a 409 with the conflict "
            f"report and nothing changes. {_PROPOSED} {TIMES}\n\n{_WRITE}\n\n" + FIELD_ERRORS,
        ),
    )
    def update_show(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ShowUpdate],
    ) -> s.ShowWritten:
        return written(services.shows.reschedule(uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}",
        **operation(
            "DeleteShow",
            WRITE_ERRORS,
            HTTP_204_NO_CONTENT,
            summary="Delete a show",
            description="Deletes a show (204): it frees its room and MCs and disappears "
            "from reads and lists; its history stays in the audit trail. "
            f"{_PROPOSED}\n\n{_WRITE}",
        ),
    )
    def delete_show(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.shows.delete(uid, actor=actor)

    @post(
        "/{uid:str}/status",
        **operation(
            "ChangeShowStatus",
            BODY_ERRORS,
            HTTP_200_OK,
            summary="Change a show's status",
            description="Moves a show along its workflow: `draft` -> `confirmed` -> `live` "
            "-> `completed`, or to `cancelled` from any but the last two. Confirming checks "
            "the room and MCs like a booking (a clash is a 409 with the conflict report); "
            "a move the workflow does not allow is a 409 (`extra.from_state`, "
            "`extra.to_state`), as is confirming a draft of a schedule (confirm the "
            f"schedule instead).\n\n{_WRITE}",
        ),
    )
    def change_status(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ShowStatusChange],
    ) -> s.ShowWritten:
        return written(services.shows.transition(uid, data.show_status, actor=actor))

    # -- MCs, platforms, materials (see .links) --------------------------------------

    list_mcs, add_mc, update_mc, remove_mc = link_handlers(
        ShowLink(
            "mc",
            s.ShowMC,
            s.ShowMCCreate,
            s.ShowMCUpdate,
            noun="an MC",
            add_doc="On a booked show the MC is checked like a booking (never in two shows "
            "at once, their minimum rest kept): a clash is a 409 with the conflict report.",
            update_doc="The link holds the MC's `rating` and a `note` for this show.",
        ),
        _OWNER,
    )
    list_platforms, add_platform, update_platform, remove_platform = link_handlers(
        ShowLink(
            "platform",
            s.ShowPlatform,
            s.ShowPlatformCreate,
            s.ShowPlatformUpdate,
            noun="a platform",
            add_doc="The link holds the stream's `live_stream_link`, `platform_show_id` "
            "and `viewer_count`.",
            update_doc="The platform's managers may change these three fields too.",
        ),
        _OWNER,
    )
    list_materials, add_material, remove_material = link_handlers(
        ShowLink(
            "material",
            s.ShowMaterial,
            s.ShowMaterialCreate,
            noun="a material",
            add_doc="A client's material fits only that client's shows and must be "
            "active: otherwise a 422 naming `material_uid`.",
        ),
        _OWNER,
    )
