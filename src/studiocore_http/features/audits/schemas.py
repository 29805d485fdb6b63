"""Bodies of the audit trail."""

from __future__ import annotations

from datetime import datetime

from studiocore_http.shared.schemas import Json, Output

__all__ = ["AuditEntry"]


class AuditEntry(Output):
    """One audited change: who (``user_uid``; null for the system), what
    (``action``: ``create``, ``update``, ``delete``, ``status_change``,
    ``link``, ...), on which record, the changed fields' values before and
    after (plain JSON: enums as their values, times as ISO 8601 UTC), and in
    ``metadata.use_case`` the use case that made it."""

    uid: str
    created_at: datetime
    user_uid: str | None
    action: str
    recordable_type: str
    recordable_uid: str
    old_values: Json | None
    new_values: Json | None
    metadata: Json
