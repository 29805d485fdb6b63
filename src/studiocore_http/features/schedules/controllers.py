"""Schedules over HTTP: CRUD, the drafts of a schedule, its workflow steps
(propose, send back, approve, confirm, archive, cancel), what confirming would
hit now, and its versions with their diffs. Who may do what is the core's
access table (docs/access-control.md)."""

from __future__ import annotations

import msgspec
from litestar import get, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from studiocore import PromotionResult, ScheduleStatus, ShowStatus, ValidationError
from studiocore.scheduling import ShowChange
from studiocore.scheduling.diff import ShowState as CoreShowState
from studiocore_http.errors import BODY_ERRORS
from studiocore_http.features.shows import schemas as shows
from studiocore_http.features.shows.controllers import UidQuery
from studiocore_http.features.shows.convert import written
from studiocore_http.shared.convert import many, one, page, payload
from studiocore_http.shared.crud import CrudResource, crud_controller
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep, where
from studiocore_http.shared.routes import operation

from . import schemas as s

__all__ = ["ScheduleController", "change_body"]

_Crud = crud_controller(CrudResource("/schedules", lambda sv: sv.schedules, s.SCHEDULE_BODIES))


def _state(state: CoreShowState) -> s.ShowState:
    return one(
        s.ShowState,
        state,
        mc_uids=sorted(state.mc_uids),
        platform_uids=sorted(state.platform_uids),
    )


def change_body(change: ShowChange) -> s.ShowChange:
    """The response body of one show's change."""
    return s.ShowChange(
        show_uid=change.show_uid,
        name=change.name,
        kinds=sorted(k.value for k in change.kinds),
        change_types=sorted(t.value for t in change.change_types),
        before=None if change.before is None else _state(change.before),
        after=None if change.after is None else _state(change.after),
        mcs_added=sorted(change.mcs_added),
        mcs_removed=sorted(change.mcs_removed),
        platforms_added=sorted(change.platforms_added),
        platforms_removed=sorted(change.platforms_removed),
    )


def _confirmed(result: PromotionResult) -> s.Confirmed:
    return s.Confirmed(
        schedule=one(s.Schedule, result.schedule),
        confirmed_show_uids=list(result.confirmed_show_uids),
        version=result.version,
        warnings=list(result.warnings),
    )


class ScheduleController(_Crud):  # type: ignore[misc,valid-type]
    """The generated CRUD, with a listing filtered by client, studio and status,
    and the schedule's own operations."""

    @get(**operation("ListSchedules"))
    def list_items(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        client_uid: UidQuery = None,
        studio_uid: UidQuery = None,
        status: FromQuery[ScheduleStatus | None] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Schedule]:
        """Schedules the user may see, by uid; filters are equalities."""
        result = services.schedules.page(
            where=where(client_uid=client_uid, studio_uid=studio_uid, schedule_status=status),
            limit=limit,
            offset=offset,
            actor=actor,
        )
        return page(s.Schedule, result)

    # -- drafts -------------------------------------------------------------------------

    @get("/{uid:str}/shows", **operation("ListScheduleShows"))
    def list_shows(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        status: FromQuery[ShowStatus | None] = None,
    ) -> list[shows.Show]:
        """The schedule's live shows (drafts and confirmed), by start."""
        return many(shows.Show, services.schedules.shows(uid, status=status, actor=actor))

    @post("/{uid:str}/shows", **operation("CreateScheduleShow", BODY_ERRORS, HTTP_201_CREATED))
    def add_show(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[shows.ShowCreate],
    ) -> shows.ShowWritten:
        """Add a draft to the schedule (it reserves nothing until the schedule is
        confirmed); it must lie inside the schedule's window, in a room of its
        studio. ``schedule_uid`` in the body, if given, must be this schedule."""
        services.schedules.get(uid, actor=actor)  # 404 for a schedule the user may not see
        fields = payload(data)
        if fields.get("schedule_uid") not in (None, uid):
            raise ValidationError("schedule_uid", f"must be {uid} (the schedule in the path)")
        fields["schedule_uid"] = uid
        return written(services.shows.create(**fields, actor=actor))

    # -- workflow -----------------------------------------------------------------------

    @post("/{uid:str}/transitions", **operation("TransitionSchedule", BODY_ERRORS, HTTP_200_OK))
    def transition(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.Transition],
    ) -> s.Schedule:
        """Move the schedule along its workflow (409 for a move it does not allow):
        ``proposed``; ``draft`` (sent back, with a ``reason``); ``confirmed``
        (the same as ``/confirm``); ``archived``; ``cancelled``."""
        return one(
            s.Schedule,
            services.schedules.transition(uid, data.to, reason=data.reason, actor=actor),
        )

    @post("/{uid:str}/approve", **operation("ApproveSchedule", BODY_ERRORS, HTTP_200_OK))
    def approve(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.Approval],
    ) -> s.Schedule:
        """The client approves the proposed schedule (its managers' call)."""
        return one(s.Schedule, services.schedules.approve(uid, note=data.note, actor=actor))

    @post("/{uid:str}/confirm", **operation("ConfirmSchedule", BODY_ERRORS, HTTP_200_OK))
    def confirm(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.Confirmation],
    ) -> s.Confirmed:
        """Promote every draft at once: all confirmed with the schedule, or, on
        any blocking conflict, a 409 whose ``extra.conflicts`` is the full report
        and nothing changed."""
        return _confirmed(services.schedules.promote(uid, reason=data.reason, actor=actor))

    @get("/{uid:str}/conflicts", **operation("CheckScheduleConfirmation"))
    def conflicts(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.PromotionReport:
        """What confirming would hit now (nothing is written or locked)."""
        report = services.schedules.check_promotion(uid, actor=actor)
        return s.PromotionReport(
            schedule_uid=report.schedule_uid,
            promotable=report.promotable,
            show_uids=list(report.show_uids),
            conflicts=list(report.conflicts),
            problems=list(report.problems),
        )

    # -- versions -------------------------------------------------------------------------

    @get("/{uid:str}/versions", **operation("ListScheduleVersions"))
    def versions(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> list[s.VersionSummary]:
        """Every version of the schedule, oldest first."""
        return [one(s.VersionSummary, v) for v in services.schedules.versions(uid, actor=actor)]

    @get("/{uid:str}/versions/{number:int}", **operation("GetScheduleVersion"))
    def version(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str], number: FromPath[int]
    ) -> s.Version:
        """One version, with the state of every show it recorded."""
        found = services.schedules.version(uid, number, actor=actor)
        summary = msgspec.structs.asdict(one(s.VersionSummary, found.summary))
        return s.Version(**summary, shows=[_state(x) for x in found.shows])

    @get("/{uid:str}/versions/{old:int}/diff/{new:int}", **operation("DiffScheduleVersions"))
    def diff(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        old: FromPath[int],
        new: FromPath[int],
    ) -> list[s.ShowChange]:
        """How the shows changed from version ``old`` to ``new``, by start time."""
        return [change_body(c) for c in services.schedules.diff(uid, old, new, actor=actor)]
