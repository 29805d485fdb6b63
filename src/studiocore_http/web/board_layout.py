"""The planning board's geometry, apart from any request (internal).

A day is a row of 15-minute slots from the studio's operational day start; a
show covers the slots from the one it starts in to the one it ends in. A
resource (a room, an MC) gets as many lanes as its shows need so that none
overlaps another on screen: one lane when nothing clashes, more where shows
overlap (a conflict, or drafts that reserve nothing yet). Each lane is a list
of cells, free time cut at every hour so that a free cell names its hour.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Generic, TypeVar

import attrs

__all__ = ["SLOT", "SLOTS_PER_HOUR", "Cell", "Placed", "lane_cells", "lanes", "place", "slot_of"]

SLOT = timedelta(minutes=15)
SLOTS_PER_HOUR = 4

T = TypeVar("T")


@attrs.frozen
class Placed(Generic[T]):
    """An item on the slots ``[first, last)`` of a day."""

    item: T
    first: int
    last: int


@attrs.frozen
class Cell(Generic[T]):
    """One cell of a lane: ``span`` slots holding ``item``, or free from slot
    ``first`` when ``item`` is None."""

    span: int
    first: int
    item: T | None = None


def slot_of(moment: datetime, day_start: datetime, slots: int, *, end: bool = False) -> int:
    """The slot ``moment`` falls in (for an ``end``, the first slot after it),
    clipped to the day's ``slots``."""
    offset = (moment - day_start) / SLOT
    index = math.ceil(offset) if end else math.floor(offset)
    return max(0, min(slots, index))


def place(
    items: Iterable[tuple[T, datetime, datetime]], day_start: datetime, slots: int
) -> list[Placed[T]]:
    """The items ``(item, start, end)`` that touch the day, on its slots (at
    least one slot each), ordered by first slot then length (longest first)."""
    placed = []
    for item, start, end in items:
        first = slot_of(start, day_start, slots)
        last = slot_of(end, day_start, slots, end=True)
        if last <= 0 or first >= slots:
            continue
        placed.append(Placed(item, first, max(last, first + 1)))
    return sorted(placed, key=lambda p: (p.first, -(p.last - p.first)))


def lanes(placed: Sequence[Placed[T]]) -> list[list[Placed[T]]]:
    """``placed`` (ordered by first slot) in as few lanes as keep each lane's
    items apart: each goes to the first lane it fits in."""
    found: list[list[Placed[T]]] = []
    for p in placed:
        for lane in found:
            if lane[-1].last <= p.first:
                lane.append(p)
                break
        else:
            found.append([p])
    return found or [[]]


def lane_cells(lane: Sequence[Placed[T]], slots: int) -> list[Cell[T]]:
    """The cells of one lane across ``slots``: its items, and the free time
    between them cut at each hour."""
    cells: list[Cell[T]] = []

    def free(start: int, stop: int) -> None:
        while start < stop:
            hour_end = (start // SLOTS_PER_HOUR + 1) * SLOTS_PER_HOUR
            end = min(stop, hour_end)
            cells.append(Cell(end - start, start))
            start = end

    cursor = 0
    for p in lane:
        free(cursor, p.first)
        cells.append(Cell(p.last - p.first, p.first, p.item))
        cursor = p.last
    free(cursor, slots)
    return cells
