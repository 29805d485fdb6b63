"""Bodies of tags and of tagging (a tag attached to a resource)."""

from __future__ import annotations

from datetime import datetime

from studiocore_http.shared.schemas import Input, Json, Name, Output, patch_of

__all__ = ["Tag", "TagCreate", "TagLink", "TagUpdate", "Tagging"]


class Tag(Output):
    uid: str
    name: str
    studio_uid: str | None
    metadata: Json
    created_at: datetime
    updated_at: datetime


class TagCreate(Input):
    name: Name
    studio_uid: str | None = None
    metadata: Json | None = None


TagUpdate = patch_of(TagCreate, omit={"studio_uid"})


class Tagging(Output):
    """A tag attached to an entity."""

    uid: str
    tag_uid: str
    taggable_uid: str
    taggable_type: str
    created_at: datetime


class TagLink(Input):
    tag_uid: str
