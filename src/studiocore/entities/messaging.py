"""Notifications and webhooks: what studiocore tells people and other systems."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from studiocore import _fields as f
from studiocore.errors import ValidationError
from studiocore.lookups import DeliveryStatus, NotificationKind

from ._base import Entity, _metadata, _to_deliverystatus, _to_notificationkind, _ts

__all__ = ["Notification", "WebhookDelivery", "WebhookEndpoint"]


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value  # type: ignore[no-any-return]  # refused by the validator


def _event_types(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError(attribute.name, "must be a non-empty list of event types")
    for item in value:
        if not isinstance(item, str) or not item or len(item) > 64:
            raise ValidationError(attribute.name, "each event type must be a short text")
    if len(set(value)) != len(value):
        raise ValidationError(attribute.name, "lists an event type twice")


@attrs.frozen(kw_only=True)
class Notification(Entity):
    """Something a user is told: ``kind`` of thing happened to ``subject_uid``
    (a show, a schedule, a change request, a comment, a webhook endpoint),
    caused by ``actor_uid`` (None: the system). ``read_at`` is set once read."""

    PREFIX: ClassVar[str] = "notif"
    TABLE: ClassVar[str] = "notifications"
    AUDITED: ClassVar[bool] = False
    REFERENCES: ClassVar[Mapping[str, str]] = {"recipient_uid": "users"}

    recipient_uid: str = attrs.field(validator=f.uid("user"))
    kind: NotificationKind = attrs.field(
        converter=_to_notificationkind, validator=f.enum_value(NotificationKind)
    )
    subject_uid: str = attrs.field(validator=f.any_uid)
    subject_type: str = attrs.field(validator=f.text(max_length=64))
    text: str = attrs.field(validator=f.text(max_length=500))
    actor_uid: str | None = attrs.field(default=None, validator=f.uid("user", optional=True))
    read_at: datetime | None = _ts(optional=True)
    metadata: dict[str, Any] = _metadata()


@attrs.frozen(kw_only=True)
class WebhookEndpoint(Entity):
    """Where another system hears about changes: ``url`` receives the events
    of ``event_types`` (of ``studio_uid``'s records; every studio's when None),
    signed with ``secret`` (Standard Webhooks). ``failing_since`` is the first
    failure of an unbroken run of them; ``disabled_at`` is set when the
    endpoint is switched off (by its owner, or after failing for a day)."""

    PREFIX: ClassVar[str] = "webhook"
    TABLE: ClassVar[str] = "webhook_endpoints"
    REFERENCES: ClassVar[Mapping[str, str]] = {"owner_uid": "users", "studio_uid": "studios"}
    AUDIT_OMIT: ClassVar[frozenset[str]] = frozenset({"secret"})

    owner_uid: str = attrs.field(validator=f.uid("user"))
    studio_uid: str | None = attrs.field(default=None, validator=f.uid("studio", optional=True))
    url: str = attrs.field(validator=f.url)
    event_types: tuple[str, ...] = attrs.field(converter=_texts, validator=_event_types)
    secret: str = attrs.field(validator=f.text(max_length=128))
    description: str | None = attrs.field(
        default=None, validator=f.text(optional=True, max_length=500)
    )
    failing_since: datetime | None = _ts(optional=True)
    disabled_at: datetime | None = _ts(optional=True)
    metadata: dict[str, Any] = _metadata()


@attrs.frozen(kw_only=True)
class WebhookDelivery(Entity):
    """One event for one endpoint, and its attempts: queued in the transaction
    of the change (the outbox), sent by a worker. ``message_id`` is the
    ``webhook-id`` header, the same on every attempt (the receiver's
    idempotency key); ``attempts_log`` holds each attempt's time, status code
    or error, and duration."""

    PREFIX: ClassVar[str] = "whdel"
    TABLE: ClassVar[str] = "webhook_deliveries"
    AUDITED: ClassVar[bool] = False
    REFERENCES: ClassVar[Mapping[str, str]] = {"endpoint_uid": "webhook_endpoints"}

    endpoint_uid: str = attrs.field(validator=f.uid("webhook"))
    message_id: str = attrs.field(validator=f.text(max_length=64))
    event_type: str = attrs.field(validator=f.text(max_length=64))
    payload: dict[str, Any] = attrs.field(validator=f.json_object)
    status: DeliveryStatus = attrs.field(
        default=DeliveryStatus.PENDING,
        converter=_to_deliverystatus,
        validator=f.enum_value(DeliveryStatus),
    )
    attempts: int = attrs.field(default=0, validator=f.integer(minimum=0))
    next_attempt_at: datetime | None = _ts(optional=True)
    locked_until: datetime | None = _ts(optional=True)
    delivered_at: datetime | None = _ts(optional=True)
    attempts_log: dict[str, Any] = _metadata()
