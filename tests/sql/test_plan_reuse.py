"""Pages keep their query plans on PostgreSQL.

psycopg prepares a statement once its text has run five times, and PostgreSQL
then reuses one generic plan for it when that plan looks no dearer than a fresh
one. A page with a bound LIMIT never qualifies (the planner must guess how many
rows are wanted), so every page was planned again; the adapter writes LIMIT and
OFFSET into the SQL text (``studiocore_sql.repositories.paged``). Whether a
bound LIMIT gets a generic plan depends on the table: here, with a few hundred
shows, it would; with bench_http's million it did not (RESULTS.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studiocore import Services, ShowQuery
from studiocore_sql import SqlDatabase
from tests.support.postgres import fresh_database

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def plans(db: SqlDatabase, *patterns: str) -> list[list[tuple[int, int]]]:
    """For each of ``patterns``, the (generic, custom) plan counts of the
    prepared statements whose text is ``LIKE`` it, on the pool's only
    connection (read at once: the rollback that ends the read drops them)."""
    with db.engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
        ).all()
    return [
        [(int(g), int(c)) for text, g, c in found if _like(text, pattern)] for pattern in patterns
    ]


def _like(text: str, pattern: str) -> bool:
    parts = pattern.split("%")
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


@pytest.mark.parametrize("offset", [0, 50])
def test_a_page_read_again_and_again_runs_one_generic_plan(offset: int) -> None:
    with fresh_database(pool_size=1, max_overflow=0) as db:
        services = Services(db)
        studio = services.studios.create("Studio")
        room = services.studio_rooms.create(studio.uid, "Room")
        client = services.clients.create("Client")
        for hour in range(120):
            start = T0 + timedelta(hours=hour)
            services.shows.create(
                f"Show {hour}",
                start,
                start + timedelta(minutes=50),
                studio_room_uid=room.uid,
                client_uid=client.uid,
            )
        query = ShowQuery(studio_uid=studio.uid, start_from=T0, start_to=T0 + timedelta(days=7))
        for _ in range(20):  # psycopg prepares on the 6th run, then 15 runs
            page = services.shows.search(query, limit=50, offset=offset)
            assert len(page.items) == 50
            assert page.total == 120
            services.studios.list(limit=10)

        shows_page, studios_page = plans(
            db,
            f"FROM shows %ORDER BY shows.show_start, shows.uid%LIMIT 50{' OFFSET 50' * bool(offset)}",
            "FROM studios %LIMIT 10",
        )
    assert shows_page, "the show page was not prepared"
    assert studios_page, "the studio page was not prepared"
    for generic, custom in shows_page + studios_page:
        # After five custom plans (PostgreSQL's trial), the rest are generic.
        assert custom <= 5
        assert generic == 15 - custom
