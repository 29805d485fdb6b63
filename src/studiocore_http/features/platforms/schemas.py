"""Bodies of streaming platforms."""

from __future__ import annotations

from typing import Annotated

import msgspec

from studiocore_http.shared.crud import Bodies
from studiocore_http.shared.schemas import Json, MetadataInput, MetadataRecord, Name, patch_of

__all__ = ["PLATFORM_BODIES", "Platform", "PlatformCreate", "PlatformUpdate"]


class Platform(MetadataRecord):
    name: str
    api_config: Annotated[
        Json,
        msgspec.Meta(
            description="write-only secrets: every value reads ********; the keys are shown "
            "to the platform's admins and system admins, {} to anyone else"
        ),
    ]


class PlatformCreate(MetadataInput):
    name: Name
    api_config: Json | None = None


PlatformUpdate = patch_of(PlatformCreate)
PLATFORM_BODIES = Bodies(Platform, PlatformCreate, PlatformUpdate)
