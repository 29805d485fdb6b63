"""Bodies of materials (briefs, scripts, assets of a client or platform)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from studiocore_http.shared.crud import Bodies
from studiocore_http.shared.schemas import MetadataInput, MetadataRecord, Name, Timestamp, patch_of

__all__ = ["MATERIAL_BODIES", "Material", "MaterialCreate", "MaterialUpdate"]


class Material(MetadataRecord):
    name: str
    material_type: str
    client_uid: str | None
    platform_uid: str | None
    description: str | None
    resource_url: str | None
    is_active: bool
    expiring_at: datetime | None
    version: str


class MaterialCreate(MetadataInput):
    timestamp_fields: ClassVar[frozenset[str]] = frozenset({"expiring_at"})

    name: Name
    material_type: str
    client_uid: str | None = None
    platform_uid: str | None = None
    description: str | None = None
    resource_url: str | None = None
    is_active: bool = True
    expiring_at: Timestamp | None = None
    version: str = "1"


MaterialUpdate = patch_of(MaterialCreate, omit={"client_uid"})
MATERIAL_BODIES = Bodies(Material, MaterialCreate, MaterialUpdate)
