"""Memberships: plain CRUD, listed by user, group or kind of group if asked.
Who may read and grant is the core's access table (the group's members read;
its admins grant, never a role above their own)."""

from __future__ import annotations

from litestar import get
from litestar.pagination import OffsetPagination
from litestar.params import FromQuery

from studiocore import GroupType
from studiocore_http.shared.convert import page
from studiocore_http.shared.crud import CrudResource, crud_controller
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep, where
from studiocore_http.shared.routes import operation

from . import schemas as s

__all__ = ["MembershipController"]

_Crud = crud_controller(
    CrudResource(
        "/memberships",
        lambda sv: sv.memberships,
        s.Membership,
        s.MembershipCreate,
        s.MembershipUpdate,
    )
)


class MembershipController(_Crud):  # type: ignore[misc,valid-type]
    """The generated CRUD, with a listing whose ``group_type`` is checked
    against the kinds of group (an unknown one is a 422, not an empty page)."""

    @get(summary="ListMemberships", **operation("ListMemberships"))
    def list_items(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        user_uid: FromQuery[str | None] = None,
        group_uid: FromQuery[str | None] = None,
        group_type: FromQuery[GroupType | None] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Membership]:
        result = services.memberships.page(
            where=where(user_uid=user_uid, group_uid=group_uid, group_type=group_type),
            limit=limit,
            offset=offset,
            actor=actor,
        )
        return page(s.Membership, result)
