"""Every route resolves its dependencies one at a time.

Litestar resolves the dependencies of a handler that do not depend on one
another together, in an anyio task group (litestar-org/litestar#4563): per
request that costs more than the dependencies themselves (the services, the
actor, a parsed query), so ``studiocore_http.auth.actor_dependency`` chains
them. A new controller-level dependency that does not take its place in the
chain fails here.
"""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from studiocore import Services
from studiocore.access import MembershipPolicy
from studiocore_http import Settings, create_app
from tests.http.conftest import SECRET


def _batches(app: Litestar) -> dict[str, list[set[str]]]:
    found: dict[str, list[set[str]]] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (_, kwargs_model) in route.route_handler_map.items():
            found[f"{method} {route.path}"] = [
                {dependency.key for dependency in batch}
                for batch in kwargs_model.dependency_batches
            ]
    return found


@pytest.mark.parametrize("policy", ["simple", "membership"])
def test_no_route_resolves_two_dependencies_at_once(policy: str) -> None:
    services = Services.in_memory(policy=MembershipPolicy() if policy == "membership" else None)
    settings = Settings(jwt_secret=SECRET, log_requests=False, access_policy=policy)
    batches = _batches(create_app(settings, services=services))

    together = {route: b for route, b in batches.items() if any(len(x) > 1 for x in b)}
    assert together == {}
    # The chain itself: the services, then the actor, then the listing's query.
    assert batches["GET /api/v1/shows"] == [{"services"}, {"actor"}, {"search"}]
    assert batches["GET /api/v1/studios/{uid:str}/availability"] == [
        {"services"},
        {"actor"},
        {"free_time"},
    ]
