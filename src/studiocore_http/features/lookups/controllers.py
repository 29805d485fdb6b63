"""Controllers of the admin-managed lookup tables: plain CRUD, one per table."""

from __future__ import annotations

from litestar import Controller

from studiocore import LookupTable
from studiocore_http.shared.crud import CrudResource, QueryFilter, crud_controller
from studiocore_http.shared.wording import Wording

from . import schemas as s

__all__ = ["LOOKUP_CONTROLLERS", "lookup_controller"]


def lookup_controller(
    table: LookupTable, path: str, singular: str, plural: str, nouns: tuple[str, str, str]
) -> type[Controller]:
    """The CRUD controller of one lookup table at ``path``, filtered by ``name``;
    ``nouns`` are its values' singular and plural and what they name, for the API
    document."""
    one, many, about = nouns
    return crud_controller(
        CrudResource(
            path,
            lambda sv: sv.lookups[table],
            s.LOOKUP_BODIES,
            filters=(QueryFilter("name", "Only the value with this name."),),
            stem=singular,
            plural=plural,
            wording=Wording(
                one,
                many,
                f"A value of an admin-managed lookup table: {about}. Names are unique.",
                "lookups",
                conflicts="A duplicate name is a 409.",
            ),
        )
    )


LOOKUP_CONTROLLERS: list[type[Controller]] = [
    lookup_controller(
        LookupTable.MATERIAL_TYPES,
        "/material-types",
        "MaterialType",
        "MaterialTypes",
        ("material type", "material types", "the kinds of material (`material_type`)"),
    ),
    lookup_controller(
        LookupTable.SCHEDULE_STATUS,
        "/schedule-statuses",
        "ScheduleStatus",
        "ScheduleStatuses",
        ("schedule status", "schedule statuses", "the statuses a schedule may be in"),
    ),
    lookup_controller(
        LookupTable.CHANGE_CATEGORIES,
        "/change-categories",
        "ChangeCategory",
        "ChangeCategories",
        ("change category", "change categories", "who a change request comes from"),
    ),
    lookup_controller(
        LookupTable.CHANGE_TYPES,
        "/change-types",
        "ChangeType",
        "ChangeTypes",
        ("change type", "change types", "what a change request changes"),
    ),
    lookup_controller(
        LookupTable.SHOW_TYPES,
        "/show-types",
        "ShowType",
        "ShowTypes",
        ("show type", "show types", "the valid `show_type` names of a show"),
    ),
    lookup_controller(
        LookupTable.SHOW_STANDARDS,
        "/show-standards",
        "ShowStandard",
        "ShowStandards",
        ("show standard", "show standards", "the valid `show_standard` names of a show"),
    ),
]
"""Lookup tables exposed over HTTP (the issue's four plus show types and standards,
so clients can discover valid ``show_type`` / ``show_standard`` names)."""
