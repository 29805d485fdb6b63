"""Repository access shared by the adapters' units of work (internal).

Every unit of work exposes its repositories as read-only properties (the
``UnitOfWork`` Protocol); this mixin holds them in ``_repos`` by the names of
:data:`studiocore.ports.REPOSITORY_NAMES`, so an adapter only fills the dict.
"""

from __future__ import annotations

from typing import Any, cast

from studiocore.entities import (
    MC,
    Audit,
    ChangeCategoryEntry,
    ChangeRequest,
    ChangeTypeEntry,
    Client,
    Comment,
    Material,
    MaterialTypeEntry,
    Membership,
    Platform,
    Schedule,
    ScheduleStatusEntry,
    ScheduleVersion,
    ShowMaterial,
    ShowMC,
    ShowPlatform,
    ShowStandardEntry,
    ShowStatusEntry,
    ShowTypeEntry,
    Studio,
    StudioRoom,
    Tag,
    Taggable,
    Task,
    TaskInputTypeEntry,
    TaskStatusEntry,
    TaskTemplate,
    TaskTemplateItem,
    TaskTypeEntry,
    User,
)
from studiocore.ports import Repository, ShowRepository

__all__ = ["RepositoryAccess"]


class RepositoryAccess:
    """The repository properties of a unit of work, read from ``self._repos``."""

    _repos: dict[str, Any]

    @property
    def studios(self) -> Repository[Studio]:
        return cast(Repository[Studio], self._repos["studios"])

    @property
    def studio_rooms(self) -> Repository[StudioRoom]:
        return cast(Repository[StudioRoom], self._repos["studio_rooms"])

    @property
    def clients(self) -> Repository[Client]:
        return cast(Repository[Client], self._repos["clients"])

    @property
    def users(self) -> Repository[User]:
        return cast(Repository[User], self._repos["users"])

    @property
    def memberships(self) -> Repository[Membership]:
        return cast(Repository[Membership], self._repos["memberships"])

    @property
    def mcs(self) -> Repository[MC]:
        return cast(Repository[MC], self._repos["mcs"])

    @property
    def platforms(self) -> Repository[Platform]:
        return cast(Repository[Platform], self._repos["platforms"])

    @property
    def materials(self) -> Repository[Material]:
        return cast(Repository[Material], self._repos["materials"])

    @property
    def shows(self) -> ShowRepository:
        return cast(ShowRepository, self._repos["shows"])

    @property
    def show_mcs(self) -> Repository[ShowMC]:
        return cast(Repository[ShowMC], self._repos["show_mcs"])

    @property
    def show_platforms(self) -> Repository[ShowPlatform]:
        return cast(Repository[ShowPlatform], self._repos["show_platforms"])

    @property
    def show_materials(self) -> Repository[ShowMaterial]:
        return cast(Repository[ShowMaterial], self._repos["show_materials"])

    @property
    def schedules(self) -> Repository[Schedule]:
        return cast(Repository[Schedule], self._repos["schedules"])

    @property
    def schedule_versions(self) -> Repository[ScheduleVersion]:
        return cast(Repository[ScheduleVersion], self._repos["schedule_versions"])

    @property
    def change_requests(self) -> Repository[ChangeRequest]:
        return cast(Repository[ChangeRequest], self._repos["change_requests"])

    @property
    def tags(self) -> Repository[Tag]:
        return cast(Repository[Tag], self._repos["tags"])

    @property
    def taggables(self) -> Repository[Taggable]:
        return cast(Repository[Taggable], self._repos["taggables"])

    @property
    def comments(self) -> Repository[Comment]:
        return cast(Repository[Comment], self._repos["comments"])

    @property
    def audits(self) -> Repository[Audit]:
        return cast(Repository[Audit], self._repos["audits"])

    @property
    def task_templates(self) -> Repository[TaskTemplate]:
        return cast(Repository[TaskTemplate], self._repos["task_templates"])

    @property
    def task_template_items(self) -> Repository[TaskTemplateItem]:
        return cast(Repository[TaskTemplateItem], self._repos["task_template_items"])

    @property
    def tasks(self) -> Repository[Task]:
        return cast(Repository[Task], self._repos["tasks"])

    @property
    def show_statuses(self) -> Repository[ShowStatusEntry]:
        return cast(Repository[ShowStatusEntry], self._repos["show_statuses"])

    @property
    def show_types(self) -> Repository[ShowTypeEntry]:
        return cast(Repository[ShowTypeEntry], self._repos["show_types"])

    @property
    def show_standards(self) -> Repository[ShowStandardEntry]:
        return cast(Repository[ShowStandardEntry], self._repos["show_standards"])

    @property
    def schedule_statuses(self) -> Repository[ScheduleStatusEntry]:
        return cast(Repository[ScheduleStatusEntry], self._repos["schedule_statuses"])

    @property
    def material_types(self) -> Repository[MaterialTypeEntry]:
        return cast(Repository[MaterialTypeEntry], self._repos["material_types"])

    @property
    def task_statuses(self) -> Repository[TaskStatusEntry]:
        return cast(Repository[TaskStatusEntry], self._repos["task_statuses"])

    @property
    def task_types(self) -> Repository[TaskTypeEntry]:
        return cast(Repository[TaskTypeEntry], self._repos["task_types"])

    @property
    def task_input_types(self) -> Repository[TaskInputTypeEntry]:
        return cast(Repository[TaskInputTypeEntry], self._repos["task_input_types"])

    @property
    def change_categories(self) -> Repository[ChangeCategoryEntry]:
        return cast(Repository[ChangeCategoryEntry], self._repos["change_categories"])

    @property
    def change_types(self) -> Repository[ChangeTypeEntry]:
        return cast(Repository[ChangeTypeEntry], self._repos["change_types"])
