"""The cast most service tests start from, created through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from studiocore import MC, Client, Services, Studio, StudioRoom


@dataclass
class Cast:
    """A studio "One" with rooms "A" and "B", a client "Acme" and the MCs "Jo"
    and "Sam". Test modules subclass it for fields and helpers of their own."""

    svc: Services
    studio: Studio
    room: StudioRoom
    room2: StudioRoom
    client: Client
    mc: MC
    mc2: MC

    @classmethod
    def create(cls, svc: Services, *, studio: dict[str, Any] | None = None, **extra: Any) -> Self:
        """The cast in ``svc``; ``studio`` holds options of the studio, ``extra``
        the values of the subclass's own fields."""
        made = svc.studios.create("One", **(studio or {}))
        return cls(
            svc=svc,
            studio=made,
            room=svc.studio_rooms.create(made.uid, "A"),
            room2=svc.studio_rooms.create(made.uid, "B"),
            client=svc.clients.create("Acme"),
            mc=svc.mcs.create("Jo"),
            mc2=svc.mcs.create("Sam"),
            **extra,
        )
