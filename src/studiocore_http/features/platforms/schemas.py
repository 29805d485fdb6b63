"""Bodies of streaming platforms."""

from __future__ import annotations

from datetime import datetime

from studiocore_http.shared.schemas import Input, Json, Name, Output, patch_of

__all__ = ["Platform", "PlatformCreate", "PlatformUpdate"]


class Platform(Output):
    uid: str
    name: str
    api_config: Json
    metadata: Json
    created_at: datetime
    updated_at: datetime


class PlatformCreate(Input):
    name: Name
    api_config: Json | None = None
    metadata: Json | None = None


PlatformUpdate = patch_of(PlatformCreate)
