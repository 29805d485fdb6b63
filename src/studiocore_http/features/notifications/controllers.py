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
        **operation("ListNotifications", summary="List the user's notifications"),
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
        """The signed-in user's notifications: unread first (newest first), then
        the read ones (most recently read first)."""
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
        """How many of the signed-in user's notifications are unread (for a badge)."""
        return s.UnreadCount(unread=services.notifications.unread_count(actor=actor))

    @get(
        "/{uid:str}",
        **operation("GetNotification", summary="Get a notification"),
    )
    def get_notification(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.Notification:
        """One of the user's notifications; someone else's is a 404."""
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
        """Mark one of the user's notifications read (again: nothing changes).
        Someone else's notification is a 404."""
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
        """Mark every unread notification of the user read; how many were."""
        return s.MarkedRead(marked=services.notifications.mark_all_read(actor=actor))

    @get(
        "/stream",
        summary="Stream the user's notifications (Server-Sent Events)",
        description=_STREAM,
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
