"""The audit trail over HTTP.

``GET /audits`` lists entries, filtered and paged, as
:meth:`studiocore.AuditService.page` shows them (system admins every entry,
studio admins their studio's records', anyone else none);
``GET /{resource}/{uid}/history`` is one record's whole history, oldest first,
for whoever may read the record (a show's with its MC, platform and material
link changes).
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, QueryParameter

from studiocore import NotFoundError, ValidationError
from studiocore.entities import (
    MC,
    ChangeRequest,
    Client,
    Comment,
    Entity,
    Material,
    Membership,
    Platform,
    Schedule,
    Show,
    Studio,
    StudioRoom,
    Tag,
    User,
)
from studiocore.services import RECORD_TYPES
from studiocore_http.shared.convert import many, one, page, parse_optional_timestamp
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep
from studiocore_http.shared.routes import operation
from studiocore_http.shared.wording import NOT_FOUND, PAGING

from . import schemas as s

__all__ = ["AUDIT_CONTROLLERS", "AuditController", "history_controller"]

_TYPES = ", ".join(f"`{t}`" for t in sorted(RECORD_TYPES))
_FIELDS = {"created_from": "from", "created_to": "to"}


class AuditController(Controller):
    path = "/audits"
    tags = ["audits"]

    @get(
        **operation(
            "ListAudits",
            summary="List audit entries",
            description="Audit entries, oldest first, filtered and paged: system admins "
            "see every entry, studio admins the entries about their studio's records, "
            "anyone else none (an empty page). Each entry says who (`user_uid`) did what "
            "(`action`) to which record, when, with the old and new values. "
            "`recordable_type` is one of " + _TYPES + " (another is a 422 naming them); "
            "`from` and `to` bound the entry's time, half-open (`from <= created_at < "
            "to`), as ISO 8601 times with an offset. " + PAGING,
        )
    )
    def list_audits(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        recordable_type: Annotated[
            str | None, QueryParameter(description="Only entries about records of this table.")
        ] = None,
        recordable_uid: Annotated[
            str | None, QueryParameter(description="Only entries about this record.")
        ] = None,
        user_uid: Annotated[
            str | None, QueryParameter(description="Only changes made by this user.")
        ] = None,
        action: Annotated[
            str | None,
            QueryParameter(description="Only this action (`create`, `update`, `delete`, ...)."),
        ] = None,
        created_from: Annotated[
            str | None,
            QueryParameter(
                name="from",
                description="Only entries made at or after this ISO 8601 time (with offset).",
            ),
        ] = None,
        created_to: Annotated[
            str | None,
            QueryParameter(
                name="to", description="Only entries made before this ISO 8601 time (with offset)."
            ),
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.AuditEntry]:
        try:
            found = services.audits.page(
                recordable_type=recordable_type,
                recordable_uid=recordable_uid,
                user_uid=user_uid,
                action=action,
                created_from=parse_optional_timestamp(created_from, "from"),
                created_to=parse_optional_timestamp(created_to, "to"),
                limit=limit,
                offset=offset,
                actor=actor,
            )
        except ValidationError as exc:
            if exc.field not in _FIELDS:
                raise
            raise ValidationError(
                _FIELDS[exc.field], exc.reason
            ) from None  # as the caller named it
        return page(s.AuditEntry, found)

    @get(
        "/{uid:str}",
        **operation(
            "GetAudit",
            summary="Get an audit entry",
            description="One audit entry, with the old and new values of the change: for "
            "whoever may list it (system admins; a studio's admins for their studio's "
            "records). " + NOT_FOUND,
        ),
    )
    def get_audit(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.AuditEntry:
        return one(s.AuditEntry, services.audits.get(uid, actor=actor))


def history_controller(
    path: str, singular: str, entity: type[Entity], noun: str
) -> type[Controller]:
    """``GET {path}/{uid}/history`` for the records of ``entity`` (another
    uid there is a 404); ``noun`` names one in the API document ("studio room")."""

    class HistoryController(Controller):
        tags = ["audits"]

        @get(
            **operation(
                f"Get{singular}History",
                summary=f"Get the history of {'an' if noun == 'MC' else 'a'} {noun}",
                description=f"Every audited change of the {noun}, oldest first: who made "
                "it, when, and the old and new values."
                + (
                    " A show's history holds the changes of its MC, platform and material "
                    "links too (`recordable_type` `show_mcs`, `show_platforms`, "
                    "`show_materials`), in order."
                    if entity is Show
                    else ""
                )
                + f"\n\n**Who may call it:** whoever may read the {noun}. {NOT_FOUND}",
            )
        )
        def history(
            self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
        ) -> list[s.AuditEntry]:
            if not uid.startswith(f"{entity.PREFIX}_"):
                raise NotFoundError(singular, uid)
            return many(s.AuditEntry, services.audits.history(uid, actor=actor))

    HistoryController.path = f"{path}/{{uid:str}}/history"
    HistoryController.__name__ = HistoryController.__qualname__ = f"{singular}HistoryController"
    return HistoryController


AUDIT_CONTROLLERS: list[type[Controller]] = [
    AuditController,
    *(
        history_controller(path, singular, entity, noun)
        for path, singular, entity, noun in (
            ("/studios", "Studio", Studio, "studio"),
            ("/studio-rooms", "StudioRoom", StudioRoom, "studio room"),
            ("/clients", "Client", Client, "client"),
            ("/users", "User", User, "user"),
            ("/memberships", "Membership", Membership, "membership"),
            ("/mcs", "MC", MC, "MC"),
            ("/platforms", "Platform", Platform, "platform"),
            ("/materials", "Material", Material, "material"),
            ("/tags", "Tag", Tag, "tag"),
            ("/shows", "Show", Show, "show"),
            ("/schedules", "Schedule", Schedule, "schedule"),
            ("/change-requests", "ChangeRequest", ChangeRequest, "change request"),
            ("/comments", "Comment", Comment, "comment"),
        )
    ),
]
"""``/audits`` and the history of every resource with routes."""
