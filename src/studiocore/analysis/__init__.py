"""Scheduling analysis for notebooks and scripts (the ``analysis`` extra:
``pip install 'studiocore[analysis]'``): shows as tidy, timezone-aware pandas
frames with names next to uids, and the metrics a studio asks about. Every
function reads any adapter: a :class:`~studiocore.Services`, a unit-of-work
factory, or a database URL (:data:`Source`).

* :func:`shows_frame`: one row per show (or per show and MC).
* :func:`room_utilization`: booked over available hours per room and day/week.
* :func:`mc_load`: shows, hours, back-to-back shows and shortest rest per MC.
* :func:`free_slots`: free intervals per room or MC, honouring changeover and rest.
* :func:`conflicts_frame`: the engine's conflict report.
* :func:`gantt`: a studio's shows as a Gantt chart (a matplotlib Figure).
* :func:`what_if`: a copy of a studio's window in memory, to try a promotion
  or a move and compare.
"""

from __future__ import annotations

try:
    import pandas  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "studiocore.analysis needs pandas: pip install 'studiocore[analysis]'"
    ) from exc

from .charts import gantt
from .frames import SHOW_COLUMNS, Source, services_of, shows_frame
from .metrics import OperatingHours, mc_load, room_utilization
from .slots import conflicts_frame, free_slots
from .whatif import WhatIf, what_if

__all__ = [
    "SHOW_COLUMNS",
    "OperatingHours",
    "Source",
    "WhatIf",
    "conflicts_frame",
    "free_slots",
    "gantt",
    "mc_load",
    "room_utilization",
    "services_of",
    "shows_frame",
    "what_if",
]
