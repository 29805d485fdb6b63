"""Users: plain CRUD, listed by e-mail address if asked."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, QueryFilter, crud_controller
from studiocore_http.shared.wording import Wording

from . import schemas as s

__all__ = ["UserController"]

UserController = crud_controller(
    CrudResource(
        "/users",
        lambda sv: sv.users,
        s.USER_BODIES,
        filters=(QueryFilter("email"),),
        wording=Wording(
            "user",
            "users",
            "A user signs in and acts with their system role (`admin`, `manager`, `user`) "
            "and the roles their memberships give them; `email` and `ext_id` are shown only "
            "to the user themself. The last active system admin cannot be demoted, banned "
            "or deleted (a 422 naming the field).",
            "users",
            conflicts="E-mail addresses (ignoring case) and identity-provider ids are "
            "unique among live users: a duplicate is a 409.",
        ),
    )
)
