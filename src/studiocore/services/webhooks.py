"""Webhooks: other systems told about changes, signed (Standard Webhooks),
queued in the transaction of the change (the outbox) and sent by workers.

System admins register endpoints for every studio's events; a studio's admins
for their studio's (``studio_uid``), and they see only those. The secret is
shown in full only by :meth:`WebhookService.create` and
:meth:`WebhookService.rotate_secret`. Deliveries are queued by
:mod:`._webhook_outbox` and sent by a worker (``studiocore_http.webhooks``),
which claims due deliveries (:meth:`WebhookService.claim`), sends them
outside any transaction and records each attempt (:meth:`WebhookService.record`):
a failure is retried with exponential backoff (:data:`BACKOFF`), and an
endpoint failing without a success for a day is disabled and its owner told.

>>> from studiocore import Services
>>> svc = Services.in_memory()
>>> owner = svc.users.create("ops@example.com", "Ops")
>>> made = svc.webhooks.create("https://example.com/hook", ["show.confirmed"],
...                            owner_uid=owner.uid)
>>> made.secret.startswith("whsec_"), made.endpoint.secret is None
(True, True)
>>> svc.webhooks.get(made.endpoint.uid).secret is None  # never shown again
True
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from studiocore.access.redact import withheld
from studiocore.entities import Notification, WebhookDelivery, WebhookEndpoint
from studiocore.errors import PermissionDeniedError, ValidationError
from studiocore.ids import new_uid
from studiocore.lookups import DeliveryStatus, NotificationKind
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import Since, UnitOfWork, Where

from ._base import CrudService, Listing, Page, Work, check_paging, page_of, reads, writes
from ._pipeline import ServiceContext
from ._webhook_outbox import Outbox
from .notifications import notify
from .webhook_messages import (
    BACKOFF,
    DISABLE_AFTER,
    WEBHOOK_EVENT_TYPES,
    body_of,
    check_event_types,
    new_secret,
    retry_delay,
)

__all__ = ["Attempt", "Dispatch", "RegisteredWebhook", "WebhookService"]

_LOG_KEEP = 50
"""A delivery's log keeps its last attempts."""


@attrs.frozen
class RegisteredWebhook:
    """An endpoint and its signing secret, shown in full only here (on
    create and on rotation)."""

    endpoint: WebhookEndpoint
    secret: str


@attrs.frozen
class Dispatch:
    """A claimed delivery, ready to send: where, what and how to sign it."""

    delivery_uid: str
    message_id: str
    event_type: str
    url: str
    secret: str
    body: bytes
    attempt: int
    """The number of this attempt (1 for the first)."""


@attrs.frozen(kw_only=True)
class Attempt:
    """What one attempt to send a delivery came to: a status code (2xx is a
    success), or an error (a timeout, a refused connection)."""

    started_at: datetime
    duration: timedelta
    status_code: int | None = None
    error: str | None = None
    response: str | None = None
    """The start of the response body, for the delivery log."""

    @property
    def ok(self) -> bool:
        """Whether the receiver took it (a 2xx answer)."""
        return self.status_code is not None and 200 <= self.status_code < 300

    def logged(self) -> dict[str, Any]:
        """The attempt as an entry of the delivery log (plain JSON)."""
        return {
            "at": self.started_at.isoformat(),
            "status_code": self.status_code,
            "error": self.error,
            "duration_ms": round(self.duration.total_seconds() * 1000),
            "response": None if self.response is None else self.response[:500],
        }


