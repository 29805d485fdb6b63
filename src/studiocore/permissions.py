"""Who may do what.

The rules live here, in the core, so every adapter enforces the same ones. The
current policy is the specification's Phase 2 "simplified" model: users with
role admin may write everything, every other user may read. The Phase 3
membership model (roles per studio, client or platform, admin > manager >
member) plugs in as another :class:`AccessPolicy` without changing callers.
"""

from __future__ import annotations

import enum
from typing import Protocol

import attrs

from studiocore.errors import PermissionDeniedError
from studiocore.lookups import UserRole

__all__ = ["SYSTEM", "AccessPolicy", "Action", "Actor", "AdminWritesPolicy"]


class Action(enum.StrEnum):
    """What an actor wants to do with a resource."""

    READ = "read"
    WRITE = "write"


@attrs.frozen(kw_only=True)
class Actor:
    """The user on whose behalf a service runs. ``user_uid`` None is the system
    itself (scripts, notebooks, migrations), audited as such."""

    user_uid: str | None
    role: UserRole = UserRole.USER
    is_banned: bool = False

    @property
    def is_system(self) -> bool:
        """Whether this is the trusted in-process system actor."""
        return self.user_uid is None


SYSTEM = Actor(user_uid=None, role=UserRole.ADMIN)
"""The in-process actor used when a caller passes none: full access, audited
with no user."""


class AccessPolicy(Protocol):
    """Decides whether ``actor`` may perform ``action`` on ``resource``."""

    def authorize(
        self, actor: Actor, action: Action, resource: str, resource_uid: str | None = None
    ) -> None:
        """Return if allowed, raise :class:`PermissionDeniedError` if not."""
        ...


class AdminWritesPolicy:
    """Phase 2: admins write, everyone else reads; banned users do nothing."""

    def authorize(
        self, actor: Actor, action: Action, resource: str, resource_uid: str | None = None
    ) -> None:
        if actor.is_banned:
            raise PermissionDeniedError(
                "this user is banned", action=action.value, resource=resource
            )
        if action is Action.WRITE and actor.role is not UserRole.ADMIN:
            raise PermissionDeniedError(
                f"only admins may change {resource} records", action=action.value, resource=resource
            )
