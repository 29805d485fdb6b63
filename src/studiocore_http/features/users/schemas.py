"""Bodies of users."""

from __future__ import annotations

from datetime import datetime

from studiocore import UserRole
from studiocore_http.shared.schemas import Input, Json, Name, Output, patch_of

__all__ = ["User", "UserCreate", "UserUpdate"]


class User(Output):
    uid: str
    email: str
    name: str
    role: UserRole
    ext_id: str | None
    is_banned: bool
    metadata: Json
    created_at: datetime
    updated_at: datetime


class UserCreate(Input):
    email: str
    name: Name
    role: UserRole = UserRole.USER
    ext_id: str | None = None
    is_banned: bool = False
    metadata: Json | None = None


UserUpdate = patch_of(UserCreate)
