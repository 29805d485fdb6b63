"""Valid entities of every type, with their references created first.

Used by the contract suite so that a foreign-key-enforcing adapter accepts them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from studiocore import (
    Client,
    Entity,
    Schedule,
    Show,
    ShowStatus,
    Studio,
    StudioRoom,
    TimeSlot,
    UnitOfWork,
    new_uid,
)
from studiocore import entities as entity
from studiocore.ports import repository_for

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    """``T0`` plus ``hours``."""
    return T0 + timedelta(hours=hours)


def slot(start_h: float, end_h: float) -> TimeSlot:
    """The slot from hour ``start_h`` to hour ``end_h`` after ``T0``."""
    return TimeSlot(at(start_h), at(end_h))


def stamp() -> dict[str, Any]:
    return {"created_at": T0, "updated_at": T0}


def make(cls: type[Any], **fields: Any) -> Any:
    return cls(uid=new_uid(cls.PREFIX), **stamp(), **fields)


def show(
    room: StudioRoom | None,
    start_h: float,
    end_h: float,
    *,
    status: ShowStatus = ShowStatus.CONFIRMED,
    client: Client | None = None,
    schedule: Schedule | None = None,
    name: str = "show",
    **fields: Any,
) -> Show:
    """A show from hour ``start_h`` to ``end_h`` after ``T0``; ``fields`` sets others."""
    result: Show = make(
        Show,
        name=name,
        studio_room_uid=room.uid if room else None,
        client_uid=client.uid if client else None,
        schedule_uid=schedule.uid if schedule else None,
        show_status=status,
        show_start=at(start_h),
        show_end=at(end_h),
        **fields,
    )
    return result


def schedule_of(
    client: Client, studio_uid: str, start: datetime, end: datetime, *, name: str = "plan"
) -> Schedule:
    """A schedule of ``client`` in ``studio_uid`` from ``start`` to ``end``."""
    made: Schedule = make(
        Schedule,
        client_uid=client.uid,
        studio_uid=studio_uid,
        name=name,
        start_time=start,
        end_time=end,
    )
    return made


def studio_and_room(room_name: str = "R") -> tuple[Studio, StudioRoom]:
    """A studio "S" and its room ``room_name``."""
    studio = make(Studio, name="S")
    room: StudioRoom = make(StudioRoom, studio_uid=studio.uid, name=room_name)
    return studio, room


def store(uow: UnitOfWork, rows: Iterable[Entity]) -> None:
    """Add ``rows``, each to the repository of its type, in order (references first)."""
    for row in rows:
        repository_for(uow, type(row)).add(row)


def put(db: Callable[[], UnitOfWork], *rows: Entity) -> None:
    """Store ``rows`` in one unit of work of ``db`` (see :func:`store`)."""
    with db() as uow:
        store(uow, rows)


def client_and_schedule(studio_uid: str, start: datetime, end: datetime) -> tuple[Client, Schedule]:
    """A client and its schedule in ``studio_uid`` from ``start`` to ``end``."""
    client = make(Client, name="C")
    return client, schedule_of(client, studio_uid, start, end)


def one_of_each(uow: UnitOfWork) -> list[Entity]:
    """Add one entity of every type (references first) and return them all."""
    studio = make(Studio, name="Studio", time_zone="Europe/Berlin", metadata={"floor": 2})
    room = make(StudioRoom, studio_uid=studio.uid, name="Room A", changeover_minutes=15)
    client = make(Client, name="Acme", contact_person="Ann", contact_email="ann@acme.test")
    user = make(entity.User, email="u@example.com", name="U", ext_id="sso-1")
    membership = make(
        entity.Membership,
        role="manager",
        user_uid=user.uid,
        group_uid=studio.uid,
        group_type="studio",
    )
    mc = make(entity.MC, name="Jo", alias_name="JJ", user_uid=user.uid, min_rest_minutes=30)
    platform = make(
        entity.Platform, name="Twitch", api_config={"key": "x", "nested": {"a": [1, 2]}}
    )
    material = make(
        entity.Material,
        client_uid=client.uid,
        platform_uid=platform.uid,
        material_type="script",
        name="Script",
        resource_url="https://cdn.example.com/s.pdf",
        expiring_at=T0 + timedelta(days=30),
        version="v2",
    )
    schedule = schedule_of(client, studio.uid, T0, T0 + timedelta(days=7), name="Spring")
    the_show = show(room, 1, 3, client=client, schedule=schedule, status=ShowStatus.DRAFT)
    of_the_show = {"show_uid": the_show.uid}
    show_mc = make(entity.ShowMC, **of_the_show, mc_uid=mc.uid, rating=8, note="great")
    show_platform = make(
        entity.ShowPlatform,
        **of_the_show,
        platform_uid=platform.uid,
        live_stream_link="https://twitch.tv/x",
        platform_show_id="abc",
        viewer_count=12,
    )
    show_material = make(entity.ShowMaterial, **of_the_show, material_uid=material.uid)
    change_request = make(
        entity.ChangeRequest,
        schedule_uid=schedule.uid,
        change_category="CLIENT_REQUESTED",
        change_type="TIME_CHANGE",
        payload={"shift_minutes": 30},
        requested_by_uid=user.uid,
    )
    version = make(
        entity.ScheduleVersion,
        schedule_uid=schedule.uid,
        version=1,
        snapshot={"shows": [the_show.uid]},
        created_by_uid=user.uid,
    )
    tag = make(entity.Tag, studio_uid=studio.uid, name="vip")
    taggable = make(
        entity.Taggable, tag_uid=tag.uid, taggable_uid=the_show.uid, taggable_type="shows"
    )
    on_the_show = {"commentable_uid": the_show.uid, "commentable_type": "shows"}
    comment = make(entity.Comment, **on_the_show, owner_uid=user.uid, content="hello")
    reply = make(
        entity.Comment, **on_the_show, owner_uid=user.uid, parent_uid=comment.uid, content="reply"
    )
    audit = make(
        entity.Audit,
        user_uid=user.uid,
        action="update",
        recordable_uid=the_show.uid,
        recordable_type="shows",
        old_values={"name": "a"},
        new_values={"name": "b"},
    )
    template = make(entity.TaskTemplate, studio_uid=studio.uid, name="Checklist")
    item = make(
        entity.TaskTemplateItem,
        task_template_uid=template.uid,
        task_type="pre_production",
        input_type="text",
        is_required=True,
        name="Mic check",
    )
    task = make(
        entity.Task,
        assignee_uid=user.uid,
        taskable_uid=the_show.uid,
        taskable_type="shows",
        task_template_item_uid=item.uid,
        name="Mic check",
        due_date=T0,
    )
    lookup = make(entity.ShowTypeEntry, name="custom_value")
    notification = make(
        entity.Notification,
        recipient_uid=user.uid,
        kind="mention",
        subject_uid=comment.uid,
        subject_type="comments",
        text="U mentioned you",
        actor_uid=user.uid,
        metadata={"show_uid": the_show.uid},
    )
    endpoint = make(
        entity.WebhookEndpoint,
        owner_uid=user.uid,
        studio_uid=studio.uid,
        url="https://hooks.example.com/studiocore",
        event_types=("show.moved", "show.status_changed"),
        secret="whsec_c2VjcmV0c2VjcmV0c2VjcmV0",
        description="ops board",
    )
    delivery = make(
        entity.WebhookDelivery,
        endpoint_uid=endpoint.uid,
        message_id="msg_01",
        event_type="show.moved",
        payload={"type": "show.moved", "data": {"show_uid": the_show.uid}},
        next_attempt_at=T0,
        attempts_log={"attempts": []},
    )
    rows: list[Entity] = [
        studio,
        room,
        client,
        user,
        membership,
        mc,
        platform,
        material,
        schedule,
        the_show,
        show_mc,
        show_platform,
        show_material,
        change_request,
        version,
        tag,
        taggable,
        comment,
        reply,
        audit,
        template,
        item,
        task,
        lookup,
        notification,
        endpoint,
        delivery,
    ]
    store(uow, rows)
    return rows


def evolve(entity: Any, **changes: Any) -> Any:
    return attrs.evolve(entity, **changes)
