"""Sending webhooks: the worker that empties the outbox.

A :class:`WebhookWorker` claims due deliveries (``services.webhooks.claim``:
a lease, committed at once), POSTs each one outside any transaction, signed
as the Standard Webhooks specification says, and records the attempt
(``services.webhooks.record``): delivered on a 2xx answer, else retried with
exponential backoff (:data:`studiocore.services.webhook_messages.BACKOFF`).

A worker killed between the claim and the record leaves the lease to expire
(:attr:`WebhookWorker.lease`), and another worker sends the delivery again:
deliveries are *at least once*, and the ``webhook-id`` header (the same on
every attempt) is the receiver's idempotency key.

The HTTP app runs one worker in a thread (``STUDIOCORE_WEBHOOK_WORKER``), woken
as soon as a change that queued deliveries commits; ``studiocore worker`` runs
workers in processes of their own, which on PostgreSQL scale out (claims use
``FOR UPDATE SKIP LOCKED``) and poll every ``--poll-interval`` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx

from studiocore import Services
from studiocore.services import Attempt, Dispatch
from studiocore.services.webhook_messages import BACKOFF, webhook_headers

from .egress import EgressPolicy, EgressRefusedError

__all__ = ["WebhookWorker"]

log = logging.getLogger("studiocore_http.webhooks")


class WebhookWorker:
    """Claims, sends and records webhook deliveries of ``services``.

    ``timeout`` bounds each request (seconds); ``lease`` how long a claimed
    delivery stays the worker's (default: twice the timeout and 5 s, longer
    than a send and its record); ``backoff`` the waits
    between attempts; ``batch`` how many deliveries one claim takes;
    ``egress`` which addresses deliveries may go to (default: public ones
    only, :mod:`studiocore_http.egress`).
    """

    def __init__(
        self,
        services: Services,
        *,
        timeout: float = 10.0,
        batch: int = 10,
        lease: timedelta | None = None,
        backoff: Sequence[timedelta] = BACKOFF,
        poll_interval: float = 1.0,
        client: httpx.Client | None = None,
        egress: EgressPolicy | None = None,
    ) -> None:
        self.services = services
        self.egress = egress or EgressPolicy()
        self.timeout = timeout
        self.batch = batch
        self.lease = lease or timedelta(seconds=2 * timeout + 5)
        self.backoff = tuple(backoff)
        self.poll_interval = poll_interval
        self._client = client or httpx.Client(follow_redirects=False)
        self._own_client = client is None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- one round --------------------------------------------------------------------

    def run_once(self) -> int:
        """Claim one batch of due deliveries and send them; how many were sent."""
        if not self.services.webhooks.due(look=self.batch * 2):
            return 0
        claimed = self.services.webhooks.claim(limit=self.batch, lease=self.lease)
        for dispatch in claimed:
            if self._stop.is_set():
                break  # the lease hands the rest to another worker
            self.deliver(dispatch)
        return len(claimed)

    def drain(self) -> int:
        """Send until nothing is due; how many attempts were made."""
        total = 0
        while not self._stop.is_set():
            sent = self.run_once()
            total += sent
            if sent < self.batch:
                break
        return total

    def send(self, dispatch: Dispatch) -> Attempt:
        """POST one delivery, signed, and say how it went (never raises)."""
        started = self.services.context.clock.now()
        headers = webhook_headers(
            dispatch.secret, dispatch.message_id, datetime.now(UTC), dispatch.body
        )
        headers["user-agent"] = "studiocore-webhooks"
        begun = time.perf_counter()
        try:
            url, host, extensions = self.egress.pinned(dispatch.url)
            response = self._client.post(
                url,
                content=dispatch.body,
                headers={**headers, **host},
                timeout=self.timeout,
                extensions=extensions,
            )
        except EgressRefusedError as exc:
            error = f"refused: {exc}"
        except httpx.TimeoutException:
            error = f"timed out after {self.timeout:g} s"
        except Exception as exc:  # a refused connection, a bad address, a TLS error
            error = f"{type(exc).__name__}: {exc}"[:500]
        else:
            return Attempt(
                started_at=started,
                duration=timedelta(seconds=time.perf_counter() - begun),
                status_code=response.status_code,
                response=response.text[:500],
            )
        return Attempt(
            started_at=started,
            duration=timedelta(seconds=time.perf_counter() - begun),
            error=error,
        )

    def deliver(self, dispatch: Dispatch) -> Attempt:
        """Send one claimed delivery and record the attempt."""
        attempt = self.send(dispatch)
        try:
            self.services.webhooks.record(dispatch.delivery_uid, attempt, backoff=self.backoff)
        except Exception:  # the lease expires and another attempt follows
            log.exception("webhook %s: could not record the attempt", dispatch.delivery_uid)
        return attempt

    # -- running ----------------------------------------------------------------------

    def wake(self) -> None:
        """Look for due deliveries now (called after a commit that queued some)."""
        self._wake.set()

    def run(self) -> None:
        """Drain, then wait for a wake-up or the poll interval, until :meth:`stop`."""
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.drain()
            except Exception:
                log.exception("webhook worker: a round failed; trying again")
            self._wake.wait(self.poll_interval)

    def start(self) -> None:
        """Run in a daemon thread, woken by every commit that queues deliveries."""
        if self._thread is not None:
            return
        self.services.webhooks.on_queued(self.wake)
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="studiocore-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the delivery in progress (waits for the thread, if any).
        Takes no argument: Litestar calls it on shutdown."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(self.timeout + 5)
            self._thread = None
        if self._own_client:
            self._client.close()
