"""What the admin pages manage: one :class:`AdminEntity` description per
entity (its fields, their kinds, which are listed and which are set only at
creation), from which ``admin.py`` makes the list, detail, create, edit,
delete and restore pages. Adding an entity to the admin is adding its
description here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from studiocore import LookupTable, MembershipRole, Services, Severity, UserRole
from studiocore.services import CrudService

__all__ = ["ADMIN_ENTITIES", "NAME", "AdminEntity", "Field"]


@attrs.frozen
class Field:
    """One field of an entity's form (and, if ``listed``, a column of its list)."""

    name: str
    label: str
    kind: str = "text"
    """``text``, ``email``, ``number``, ``bool``, ``choice`` (``choices``),
    ``ref`` (a record of ``ref``'s service), ``group`` (a studio, client or
    platform), ``lookup`` (a value of the lookup table ``lookup``) or
    ``datetime`` (UTC)."""
    required: bool = False
    listed: bool = False
    editable: bool = True
    """Whether an existing record's field can be changed (else: set at creation)."""
    choices: Sequence[str] = ()
    ref: str | None = None
    lookup: LookupTable | None = None


@attrs.frozen
class AdminEntity:
    """An entity the admin pages manage: where, what it is called, its service
    and its fields."""

    slug: str
    title: str
    singular: str
    service: Callable[[Services], CrudService[Any]]
    fields: tuple[Field, ...]
    search: str | None = "name"
    """The text field the list searches (``None``: no search)."""

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def _lookup(table: LookupTable) -> Callable[[Services], CrudService[Any]]:
    return lambda services: services.lookups[table]


def _values(enum: Any) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


NAME = Field("name", "Name", required=True, listed=True)
ADMIN_ENTITIES: tuple[AdminEntity, ...] = (
    AdminEntity(
        "studios",
        "Studios",
        "studio",
        lambda s: s.studios,
        (
            NAME,
            Field("address", "Address"),
            Field("time_zone", "Time zone (IANA, e.g. Asia/Seoul)", listed=True),
            Field("operational_day_start_hour", "Operational day starts at (hour)", "number"),
            Field(
                "room_changeover_severity", "Room changeover", "choice", choices=_values(Severity)
            ),
            Field("mc_rest_severity", "MC rest", "choice", choices=_values(Severity)),
        ),
    ),
    AdminEntity(
        "rooms",
        "Rooms",
        "room",
        lambda s: s.studio_rooms,
        (
            Field(
                "studio_uid",
                "Studio",
                "ref",
                required=True,
                listed=True,
                editable=False,
                ref="studios",
            ),
            NAME,
            Field("changeover_minutes", "Changeover (minutes)", "number", listed=True),
        ),
    ),
    AdminEntity(
        "clients",
        "Clients",
        "client",
        lambda s: s.clients,
        (
            NAME,
            Field("contact_person", "Contact person", listed=True),
            Field("contact_email", "Contact e-mail", "email"),
        ),
    ),
    AdminEntity(
        "users",
        "Users",
        "user",
        lambda s: s.users,
        (
            Field("email", "E-mail", "email", required=True, listed=True),
            NAME,
            Field("role", "System role", "choice", listed=True, choices=_values(UserRole)),
            Field("is_banned", "Banned", "bool", listed=True),
        ),
    ),
    AdminEntity(
        "memberships",
        "Memberships",
        "membership",
        lambda s: s.memberships,
        (
            Field(
                "user_uid", "User", "ref", required=True, listed=True, editable=False, ref="users"
            ),
            Field("group_uid", "Group", "group", required=True, listed=True, editable=False),
            Field(
                "role",
                "Role",
                "choice",
                required=True,
                listed=True,
                choices=_values(MembershipRole),
            ),
        ),
        search=None,
    ),
    AdminEntity(
        "mcs",
        "MCs",
        "MC",
        lambda s: s.mcs,
        (
            NAME,
            Field("alias_name", "Alias", listed=True),
            Field("user_uid", "User (their sign-in)", "ref", ref="users"),
            Field("min_rest_minutes", "Rest between shows (minutes)", "number"),
            Field("is_banned", "Banned", "bool", listed=True),
        ),
    ),
    AdminEntity("platforms", "Platforms", "platform", lambda s: s.platforms, (NAME,)),
    AdminEntity(
        "materials",
        "Materials",
        "material",
        lambda s: s.materials,
        (
            NAME,
            Field(
                "material_type",
                "Type",
                "lookup",
                required=True,
                listed=True,
                lookup=LookupTable.MATERIAL_TYPES,
            ),
            Field("client_uid", "Client", "ref", listed=True, ref="clients"),
            Field("platform_uid", "Platform", "ref", ref="platforms"),
            Field("description", "Description"),
            Field("resource_url", "Link", "text"),
            Field("is_active", "Active", "bool", listed=True),
            Field("expiring_at", "Expires (UTC)", "datetime"),
            Field("version", "Version"),
        ),
    ),
    AdminEntity(
        "tags",
        "Tags",
        "tag",
        lambda s: s.tags,
        (
            NAME,
            Field(
                "studio_uid",
                "Studio (none: a global tag)",
                "ref",
                listed=True,
                editable=False,
                ref="studios",
            ),
        ),
    ),
    *(
        AdminEntity(
            f"lookup-{table.value.replace('_', '-')}",
            f"Lookup: {table.value.replace('_', ' ')}",
            "value",
            _lookup(table),
            (NAME, Field("description", "Description", listed=True)),
        )
        for table in LookupTable
    ),
)
"""Every entity of the admin pages, in their order on the index."""
