"""Bodies of clients."""

from __future__ import annotations

from studiocore_http.shared.crud import Bodies
from studiocore_http.shared.schemas import MetadataInput, MetadataRecord, Name, patch_of

__all__ = ["CLIENT_BODIES", "Client", "ClientCreate", "ClientUpdate"]


class Client(MetadataRecord):
    name: str
    contact_person: str | None
    contact_email: str | None


class ClientCreate(MetadataInput):
    name: Name
    contact_person: str | None = None
    contact_email: str | None = None


ClientUpdate = patch_of(ClientCreate)
CLIENT_BODIES = Bodies(Client, ClientCreate, ClientUpdate)
