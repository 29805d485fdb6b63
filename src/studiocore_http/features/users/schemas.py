"""Bodies of users."""

from __future__ import annotations

from studiocore import UserRole
from studiocore_http.shared.schemas import MetadataInput, MetadataRecord, Name, patch_of

__all__ = ["User", "UserCreate", "UserUpdate"]


class User(MetadataRecord):
    email: str
    name: str
    role: UserRole
    ext_id: str | None
    is_banned: bool


class UserCreate(MetadataInput):
    email: str
    name: Name
    role: UserRole = UserRole.USER
    ext_id: str | None = None
    is_banned: bool = False


UserUpdate = patch_of(UserCreate)
