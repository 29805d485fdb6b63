"""Bodies of clients."""

from __future__ import annotations

from datetime import datetime

from studiocore_http.shared.schemas import Input, Json, Name, Output, patch_of

__all__ = ["Client", "ClientCreate", "ClientUpdate"]


class Client(Output):
    uid: str
    name: str
    contact_person: str | None
    contact_email: str | None
    metadata: Json
    created_at: datetime
    updated_at: datetime


class ClientCreate(Input):
    name: Name
    contact_person: str | None = None
    contact_email: str | None = None
    metadata: Json | None = None


ClientUpdate = patch_of(ClientCreate)
