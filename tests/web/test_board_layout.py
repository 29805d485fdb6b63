"""The board's geometry: slots, lanes, free cells cut at each hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from studiocore_http.web.board_layout import SLOT, lane_cells, lanes, place

DAY = datetime(2026, 12, 1, 6, tzinfo=UTC)
SLOTS = 96


def at(minutes: int) -> datetime:
    return DAY + timedelta(minutes=minutes)


def test_overlapping_shows_take_two_lanes_and_the_rest_share_one() -> None:
    placed = place(
        [("a", at(60), at(180)), ("b", at(120), at(150)), ("c", at(180), at(240))], DAY, SLOTS
    )
    found = lanes(placed)
    assert [[p.item for p in lane] for lane in found] == [["a", "c"], ["b"]]
    assert [(p.first, p.last) for p in found[0]] == [(4, 12), (12, 16)]


def test_a_show_covers_the_slots_it_touches_and_is_clipped_to_the_day() -> None:
    placed = place(
        [
            ("early", at(-30), at(20)),
            ("late", at(23 * 60 + 50), at(25 * 60)),
            ("gone", at(-90), at(-30)),
        ],
        DAY,
        SLOTS,
    )
    assert [(p.item, p.first, p.last) for p in placed] == [("early", 0, 2), ("late", 95, 96)]


def test_free_time_is_cut_at_each_hour() -> None:
    [lane] = lanes(place([("a", at(70), at(100))], DAY, SLOTS))
    cells = lane_cells(lane, SLOTS)
    # 07:10-07:40 covers the slots from 07:00 to 07:45; the hour's last slot stays free
    assert [(c.first, c.span, c.item) for c in cells[:4]] == [
        (0, 4, None),
        (4, 3, "a"),
        (7, 1, None),
        (8, 4, None),
    ]


@given(st.lists(st.tuples(st.integers(-120, 24 * 60 + 60), st.integers(1, 8 * 60)), max_size=25))
def test_every_lane_spans_the_whole_day_and_keeps_its_shows_apart(
    shows: list[tuple[int, int]],
) -> None:
    items = [(i, at(start), at(start + length)) for i, (start, length) in enumerate(shows)]
    placed = place(items, DAY, SLOTS)
    found = lanes(placed)
    assert sorted(p.item for lane in found for p in lane) == sorted(p.item for p in placed)
    for lane in found:
        cells = lane_cells(lane, SLOTS)
        assert sum(c.span for c in cells) == SLOTS
        assert all(c.span >= 1 for c in cells)
        firsts = [c.first for c in cells]
        assert firsts == sorted(firsts)
        for c in cells:
            if c.item is None:  # free cells never cross an hour
                assert c.first // 4 == (c.first + c.span - 1) // 4
    visible = {i for i, start, end in items if end > DAY and start < DAY + SLOTS * SLOT}
    assert {p.item for p in placed} == visible
