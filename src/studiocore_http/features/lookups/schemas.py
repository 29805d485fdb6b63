"""Bodies of the admin-managed lookup tables (values referenced by name)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from studiocore_http.shared.crud import Bodies
from studiocore_http.shared.schemas import MetadataInput, MetadataRecord, patch_of

__all__ = ["LOOKUP_BODIES", "Lookup", "LookupCreate", "LookupUpdate"]

LookupName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class Lookup(MetadataRecord):
    """A value of a lookup table, referenced elsewhere by its ``name``."""

    name: str
    description: str | None


class LookupCreate(MetadataInput):
    name: LookupName
    description: str | None = None


LookupUpdate = patch_of(LookupCreate)
LOOKUP_BODIES = Bodies(Lookup, LookupCreate, LookupUpdate)
