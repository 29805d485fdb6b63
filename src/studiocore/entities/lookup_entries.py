"""Rows of the lookup tables."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from studiocore import _fields as f
from studiocore.lookups import (
    LookupTable,
)

from ._base import (
    Entity,
    _metadata,
)

# --------------------------------------------------------------------------- lookups


@attrs.frozen(kw_only=True)
class LookupEntry(Entity):
    """A row of a lookup table: a unique ``name`` and free metadata."""

    LOOKUP: ClassVar[LookupTable]

    name: str = attrs.field(validator=f.text(max_length=64))
    description: str | None = attrs.field(default=None, validator=f.text(optional=True))
    metadata: dict[str, Any] = _metadata()


@attrs.frozen(kw_only=True)
class ShowStatusEntry(LookupEntry):
    PREFIX: ClassVar[str] = "shstat"
    TABLE: ClassVar[str] = "show_status"
    LOOKUP: ClassVar[LookupTable] = LookupTable.SHOW_STATUS


@attrs.frozen(kw_only=True)
class ShowTypeEntry(LookupEntry):
    PREFIX: ClassVar[str] = "shtype"
    TABLE: ClassVar[str] = "show_types"
    LOOKUP: ClassVar[LookupTable] = LookupTable.SHOW_TYPES


@attrs.frozen(kw_only=True)
class ShowStandardEntry(LookupEntry):
    PREFIX: ClassVar[str] = "shstd"
    TABLE: ClassVar[str] = "show_standards"
    LOOKUP: ClassVar[LookupTable] = LookupTable.SHOW_STANDARDS


@attrs.frozen(kw_only=True)
class ScheduleStatusEntry(LookupEntry):
    PREFIX: ClassVar[str] = "schstat"
    TABLE: ClassVar[str] = "schedule_status"
    LOOKUP: ClassVar[LookupTable] = LookupTable.SCHEDULE_STATUS


@attrs.frozen(kw_only=True)
class MaterialTypeEntry(LookupEntry):
    PREFIX: ClassVar[str] = "mattype"
    TABLE: ClassVar[str] = "material_types"
    LOOKUP: ClassVar[LookupTable] = LookupTable.MATERIAL_TYPES


@attrs.frozen(kw_only=True)
class TaskStatusEntry(LookupEntry):
    PREFIX: ClassVar[str] = "tkstat"
    TABLE: ClassVar[str] = "task_status"
    LOOKUP: ClassVar[LookupTable] = LookupTable.TASK_STATUS


@attrs.frozen(kw_only=True)
class TaskTypeEntry(LookupEntry):
    PREFIX: ClassVar[str] = "tktype"
    TABLE: ClassVar[str] = "task_type"
    LOOKUP: ClassVar[LookupTable] = LookupTable.TASK_TYPE


@attrs.frozen(kw_only=True)
class TaskInputTypeEntry(LookupEntry):
    PREFIX: ClassVar[str] = "tkinput"
    TABLE: ClassVar[str] = "task_input_type"
    LOOKUP: ClassVar[LookupTable] = LookupTable.TASK_INPUT_TYPE


@attrs.frozen(kw_only=True)
class ChangeCategoryEntry(LookupEntry):
    PREFIX: ClassVar[str] = "chcat"
    TABLE: ClassVar[str] = "change_categories"
    LOOKUP: ClassVar[LookupTable] = LookupTable.CHANGE_CATEGORIES


@attrs.frozen(kw_only=True)
class ChangeTypeEntry(LookupEntry):
    PREFIX: ClassVar[str] = "chtype"
    TABLE: ClassVar[str] = "change_types"
    LOOKUP: ClassVar[LookupTable] = LookupTable.CHANGE_TYPES


LOOKUP_ENTRY_TYPES: dict[LookupTable, type[LookupEntry]] = {
    cls.LOOKUP: cls
    for cls in (
        ShowStatusEntry,
        ShowTypeEntry,
        ShowStandardEntry,
        ScheduleStatusEntry,
        MaterialTypeEntry,
        TaskStatusEntry,
        TaskTypeEntry,
        TaskInputTypeEntry,
        ChangeCategoryEntry,
        ChangeTypeEntry,
    )
}
"""The entity class of each lookup table."""
