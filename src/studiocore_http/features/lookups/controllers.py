"""Controllers of the admin-managed lookup tables: plain CRUD, one per table."""

from __future__ import annotations

from litestar import Controller

from studiocore import LookupTable
from studiocore_http.shared.crud import CrudResource, QueryFilter, crud_controller

from . import schemas as s

__all__ = ["LOOKUP_CONTROLLERS", "lookup_controller"]


def lookup_controller(
    table: LookupTable, path: str, singular: str, plural: str
) -> type[Controller]:
    """The CRUD controller of one lookup table at ``path``, filtered by ``name``."""
    return crud_controller(
        CrudResource(
            path,
            lambda sv: sv.lookups[table],
            s.LOOKUP_BODIES,
            filters=(QueryFilter("name", "Only the value with this name."),),
            stem=singular,
            plural=plural,
        )
    )


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
