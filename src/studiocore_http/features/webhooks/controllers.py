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
from studiocore_http.shared.examples import CREATE_WEBHOOK
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
        **operation("ListWebhookEventTypes", summary="List the webhook event types"),
    )
    def event_types(self) -> list[s.EventType]:
        """Every event type an endpoint may subscribe to, with what it reports
        (`show.confirmed`, `schedule.approved`, ...); an endpoint's `event_types`
        may also be `["*"]`: all of them. Any signed-in user may read the list."""
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
        """The webhook endpoints the caller manages, oldest first, without their
        secrets: system admins see all, a studio's admins their studio's
        (`studio_uid` keeps one studio's). Paged with `limit` and `offset`; `total`
        counts only the endpoints the caller manages."""
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
            examples=CREATE_WEBHOOK,
            description='Registers an endpoint for the `event_types` it names (or `["*"]`) '
            "and answers with its signing secret (201), shown only this once (and on "
            "rotation). With `studio_uid` it receives only that studio's events. "
            + _DELIVERY
            + "\n\n**Who may call it:** system admins (for any events), and a studio's "
            "admins for an endpoint of their studio (403 otherwise). An invalid URL or an "
            "unknown event type is a 422 naming the field.",
        ),
    )
    def create_webhook(
        self, *, services: ServicesDep, actor: ActorDep, data: JSONBody[s.WebhookCreate]
    ) -> s.WebhookWithSecret:
        """Registers an endpoint owned by the caller, who is notified if it gets
        disabled."""
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
        """One webhook endpoint, without its secret: its URL, event types, studio,
        whether it is enabled, and why it was disabled if it was.

        **Who may call it:** system admins, and the admins of the endpoint's studio.
        Anyone else gets 404, as for a uid that does not exist."""
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
        """Changes the URL, event types or description of an endpoint (only the
        fields sent); `enabled: false` stops deliveries (they wait), `enabled: true`
        resumes them, after the receiver is fixed for an endpoint disabled after
        repeated failures.

        **Who may call it:** system admins, and the admins of the endpoint's studio
        (404 for anyone else). An invalid URL or event type is a 422 naming it."""
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
        """Deletes an endpoint (204): nothing more is sent to it and its pending
        deliveries are given up; its delivery log stays readable by system admins.

        **Who may call it:** system admins, and the admins of the endpoint's studio
        (404 for anyone else)."""
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
        """Gives the endpoint a new signing secret and answers it, shown only now
        (store it: it cannot be read again); the next delivery attempts are signed
        with it.

        **Who may call it:** system admins, and the admins of the endpoint's studio
        (404 for anyone else)."""
        return _with_secret(services.webhooks.rotate_secret(uid, actor=actor))

    @get(
        "/webhooks/{uid:str}/deliveries",
        **operation("ListWebhookDeliveries", summary="List a webhook endpoint's deliveries"),
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
        """The endpoint's deliveries, newest first, each with its event, status
        (`pending`, `delivered` or `failed`) and attempts (time, the receiver's
        status code or the error, duration); `status` keeps one status. Paged with
        `limit` and `offset`.

        **Who may call it:** system admins, and the admins of the endpoint's studio
        (404 for anyone else)."""
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
        """Queues a delivery again, to be sent now (202), with the same
        `webhook-id`, so a receiver that took it already can ignore it; the answer
        is the delivery as queued.

        **Who may call it:** system admins, and the admins of the endpoint's studio
        (404 for anyone else)."""
        return _delivery(services.webhooks.redeliver(uid, actor=actor))
