"""``python -m studiocore``: a small in-memory demo of the core library.

It builds a studio with rooms, MCs, a client and a few shows, shows a refused
double booking, and prints the day's plan. Nothing is written to disk.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from studiocore import ConflictError, Services, ShowQuery


def main() -> None:
    svc = Services.in_memory()
    seoul = ZoneInfo("Asia/Seoul")
    studio = svc.studios.create("Seoul Main", time_zone="Asia/Seoul", address="Gangnam-daero 1")
    room_a = svc.studio_rooms.create(studio.uid, "Room A", changeover_minutes=15)
    room_b = svc.studio_rooms.create(studio.uid, "Room B")
    client = svc.clients.create("Glow Cosmetics", contact_email="ops@glow.example")
    jin = svc.mcs.create("Jin Park", alias_name="Jin")
    ara = svc.mcs.create("Ara Kim", min_rest_minutes=30)
    day = datetime(2026, 12, 1, 10, tzinfo=seoul)

    def book(name: str, room: str, start_h: float, hours: float, mcs: list[str]) -> None:
        start = day + timedelta(hours=start_h)
        outcome = svc.shows.create(
            name,
            start,
            start + timedelta(hours=hours),
            studio_room_uid=room,
            client_uid=client.uid,
            mc_uids=mcs,
        )
        for warning in outcome.warnings:
            print(f"  warning: {warning.reason}")

    book("Morning skincare live", room_a.uid, 0, 2, [jin.uid])
    book("Lunch flash sale", room_b.uid, 2, 1, [ara.uid])
    book("Afternoon makeup class", room_a.uid, 2.25, 2, [jin.uid])
    book("Evening Q&A", room_b.uid, 3.25, 1, [ara.uid])
    try:
        book("Double-booked attempt", room_a.uid, 1, 1, [ara.uid])
    except ConflictError as err:
        print(f"refused: {err}")
        for conflict in err.conflicts:
            print(f"  - {conflict.kind.value}: {conflict.reason}")

    print(f"\n{studio.name} ({studio.time_zone}), {day:%Y-%m-%d}:")
    names = {m.uid: m.name for m in svc.mcs.list()}
    rooms = {r.uid: r.name for r in svc.studio_rooms.list()}
    for show in svc.shows.search(ShowQuery(studio_uid=studio.uid)).items:
        hosts = ", ".join(names[link.mc_uid] for link in svc.shows.mcs(show.uid))
        start = show.show_start.astimezone(seoul)
        end = show.show_end.astimezone(seoul)
        room = rooms[show.studio_room_uid or ""]
        print(
            f"  {start:%H:%M}-{end:%H:%M}  {room:<7} {show.name:<24} "
            f"{show.show_status.value:<9} {hosts}"
        )


if __name__ == "__main__":
    main()
