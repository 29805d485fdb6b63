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
from studiocore_http.shared.wording import NOT_FOUND, Wording

from . import schemas as s

__all__ = ["TAGGING_CONTROLLERS", "TagController", "tagging_controller"]

TagController = crud_controller(
    CrudResource(
        "/tags",
        lambda sv: sv.tags,
        s.TAG_BODIES,
        filters=(QueryFilter("studio_uid"),),
        wording=Wording(
            "tag",
            "tags",
            "A tag is a label, global or of one studio, attached to studios, rooms, "
            "clients, users, MCs, platforms, materials and shows.",
            "tags",
            conflicts="Tag names are unique within their scope (a studio, or global): a "
            "duplicate is a 409.",
            on_delete="It is removed from every record it was attached to.",
        ),
    )
)


def tagging_controller(
    path: str, singular: str, service_of: ServiceOf, noun: str
) -> type[Controller]:
    """Tag endpoints under ``path`` (``/studios``); ``service_of`` picks the service
    that owns the resource, so a uid of another resource type is a 404; ``noun``
    names one of its records in the API document ("a studio room")."""
    read = f"**Who may call it:** whoever may read the {noun.split(' ', 1)[1]}. {NOT_FOUND}"
    write = (
        f"**Who may call it:** whoever may change the {noun.split(' ', 1)[1]} (403 for a "
        f"reader who may not). {NOT_FOUND}"
    )

    class TaggingController(Controller):
        tags = [path.strip("/")]

        @get(
            **operation(
                f"List{singular}Tags",
                summary=f"List the tags of {noun}",
                description=f"The live tags attached to {noun}, global and studio "
                f"tags alike.\n\n{read}",
            )
        )
        def list_tags(
            self,
            services: ServicesDep,
            actor: ActorDep,
            uid: FromPath[str],
        ) -> list[s.Tag]:
            service_of(services).get(uid, actor=actor)
            return many(s.Tag, services.tags.tags_of(uid, actor=actor))

        @post(
            **operation(
                f"Tag{singular}",
                BODY_ERRORS,
                summary=f"Tag {noun}",
                description=f"Attaches the tag `tag_uid` to {noun} (201). Tagging twice "
                "answers the existing link. A studio's tag fits only records of that "
                "studio: another is a 422 naming `tag_uid`, as is an unknown tag."
                f"\n\n{write}",
            )
        )
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
            "/{tag_uid:str}",
            **operation(
                f"Untag{singular}",
                WRITE_ERRORS,
                HTTP_204_NO_CONTENT,
                summary=f"Untag {noun}",
                description=f"Detaches the tag `tag_uid` from {noun} (204); a tag that "
                f"is not attached is a 404.\n\n{write}",
            ),
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
    tagging_controller("/studios", "Studio", lambda sv: sv.studios, "a studio"),
    tagging_controller("/studio-rooms", "StudioRoom", lambda sv: sv.studio_rooms, "a studio room"),
    tagging_controller("/clients", "Client", lambda sv: sv.clients, "a client"),
    tagging_controller("/users", "User", lambda sv: sv.users, "a user"),
    tagging_controller("/mcs", "MC", lambda sv: sv.mcs, "an MC"),
    tagging_controller("/platforms", "Platform", lambda sv: sv.platforms, "a platform"),
    tagging_controller("/materials", "Material", lambda sv: sv.materials, "a material"),
    tagging_controller("/shows", "Show", lambda sv: sv.shows, "a show"),
]
"""Every taggable resource (tags themselves and lookup values are not taggable)."""
