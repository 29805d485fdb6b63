"""Users: plain CRUD, listed by e-mail address if asked."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, QueryFilter, crud_controller

from . import schemas as s

__all__ = ["UserController"]

UserController = crud_controller(
    CrudResource("/users", lambda sv: sv.users, s.USER_BODIES, filters=(QueryFilter("email"),))
)
