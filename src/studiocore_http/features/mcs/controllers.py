"""MCs: plain CRUD."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, crud_controller
from studiocore_http.shared.wording import Wording

from . import schemas as s

__all__ = ["MCController"]

MCController = crud_controller(
    CrudResource(
        "/mcs",
        lambda sv: sv.mcs,
        s.MC_BODIES,
        wording=Wording(
            "MC",
            "MCs",
            "An MC hosts shows, across studios; booking checks that an MC is never in two "
            "shows at once and keeps their minimum rest between shows. A profile linked to "
            "a user (`user_uid`, set by system admins) lets that user read the shows they "
            "host.",
            "mcs",
            article="an",
            conflicts="A user has at most one MC profile: a second `user_uid` link is a 409.",
        ),
    )
)
