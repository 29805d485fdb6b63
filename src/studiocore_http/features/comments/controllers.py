"""Comments over HTTP.

``GET|POST /{shows|schedules|change-requests}/{uid}/comments`` read a
record's thread (paged by top-level comment, replies in place, see
:class:`studiocore.CommentThread`) and add to it as the signed-in user;
``PATCH|DELETE /comments/{uid}`` edit (the author) or delete (the author,
or the admins of the record's studio or client) one comment.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from studiocore import CommentView, NotFoundError
from studiocore.entities import ChangeRequest, Entity, Schedule, Show
from studiocore_http.errors import BODY_ERRORS, WRITE_ERRORS
from studiocore_http.shared.convert import one
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Offset, ServicesDep
from studiocore_http.shared.routes import operation
from studiocore_http.shared.wording import NOT_FOUND

from . import schemas as s

__all__ = ["COMMENT_CONTROLLERS", "CommentController", "thread_controller"]

Threads = Annotated[
    int,
    QueryParameter(
        ge=1,
        le=500,
        description="Top-level comments per page, 1 to 500 (default 50); each comes "
        "with all its replies.",
    ),
]


def _comment(view: CommentView) -> s.Comment:
    return one(s.Comment, view, mentions=[one(s.Mention, m) for m in view.mentions])


def thread_controller(path: str, singular: str, entity: type[Entity]) -> type[Controller]:
    """The comment thread of the records under ``path`` (``/shows``), whose
    uids are ``entity``'s (another uid there is a 404)."""
    words = singular.lower().replace("changerequest", "change request")

    def check(uid: str) -> None:
        if not uid.startswith(f"{entity.PREFIX}_"):
            raise NotFoundError(singular, uid)

    class ThreadController(Controller):
        tags = ["comments"]

        @get(
            **operation(
                f"List{singular}Comments",
                summary=f"List the comments on a {words}",
                description="One page of top-level comments, oldest first, each followed by "
                "all its replies (depth first, oldest first among siblings; `depth` says how "
                "far to indent). `total` counts top-level comments. Deleted comments keep "
                "their place without content.\n\n**Who may call it:** whoever may read the "
                f"{words}. " + NOT_FOUND,
            ),
        )
        def list_comments(
            self,
            *,
            services: ServicesDep,
            actor: ActorDep,
            uid: FromPath[str],
            limit: Threads = DEFAULT_LIMIT,
            offset: Offset = 0,
        ) -> OffsetPagination[s.Comment]:
            check(uid)
            found = services.comments.thread(uid, limit=limit, offset=offset, actor=actor)
            return OffsetPagination(
                items=[_comment(c) for c in found.items],
                limit=found.limit,
                offset=found.offset,
                total=found.total,
            )

        @post(
            **operation(
                f"Comment{singular}",
                BODY_ERRORS,
                HTTP_201_CREATED,
                summary=f"Comment on a {words}",
                description="Adds a comment (or, with `parent_uid`, a reply) as the "
                "signed-in user (201); each user it mentions (`@user_<ULID>`) is notified. "
                "A mention of someone who may not read the record, or does not exist, is a "
                "422 on `content`.\n\n**Who may call it:** whoever may read the "
                f"{words}. " + NOT_FOUND,
            ),
        )
        def add_comment(
            self,
            *,
            services: ServicesDep,
            actor: ActorDep,
            uid: FromPath[str],
            data: JSONBody[s.CommentCreate],
        ) -> s.Comment:
            check(uid)
            made = services.comments.create(
                uid, actor.user_uid or "", data.content, parent_uid=data.parent_uid, actor=actor
            )
            return _comment(services.comments.view(made.uid, actor=actor))

    ThreadController.path = f"{path}/{{uid:str}}/comments"
    ThreadController.__name__ = ThreadController.__qualname__ = f"{singular}CommentsController"
    return ThreadController


class CommentController(Controller):
    path = "/comments"
    tags = ["comments"]

    @get(
        "/{uid:str}",
        **operation(
            "GetComment",
            summary="Get a comment",
            description="A comment as its thread shows it: author, content, mentions, "
            "parent and depth (a deleted comment keeps its place without content). "
            "**Who may call it:** whoever may read the record it is on. " + NOT_FOUND,
        ),
    )
    def get_comment(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.Comment:
        return _comment(services.comments.view(uid, actor=actor))

    @patch(
        "/{uid:str}",
        **operation(
            "EditComment",
            BODY_ERRORS,
            summary="Edit one's comment",
            description="Changes the content of one's own comment. The old and new content "
            "stay in the audit trail (`GET /comments/{uid}/history`).\n\n**Who may call "
            "it:** its author only: anyone else who may read it gets 403 (moderators "
            "delete, they do not edit). " + NOT_FOUND,
        ),
    )
    def edit_comment(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.CommentEdit],
    ) -> s.Comment:
        services.comments.edit(uid, data.content, actor=actor)
        return _comment(services.comments.view(uid, actor=actor))

    @delete(
        "/{uid:str}",
        **operation(
            "DeleteComment",
            WRITE_ERRORS,
            HTTP_204_NO_CONTENT,
            summary="Delete a comment",
            description="Hides a comment (204): it keeps its place in the thread, without "
            "content, so its replies stay.\n\n**Who may call it:** its author, and the "
            "admins of the record's studio or client (and system admins); anyone else who "
            "may read it gets 403. " + NOT_FOUND,
        ),
    )
    def delete_comment(self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.comments.delete(uid, actor=actor)


COMMENT_CONTROLLERS: list[type[Controller]] = [
    thread_controller("/shows", "Show", Show),
    thread_controller("/schedules", "Schedule", Schedule),
    thread_controller("/change-requests", "ChangeRequest", ChangeRequest),
    CommentController,
]
"""The threads of every commentable resource with routes, and ``/comments``."""
