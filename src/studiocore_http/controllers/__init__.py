"""One controller per resource, mounted under ``/api/v1``."""

from __future__ import annotations

from litestar import Controller

from .lookups import LOOKUP_CONTROLLERS
from .resources import (
    ClientController,
    MaterialController,
    MCController,
    PlatformController,
    StudioController,
    StudioRoomController,
    TagController,
    UserController,
)
from .scheduling import SchedulingController
from .shows import ShowController
from .tagging import TAGGING_CONTROLLERS

__all__ = ["API_CONTROLLERS"]

API_CONTROLLERS: list[type[Controller]] = [
    StudioController,
    StudioRoomController,
    ClientController,
    UserController,
    MCController,
    PlatformController,
    MaterialController,
    TagController,
    ShowController,
    SchedulingController,
    *LOOKUP_CONTROLLERS,
    *TAGGING_CONTROLLERS,
]
