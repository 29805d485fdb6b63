"""Webhook messages: the event types, the JSON body, the Standard Webhooks
signature, and the retry schedule.

Every delivery follows the `Standard Webhooks <https://www.standardwebhooks.com/>`_
specification: three headers, ``webhook-id`` (the delivery's ``message_id``,
the same on every attempt: the receiver's idempotency key),
``webhook-timestamp`` (unix seconds of the attempt) and ``webhook-signature``
(``v1,`` and the base64 HMAC-SHA256 of ``"{id}.{timestamp}.{body}"`` keyed with
the secret's base64-decoded bytes after its ``whsec_`` prefix). Only the
standard library is used; the ``standardwebhooks`` package verifies it.

>>> secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
>>> sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from studiocore.errors import ValidationError

__all__ = [
    "BACKOFF",
    "DISABLE_AFTER",
    "WEBHOOK_EVENT_TYPES",
    "body_of",
    "check_event_types",
    "new_secret",
    "retry_delay",
    "sign",
    "webhook_headers",
]

WEBHOOK_EVENT_TYPES: Mapping[str, str] = {
    "show.confirmed": "a show was confirmed (booked directly, or one show of a schedule)",
    "show.moved": "a confirmed show got another time or room",
    "show.cancelled": "a show was cancelled",
    "shows.confirmed": "many shows of a schedule were confirmed at once (a promotion): "
    "one delivery with every uid",
    "shows.cancelled": "many shows of a schedule were cancelled at once: one delivery",
    "schedule.proposed": "a schedule was proposed to its client",
    "schedule.approved": "the client approved a proposed schedule",
    "schedule.sent_back": "a proposed schedule was sent back to draft",
    "schedule.confirmed": "a schedule was confirmed (its shows promoted)",
    "schedule.cancelled": "a schedule was cancelled",
    "change_request.created": "a change request was raised",
    "change_request.approved": "a change request was approved",
    "change_request.rejected": "a change request was rejected",
    "change_request.applied": "a change request was applied",
    "change_request.withdrawn": "a change request was withdrawn",
    "comment.created": "a comment was posted on a show, schedule or change request",
}
"""The event types an endpoint may subscribe to (``"*"``: every one), with
what each means."""

BACKOFF: Sequence[timedelta] = tuple(
    timedelta(seconds=s) for s in (5, 30, 120, 600, 3600, 6 * 3600)
)
"""How long a failed delivery waits before its next attempt: after the first
failure 5 s, then 30 s, 2 min, 10 min, 1 h, then every 6 h."""

DISABLE_AFTER = timedelta(days=1)
"""An endpoint whose deliveries have failed without a success for this long is
disabled (its pending deliveries given up, its owner notified)."""

_SECRET_PREFIX = "whsec_"


def check_event_types(value: object) -> tuple[str, ...]:
    """``value`` as a tuple of known event types (or ``("*",)``), or a
    ``ValidationError`` naming ``event_types``."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
        raise ValidationError("event_types", "must be a non-empty list of event types, or ['*']")
    types = tuple(value)
    for item in types:
        if item != "*" and item not in WEBHOOK_EVENT_TYPES:
            known = ", ".join(WEBHOOK_EVENT_TYPES)
            raise ValidationError("event_types", f"unknown event type {item!r}; one of: *, {known}")
    if len(set(types)) != len(types):
        raise ValidationError("event_types", "lists an event type twice")
    return types


def new_secret() -> str:
    """A new signing secret: ``whsec_`` and 32 random bytes in base64."""
    return _SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(_SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("secret", "must be whsec_ and base64") from None


def body_of(payload: Mapping[str, Any]) -> bytes:
    """The request body of a delivery: its payload as compact JSON (UTF-8)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value (``v1,<base64 HMAC-SHA256>``)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def webhook_headers(secret: str, message_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """Every header of one attempt sent at ``at``."""
    timestamp = int(at.timestamp())
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def retry_delay(failures: int, schedule: Sequence[timedelta] = BACKOFF) -> timedelta:
    """How long to wait after the ``failures``-th failed attempt (1-based)."""
    return schedule[min(max(failures, 1), len(schedule)) - 1]
