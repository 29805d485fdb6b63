"""Property-based API testing: schemathesis drives every operation of the app's own
OpenAPI schema in-process with an admin token. No response may be a 5xx, and
every response must match the schema (status code documented, body and headers
conforming, JSON content type).

Two checks are left out on purpose: ``positive_data_acceptance`` (schema-valid
bodies carry random uids that reference nothing, which the API rightly refuses
with 422) and ``negative_data_rejection`` (Litestar's decoding is lenient where
harmless: ``0`` is read as ``false``; unknown query parameters are refused by
the app's request checks, tested in test_request_checks.py;
the strictness that matters, timestamps with offsets and unknown body fields,
is tested in test_shows.py and test_resources.py).

``STUDIOCORE_FUZZ_EXAMPLES`` (default 12 per operation, about half a minute)
runs deeper locally.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from studiocore import Services, UserRole
from studiocore_http import Settings, create_app, issue_token
from studiocore_sql import SqlDatabase
from tests.support.keys import TEST_SECRET_KEYS

from .conftest import SECRET

SETTINGS = Settings(jwt_secret=SECRET, log_requests=False)
# On the SQLite adapter rather than in memory, so that database-level failures
# (types, sizes, constraints) would surface as 5xx here too.
_FOLDER = Path(tempfile.mkdtemp(prefix="studiocore-schemathesis-"))
_DATABASE = SqlDatabase(f"sqlite:///{_FOLDER / 'fuzz.db'}", secret_keys=TEST_SECRET_KEYS)
_DATABASE.upgrade()
_SERVICES = Services(_DATABASE)
_ADMIN = _SERVICES.users.create("fuzz-admin@example.com", "Fuzz", role=UserRole.ADMIN)
_studio = _SERVICES.studios.create("Fuzz studio")
_room = _SERVICES.studio_rooms.create(_studio.uid, "Fuzz room")
_SERVICES.shows.create(
    "Fuzz show",
    datetime(2030, 1, 1, 9, tzinfo=UTC),
    datetime(2030, 1, 1, 10, tzinfo=UTC),
    studio_room_uid=_room.uid,
)
HEADERS = {"Authorization": f"Bearer {issue_token(SETTINGS, _ADMIN.uid)}"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


# Loaded at import: schemathesis' lazy ``from_fixture`` loader does not run on pytest 9.
@pytest.fixture(scope="module", autouse=True)
def _dispose_database() -> Iterator[None]:
    yield
    _DATABASE.dispose()
    shutil.rmtree(_FOLDER, ignore_errors=True)


schema = schemathesis.openapi.from_asgi(
    "/schema/openapi.json", create_app(SETTINGS, services=_SERVICES)
).exclude(operation_id="StreamNotifications")
"""Every operation but the live stream, which never ends (tested in
``tests/http/test_notifications.py``)."""


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("STUDIOCORE_FUZZ_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema_and_never_fails_with_5xx(
    case: schemathesis.Case[Any],
) -> None:
    case.call_and_validate(headers=HEADERS, checks=CHECKS)
