"""Bodies of tags and of tagging (a tag attached to a resource)."""

from __future__ import annotations

from datetime import datetime

from studiocore_http.shared.crud import Bodies
from studiocore_http.shared.schemas import (
    Input,
    MetadataInput,
    MetadataRecord,
    Name,
    Output,
    patch_of,
)

__all__ = ["TAG_BODIES", "Tag", "TagCreate", "TagLink", "TagUpdate", "Tagging"]


class Tag(MetadataRecord):
    name: str
    studio_uid: str | None


class TagCreate(MetadataInput):
    name: Name
    studio_uid: str | None = None


TagUpdate = patch_of(TagCreate, omit={"studio_uid"})
TAG_BODIES = Bodies(Tag, TagCreate, TagUpdate)


class Tagging(Output):
    """A tag attached to an entity."""

    uid: str
    tag_uid: str
    taggable_uid: str
    taggable_type: str
    created_at: datetime


class TagLink(Input):
    tag_uid: str
