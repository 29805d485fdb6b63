"""Schedules over HTTP: CRUD, the drafts of a schedule, its workflow steps
(propose, send back, approve, confirm, archive, cancel), what confirming would
hit now, and its versions with their diffs. Who may do what is the core's
access table (docs/access-control.md)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import get, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from studiocore import PromotionResult, ScheduleStatus, ShowStatus, ValidationError
from studiocore.scheduling import ShowChange
from studiocore.scheduling.diff import ShowState as CoreShowState
from studiocore_http.errors import BODY_ERRORS
from studiocore_http.features.shows import schemas as shows
from studiocore_http.features.shows.controllers import UidQuery
from studiocore_http.features.shows.convert import written
from studiocore_http.shared import examples as ex
from studiocore_http.shared.convert import many, one, page, payload
from studiocore_http.shared.crud import CrudResource, crud_controller
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep, where
from studiocore_http.shared.routes import operation
from studiocore_http.shared.wording import (
    FIELD_ERRORS,
    FORBIDDEN,
    NOT_FOUND,
    PAGING,
    TIMES,
    Wording,
    who_may,
)

from . import schemas as s

__all__ = ["ScheduleController", "change_body"]

_Crud = crud_controller(
    CrudResource(
        "/schedules",
        lambda sv: sv.schedules,
        s.SCHEDULE_BODIES,
        examples={"create": ex.CREATE_SCHEDULE},
        wording=Wording(
            "schedule",
            "schedules",
            "A schedule is a studio's plan of a client's shows over a window of dates: "
            "drafts that reserve nothing until it is confirmed (`draft` -> `proposed` -> "
            "approved by the client -> `confirmed` -> `archived`, or `cancelled`).",
            "schedules",
            on_delete="Its draft shows are cancelled with it; a schedule with confirmed "
            "or live shows is refused with a 409 (cancel those first).",
        ),
    )
)


_READ = f"{who_may('schedules', 'read')} {NOT_FOUND}"


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

    @get(
        **operation(
            "ListSchedules",
            summary="List schedules",
            description="The schedules the caller may read, by uid (creation order), "
            "filtered by `client_uid`, `studio_uid` and `status` (exact matches; an unknown "
            f"status is a 422). {PAGING}\n\n{_READ}",
        )
    )
    def list_items(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        client_uid: UidQuery = None,
        studio_uid: UidQuery = None,
        status: Annotated[
            ScheduleStatus | None, QueryParameter(description="Only schedules in this status.")
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Schedule]:
        result = services.schedules.page(
            where=where(client_uid=client_uid, studio_uid=studio_uid, schedule_status=status),
            limit=limit,
            offset=offset,
            actor=actor,
        )
        return page(s.Schedule, result)

    # -- drafts -------------------------------------------------------------------------

    @get(
        "/{uid:str}/shows",
        **operation(
            "ListScheduleShows",
            summary="List a schedule's shows",
            description="The schedule's live shows, drafts and confirmed, by start time; "
            f"`status` keeps only those in one status.\n\n{_READ}",
        ),
    )
    def list_shows(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        status: Annotated[
            ShowStatus | None, QueryParameter(description="Only shows in this status.")
        ] = None,
    ) -> list[shows.Show]:
        return many(shows.Show, services.schedules.shows(uid, status=status, actor=actor))

    @post(
        "/{uid:str}/shows",
        **operation(
            "CreateScheduleShow",
            BODY_ERRORS,
            HTTP_201_CREATED,
            summary="Add a draft show to a schedule",
            examples=ex.DRAFT_SHOW,
            description="Adds a draft to the schedule: it reserves nothing until the "
            "schedule is confirmed, so it is not checked against booked shows now (see "
            "`GET /schedules/{uid}/conflicts`). It must lie inside the schedule's window, "
            "in a room of its studio; `schedule_uid` in the body, if given, must be this "
            "schedule (else a 422). Once the schedule is proposed, only a change request "
            f"adds shows (a 409 says so). {TIMES}\n\n{who_may('shows', 'create')} "
            f"{FORBIDDEN} {NOT_FOUND}\n\n{FIELD_ERRORS}",
        ),
    )
    def add_show(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[shows.ShowCreate],
    ) -> shows.ShowWritten:
        services.schedules.get(uid, actor=actor)  # 404 for a schedule the user may not see
        fields = payload(data)
        if fields.get("schedule_uid") not in (None, uid):
            raise ValidationError("schedule_uid", f"must be {uid} (the schedule in the path)")
        fields["schedule_uid"] = uid
        return written(services.shows.create(**fields, actor=actor))

    # -- workflow -----------------------------------------------------------------------

    @post(
        "/{uid:str}/transitions",
        **operation(
            "TransitionSchedule",
            BODY_ERRORS,
            HTTP_200_OK,
            summary="Propose, send back, archive or cancel a schedule",
            examples=ex.TRANSITION_SCHEDULE,
            description="Moves the schedule along its workflow (`to`): `proposed` (propose "
            "it to the client), `draft` (send it back, with a `reason`), `confirmed` (the "
            "same as `POST /schedules/{uid}/confirm`), `archived`, `cancelled`. A move the "
            "workflow does not allow is a 409 (`extra.from_state`, `extra.to_state`): "
            "`draft` -> `proposed` -> `confirmed` -> `archived`; `proposed` -> `draft`; "
            "`draft`, `proposed`, `confirmed` -> `cancelled`.\n\n"
            + " ".join(
                who_may("schedules", step).replace(":**", f" (`{to}`):**")
                for step, to in (
                    ("propose", "proposed"),
                    ("send_back", "draft"),
                    ("archive", "archived"),
                    ("cancel", "cancelled"),
                )
            )
            + f" {FORBIDDEN} {NOT_FOUND}",
        ),
    )
    def transition(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.Transition],
    ) -> s.Schedule:
        return one(
            s.Schedule,
            services.schedules.transition(uid, data.to, reason=data.reason, actor=actor),
        )

    @post(
        "/{uid:str}/approve",
        **operation(
            "ApproveSchedule",
            BODY_ERRORS,
            HTTP_200_OK,
            summary="Approve a proposed schedule (the client)",
            examples=ex.APPROVE_SCHEDULE,
            description="The client approves the proposed schedule, with an optional "
            "`note`; the studio may then confirm it. A schedule that is not proposed is a "
            f"409.\n\n{who_may('schedules', 'approve')} {FORBIDDEN} {NOT_FOUND}",
        ),
    )
    def approve(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.Approval],
    ) -> s.Schedule:
        return one(s.Schedule, services.schedules.approve(uid, note=data.note, actor=actor))

    @post(
        "/{uid:str}/confirm",
        **operation(
            "ConfirmSchedule",
            BODY_ERRORS,
            HTTP_200_OK,
            summary="Confirm (promote) a schedule",
            examples=ex.CONFIRM_SCHEDULE,
            description="Promotes every draft at once, all or nothing: the rooms and MCs "
            "involved are locked, each draft is checked against the booked shows and "
            "against the other drafts, and on any blocking conflict the answer is a 409 "
            "whose `extra.conflicts` is the full report and nothing changes. Otherwise "
            "every draft is confirmed with the schedule and a new version is recorded; "
            "`warnings` lists the conflicts that do not block. A studio admin may confirm "
            f"without the client's approval, giving a `reason`.\n\n"
            f"{who_may('schedules', 'promote', 'confirm')} {FORBIDDEN} {NOT_FOUND}",
        ),
    )
    def confirm(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.Confirmation],
    ) -> s.Confirmed:
        return _confirmed(services.schedules.promote(uid, reason=data.reason, actor=actor))

    @get(
        "/{uid:str}/conflicts",
        **operation(
            "CheckScheduleConfirmation",
            summary="Check what confirming a schedule would hit",
            description="The dry run of `POST /schedules/{uid}/confirm`: whether the "
            "schedule could be confirmed now (`promotable`), the conflicts its drafts would "
            "hit (BLOCK and WARN) and other problems. Nothing is written or locked, so the "
            "answer may change before the confirmation.\n\n"
            f"{who_may('schedules', 'check_promotion', 'check')} {NOT_FOUND}",
        ),
    )
    def conflicts(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.PromotionReport:
        report = services.schedules.check_promotion(uid, actor=actor)
        return s.PromotionReport(
            schedule_uid=report.schedule_uid,
            promotable=report.promotable,
            show_uids=list(report.show_uids),
            conflicts=list(report.conflicts),
            problems=list(report.problems),
        )

    # -- versions -------------------------------------------------------------------------

    @get(
        "/{uid:str}/versions",
        **operation(
            "ListScheduleVersions",
            summary="List a schedule's versions",
            description="Every version of the schedule, oldest first: one per confirmation "
            "and per applied change request, with when, by whom and why.\n\n"
            f"{who_may('schedule_versions', 'read')} {NOT_FOUND}",
        ),
    )
    def versions(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> list[s.VersionSummary]:
        return [one(s.VersionSummary, v) for v in services.schedules.versions(uid, actor=actor)]

    @get(
        "/{uid:str}/versions/{number:int}",
        **operation(
            "GetScheduleVersion",
            summary="Get a version of a schedule",
            description="One version (`number`), with the state of every show it "
            "recorded: times, room, MCs, platforms and status. An unknown number is a 404."
            f"\n\n{who_may('schedule_versions', 'read')} {NOT_FOUND}",
        ),
    )
    def version(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        number: Annotated[int, PathParameter(description="The version's number (1, 2, ...).")],
    ) -> s.Version:
        found = services.schedules.version(uid, number, actor=actor)
        summary = msgspec.structs.asdict(one(s.VersionSummary, found.summary))
        return s.Version(**summary, shows=[_state(x) for x in found.shows])

    @get(
        "/{uid:str}/versions/{old:int}/diff/{new:int}",
        **operation(
            "DiffScheduleVersions",
            summary="Compare two versions of a schedule",
            description="How the shows changed from version `old` to version `new`, by "
            "start time: each changed show before and after, what changed (`kinds`: "
            "`added`, `time`, `room`, `mcs`, ...), its `change_types` (`TIME_CHANGE`, "
            f"`RESOURCE_CHANGE`, `SCOPE_CHANGE`) and the MCs and platforms added and removed.\n\n{who_may('schedule_versions', 'read')} "
            + NOT_FOUND,
        ),
    )
    def diff(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        old: Annotated[int, PathParameter(description="The version to compare from.")],
        new: Annotated[int, PathParameter(description="The version to compare to.")],
    ) -> list[s.ShowChange]:
        return [change_body(c) for c in services.schedules.diff(uid, old, new, actor=actor)]
