"""Bodies of users."""

from __future__ import annotations

from typing import Annotated

import msgspec

from studiocore import UserRole
from studiocore_http.shared.crud import Bodies
from studiocore_http.shared.schemas import MetadataInput, MetadataRecord, Name, patch_of

__all__ = ["USER_BODIES", "User", "UserCreate", "UserUpdate"]


class User(MetadataRecord):
    email: Annotated[
        str | None,
        msgspec.Meta(description="null unless the reader is this user or a system admin"),
    ]
    name: str
    role: UserRole
    ext_id: Annotated[
        str | None,
        msgspec.Meta(
            description="the identity provider's issuer|sub; null unless the reader is "
            "this user or a system admin"
        ),
    ]
    is_banned: bool


class UserCreate(MetadataInput):
    email: str
    name: Name
    role: UserRole = UserRole.USER
    ext_id: str | None = None
    is_banned: bool = False


UserUpdate = patch_of(UserCreate)
USER_BODIES = Bodies(User, UserCreate, UserUpdate)
