"""Clients: plain CRUD."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, crud_controller

from . import schemas as s

__all__ = ["ClientController"]

ClientController = crud_controller(CrudResource("/clients", lambda sv: sv.clients, s.CLIENT_BODIES))
