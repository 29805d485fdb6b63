"""Tags (plain CRUD) and tagging: the tag endpoints under every taggable resource."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from studiocore_http.errors import BODY_ERRORS, WRITE_ERRORS
from studiocore_http.shared.convert import many, one
from studiocore_http.shared.crud import CrudResource, QueryFilter, ServiceOf, crud_controller
from studiocore_http.shared.params import ActorDep, ServicesDep
from studiocore_http.shared.routes import operation

from . import schemas as s

__all__ = ["TAGGING_CONTROLLERS", "TagController", "tagging_controller"]

TagController = crud_controller(
    CrudResource("/tags", lambda sv: sv.tags, s.TAG_BODIES, filters=(QueryFilter("studio_uid"),))
)


def tagging_controller(path: str, singular: str, service_of: ServiceOf) -> type[Controller]:
    """Tag endpoints under ``path`` (``/studios``); ``service_of`` picks the service
    that owns the resource, so a uid of another resource type is a 404."""

    class TaggingController(Controller):
        tags = [path.strip("/")]

        @get(**operation(f"List{singular}Tags"))
        def list_tags(
            self,
            services: ServicesDep,
            actor: ActorDep,
            uid: FromPath[str],
        ) -> list[s.Tag]:
            service_of(services).get(uid, actor=actor)
            return many(s.Tag, services.tags.tags_of(uid, actor=actor))

        @post(**operation(f"Tag{singular}", BODY_ERRORS))
        def add_tag(
            self,
            services: ServicesDep,
            actor: ActorDep,
            uid: FromPath[str],
            data: JSONBody[s.TagLink],
        ) -> s.Tagging:
            service_of(services).get(uid, actor=actor)
            return one(s.Tagging, services.tags.tag(uid, data.tag_uid, actor=actor))

        @delete(
            "/{tag_uid:str}", **operation(f"Untag{singular}", WRITE_ERRORS, HTTP_204_NO_CONTENT)
        )
        def remove_tag(
            self,
            services: ServicesDep,
            actor: ActorDep,
            uid: FromPath[str],
            tag_uid: FromPath[str],
        ) -> None:
            service_of(services).get(uid, actor=actor)
            services.tags.untag(uid, tag_uid, actor=actor)

    TaggingController.path = f"{path}/{{uid:str}}/tags"
    TaggingController.__name__ = TaggingController.__qualname__ = f"{singular}TagsController"
    return TaggingController


TAGGING_CONTROLLERS: list[type[Controller]] = [
    tagging_controller("/studios", "Studio", lambda sv: sv.studios),
    tagging_controller("/studio-rooms", "StudioRoom", lambda sv: sv.studio_rooms),
    tagging_controller("/clients", "Client", lambda sv: sv.clients),
    tagging_controller("/users", "User", lambda sv: sv.users),
    tagging_controller("/mcs", "MC", lambda sv: sv.mcs),
    tagging_controller("/platforms", "Platform", lambda sv: sv.platforms),
    tagging_controller("/materials", "Material", lambda sv: sv.materials),
    tagging_controller("/shows", "Show", lambda sv: sv.shows),
]
"""Every taggable resource (tags themselves and lookup values are not taggable)."""
