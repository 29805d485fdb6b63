"""Controllers of the admin-managed lookup tables (values referenced by name)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from studiocore import LookupTable
from studiocore_http import schemas as s
from studiocore_http.convert import changes, one, page, payload
from studiocore_http.errors import READ_ERRORS, WRITE_ERRORS

from ._common import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep, where

__all__ = ["LOOKUP_CONTROLLERS", "lookup_controller"]

NameFilter = Annotated[str | None, QueryParameter(description="Only the value with this name.")]


def lookup_controller(
    table: LookupTable, path: str, singular: str, plural: str
) -> type[Controller]:
    """A CRUD controller for one lookup table at ``path``."""

    class LookupController(Controller):
        tags = [path.strip("/")]

        @get(operation_id=f"List{plural}", sync_to_thread=True, raises=READ_ERRORS)
        def list_entries(
            self,
            services: ServicesDep,
            actor: ActorDep,
            name: NameFilter = None,
            limit: Limit = DEFAULT_LIMIT,
            offset: Offset = 0,
        ) -> OffsetPagination[s.Lookup]:
            result = services.lookups[table].page(
                where=where(name=name), limit=limit, offset=offset, actor=actor
            )
            return page(s.Lookup, result)

        @post(operation_id=f"Create{singular}", sync_to_thread=True, raises=WRITE_ERRORS)
        def create_entry(
            self,
            services: ServicesDep,
            actor: ActorDep,
            data: JSONBody[s.LookupCreate],
        ) -> s.Lookup:
            return one(s.Lookup, services.lookups[table].create(**payload(data), actor=actor))

        @get("/{uid:str}", operation_id=f"Get{singular}", sync_to_thread=True, raises=READ_ERRORS)
        def get_entry(
            self,
            services: ServicesDep,
            actor: ActorDep,
            uid: FromPath[str],
        ) -> s.Lookup:
            return one(s.Lookup, services.lookups[table].get(uid, actor=actor))

        @patch(
            "/{uid:str}", operation_id=f"Update{singular}", sync_to_thread=True, raises=WRITE_ERRORS
        )
        def update_entry(
            self,
            services: ServicesDep,
            actor: ActorDep,
            uid: FromPath[str],
            data: JSONBody[s.LookupUpdate],
        ) -> s.Lookup:
            return one(s.Lookup, services.lookups[table].update(uid, changes(data), actor=actor))

        @delete(
            "/{uid:str}",
            operation_id=f"Delete{singular}",
            status_code=HTTP_204_NO_CONTENT,
            sync_to_thread=True,
            raises=WRITE_ERRORS,
        )
        def delete_entry(
            self,
            services: ServicesDep,
            actor: ActorDep,
            uid: FromPath[str],
        ) -> None:
            services.lookups[table].delete(uid, actor=actor)

    LookupController.path = path
    LookupController.__name__ = LookupController.__qualname__ = f"{singular}Controller"
    return LookupController


LOOKUP_CONTROLLERS: list[type[Controller]] = [
    lookup_controller(
        LookupTable.MATERIAL_TYPES, "/material-types", "MaterialType", "MaterialTypes"
    ),
    lookup_controller(
        LookupTable.SCHEDULE_STATUS, "/schedule-statuses", "ScheduleStatus", "ScheduleStatuses"
    ),
    lookup_controller(
        LookupTable.CHANGE_CATEGORIES, "/change-categories", "ChangeCategory", "ChangeCategories"
    ),
    lookup_controller(LookupTable.CHANGE_TYPES, "/change-types", "ChangeType", "ChangeTypes"),
    lookup_controller(LookupTable.SHOW_TYPES, "/show-types", "ShowType", "ShowTypes"),
    lookup_controller(
        LookupTable.SHOW_STANDARDS, "/show-standards", "ShowStandard", "ShowStandards"
    ),
]
"""Lookup tables exposed over HTTP (the issue's four plus show types and standards,
so clients can discover valid ``show_type`` / ``show_standard`` names)."""
