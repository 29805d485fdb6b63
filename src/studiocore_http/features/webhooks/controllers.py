"""Webhook endpoints over HTTP: register, list, change, disable, delete,
rotate the secret, read the delivery log and send a delivery again.

System admins manage every endpoint; a studio's admins those of their studio
(``studio_uid``), which receive only that studio's events, and anyone else's
endpoint answers 404. How deliveries are signed, retried and disabled:
``docs/collaboration.md`` ("Webhooks").
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, JSONBody, QueryParameter

from studiocore import DeliveryStatus, RegisteredWebhook, WebhookEndpoint
from studiocore import WebhookDelivery as DeliveryRecord
from studiocore.services import WEBHOOK_EVENT_TYPES
from studiocore_http.errors import BODY_ERRORS, WRITE_ERRORS
from studiocore_http.shared.convert import changes, one
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep
from studiocore_http.shared.routes import operation

from . import schemas as s

__all__ = ["WebhookController"]

_DELIVERY = (
    'Each delivery is a POST of `{"type", "timestamp", "data"}` signed as the Standard '
    "Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature`), "
    "retried with exponential backoff until the receiver answers 2xx."
)


def _webhook(endpoint: WebhookEndpoint) -> s.Webhook:
    return one(s.Webhook, endpoint, event_types=list(endpoint.event_types))


def _with_secret(made: RegisteredWebhook) -> s.WebhookWithSecret:
    endpoint = made.endpoint
    return one(
        s.WebhookWithSecret, endpoint, event_types=list(endpoint.event_types), secret=made.secret
    )


def _delivery(delivery: DeliveryRecord) -> s.WebhookDelivery:
    return one(s.WebhookDelivery, delivery, attempts_log=s.attempts_of(delivery.attempts_log))


class WebhookController(Controller):
    tags = ["webhooks"]

    @get(
        "/webhooks/event-types",
        **operation("ListWebhookEventTypes", summary="The event types a webhook may receive"),
    )
    def event_types(self) -> list[s.EventType]:
        """Every event type an endpoint may subscribe to (or `*`: all of them)."""
        return [s.EventType(name=k, description=v) for k, v in WEBHOOK_EVENT_TYPES.items()]

    @get("/webhooks", **operation("ListWebhooks", summary="List webhook endpoints"))
    def list_webhooks(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        studio_uid: Annotated[
            str | None, QueryParameter(description="Only the endpoints of this studio.")
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Webhook]:
        """The endpoints the user manages (system admins: all; a studio's
        admins: their studio's), oldest first, without their secrets."""
        where = {"studio_uid": studio_uid} if studio_uid is not None else None
        found = services.webhooks.page(where=where, limit=limit, offset=offset, actor=actor)
        return OffsetPagination(
            items=[_webhook(e) for e in found.items],
            limit=found.limit,
            offset=found.offset,
            total=found.total,
        )

    @post(
        "/webhooks",
        **operation(
            "CreateWebhook",
            BODY_ERRORS,
            status_code=201,
            summary="Register a webhook endpoint",
            description="Registers an endpoint and answers with its signing secret, shown only "
            "this once (and on rotation). " + _DELIVERY,
        ),
    )
    def create_webhook(
        self, *, services: ServicesDep, actor: ActorDep, data: JSONBody[s.WebhookCreate]
    ) -> s.WebhookWithSecret:
        """Register an endpoint owned by the user (told if it gets disabled)."""
        made = services.webhooks.create(
            data.url,
            data.event_types,
            studio_uid=data.studio_uid,
            description=data.description,
            actor=actor,
        )
        return _with_secret(made)

    @get("/webhooks/{uid:str}", **operation("GetWebhook", summary="Get a webhook endpoint"))
    def get_webhook(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.Webhook:
        """One endpoint, without its secret."""
        return _webhook(services.webhooks.get(uid, actor=actor))

    @patch(
        "/webhooks/{uid:str}",
        **operation(
            "UpdateWebhook", BODY_ERRORS, summary="Change, disable or enable a webhook endpoint"
        ),
    )
    def update_webhook(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.WebhookUpdate],
    ) -> s.Webhook:
        """Change the URL, event types or description; `enabled: false` stops
        deliveries (they wait), `enabled: true` resumes them."""
        fields = changes(data)
        enabled = fields.pop("enabled", None)
        endpoint = services.webhooks.get(uid, actor=actor)
        if fields:
            endpoint = services.webhooks.update(uid, fields, actor=actor)
        if enabled is True:
            endpoint = services.webhooks.enable(uid, actor=actor)
        elif enabled is False:
            endpoint = services.webhooks.disable(uid, actor=actor)
        return _webhook(endpoint)

    @delete(
        "/webhooks/{uid:str}",
        **operation("DeleteWebhook", WRITE_ERRORS, summary="Delete a webhook endpoint"),
    )
    def delete_webhook(self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        """Delete an endpoint: nothing more is sent to it (its pending
        deliveries are given up); its delivery log stays readable by system
        admins."""
        services.webhooks.delete(uid, actor=actor)

    @post(
        "/webhooks/{uid:str}/rotate-secret",
        **operation(
            "RotateWebhookSecret",
            WRITE_ERRORS,
            status_code=200,
            summary="Give a webhook endpoint a new secret",
        ),
    )
    def rotate_secret(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.WebhookWithSecret:
        """A new signing secret, shown only now; the next attempts are signed with it."""
        return _with_secret(services.webhooks.rotate_secret(uid, actor=actor))

    @get(
        "/webhooks/{uid:str}/deliveries",
        **operation("ListWebhookDeliveries", summary="A webhook endpoint's delivery log"),
    )
    def deliveries(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        status: Annotated[
            DeliveryStatus | None, QueryParameter(description="Only deliveries in this status.")
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.WebhookDelivery]:
        """The endpoint's deliveries, newest first, each with its attempts (time,
        status code or error, duration)."""
        found = services.webhooks.deliveries(
            uid, status=status, limit=limit, offset=offset, actor=actor
        )
        return OffsetPagination(
            items=[_delivery(d) for d in found.items],
            limit=found.limit,
            offset=found.offset,
            total=found.total,
        )

    @post(
        "/webhook-deliveries/{uid:str}/redeliver",
        **operation(
            "RedeliverWebhook",
            WRITE_ERRORS,
            status_code=202,
            summary="Send a webhook delivery again",
        ),
    )
    def redeliver(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.WebhookDelivery:
        """Queue the delivery again, now, with the same `webhook-id` (a receiver
        that took it already ignores it)."""
        return _delivery(services.webhooks.redeliver(uid, actor=actor))
