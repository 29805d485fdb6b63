"""Streaming platforms: plain CRUD."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, crud_controller
from studiocore_http.shared.wording import Wording

from . import schemas as s

__all__ = ["PlatformController"]

PlatformController = crud_controller(
    CrudResource(
        "/platforms",
        lambda sv: sv.platforms,
        s.PLATFORM_BODIES,
        wording=Wording(
            "platform",
            "platforms",
            "A streaming platform shows are streamed to; its `api_config` is stored "
            "encrypted and shown, masked, only to the platform's admins.",
            "platforms",
        ),
    )
)