def _public(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """``endpoint`` with its secret withheld (for display)."""
    return withheld(endpoint, {"secret": None})


def _check_url(url: object) -> None:
    if not isinstance(url, str) or not url.lower().startswith(("https://", "http://")):
        raise ValidationError("url", "must be an http:// or https:// URL")


def _system_only(work: Work) -> None:
    if not work.actor.is_system:
        raise PermissionDeniedError(
            "only studiocore's workers send webhooks", action="write", resource="webhook_endpoints"
        )


class WebhookService(CrudService[WebhookEndpoint]):
    """Webhook endpoints, their deliveries, and the worker's use cases."""

    entity_type = WebhookEndpoint
    read_only_fields = frozenset(
        {"owner_uid", "studio_uid", "secret", "failing_since", "disabled_at"}
    )
    event_types: Mapping[str, str] = WEBHOOK_EVENT_TYPES
    """The event types an endpoint may subscribe to, with their meaning."""

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        context.events.install_once("webhooks", Outbox(self._wake).subscribe)

    def _wake(self) -> None:
        for listener in list(self.context.events.webhook_listeners):
            listener()

    def on_queued(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after the commit of every change that queued
        deliveries (an in-process worker wakes up at once)."""
        self.context.events.webhook_listeners.append(listener)

    # -- endpoints ----------------------------------------------------------------------

    @writes
    def create(
        self,
        work: Work,
        url: str,
        event_types: Sequence[str],
        *,
        studio_uid: str | None = None,
        description: str | None = None,
        owner_uid: str | None = None,
        actor: Actor = SYSTEM,
    ) -> RegisteredWebhook:
        """Register ``url`` for ``event_types`` (of :data:`WEBHOOK_EVENT_TYPES`,
        or ``["*"]``): every studio's events, or only ``studio_uid``'s. The
        owner (told if it gets disabled) is the actor, or ``owner_uid`` for the
        system. The secret is returned here and never again."""
        owner = owner_uid if owner_uid is not None else work.actor.user_uid
        if owner is None:
            raise ValidationError("owner_uid", "the system must name the endpoint's owner")
        if owner_uid is not None and owner_uid != work.actor.user_uid and not work.actor.is_system:
            raise ValidationError("owner_uid", "an endpoint is owned by whoever registers it")
        secret = new_secret()
        endpoint = self._add(
            work,
            {
                "owner_uid": owner,
                "studio_uid": studio_uid,
                "url": url,
                "event_types": check_event_types(event_types),
                "secret": secret,
                "description": description,
            },
        )
        Outbox.forget(work)
        return RegisteredWebhook(_public(endpoint), secret)

    def _validate(self, uow: UnitOfWork, new: WebhookEndpoint, old: WebhookEndpoint | None) -> None:
        _check_url(new.url)
        check_event_types(new.event_types)
        if old is None and new.studio_uid is not None and uow.studios.find(new.studio_uid) is None:
            raise ValidationError("studio_uid", f"studio {new.studio_uid!r} does not exist")

    @reads
    def get(
        self, work: Work, uid: str, *, include_deleted: bool = False, actor: Actor = SYSTEM
    ) -> WebhookEndpoint:
        """The endpoint ``uid`` (its secret withheld)."""
        return _public(work.load(WebhookEndpoint, uid, include_deleted=include_deleted))

    def _listing(self, work: Work, where: Where | None) -> Listing:
        self._no_secret_filter(where)
        return where, work.visibility()

    def _listed(self, entity: WebhookEndpoint) -> WebhookEndpoint:
        return _public(entity)  # the secret withheld

    @staticmethod
    def _no_secret_filter(where: Where | None) -> None:
        if where and "secret" in where:
            raise ValidationError("secret", "endpoints cannot be filtered by their secret")

    @writes
    def update(
        self, work: Work, uid: str, changes: Mapping[str, Any], *, actor: Actor = SYSTEM
    ) -> WebhookEndpoint:
        """Change an endpoint's ``url``, ``event_types``, ``description`` or
        ``metadata``."""
        if "event_types" in changes:
            changes = {**changes, "event_types": check_event_types(changes["event_types"])}
        return _public(self._update(work, uid, changes))

    @writes
    def rotate_secret(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> RegisteredWebhook:
        """Give the endpoint a new secret (returned here, and never again);
        the next attempts are signed with it."""
        endpoint = work.load(WebhookEndpoint, uid)
        secret = new_secret()
        rotated = attrs.evolve(endpoint, secret=secret, updated_at=work.now())
        work.webhook_endpoints.update(rotated)
        return RegisteredWebhook(_public(rotated), secret)

    @writes
    def disable(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> WebhookEndpoint:
        """Stop sending to the endpoint (its pending deliveries wait for
        :meth:`enable`)."""
        endpoint = work.load(WebhookEndpoint, uid)
        if endpoint.disabled_at is not None:
            return _public(endpoint)
        now = work.now()
        disabled = attrs.evolve(endpoint, disabled_at=now, updated_at=now)
        work.webhook_endpoints.update(disabled)
        return _public(disabled)

    @writes
    def enable(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> WebhookEndpoint:
        """Send to the endpoint again (its failure run forgotten)."""
        endpoint = work.load(WebhookEndpoint, uid)
        if endpoint.disabled_at is None and endpoint.failing_since is None:
            return _public(endpoint)
        enabled = attrs.evolve(
            endpoint, disabled_at=None, failing_since=None, updated_at=work.now()
        )
        work.webhook_endpoints.update(enabled)
        work.after_commit(self._wake)
        return _public(enabled)

    # -- the delivery log ---------------------------------------------------------------

    @reads
    def deliveries(
        self,
        work: Work,
        uid: str,
        *,
        status: DeliveryStatus | str | None = None,
        limit: int = 50,
        offset: int = 0,
        actor: Actor = SYSTEM,
    ) -> Page[WebhookDelivery]:
        """The endpoint's deliveries, newest first, with their attempts (time,
        status code or error, duration); only those in ``status`` if given."""
        check_paging(limit, offset)
        endpoint = work.load(WebhookEndpoint, uid, include_deleted=True)
        where: dict[str, object] = {"endpoint_uid": endpoint.uid}
        if status is not None:
            try:
                where["status"] = DeliveryStatus(status)
            except ValueError:
                known = ", ".join(s.value for s in DeliveryStatus)
                raise ValidationError("status", f"one of: {known}") from None
        repo = work.inner.webhook_deliveries
        found = repo.list(where=where, limit=limit, offset=offset, order_by=("-created_at",))
        return page_of(found, limit, offset, lambda: repo.count(where=where))

    @writes
    def redeliver(self, work: Work, delivery_uid: str, *, actor: Actor = SYSTEM) -> WebhookDelivery:
        """Send a delivery again, now, with the same ``webhook-id`` (a
        receiver that took it already ignores it); its log keeps the earlier
        attempts."""
        if not isinstance(delivery_uid, str):
            raise ValidationError("uid", "must be a webhook delivery uid")
        repo = work.inner.webhook_deliveries
        delivery = repo.get(delivery_uid)
        endpoint = work.load(WebhookEndpoint, delivery.endpoint_uid)  # 404 unless one's own
        if endpoint.disabled_at is not None:
            raise ValidationError("uid", "the endpoint is disabled: enable it first")
        now = work.now()
        again = attrs.evolve(
            delivery,
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            locked_until=None,
            updated_at=now,
        )
        repo.update(again)
        work.after_commit(self._wake)
        return again

    @writes
    def prune(self, work: Work, *, finished_before: datetime, actor: Actor = SYSTEM) -> int:
        """Remove for good the deliveries that ended (delivered, or failed for
        good) before ``finished_before``, payloads and attempt logs with them;
        pending ones stay. How many were removed. System only
        (``studiocore prune``: purging is the system's alone)."""
        if finished_before.tzinfo is None:
            raise ValidationError("finished_before", "must be timezone-aware")
        ended = frozenset({DeliveryStatus.DELIVERED, DeliveryStatus.FAILED})
        return work.webhook_deliveries.purge(
            where={"status": ended, "updated_at": Since(end=finished_before)}
        )

    # -- the worker's use cases ---------------------------------------------------------

    @reads
    def due(self, work: Work, *, look: int = 20, actor: Actor = SYSTEM) -> bool:
        """Whether some delivery is probably due (a read, without the write
        lock :meth:`claim` takes): among the ``look`` pending deliveries due
        first, one is due now and not leased. A worker asks before claiming,
        so an idle one polls without writing. System only."""
        _system_only(work)
        now = work.now()
        first = work.inner.webhook_deliveries.list(
            where={"status": DeliveryStatus.PENDING}, order_by=("next_attempt_at",), limit=look
        )
        return any(
            d.next_attempt_at is not None
            and d.next_attempt_at <= now
            and (d.locked_until is None or d.locked_until < now)
            for d in first
        )

    @writes
    def claim(
        self,
        work: Work,
        *,
        limit: int = 10,
        lease: timedelta = timedelta(seconds=60),
        actor: Actor = SYSTEM,
    ) -> builtins.list[Dispatch]:
        """Lease up to ``limit`` due deliveries for ``lease`` (longer than a
        send's timeout) and return them ready to send. A worker that dies
        holding them leaves them to another once the lease expires. Those of
        a deleted or disabled endpoint are given up instead. System only."""
        _system_only(work)
        now = work.now()
        repo = work.inner.webhook_deliveries
        claimed = repo.claim(now=now, lease_until=now + lease, limit=limit)
        if not claimed:
            return []
        endpoints = work.inner.webhook_endpoints.get_many({d.endpoint_uid for d in claimed})
        ready = []
        for delivery in claimed:
            endpoint = endpoints.get(delivery.endpoint_uid)
            if endpoint is None or endpoint.disabled_at is not None:
                repo.update(_given_up(delivery, now))
                continue
            ready.append(
                Dispatch(
                    delivery_uid=delivery.uid,
                    message_id=delivery.message_id,
                    event_type=delivery.event_type,
                    url=endpoint.url,
                    secret=endpoint.secret,
                    body=body_of(delivery.payload),
                    attempt=delivery.attempts + 1,
                )
            )
        return ready

    @writes
    def record(
        self,
        work: Work,
        delivery_uid: str,
        attempt: Attempt,
        *,
        backoff: Sequence[timedelta] = BACKOFF,
        actor: Actor = SYSTEM,
    ) -> WebhookDelivery:
        """Record an attempt of a claimed delivery: delivered on success (the
        endpoint's failure run ends), else retried after ``backoff`` (the
        n-th failure waits ``backoff[n-1]``, the last one repeating); an
        endpoint failing for :data:`DISABLE_AFTER` is disabled, its pending
        deliveries given up and its owner notified. System only."""
        _system_only(work)
        now = work.now()
        repo = work.inner.webhook_deliveries
        delivery = repo.get(delivery_uid)
        log = [*delivery.attempts_log.get("attempts", []), attempt.logged()][-_LOG_KEEP:]
        done = attrs.evolve(
            delivery,
            attempts=delivery.attempts + 1,
            attempts_log={**delivery.attempts_log, "attempts": log},
            locked_until=None,
            updated_at=now,
        )
        endpoint = work.inner.webhook_endpoints.find(delivery.endpoint_uid, include_deleted=True)
        if attempt.ok:
            if done.status is DeliveryStatus.PENDING:
                done = attrs.evolve(
                    done, status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None
                )
            repo.update(done)
            if endpoint is not None and endpoint.failing_since is not None:
                work.inner.webhook_endpoints.update(
                    attrs.evolve(endpoint, failing_since=None, updated_at=now)
                )
            return done
        if done.status is not DeliveryStatus.PENDING or endpoint is None:
            repo.update(done)  # delivered meanwhile by another worker, or given up
            return done
        failing_since = endpoint.failing_since or attempt.started_at
        if now - failing_since >= DISABLE_AFTER and endpoint.disabled_at is None:
            repo.update(_given_up(done, now))
            self._disable_failing(work, endpoint, failing_since, now)
            return repo.get(delivery_uid)
        repo.update(attrs.evolve(done, next_attempt_at=now + retry_delay(done.attempts, backoff)))
        if endpoint.failing_since is None:
            work.inner.webhook_endpoints.update(
                attrs.evolve(endpoint, failing_since=failing_since, updated_at=now)
            )
        return repo.get(delivery_uid)

    def _disable_failing(
        self, work: Work, endpoint: WebhookEndpoint, failing_since: datetime, now: datetime
    ) -> None:
        disabled = attrs.evolve(
            endpoint, failing_since=failing_since, disabled_at=now, updated_at=now
        )
        work.webhook_endpoints.update(disabled)  # audited: the system switched it off
        repo = work.inner.webhook_deliveries
        pending = repo.list(where={"endpoint_uid": endpoint.uid, "status": DeliveryStatus.PENDING})
        for delivery in pending:
            repo.update(_given_up(delivery, now))
        owner = work.inner.users.find(endpoint.owner_uid)
        if owner is None or owner.is_banned:
            return
        text = f"The webhook to {endpoint.url} was disabled: it failed for a day"
        notify(
            work,
            [
                Notification(
                    uid=new_uid(Notification.PREFIX),
                    created_at=now,
                    updated_at=now,
                    recipient_uid=owner.uid,
                    kind=NotificationKind.WEBHOOK_DISABLED,
                    subject_uid=endpoint.uid,
                    subject_type=WebhookEndpoint.TABLE,
                    text=text[:500],
                    metadata={"failing_since": failing_since.isoformat()},
                )
            ],
        )


def _given_up(delivery: WebhookDelivery, now: datetime) -> WebhookDelivery:
    return attrs.evolve(
        delivery,
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        locked_until=None,
        updated_at=now,
    )
