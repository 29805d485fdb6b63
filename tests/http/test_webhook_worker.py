"""The webhook worker against a receiver started by the test on 127.0.0.1:
signatures that ``standardwebhooks`` verifies, retries until the receiver takes
it (processed once, by idempotency key), timeouts, the server's own worker
woken by a commit, and a ``studiocore worker`` process killed mid-send on
PostgreSQL whose delivery another worker still makes."""

from __future__ import annotations

import json
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from standardwebhooks.webhooks import Webhook

from studiocore import DeliveryStatus, FixedClock, Services
from studiocore_http.app import create_app
from studiocore_http.egress import EgressPolicy
from studiocore_http.settings import Settings
from studiocore_http.webhooks import WebhookWorker
from tests.conftest import FreshDatabase
from tests.support.builders import T0
from tests.support.postgres import fresh_database
from tests.support.receiver import Receiver, receiver

NO_WAIT = (timedelta(0),)
LOCAL_NETWORKS = ("127.0.0.0/8",)
HERE = EgressPolicy(LOCAL_NETWORKS)
"""The receivers run on this host: a loopback address, refused by default."""
SRC = Path(__file__).parents[2] / "src"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def svc(fresh_db: FreshDatabase, clock: FixedClock) -> Services:
    return Services(fresh_db(), clock=clock)


def booked_show(svc: Services) -> tuple[str, str]:
    """A confirmed show and its owner-to-be (a user)."""
    studio = svc.studios.create("Studio A")
    room = svc.studio_rooms.create(studio.uid, "A1")
    owner = svc.users.create("ops@example.com", "Ops", role="admin")
    show = svc.shows.create(
        "Morning live",
        T0 + timedelta(days=1),
        T0 + timedelta(days=1, hours=1),
        studio_room_uid=room.uid,
    ).show
    return show.uid, owner.uid


def register(svc: Services, url: str, owner_uid: str) -> tuple[str, str]:
    made = svc.webhooks.create(url, ["show.cancelled"], owner_uid=owner_uid)
    return made.endpoint.uid, made.secret


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as running:
        yield running


def test_a_delivery_is_signed_as_standardwebhooks_verifies(svc: Services, hook: Receiver) -> None:
    show, owner = booked_show(svc)
    endpoint, secret = register(svc, hook.url, owner)
    svc.shows.cancel(show)
    worker = WebhookWorker(svc, egress=HERE, timeout=5)
    try:
        assert worker.drain() == 1
    finally:
        worker.stop()
    [request] = hook.requests
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload["type"] == "show.cancelled"
    assert payload["data"]["show_uid"] == show
    [delivery] = svc.webhooks.deliveries(endpoint).items
    assert request.headers["webhook-id"] == delivery.message_id
    assert delivery.status is DeliveryStatus.DELIVERED
    assert delivery.attempts_log["attempts"][0]["status_code"] == 200


def test_a_receiver_failing_twice_gets_the_event_once_by_its_id(svc: Services) -> None:
    show, owner = booked_show(svc)
    with receiver([500, 500, 200]) as failing:
        endpoint, secret = register(svc, failing.url, owner)
        svc.shows.cancel(show)
        worker = WebhookWorker(svc, egress=HERE, timeout=5, backoff=NO_WAIT)
        try:
            for _ in range(3):
                assert worker.drain() == 1
            assert worker.drain() == 0
        finally:
            worker.stop()
    ids = {r.headers["webhook-id"] for r in failing.requests}
    assert len(failing.requests) == 3
    assert len(ids) == 1
    assert [r.status for r in failing.requests] == [500, 500, 200]
    assert len(failing.processed) == 1
    for request in failing.requests:
        Webhook(secret).verify(request.body, request.headers)
    [delivery] = svc.webhooks.deliveries(endpoint).items
    assert delivery.status is DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    assert [a["status_code"] for a in delivery.attempts_log["attempts"]] == [500, 500, 200]


def test_a_receiver_too_slow_is_a_timeout_retried_later(svc: Services, clock: FixedClock) -> None:
    show, owner = booked_show(svc)
    with receiver(delay=1.0) as slow:
        endpoint, _ = register(svc, slow.url, owner)
        svc.shows.cancel(show)
        worker = WebhookWorker(svc, egress=HERE, timeout=0.2)
        try:
            worker.drain()
        finally:
            worker.stop()
    [delivery] = svc.webhooks.deliveries(endpoint).items
    assert delivery.status is DeliveryStatus.PENDING
    [attempt] = delivery.attempts_log["attempts"]
    assert attempt["error"] == "timed out after 0.2 s"
    assert attempt["status_code"] is None
    assert delivery.next_attempt_at == clock.now() + timedelta(seconds=5)
    assert svc.webhooks.get(endpoint).failing_since == clock.now()


