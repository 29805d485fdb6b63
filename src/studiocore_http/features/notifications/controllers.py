"""Notifications over HTTP: the signed-in user's own, listed, marked read, and
streamed live as Server-Sent Events (:mod:`.live`)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, HeaderParameter, QueryParameter
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK

from studiocore import NotificationKind, ValidationError, is_uid
from studiocore_http.errors import READ_ERRORS, WRITE_ERRORS
from studiocore_http.shared.convert import one
from studiocore_http.shared.examples import LIST_NOTIFICATIONS
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep
from studiocore_http.shared.routes import operation

from . import schemas as s
from .live import HEARTBEAT, LiveNotifications

__all__ = ["NotificationController"]

_STREAM = (
    "The user's notifications as they are made, as Server-Sent Events "
    "(`text/event-stream`): each an event `notification` whose `id` is the "
    "notification's uid and whose `data` is the notification as JSON (as in the "
    "list). A client that reconnects with the `Last-Event-ID` header (browsers' "
    "`EventSource` does it by itself) first receives every notification made "
    "after that one, then the live ones. Without it, only those made from now on. "
    f"An idle stream sends a comment every {HEARTBEAT:.0f} seconds. Served across "
    "every server process (PostgreSQL `LISTEN/NOTIFY`); a stream carries only "
    "its user's own notifications."
)


def _live(request: Request[Any, Any, Any]) -> LiveNotifications:
    live: LiveNotifications = request.app.state.live_notifications
    return live


class NotificationController(Controller):
    path = "/notifications"
    tags = ["notifications"]

    @get(
        "/",
        **operation(
            "ListNotifications",
            summary="List the user's notifications",
            examples=LIST_NOTIFICATIONS,
        ),
    )
    def list_notifications(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        unread_only: Annotated[
            bool, QueryParameter(description="Only the unread ones. Default: false.")
        ] = False,
        kind: Annotated[
            NotificationKind | None, QueryParameter(description="Only those of this kind.")
        ] = None,
        subject_uid: Annotated[
            str | None, QueryParameter(description="Only those about this record.")
        ] = None,
        recipient_uid: Annotated[
            str | None,
            QueryParameter(
                description="Another user's (system admins only; for anyone else the "
                "list is empty)."
            ),
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Notification]:
        """The signed-in user's notifications, unread first (newest first), then
        the read ones (most recently read first). studiocore writes one for each
        person who may read its subject when something concerns them: a show
        confirmed, moved or cancelled, a schedule proposed, approved, sent back or
        confirmed, a change request waiting for them or decided, a mention, a
        conflict warning, a webhook endpoint disabled (`kind`). Filters: `unread_only`,
        `kind` (an unknown kind is a 422), `subject_uid`. Paged with `limit` and
        `offset`; `total` counts the matching ones.

        **Who may call it:** any signed-in user, for their own notifications; a system
        admin may read another user's with `recipient_uid`."""
        found = services.notifications.page(
            unread_only=unread_only,
            kind=kind,
            subject_uid=subject_uid,
            recipient_uid=recipient_uid,
            limit=limit,
            offset=offset,
            actor=actor,
        )
        return OffsetPagination(
            items=[one(s.Notification, n) for n in found.items],
            limit=found.limit,
            offset=found.offset,
            total=found.total,
        )

    @get(
        "/unread-count",
        **operation("CountUnreadNotifications", summary="Count the user's unread notifications"),
    )
    def unread_count(self, *, services: ServicesDep, actor: ActorDep) -> s.UnreadCount:
        """How many of the signed-in user's notifications are unread, for a badge:
        cheaper than listing them. Any signed-in user, for their own."""
        return s.UnreadCount(unread=services.notifications.unread_count(actor=actor))

    @get(
        "/{uid:str}",
        **operation("GetNotification", summary="Get a notification"),
    )
    def get_notification(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.Notification:
        """One of the signed-in user's notifications: its kind, subject, message and
        when it was read. Someone else's notification is a 404, as is a uid that
        does not exist."""
        return one(s.Notification, services.notifications.get(uid, actor=actor))

    @post(
        "/{uid:str}/read",
        **operation(
            "MarkNotificationRead",
            WRITE_ERRORS,
            status_code=200,
            summary="Mark a notification read",
        ),
    )
    def mark_read(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.Notification:
        """Marks one of the signed-in user's notifications read and answers it;
        marking it again changes nothing.

        **Who may call it:** any signed-in user, for their own notifications;
        someone else's is a 404, as is a uid that does not exist."""
        return one(s.Notification, services.notifications.mark_read(uid, actor=actor))

    @post(
        "/read-all",
        **operation(
            "MarkAllNotificationsRead",
            WRITE_ERRORS,
            status_code=200,
            summary="Mark every notification read",
        ),
    )
    def mark_all_read(self, *, services: ServicesDep, actor: ActorDep) -> s.MarkedRead:
        """Marks every unread notification of the signed-in user read at once and
        answers how many there were (0 when none was unread).

        **Who may call it:** any signed-in user, for their own notifications."""
        return s.MarkedRead(marked=services.notifications.mark_all_read(actor=actor))

    @get(
        "/stream",
        summary="Stream the user's notifications (Server-Sent Events)",
        description=_STREAM,  # not operation(): this handler is async, not in a thread
        responses={
            HTTP_200_OK: ResponseSpec(
                data_container=str,
                media_type="text/event-stream",
                description="A stream of `notification` events.",
                generate_examples=False,
            )
        },
        operation_id="StreamNotifications",
        raises=READ_ERRORS,
    )
    async def stream(
        self,
        *,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        last_event_id: Annotated[
            str | None,
            HeaderParameter(
                name="Last-Event-ID",
                description="The uid of the last notification received: those after it come first.",
                required=False,
            ),
        ] = None,
    ) -> ServerSentEvent:
        if last_event_id is not None and not is_uid(last_event_id, "notif"):
            raise ValidationError("Last-Event-ID", "must be the uid of a notification")
        if actor.user_uid is None:
            raise ValidationError("Authorization", "notifications belong to users")
        return ServerSentEvent(_live(request).stream(actor, last_event_id))
