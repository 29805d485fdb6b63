"""Retention: read notifications and finished webhook deliveries are removed
for good after a while (``studiocore prune``); unread and pending ones stay."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from studiocore import (
    DeliveryStatus,
    FixedClock,
    PermissionDeniedError,
    Services,
    ValidationError,
)
from studiocore.services import Attempt
from tests.support.builders import T0


def _hosted_show(svc: Services) -> tuple[str, str]:
    """A confirmed show hosted by an MC who is a user (told about it); the
    show's and the user's uids."""
    studio = svc.studios.create("Berlin One")
    room = svc.studio_rooms.create(studio.uid, "Room A")
    host = svc.users.create("jo@example.com", "Jo", role="admin")  # may mark them read
    mc = svc.mcs.create("Jo", user_uid=host.uid)
    show = svc.shows.create(
        "Morning live",
        T0 + timedelta(days=1),
        T0 + timedelta(days=1, hours=1),
        studio_room_uid=room.uid,
        mc_uids=[mc.uid],
    ).show
    return show.uid, host.uid


def test_read_notifications_older_than_the_cutoff_go_unread_ones_stay(
    svc: Services, clock: FixedClock
) -> None:
    show, host = _hosted_show(svc)  # "confirmed", told to Jo
    jo = svc.users.actor(host)
    assert svc.notifications.mark_all_read(actor=jo) == 1
    clock.advance(timedelta(days=100))
    svc.shows.cancel(show)  # "cancelled": unread
    assert svc.notifications.prune(read_before=clock.now() - timedelta(days=90)) == 1
    left = svc.notifications.page(actor=jo, unread_only=False).items
    assert [n.kind.value for n in left] == ["show_cancelled"]
    svc.notifications.mark_all_read(actor=jo)
    assert svc.notifications.prune(read_before=clock.now() - timedelta(days=90)) == 0  # read now


def test_finished_deliveries_older_than_the_cutoff_go_pending_ones_stay(
    svc: Services, clock: FixedClock
) -> None:
    show, _ = _hosted_show(svc)
    later = svc.shows.create(
        "Evening live",
        T0 + timedelta(days=2),
        T0 + timedelta(days=2, hours=1),
        studio_room_uid=svc.shows.get(show).studio_room_uid,
    ).show
    owner = svc.users.create("ops@example.com", "Ops", role="admin")
    endpoint = svc.webhooks.create(
        "https://hooks.example.com/in", ["show.cancelled"], owner_uid=owner.uid
    ).endpoint
    svc.shows.cancel(show)
    [dispatch] = svc.webhooks.claim()
    ok = Attempt(started_at=clock.now(), duration=timedelta(seconds=0.1), status_code=204)
    svc.webhooks.record(dispatch.delivery_uid, ok)
    clock.advance(timedelta(days=31))
    svc.shows.cancel(later.uid)  # a pending delivery
    statuses = [d.status for d in svc.webhooks.deliveries(endpoint.uid).items]
    assert sorted(s.value for s in statuses) == ["delivered", "pending"]
    assert svc.webhooks.prune(finished_before=clock.now() - timedelta(days=30)) == 1
    [left] = svc.webhooks.deliveries(endpoint.uid).items
    assert left.status is DeliveryStatus.PENDING


def test_only_the_system_prunes_and_only_with_aware_times(svc: Services) -> None:
    admin = svc.users.actor(svc.users.create("root@example.com", "Root", role="admin").uid)
    with pytest.raises(PermissionDeniedError, match="maintenance"):
        svc.notifications.prune(read_before=T0, actor=admin)
    with pytest.raises(PermissionDeniedError, match="maintenance"):
        svc.webhooks.prune(finished_before=T0, actor=admin)
    naive = datetime(2026, 1, 1)
    with pytest.raises(ValidationError, match="read_before"):
        svc.notifications.prune(read_before=naive)
    with pytest.raises(ValidationError, match="finished_before"):
        svc.webhooks.prune(finished_before=naive)
