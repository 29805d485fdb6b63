"""The Gantt chart (one bar per show, conflicts marked, local time axis) and
what-if copies (a promotion tried in memory, the real data untouched)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from matplotlib.colors import to_hex

from studiocore import ConflictError, NotFoundError, Services, ValidationError
from studiocore.analysis import conflicts_frame, gantt, room_utilization, what_if
from tests.analysis.test_metrics import book, local

ZONE = "Asia/Seoul"


def world(svc: Services) -> dict[str, str]:
    """Seoul (rooms A, B) and Berlin (room L); Hana hosts in both; a draft
    schedule in Seoul with two drafts, one of them too close to Hana's Berlin
    show for her rest."""
    seoul = svc.studios.create("Seoul", time_zone=ZONE, operational_day_start_hour=0)
    berlin = svc.studios.create("Berlin", time_zone="Europe/Berlin")
    a, b = (svc.studio_rooms.create(seoul.uid, n).uid for n in ("A", "B"))
    loft = svc.studio_rooms.create(berlin.uid, "L").uid
    hana = svc.mcs.create("Hana", min_rest_minutes=60).uid
    client = svc.clients.create("Glow").uid
    book(svc, "Booked", a, (10, 12), hana)
    book(svc, "Near", b, (12.5, 13), hana)
    book(svc, "Berlin night", loft, (20, 21), hana)  # 12:00-13:00 in Berlin
    plan = svc.schedules.create(
        client, seoul.uid, "Plan", local(ZONE, 2026, 3, 2), local(ZONE, 2026, 3, 3)
    )
    book(svc, "Draft 1", a, (15, 17), schedule_uid=plan.uid)
    book(svc, "Draft 2", b, (21.5, 22), hana, schedule_uid=plan.uid)
    return {"seoul": seoul.uid, "plan": plan.uid, "a": a, "hana": hana}


def test_the_gantt_has_one_bar_per_show_conflicts_outlined_and_local_hours(svc: Services) -> None:
    ids = world(svc)
    start, end = local(ZONE, 2026, 3, 2), local(ZONE, 2026, 3, 3)
    figure = gantt(svc, studio=ids["seoul"], start=start, end=end)
    [axes] = figure.axes
    bars = axes.patches
    assert len(bars) == 4  # Booked, Near and the two drafts (Berlin is another studio)
    assert [t.get_text() for t in axes.get_yticklabels()] == ["A", "B"]
    red = [p for p in bars if to_hex(p.get_edgecolor()) == "#b91c1c"]
    assert len(red) == 2  # Booked and Near: Hana's rest is too short between them
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels[:3] == ["00:00", "02:00", "04:00"]  # Seoul's wall clock, not UTC
    assert "Asia/Seoul" in axes.get_xlabel()
    by_mc = gantt(svc, studio=ids["seoul"], start=start, end=end, by="mcs", colour="client")
    assert len(by_mc.axes[0].patches) == 3  # Hana's three shows in Seoul
    with pytest.raises(ValidationError):
        gantt(svc, studio=ids["seoul"], start=start, end=end, by="days")  # type: ignore[arg-type]


def test_what_if_promotes_in_memory_and_leaves_the_real_data_alone(svc: Services) -> None:
    ids = world(svc)
    day = date(2026, 3, 2)
    start, end = local(ZONE, 2026, 3, 2), local(ZONE, 2026, 3, 3)
    before = room_utilization(svc, start=day, end=day + timedelta(days=1), studio=ids["seoul"])
    plan = what_if(svc, studio=ids["seoul"], start=start, end=end)
    # the copy knows Hana's Berlin show, so the promotion meets her rest rule there
    result = plan.services.schedules.promote(ids["plan"])
    assert len(result.confirmed_show_uids) == 2
    assert any(w.resource_uid == ids["hana"] for w in result.warnings)
    after = room_utilization(
        plan.services, start=day, end=day + timedelta(days=1), studio=ids["seoul"]
    )
    assert before.set_index("room")["booked_hours"].to_dict() == {"A": 2.0, "B": 0.5}
    assert after.set_index("room")["booked_hours"].to_dict() == {"A": 4.0, "B": 1.0}
    assert len(conflicts_frame(plan.services, start=start, end=end)) == 2
    # the real schedule is still a draft, its drafts unconfirmed
    assert svc.schedules.get(ids["plan"]).schedule_status.value == "draft"
    assert len(conflicts_frame(svc, start=start, end=end)) == 1
    # a move that double-books is refused in the copy as it would be for real
    booked = next(s for s in plan.services.shows.list() if s.name == "Booked")
    with pytest.raises(ConflictError):
        plan.services.shows.reschedule(
            booked.uid,
            {"show_start": local(ZONE, 2026, 3, 2, 15), "show_end": local(ZONE, 2026, 3, 2, 16)},
        )


def test_a_studio_is_named_by_its_uid_or_its_name(svc: Services) -> None:
    ids = world(svc)
    start, end = local(ZONE, 2026, 3, 2), local(ZONE, 2026, 3, 3)
    by_name = gantt(svc, studio="Seoul", start=start, end=end)
    assert len(by_name.axes[0].patches) == 4
    day = date(2026, 3, 2)
    named = room_utilization(svc, start=day, end=day + timedelta(days=1), studio="Seoul")
    by_uid = room_utilization(svc, start=day, end=day + timedelta(days=1), studio=ids["seoul"])
    assert named.equals(by_uid)
    with pytest.raises(NotFoundError):
        gantt(svc, studio="Nowhere", start=start, end=end)


def test_what_if_copies_an_mcs_shows_just_outside_the_window_in_the_same_studio(
    svc: Services,
) -> None:
    ids = world(svc)
    hana = ids["hana"]
    book(svc, "Next morning", ids["a"], (9, 10), hana, day=3)
    # the window ends before it: copied as one of Hana's shows around the window
    copy = what_if(svc, studio="Seoul", start=local(ZONE, 2026, 3, 2), end=local(ZONE, 2026, 3, 3))
    names = {s.name for s in copy.services.shows.list()}
    assert {"Next morning", "Berlin night", "Booked"} <= names
    assert len(copy.services.studio_rooms.list()) == 3  # A, B and Berlin's L, once each