def test_a_receiver_on_a_loopback_address_is_refused_unless_its_network_is_allowed(
    svc: Services, hook: Receiver
) -> None:
    show, owner = booked_show(svc)
    endpoint, _ = register(svc, hook.url.replace("127.0.0.1", "localhost"), owner)
    svc.shows.cancel(show)
    worker = WebhookWorker(svc, timeout=5, backoff=NO_WAIT)  # the default policy
    try:
        assert worker.drain() == 1
    finally:
        worker.stop()
    assert hook.requests == []
    [delivery] = svc.webhooks.deliveries(endpoint).items
    assert delivery.status is DeliveryStatus.PENDING  # tried again later
    [attempt] = delivery.attempts_log["attempts"]
    assert "localhost (127.0.0.1) is not a public address" in attempt["error"]
    assert "STUDIOCORE_WEBHOOK_ALLOWED_NETWORKS" in attempt["error"]

    allowed = WebhookWorker(svc, egress=HERE, timeout=5, backoff=NO_WAIT)
    try:
        assert allowed.drain() == 1
    finally:
        allowed.stop()
    [request] = hook.requests
    port = hook.url.split(":")[2].split("/")[0]
    assert request.headers["host"] == f"localhost:{port}"  # sent to the address checked
    [delivery] = svc.webhooks.deliveries(endpoint).items
    assert delivery.status is DeliveryStatus.DELIVERED


def test_over_tls_the_certificate_is_checked_against_the_url_s_name(svc: Services) -> None:
    """The request goes to the checked address, and TLS still verifies the
    certificate against the URL's name: this one names only ``localhost``."""
    certificate, key = _self_signed("localhost")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as folder:
        cert_file, key_file = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        cert_file.write_bytes(certificate)
        key_file.write_bytes(key)
        server.load_cert_chain(cert_file, key_file)
    trusting = ssl.create_default_context(cadata=certificate.decode("ascii"))
    show, owner = booked_show(svc)
    with receiver(tls=server) as secure, httpx.Client(verify=trusting) as client:
        port = secure.url.split(":")[2].split("/")[0]
        good, _ = register(svc, f"https://localhost:{port}/hook", owner)
        wrong, _ = register(svc, f"https://127.0.0.1:{port}/hook", owner)  # not its name
        svc.shows.cancel(show)
        worker = WebhookWorker(svc, egress=HERE, timeout=5, client=client)
        try:
            worker.drain()
        finally:
            worker.stop()
    [request] = secure.requests
    assert request.headers["host"] == f"localhost:{port}"
    assert svc.webhooks.deliveries(good).items[0].status is DeliveryStatus.DELIVERED
    [refused] = svc.webhooks.deliveries(wrong).items[0].attempts_log["attempts"]
    assert "CERTIFICATE_VERIFY_FAILED" in refused["error"]


