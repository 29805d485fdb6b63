"""Bodies of streaming platforms."""

from __future__ import annotations

from studiocore_http.shared.schemas import Json, MetadataInput, MetadataRecord, Name, patch_of

__all__ = ["Platform", "PlatformCreate", "PlatformUpdate"]


class Platform(MetadataRecord):
    name: str
    api_config: Json


class PlatformCreate(MetadataInput):
    name: Name
    api_config: Json | None = None


PlatformUpdate = patch_of(PlatformCreate)
