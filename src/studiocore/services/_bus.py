"""The event bus: who hears about what the use cases did (internal; exported
as :class:`studiocore.services.EventBus`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from studiocore.entities import Notification
from studiocore.events import DomainEvent
from studiocore.ports import UnitOfWork

__all__ = ["EventBus", "NotificationListener"]

Ev = TypeVar("Ev", bound=DomainEvent)
Handler = Callable[[Any, UnitOfWork], None]
NotificationListener = Callable[[Sequence[Notification]], None]
"""Called with the notifications of each committed use case."""


class EventBus:
    """Subscribers to domain events. A handler gets the event and the unit of
    work of the use case that caused it, before it commits: what the handler
    writes is part of the same transaction (and audited), and an exception in
    a handler rolls the whole use case back."""

    def __init__(self) -> None:
        self._handlers: dict[type[DomainEvent], list[Handler]] = {}
        self._installed: set[str] = set()
        self.notification_listeners: list[NotificationListener] = []
        """Told about each committed batch of notifications (see
        :meth:`~studiocore.services.NotificationService.listen`)."""
        self.webhook_listeners: list[Callable[[], None]] = []
        """Told after each commit that queued webhook deliveries (see
        :meth:`~studiocore.services.WebhookService.on_queued`)."""
        self.write_listeners: list[Callable[[], None]] = []
        """Told after each use case that writes has committed (whatever it
        wrote): for what keeps copies of the data, such as a server's cache of
        its signed-in users (``studiocore_http.access_cache``). An exception
        in a listener is logged, not raised: the change has happened."""

    def install_once(self, name: str, install: Callable[[EventBus], None]) -> None:
        """Run ``install(self)`` unless something named ``name`` was installed on
        this bus already: studiocore's own subscribers (notifications, webhook
        queuing) subscribe once per bus, however many ``Services`` share it."""
        if name not in self._installed:
            self._installed.add(name)
            install(self)

    def subscribe(self, event_type: type[Ev], handler: Callable[[Ev, UnitOfWork], None]) -> None:
        """Call ``handler(event, uow)`` for every event of ``event_type`` (or a subclass)."""
        self._handlers.setdefault(event_type, []).append(handler)

    def clear(self) -> None:
        """Drop every subscriber (the use cases without what reacts to them:
        notifications, webhooks; for a comparison in a benchmark). What was
        installed once stays uninstalled on this bus."""
        self._handlers.clear()

    def handlers_of(self, event: DomainEvent) -> list[Handler]:
        """The handlers subscribed to ``event``'s type or one of its bases."""
        found: list[Handler] = []
        for cls in type(event).__mro__:
            found.extend(self._handlers.get(cls, ()))
        return found
