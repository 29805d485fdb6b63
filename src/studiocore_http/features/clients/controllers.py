"""Clients: plain CRUD."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, crud_controller
from studiocore_http.shared.wording import Wording

from . import schemas as s

__all__ = ["ClientController"]

ClientController = crud_controller(
    CrudResource(
        "/clients",
        lambda sv: sv.clients,
        s.CLIENT_BODIES,
        wording=Wording(
            "client",
            "clients",
            "A client is a company that books shows and owns materials.",
            "clients",
        ),
    )
)
