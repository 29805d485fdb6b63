"""MCs: plain CRUD."""

from __future__ import annotations

from studiocore_http.shared.crud import CrudResource, crud_controller

from . import schemas as s

__all__ = ["MCController"]

MCController = crud_controller(CrudResource("/mcs", lambda sv: sv.mcs, s.MC_BODIES))
