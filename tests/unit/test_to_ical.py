"""``to_ical`` without the icalendar library names the extra to install."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest

from studiocore import CalendarKind, CalendarView, TimeSlot, to_ical


def test_without_icalendar_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)  # as if not installed
    start = datetime(2026, 3, 2, tzinfo=UTC)
    view = CalendarView(
        kind=CalendarKind.MC,
        target_uid="mc_01JD0000000000000000000000",
        name="Nobody's shows",
        window=TimeSlot(start, datetime(2026, 3, 3, tzinfo=UTC)),
        events=(),
        drafts=False,
    )
    with pytest.raises(ImportError, match=r"studiocore\[http\]"):
        to_ical(view)
