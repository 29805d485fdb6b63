"""Parameter types and injected dependencies shared by the controllers."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import QueryParameter

from studiocore import Actor, Services

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "ActorDep",
    "Limit",
    "Offset",
    "ServicesDep",
    "Sort",
    "order_by",
    "where",
]

ServicesDep = NamedDependency[Services]
"""The app's :class:`studiocore.Services` (injected)."""
ActorDep = NamedDependency[Actor]
"""The authenticated user as a :class:`studiocore.Actor` (injected)."""

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
"""The largest page; the core refuses larger ones too."""

Limit = Annotated[
    int,
    QueryParameter(
        ge=1,
        le=MAX_LIMIT,
        description=f"Page size, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
    ),
]
Offset = Annotated[
    int, QueryParameter(ge=0, le=2_147_483_647, description="Rows to skip (default 0).")
]


Sort = Annotated[
    str | None,
    QueryParameter(
        description=(
            "Fields to sort by, comma-separated, each descending with a leading `-` "
            "(`-name,created_at`); then by uid. Plain fields only (text ignoring case, "
            "numbers, times, flags), not references; a missing value sorts last. "
            "An unknown field is a 422 that names the sortable ones."
        ),
        examples=[Example(value="-name")],
    ),
]


def order_by(sort: str | None) -> tuple[str, ...]:
    """The core's ``order_by`` from a :data:`Sort` query parameter."""
    return tuple(part.strip() for part in (sort or "").split(",") if part.strip())


def where(**filters: str | None) -> dict[str, object]:
    """Equality filters from optional query parameters (``None``: not filtered)."""
    return {name: value for name, value in filters.items() if value is not None}
