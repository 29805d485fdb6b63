"""A page's total: counted only when the page cannot tell it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studiocore import Services, Studio, new_uid
from studiocore.services._base import page_of
from tests.support.builders import T0

STUDIOS = [
    Studio(uid=new_uid("studio"), name=f"Studio {i}", created_at=T0, updated_at=T0)
    for i in range(40)
]


@given(st.integers(0, 40), st.integers(1, 15), st.integers(0, 50))
def test_the_total_is_right_and_counted_only_when_the_page_cannot_tell(
    n: int, limit: int, offset: int
) -> None:
    rows = STUDIOS[:n]
    counted: list[int] = []

    def count() -> int:
        counted.append(n)
        return n

    page = page_of(rows[offset : offset + limit], limit, offset, count)
    assert page.total == n
    assert page.items == rows[offset : offset + limit]
    # a short page that is not empty past the first page ends the list
    ends_the_list = len(page.items) < limit and (page.items or offset == 0)
    assert counted == ([] if ends_the_list else [n])


def test_lists_of_every_kind_give_the_same_totals(svc: Services) -> None:
    for i in range(7):
        svc.studios.create(f"Studio {i}")
    for limit, offset in [(3, 0), (3, 3), (3, 6), (3, 9), (7, 0), (10, 0), (1, 7)]:
        page = svc.studios.page(limit=limit, offset=offset)
        assert page.total == 7, (limit, offset)
        assert len(page.items) == max(0, min(limit, 7 - offset))
