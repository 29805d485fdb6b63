"""Bodies of MCs (the hosts of shows)."""

from __future__ import annotations

from datetime import datetime

from studiocore_http.shared.schemas import Input, Json, Minutes, Name, Output, patch_of

__all__ = ["MC", "MCCreate", "MCUpdate"]


class MC(Output):
    uid: str
    name: str
    alias_name: str | None
    user_uid: str | None
    is_banned: bool
    min_rest_minutes: int
    metadata: Json
    created_at: datetime
    updated_at: datetime


class MCCreate(Input):
    name: Name
    alias_name: str | None = None
    user_uid: str | None = None
    is_banned: bool = False
    min_rest_minutes: Minutes = 0
    metadata: Json | None = None


MCUpdate = patch_of(MCCreate)
