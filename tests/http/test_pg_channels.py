"""Live notifications' LISTEN/NOTIFY backend survives the database dropping
its connection (a restart, a failover, a proxy's idle cut): it reconnects,
listens again, and the next notification arrives."""

from __future__ import annotations

import asyncio
import secrets

import psycopg

from studiocore_http.features.notifications.pg_channels import ListenNotifyBackend
from tests.support.postgres import scratch_database


async def _next(backend: ListenNotifyBackend, timeout: float) -> tuple[str, bytes]:
    events = backend.stream_events()
    try:
        return await asyncio.wait_for(anext(events), timeout)
    finally:
        await events.aclose()


async def _publish_until_heard(backend: ListenNotifyBackend, channel: str, data: bytes) -> bytes:
    """Publish every 0.2 s until the backend hears it (a reconnect takes a moment)."""
    for _ in range(100):
        await backend.publish(data, [channel])
        try:
            heard = await _next(backend, 0.2)
        except TimeoutError:
            continue
        assert heard[0] == channel
        return heard[1]
    raise AssertionError("never heard")


def test_the_backend_listens_again_after_its_connection_is_killed() -> None:
    with scratch_database() as url:
        dsn = "postgresql://" + url.partition("://")[2]
        channel = f"studiocore_test_{secrets.token_hex(4)}"

        async def scenario() -> None:
            backend = ListenNotifyBackend(dsn, max_pause=0.5)
            await backend.on_startup()
            try:
                await backend.subscribe([channel])
                await asyncio.wait_for(backend.connected.wait(), 10)
                assert await _publish_until_heard(backend, channel, b"before") == b"before"

                async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as admin:
                    killed = await admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE query = %s AND pid <> pg_backend_pid()",
                        (f'LISTEN "{channel}"',),
                    )
                    assert [row[0] for row in await killed.fetchall()] == [True]
                assert await _publish_until_heard(backend, channel, b"after") == b"after"
                assert backend.connected.is_set()
            finally:
                await backend.on_shutdown()

        asyncio.run(scenario())
