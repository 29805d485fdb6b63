"""``studiocore worker``: send webhooks from a process of its own.

Each worker thread claims due deliveries with a lease, sends them and records
the attempts (:class:`~studiocore_http.webhooks.WebhookWorker`). On PostgreSQL
claims use ``FOR UPDATE SKIP LOCKED``, so several threads and several
``studiocore worker`` processes (on several machines) share the outbox
without sending a delivery twice while its lease holds; a worker killed
mid-send leaves its deliveries to the others once their lease expires.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from studiocore import Services
from studiocore_http.database import redact

from ._common import _database, _database_url, _settings, _url_of

__all__ = ["worker"]


@click.command()
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker threads in this process.",
)
@click.option(
    "--poll-interval",
    default=None,
    type=click.FloatRange(0.05),
    help="Seconds between looks for due deliveries (default: $STUDIOCORE_WEBHOOK_POLL_SECONDS, 1).",
)
@click.option(
    "--timeout",
    default=None,
    type=click.FloatRange(0.1),
    help="Seconds a receiver may take (default: $STUDIOCORE_WEBHOOK_TIMEOUT_SECONDS, 10).",
)
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@_database_url
def worker(
    concurrency: int,
    poll_interval: float | None,
    timeout: float | None,
    once: bool,
    database_url: str | None,
) -> None:
    """Send webhook deliveries (until stopped with Ctrl-C or SIGTERM)."""
    from studiocore_http.egress import EgressPolicy
    from studiocore_http.webhooks import WebhookWorker

    settings = _settings(database_url)
    with _database(settings) as database:
        services = Services(database, policy=settings.policy())
        workers = [
            WebhookWorker(
                services,
                timeout=settings.webhook_timeout_seconds if timeout is None else timeout,
                poll_interval=settings.webhook_poll_seconds
                if poll_interval is None
                else poll_interval,
                egress=EgressPolicy(settings.webhook_allowed_networks),
            )
            for _ in range(concurrency)
        ]
        if once:
            sent = sum(w.drain() for w in workers)
            for w in workers:
                w.stop()
            click.echo(f"{sent} webhook attempts made.")
            return
        stopped = threading.Event()

        def stop(signum: int, frame: FrameType | None) -> None:
            stopped.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        click.echo(
            f"Sending webhooks from {redact(_url_of(settings))} with {concurrency} "
            f"worker{'s' if concurrency > 1 else ''} (Ctrl-C stops)."
        )
        for w in workers:
            w.start()
        while not stopped.wait(0.5):
            pass
        for w in workers:
            w.stop()
        click.echo("Stopped.")
