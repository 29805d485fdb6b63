"""Change requests over HTTP: raised on a schedule, read with their preview,
and moved by the decisions of the other side (docs/change-management.md)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from studiocore import ChangeApplied, ChangePreview, ChangeRequestStatus
from studiocore.entities import ChangeRequest
from studiocore_http.errors import BODY_ERRORS
from studiocore_http.features.schedules.controllers import change_body
from studiocore_http.shared.convert import one
from studiocore_http.shared.params import ActorDep, ServicesDep
from studiocore_http.shared.routes import operation

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


def _decision(name: str, doc: str) -> post:
    """The route of the decision ``name`` on one change request, ``doc`` its description."""
    return post(
        f"/change-requests/{{uid:str}}/{name}",
        description=doc,
        **operation(f"{name.capitalize()}ChangeRequest", BODY_ERRORS, HTTP_200_OK),
    )


class ChangeRequestController(Controller):
    tags = ["change-requests"]

    @get("/schedules/{uid:str}/change-requests", **operation("ListScheduleChangeRequests"))
    def list_requests(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        status: FromQuery[ChangeRequestStatus | None] = None,
    ) -> list[s.ChangeRequest]:
        """The schedule's change requests, oldest first."""
        found = services.change_requests.of_schedule(uid, status=status, actor=actor)
        return [_request(r) for r in found]

    @post(
        "/schedules/{uid:str}/change-requests",
        **operation("CreateChangeRequest", BODY_ERRORS, HTTP_201_CREATED),
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

    @get("/change-requests/{uid:str}", **operation("GetChangeRequest"))
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

    @_decision("approve", "The other side approves a pending request.")
    def approve(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.Decision],
    ) -> s.ChangeRequest:
        return _request(services.change_requests.approve(uid, note=data.note, actor=actor))

    @_decision("reject", "The other side turns a pending request down, saying why.")
    def reject(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.Rejection],
    ) -> s.ChangeRequest:
        return _request(services.change_requests.reject(uid, data.reason, actor=actor))

    @_decision("withdraw", "Whoever raised a request takes it back.")
    def withdraw(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.ChangeRequest:
        return _request(services.change_requests.withdraw(uid, actor=actor))

    @_decision(
        "apply",
        "Apply an approved request all or nothing (409 with the conflict report); "
        "applying it again answers the same result.",
    )
    def apply(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> s.ChangeApplied:
        return _applied(services.change_requests.apply(uid, actor=actor))

    @_decision("acknowledge", "The client acknowledges a force-majeure change.")
    def acknowledge(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.ChangeRequest:
        return _request(services.change_requests.acknowledge(uid, actor=actor))
