"""Bodies of the admin-managed lookup tables (values referenced by name)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from studiocore_http.shared.schemas import Input, Json, Output, patch_of

__all__ = ["Lookup", "LookupCreate", "LookupUpdate"]

LookupName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class Lookup(Output):
    """A value of a lookup table, referenced elsewhere by its ``name``."""

    uid: str
    name: str
    description: str | None
    metadata: Json
    created_at: datetime
    updated_at: datetime


class LookupCreate(Input):
    name: LookupName
    description: str | None = None
    metadata: Json | None = None


LookupUpdate = patch_of(LookupCreate)
