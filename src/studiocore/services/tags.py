"""Tags: labels, global or of one studio, attached to shows, clients, MCs and
the other taggable entities."""

from __future__ import annotations

from typing import Any

import attrs

from studiocore.access.scope import find_any, scope_of
from studiocore.entities import Tag, Taggable
from studiocore.errors import NotFoundError, ValidationError
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import UnitOfWork

from ._base import CrudService, Work, build, reads, require, writes

__all__ = ["TagService"]


class TagService(CrudService[Tag]):
    """Tags, global or studio-scoped, attachable to any entity."""

    entity_type = Tag
    read_only_fields = frozenset({"studio_uid"})

    @writes
    def create(
        self,
        work: Work,
        name: str,
        *,
        studio_uid: str | None = None,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> Tag:
        """Create a tag; names are unique within their scope (a studio or global)."""
        return self._add(work, {"name": name, "studio_uid": studio_uid, "metadata": metadata or {}})

    def _validate(self, uow: UnitOfWork, new: Tag, old: Tag | None) -> None:
        if new.studio_uid is not None:
            require(uow.studios, new.studio_uid, "studio_uid", "studio")
        self._unique(
            uow, new, "name", {"studio_uid": new.studio_uid, "name": new.name}, repr(new.name)
        )

    def _before_delete(self, uow: UnitOfWork, entity: Tag) -> None:
        now = self._now()
        for link in uow.taggables.list(where={"tag_uid": entity.uid}):
            uow.taggables.update(attrs.evolve(link, deleted_at=now, updated_at=now))

    # -- tagging --------------------------------------------------------------------

    @writes
    def tag(self, work: Work, entity_uid: str, tag_uid: str, *, actor: Actor = SYSTEM) -> Taggable:
        """Attach a tag to any entity. A studio-scoped tag only fits entities of that
        studio; tagging twice returns the existing link."""
        tag = require(work.tags, tag_uid, "tag_uid", "tag")
        entity = find_any(work, entity_uid)
        if entity is None:
            raise NotFoundError("entity", entity_uid)
        work.authorize(entity)
        if isinstance(entity, Tag | Taggable):
            raise ValidationError("taggable_uid", "tags cannot be tagged")
        if tag.studio_uid is not None:
            elsewhere = sorted(scope_of(work, entity).studio_uids - {tag.studio_uid})
            if elsewhere:
                raise ValidationError(
                    "tag_uid",
                    f"tag {tag.uid} belongs to studio {tag.studio_uid}; "
                    f"{entity_uid} belongs to studio {elsewhere[0]}",
                )
        existing = work.taggables.list(where={"tag_uid": tag_uid, "taggable_uid": entity_uid})
        if existing:
            return existing[0]
        link = build(
            Taggable,
            {"tag_uid": tag_uid, "taggable_uid": entity_uid, "taggable_type": entity.TABLE},
            self._now(),
        )
        work.taggables.add(link)
        return link

    @writes
    def untag(self, work: Work, entity_uid: str, tag_uid: str, *, actor: Actor = SYSTEM) -> None:
        """Detach a tag (soft delete of the link); unknown links are a NotFoundError."""
        links = work.taggables.list(where={"tag_uid": tag_uid, "taggable_uid": entity_uid})
        if not links:
            raise NotFoundError("taggable", f"{entity_uid}/{tag_uid}")
        now = self._now()
        for link in links:
            work.taggables.update(attrs.evolve(link, deleted_at=now, updated_at=now))

    @reads
    def tags_of(self, work: Work, entity_uid: str, *, actor: Actor = SYSTEM) -> list[Tag]:
        """The live tags attached to an entity (``NotFoundError`` if there is
        none the actor may read)."""
        entity = find_any(work, entity_uid)
        if entity is None:
            raise NotFoundError("entity", entity_uid)
        work.authorize(entity)
        links = work.taggables.list(where={"taggable_uid": entity_uid})
        tags = work.tags.get_many([link.tag_uid for link in links])
        return sorted(tags.values(), key=lambda t: t.uid)

    @reads
    def tagged(self, work: Work, tag_uid: str, *, actor: Actor = SYSTEM) -> list[Taggable]:
        """The live links of a tag to records the actor may read."""
        work.load(Tag, tag_uid)
        links = work.taggables.list(where={"tag_uid": tag_uid})
        if work.visibility("shows") is None:
            return links  # the actor reads every record
        return [
            link
            for link in links
            if (record := find_any(work, link.taggable_uid)) is not None and work.may_read(record)
        ]
