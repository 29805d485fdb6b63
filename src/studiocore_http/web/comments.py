"""The comments panel of the show, schedule and change request pages: the
record's thread (replies indented, deleted comments in place without their
text, mentions as names), a form to comment or reply as the signed-in user,
and a delete button where the access table allows it (its author; the
record's studio or client admins)."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect

from studiocore import Actor, NotFoundError, Services, StudioError
from studiocore.entities.records import MENTION

from .common import Form, Viewer, flash, redirect, services_of

__all__ = ["COMMENT_ROUTES", "comment_panel", "page_of"]

_PAGES = {"show": "/board/shows/", "schedule": "/schedules/", "chreq": "/change-requests/"}
"""Where the page of a commentable record is, by uid prefix."""

_THREAD_LIMIT = 200
"""Top-level comments a page shows (with all their replies)."""


def page_of(record_uid: str) -> str:
    """The web page of a commentable record (``NotFoundError`` for another uid)."""
    base = _PAGES.get(record_uid.partition("_")[0])
    if base is None:
        raise NotFoundError("record", record_uid)
    return base + record_uid


def _parts(content: str, names: dict[str, str | None]) -> list[tuple[str, bool]]:
    """The content as text and mentions (``@name``), for the template."""
    parts: list[tuple[str, bool]] = []
    last = 0
    for match in MENTION.finditer(content):
        parts.append((content[last : match.start()], False))
        parts.append((f"@{names.get(match.group(1)) or match.group(1)}", True))
        last = match.end()
    parts.append((content[last:], False))
    return [p for p in parts if p[0]]


def comment_panel(services: Services, record_uid: str, viewer: Actor) -> dict[str, Any]:
    """The template context of the panel: ``comments`` (each with its parts and
    whether the viewer may delete it) and the record's uid."""
    thread = services.comments.thread(record_uid, limit=_THREAD_LIMIT, actor=viewer)
    items = []
    for view in thread.items:
        names = {m.uid: m.name for m in view.mentions}
        deletable = not view.deleted and bool(
            services.comments.permitted(view.uid, ["delete"], actor=viewer)
        )
        items.append(
            {
                "view": view,
                "parts": _parts(view.content or "", names),
                "deletable": deletable,
                "indent": min(view.depth, 6),
            }
        )
    return {"comments": items, "comments_total": thread.total, "record_uid": record_uid}


@post("/comments/{record_uid:str}", sync_to_thread=True, include_in_schema=False)
def add_comment(
    request: Request[Any, Any, Any], viewer: Viewer, record_uid: FromPath[str], data: Form
) -> Redirect:
    """Comment on the record (or reply, with ``parent_uid``) and go back to its page."""
    back = page_of(record_uid)
    parent = data.get("parent_uid") or None
    try:
        services_of(request).comments.create(
            record_uid,
            viewer.user_uid or "",
            data.get("content", ""),
            parent_uid=parent,
            actor=viewer,
        )
    except NotFoundError:
        raise
    except StudioError as exc:
        flash(request, f"Not posted: {exc}", "error")
    else:
        flash(request, "Comment posted.")
    return redirect(request, back + "#comments")


@post("/comments/{record_uid:str}/{uid:str}/delete", sync_to_thread=True, include_in_schema=False)
def delete_comment(
    request: Request[Any, Any, Any], viewer: Viewer, record_uid: FromPath[str], uid: FromPath[str]
) -> Redirect:
    """Delete (hide) a comment and go back to its record's page."""
    back = page_of(record_uid)
    services = services_of(request)
    if services.comments.get(uid, actor=viewer).commentable_uid != record_uid:
        raise NotFoundError("Comment", uid)
    try:
        services.comments.delete(uid, actor=viewer)
    except NotFoundError:
        raise
    except StudioError as exc:
        flash(request, f"Not deleted: {exc}", "error")
    else:
        flash(request, "Comment deleted.")
    return redirect(request, back + "#comments")


COMMENT_ROUTES = [add_comment, delete_comment]
"""The panel's forms."""
