"""Bodies of MCs (the hosts of shows)."""

from __future__ import annotations

from studiocore_http.shared.crud import Bodies
from studiocore_http.shared.schemas import MetadataInput, MetadataRecord, Minutes, Name, patch_of

__all__ = ["MC", "MC_BODIES", "MCCreate", "MCUpdate"]


class MC(MetadataRecord):
    name: str
    alias_name: str | None
    user_uid: str | None
    is_banned: bool
    min_rest_minutes: int


class MCCreate(MetadataInput):
    name: Name
    alias_name: str | None = None
    user_uid: str | None = None
    is_banned: bool = False
    min_rest_minutes: Minutes = 0


MCUpdate = patch_of(MCCreate)
MC_BODIES = Bodies(MC, MCCreate, MCUpdate)
