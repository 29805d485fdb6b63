"""Materials: plain CRUD, listed by client or platform if asked."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, QueryFilter, crud_controller
from studiocore_http.shared.wording import Wording

from . import schemas as s

__all__ = ["MaterialController"]

_FILTERS = (QueryFilter("client_uid"), QueryFilter("platform_uid"))

MaterialController = crud_controller(
    CrudResource(
        "/materials",
        lambda sv: sv.materials,
        s.MATERIAL_BODIES,
        filters=_FILTERS,
        wording=Wording(
            "material",
            "materials",
            "A material (a script, a product sheet, an asset) belongs to a client, "
            "optionally for one platform, with a version label; every revision is kept in "
            "the audit trail.",
            "materials",
        ),
    )
)