def _self_signed(name: str) -> tuple[bytes, bytes]:
    """A certificate for DNS name ``name`` only, and its key (PEM)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def test_the_servers_worker_sends_as_soon_as_the_change_commits(hook: Receiver) -> None:
    services = Services.in_memory()
    show, owner = booked_show(services)
    register(services, hook.url, owner)
    settings = Settings(
        jwt_secret="x" * 32, webhook_poll_seconds=60.0, webhook_allowed_networks=LOCAL_NETWORKS
    )
    with TestClient(create_app(settings, services=services)):
        started = time.monotonic()
        services.shows.cancel(show)
        hook.wait_for(1, timeout=5)
        assert time.monotonic() - started < 2  # woken by the commit, not the 60 s poll
    assert hook.requests[0].headers["webhook-id"].startswith("msg_")


def test_the_server_sends_nothing_with_its_worker_off(hook: Receiver) -> None:
    services = Services.in_memory()
    show, owner = booked_show(services)
    register(services, hook.url, owner)
    settings = Settings(jwt_secret="x" * 32, webhook_worker=False)
    with TestClient(create_app(settings, services=services)):
        services.shows.cancel(show)
        time.sleep(0.3)
    assert hook.requests == []


# --------------------------------------------------------------------------- processes


def _worker(url: str, folder: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIOCORE_")}
    env.update(
        PYTHONPATH=str(SRC),
        PYTHONUNBUFFERED="1",
        STUDIOCORE_DATABASE_URL=url,
        STUDIOCORE_JWT_SECRET="x" * 32,
        STUDIOCORE_WEBHOOK_ALLOWED_NETWORKS=",".join(LOCAL_NETWORKS),
    )
    with (folder / "worker.log").open("ab") as log:  # the child keeps its own copy
        return subprocess.Popen(
            [sys.executable, "-m", "studiocore_http", "worker", *extra],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=folder,
        )


def test_a_worker_killed_mid_send_leaves_the_delivery_to_another(tmp_path: Path) -> None:
    with fresh_database() as db, receiver() as hanging:
        services = Services(db)
        show, owner = booked_show(services)
        endpoint, secret = register(services, hanging.url, owner)
        hanging.hold = threading.Event()
        services.shows.cancel(show)  # committed: the delivery is in the outbox
        first = _worker(db.url, tmp_path, "--timeout", "3", "--poll-interval", "0.1")
        try:
            assert hanging.arrived.wait(30), (tmp_path / "worker.log").read_text()
            first.send_signal(signal.SIGKILL)  # while it waits for the answer
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(10)
        [delivery] = services.webhooks.deliveries(endpoint).items
        assert delivery.status is DeliveryStatus.PENDING
        assert delivery.locked_until is not None
        assert delivery.attempts == 0  # the attempt was never recorded
        hanging.hold.set()
        second = _worker(db.url, tmp_path, "--timeout", "3", "--poll-interval", "0.1")
        try:
            deadline = time.monotonic() + 30  # the lease: 2 x 3 s + 5 s
            while True:
                [delivery] = services.webhooks.deliveries(endpoint).items
                if delivery.status is DeliveryStatus.DELIVERED:
                    break
                assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
                time.sleep(0.2)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(15)
        assert second.returncode == 0, (tmp_path / "worker.log").read_text()
    ids = {r.headers["webhook-id"] for r in hanging.requests}
    assert ids == {delivery.message_id}  # sent twice at most, one message
    assert len(hanging.processed) == 1
    payload = json.loads(hanging.processed[delivery.message_id])
    assert payload["data"]["show_uid"] == show
    Webhook(secret).verify(hanging.requests[-1].body, hanging.requests[-1].headers)
    assert delivery.attempts == 1


def test_worker_once_sends_what_is_due_and_exits(tmp_path: Path, hook: Receiver) -> None:
    with fresh_database() as db:
        services = Services(db)
        show, owner = booked_show(services)
        endpoint, _ = register(services, hook.url, owner)
        services.shows.cancel(show)
        done = subprocess.run(
            [sys.executable, "-m", "studiocore_http", "worker", "--once", "--concurrency", "2"],
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("STUDIOCORE_")},
                "PYTHONPATH": str(SRC),
                "STUDIOCORE_DATABASE_URL": db.url,
                "STUDIOCORE_WEBHOOK_ALLOWED_NETWORKS": ",".join(LOCAL_NETWORKS),
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "1 webhook attempts made." in done.stdout
        [delivery] = services.webhooks.deliveries(endpoint).items
        assert delivery.status is DeliveryStatus.DELIVERED
    assert len(hook.requests) == 1


# --------------------------------------------------------------------------- the docs' example

DOC = Path(__file__).parents[2] / "docs" / "collaboration.md"


def test_the_docs_verification_example_accepts_our_deliveries_only(
    svc: Services, hook: Receiver
) -> None:
    section = DOC.read_text().split("## Webhooks", 1)[1]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    receive = namespace["receive"]
    show, owner = booked_show(svc)
    _, secret = register(svc, hook.url, owner)
    svc.shows.cancel(show)
    worker = WebhookWorker(svc, egress=HERE, timeout=5)
    try:
        worker.drain()
    finally:
        worker.stop()
    [request] = hook.requests
    event = receive(request.body, request.headers, secret)
    assert event["type"] == "show.cancelled"
    assert event["data"]["show_uid"] == show
    forged = request.body.replace(b"show.cancelled", b"show.confirmed")
    assert receive(forged, request.headers, secret) is None
    other_secret = svc.webhooks.rotate_secret(svc.webhooks.list()[0].uid).secret
    assert receive(request.body, request.headers, other_secret) is None
