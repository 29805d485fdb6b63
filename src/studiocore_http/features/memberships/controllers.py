"""Memberships: plain CRUD, listed by user, group or kind of group if asked
(an unknown kind of group is a 422, not an empty page). Who may read and grant
is the core's access table (the group's members read; its admins grant, never a
role above their own)."""

from __future__ import annotations

from studiocore import GroupType
from studiocore_http.shared.crud import CrudResource, QueryFilter, crud_controller
from studiocore_http.shared.wording import Wording

from . import schemas as s

__all__ = ["MembershipController"]

_FILTERS = (
    QueryFilter("user_uid", "Only this user's memberships."),
    QueryFilter("group_uid", "Only the memberships of this studio, client or platform."),
    QueryFilter(
        "group_type",
        "Only memberships of this kind of group (`studio`, `client`, `platform`).",
        value_type=GroupType,
    ),
)

MembershipController = crud_controller(
    CrudResource(
        "/memberships",
        lambda sv: sv.memberships,
        s.MEMBERSHIP_BODIES,
        filters=_FILTERS,
        wording=Wording(
            "membership",
            "memberships",
            "A membership gives a user a role (`admin` > `manager` > `member`) in a studio, "
            "a client or a platform; a group's admins grant roles, never one above their "
            "own. An unknown `group_type` is a 422.",
            "memberships",
            conflicts="A user has one membership per group: a second is a 409.",
        ),
    )
)
