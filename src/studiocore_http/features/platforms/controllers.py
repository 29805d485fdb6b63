"""Streaming platforms: plain CRUD."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, crud_controller

from . import schemas as s

__all__ = ["PlatformController"]

PlatformController = crud_controller(
    CrudResource("/platforms", lambda sv: sv.platforms, s.PLATFORM_BODIES)
)
