"""Bodies of webhook endpoints and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from studiocore import DeliveryStatus
from studiocore_http.shared.schemas import Input, Json, MetadataRecord, Output, Record

__all__ = [
    "EventType",
    "Webhook",
    "WebhookAttempt",
    "WebhookCreate",
    "WebhookDelivery",
    "WebhookUpdate",
    "WebhookWithSecret",
]

Url = Annotated[str, msgspec.Meta(min_length=8, max_length=2048)]
EventTypes = Annotated[
    list[Annotated[str, msgspec.Meta(min_length=1, max_length=64)]],
    msgspec.Meta(min_length=1, max_length=64),
]
Description = Annotated[str, msgspec.Meta(max_length=500)]


class WebhookCreate(Input):
    """An endpoint to register: its ``url`` (``https://``, or ``http://``), the
    ``event_types`` it receives (see ``GET /webhooks/event-types``; ``["*"]``:
    all), and ``studio_uid`` to receive only that studio's events (studio
    admins must name their studio; system admins may leave it out: every
    studio's events)."""

    url: Url
    event_types: EventTypes
    studio_uid: str | None = None
    description: Description | None = None


class WebhookUpdate(Input):
    """What to change (absent fields are left alone): the ``url``, the
    ``event_types``, the ``description`` (``null`` clears it), and
    ``enabled``: ``false`` stops deliveries, ``true`` resumes them (also after
    the endpoint was disabled for failing, its failure run forgotten)."""

    url: Url | UnsetType = UNSET
    event_types: EventTypes | UnsetType = UNSET
    description: Description | UnsetType | None = UNSET
    enabled: bool | UnsetType = UNSET


class Webhook(MetadataRecord):
    """A webhook endpoint. The secret is never shown again after it is made
    (``POST /webhooks``) or rotated (``POST /webhooks/{uid}/rotate-secret``).
    ``failing_since``: when its unbroken run of failed attempts began;
    ``disabled_at``: when it was switched off (by a user, or after failing for
    a day)."""

    owner_uid: str
    studio_uid: str | None
    url: str
    event_types: list[str]
    description: str | None
    failing_since: datetime | None
    disabled_at: datetime | None


class WebhookWithSecret(Webhook):
    """An endpoint with its signing ``secret`` (``whsec_...``), shown only now:
    keep it to verify the ``webhook-signature`` header of each delivery."""

    secret: str


class WebhookAttempt(Output):
    """One attempt to send a delivery: when, the receiver's status code (or
    the error: a timeout, a refused connection), how long it took, and the
    start of its answer."""

    at: str
    status_code: int | None
    error: str | None
    duration_ms: int
    response: str | None = None


class WebhookDelivery(Record):
    """One event for one endpoint (``message_id`` is the ``webhook-id`` header,
    the same on every attempt) and its attempts, oldest first. ``status``:
    ``pending`` (to be sent at ``next_attempt_at``), ``delivered`` or
    ``failed`` (given up: the endpoint was disabled or deleted)."""

    endpoint_uid: str
    message_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    payload: Json
    attempts_log: list[WebhookAttempt]


class EventType(Output):
    """An event type an endpoint may subscribe to, and what it means."""

    name: str
    description: str


def attempts_of(log: dict[str, Any]) -> list[dict[str, Any]]:
    """The attempts of a delivery's log."""
    found = log.get("attempts", [])
    return found if isinstance(found, list) else []
