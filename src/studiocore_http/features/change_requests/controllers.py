"""Change requests over HTTP: raised on a schedule, read with their preview,
and moved by the decisions of the other side (docs/change-management.md)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from studiocore import ChangeApplied, ChangePreview, ChangeRequestStatus
from studiocore.entities import ChangeRequest
from studiocore_http.errors import BODY_ERRORS
from studiocore_http.features.schedules.controllers import change_body
from studiocore_http.shared import examples as ex
from studiocore_http.shared.convert import one
from studiocore_http.shared.params import ActorDep, ServicesDep
from studiocore_http.shared.routes import operation
from studiocore_http.shared.wording import NOT_FOUND, TIMES, who_may

from . import schemas as s

__all__ = ["ChangeRequestController"]


def _request(request: ChangeRequest) -> s.ChangeRequest:
    """The request's fields, and the change types and operations of its payload."""
    payload = request.payload
    return one(
        s.ChangeRequest,
        request,
        change_types=list(payload.get("change_types", [request.change_type])),
        operations=list(payload.get("operations", [])),
    )


def _preview(preview: ChangePreview) -> s.Preview:
    return s.Preview(
        applicable=preview.applicable,
        changes=[change_body(c) for c in preview.changes],
        conflicts=list(preview.conflicts),
        problems=list(preview.problems),
    )


def _applied(result: ChangeApplied) -> s.ChangeApplied:
    return s.ChangeApplied(
        change_request=_request(result.change_request),
        version=result.version,
        warnings=list(result.warnings),
    )


_STATES = (
    "A change request is `pending`, then `approved` or `rejected`, then `applied`, or "
    "`withdrawn` by whoever raised it; repeating a step that is done answers the same "
    "result and writes nothing, and a step its state does not allow is a 409."
)


def _decision(
    name: str, summary: str, doc: str, examples: ex.OperationExamples | None = None
) -> post:
    """The route of the decision ``name`` on one change request: ``summary`` and
    ``doc`` describe it, followed by who may take it (the access table's rule)."""
    return post(
        f"/change-requests/{{uid:str}}/{name}",
        **operation(
            f"{name.capitalize()}ChangeRequest",
            BODY_ERRORS,
            HTTP_200_OK,
            summary=summary,
            examples=examples,
            description=f"{doc} {_STATES}\n\n{who_may('change_requests', name)} "
            f"Whoever raised a request never decides it (403). {NOT_FOUND}",
        ),
    )


class ChangeRequestController(Controller):
    tags = ["change-requests"]

    @get(
        "/schedules/{uid:str}/change-requests",
        **operation(
            "ListScheduleChangeRequests",
            summary="List a schedule's change requests",
            description="The schedule's change requests, oldest first, optionally only "
            "those in one `status`. Each lists its change types and operations.\n\n"
            "**Who may call it:** whoever may read the schedule (its studio's staff, its "
            "client's members). " + NOT_FOUND,
        ),
    )
    def list_requests(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        status: Annotated[
            ChangeRequestStatus | None,
            QueryParameter(description="Only change requests in this status."),
        ] = None,
    ) -> list[s.ChangeRequest]:
        """The schedule's change requests, oldest first."""
        found = services.change_requests.of_schedule(uid, status=status, actor=actor)
        return [_request(r) for r in found]

    @post(
        "/schedules/{uid:str}/change-requests",
        **operation(
            "CreateChangeRequest",
            BODY_ERRORS,
            HTTP_201_CREATED,
            summary="Raise a change request on a schedule",
            examples=ex.CREATE_CHANGE_REQUEST,
            description="Asks for concrete changes (`operations`: `move`, `change_room`, "
            "`add_mc`, `remove_mc`, `add_platform`, `remove_platform`, `add_show`, "
            "`cancel_show`) to a proposed or confirmed schedule, with a `reason` and a "
            "`change_category`. It stays `pending` until the other side approves it; a "
            "`FORCE_MAJEURE` request is applied at once. "
            + TIMES
            + "\n\n"
            + who_may("change_requests", "create", "raise")
            + " Whoever may read the schedule but not raise this category gets 403. "
            + NOT_FOUND
            + "\n\nA bad operation is a 422 naming it (`operations[1].op`); a force-"
            "majeure change that would double-book is a 409 with the conflict report.",
        ),
    )
    def create_request(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ChangeRequestCreate],
    ) -> s.ChangeRequest:
        """Raise a change request on a proposed or confirmed schedule: pending
        until the other side approves it (a ``FORCE_MAJEURE`` one, a studio
        admin's call, is applied at once)."""
        created = services.change_requests.create(
            uid, data.change_category, data.reason, data.operations, actor=actor
        )
        return _request(created)

    @get(
        "/change-requests/{uid:str}",
        **operation(
            "GetChangeRequest",
            summary="Get a change request with its preview",
            description="The change request and its `preview`: each show it changes, "
            "before and after, and the conflicts (BLOCK and WARN) applying it would hit "
            "now, computed without writing or locking; `applicable` says whether applying "
            "would succeed now.\n\n**Who may call it:** whoever may read its schedule. "
            + NOT_FOUND,
        ),
    )
    def get_request(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.ChangeRequestWithPreview:
        """A change request with its preview: the diff it would make and the
        conflicts it would hit now."""
        preview = services.change_requests.preview(uid, actor=actor)
        body = _request(preview.change_request)
        return s.ChangeRequestWithPreview(
            **{f: getattr(body, f) for f in body.__struct_fields__}, preview=_preview(preview)
        )

    @_decision(
        "approve",
        "Approve a change request",
        "The other side approves a pending request (an optional `note` goes with it).",
        ex.CHANGE_REQUEST_APPROVAL,
    )
    def approve(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.Decision],
    ) -> s.ChangeRequest:
        return _request(services.change_requests.approve(uid, note=data.note, actor=actor))

    @_decision(
        "reject",
        "Reject a change request",
        "The other side turns a pending request down, saying why (`reason`).",
    )
    def reject(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.Rejection],
    ) -> s.ChangeRequest:
        return _request(services.change_requests.reject(uid, data.reason, actor=actor))

    @_decision(
        "withdraw",
        "Withdraw a change request",
        "Whoever raised a pending or approved request (or a studio admin) takes it back.",
    )
    def withdraw(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.ChangeRequest:
        return _request(services.change_requests.withdraw(uid, actor=actor))

    @_decision(
        "apply",
        "Apply an approved change request",
        "Writes every change of an approved request and a new version of the schedule "
        "together, or nothing: rooms and MCs are locked and each changed show is checked "
        "against the booked shows and the others, and any BLOCK conflict is a 409 whose "
        "`extra.conflicts` is the full report. WARN conflicts come back as `warnings`.",
    )
    def apply(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> s.ChangeApplied:
        return _applied(services.change_requests.apply(uid, actor=actor))

    @_decision(
        "acknowledge",
        "Acknowledge a force-majeure change",
        "The client acknowledges a force-majeure change that was applied at once.",
    )
    def acknowledge(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.ChangeRequest:
        return _request(services.change_requests.acknowledge(uid, actor=actor))
