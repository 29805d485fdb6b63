"""Signing in to the pages through an identity provider: the authorization
code flow with PKCE against a local provider (real HTTP on a free port)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services, UserRole
from studiocore_http import Settings, create_app
from studiocore_http.oidc import external_id
from studiocore_http.settings import ConfigError, OidcProvider
from studiocore_http.web.oidc_sign_in import pkce_challenge
from tests.support.idp import AUDIENCE, WEB_CLIENT, LocalIdP
from tests.web.conftest import SECRET

BASE = "https://studio.example.test"


def web_settings(idp: LocalIdP, **extra: object) -> Settings:
    return Settings(
        jwt_secret=SECRET,
        log_requests=False,
        oidc_providers=(OidcProvider(issuer=idp.issuer, audience=AUDIENCE),),
        oidc_web_client_id=WEB_CLIENT,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def services() -> Services:
    services = Services.in_memory()
    return services


@pytest.fixture
def client(idp: LocalIdP, services: Services) -> Iterator[TestClient[Litestar]]:
    app = create_app(web_settings(idp), services=services)
    with TestClient(app, base_url=BASE) as test_client:
        yield test_client


def to_provider(client: TestClient[Litestar]) -> dict[str, str]:
    """Start signing in; the query the browser is sent to the provider with."""
    answer = client.get("/sign-in/oidc", follow_redirects=False)
    assert answer.status_code in {302, 303}, answer.text
    location = answer.headers["location"]
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def provider_answer(idp: LocalIdP, query: dict[str, str]) -> str:
    """What the provider answers the browser: the callback with a code."""
    answer = httpx.get(f"{idp.base}/authorize", params=query, follow_redirects=False)
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(f"{BASE}/sign-in/callback?")
    return location.removeprefix(BASE)


def test_a_known_user_signs_in_through_the_provider(
    client: TestClient[Litestar], idp: LocalIdP, services: Services
) -> None:
    user = services.users.create(
        "alice@example.com", "Alice", ext_id=external_id(idp.issuer, "alice-123")
    )
    assert "Sign in with your organisation" in client.get("/sign-in").text
    query = to_provider(client)
    assert query["client_id"] == WEB_CLIENT
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == f"{BASE}/sign-in/callback"
    assert set(query["scope"].split()) >= {"openid"}
    answer = client.get(provider_answer(idp, query), follow_redirects=True)
    assert answer.status_code == 200, answer.text
    assert "Signed in as <strong>Alice</strong>" in answer.text
    # the code went back with the verifier whose challenge the provider saw
    [exchange] = idp.token_requests
    assert pkce_challenge(exchange["code_verifier"]) == query["code_challenge"]
    assert "client_secret" not in exchange  # a public client: PKCE alone
    assert client.get("/schedules").status_code == 200
    assert user.role is UserRole.USER


def test_a_callback_this_browser_did_not_start_is_refused(
    client: TestClient[Litestar], idp: LocalIdP, services: Services
) -> None:
    services.users.create("alice@example.com", "Alice", ext_id=external_id(idp.issuer, "alice-123"))
    query = to_provider(client)
    callback = provider_answer(idp, {**query, "state": "forged"})
    answer = client.get(callback, follow_redirects=True)
    assert "Signing in failed" in answer.text
    assert "not started here" in answer.text
    assert idp.token_requests == []  # the code was never even exchanged
    assert client.get("/schedules", follow_redirects=False).status_code in {302, 303, 401}


def test_a_code_is_refused_without_the_verifier_that_made_its_challenge(
    client: TestClient[Litestar], idp: LocalIdP, services: Services
) -> None:
    services.users.create("alice@example.com", "Alice", ext_id=external_id(idp.issuer, "alice-123"))
    query = to_provider(client)
    # another flow's challenge: the code the provider gives is bound to it
    callback = provider_answer(idp, {**query, "code_challenge": pkce_challenge("not-the-verifier")})
    answer = client.get(callback, follow_redirects=True)
    assert "refused the sign-in code" in answer.text
    assert "Signed in as" not in answer.text


def test_an_unknown_account_is_refused_unless_provisioning_is_on(
    idp: LocalIdP, services: Services
) -> None:
    for provision, signed_in in ((False, False), (True, True)):
        idp.subject = f"newcomer-{provision}"
        idp.profile = {"email": f"new-{provision}@example.com", "name": "Newcomer"}
        app = create_app(web_settings(idp, oidc_provision=provision), services=services)
        with TestClient(app, base_url=BASE) as client:
            answer = client.get(provider_answer(idp, to_provider(client)), follow_redirects=True)
        assert ("Signed in as" in answer.text) is signed_in, answer.text
    assert services.users.find_by_external_id(external_id(idp.issuer, "newcomer-True"))


def test_without_a_web_client_the_pages_offer_no_provider(
    idp: LocalIdP, services: Services
) -> None:
    settings = Settings(
        jwt_secret=SECRET,
        log_requests=False,
        oidc_providers=(OidcProvider(issuer=idp.issuer, audience=AUDIENCE),),
    )
    with TestClient(create_app(settings, services=services), base_url=BASE) as client:
        assert "Sign in with your organisation" not in client.get("/sign-in").text
        assert client.get("/sign-in/oidc", follow_redirects=False).status_code == 404


def test_a_web_client_needs_a_configured_issuer(idp: LocalIdP) -> None:
    with pytest.raises(ConfigError, match="OIDC_WEB_CLIENT_ID"):
        Settings(jwt_secret=SECRET, oidc_web_client_id=WEB_CLIENT)
    with pytest.raises(ConfigError, match="OIDC_WEB_ISSUER"):
        web_settings(idp, oidc_web_issuer="https://elsewhere.example")
    env = {
        "STUDIOCORE_JWT_SECRET": SECRET,
        "STUDIOCORE_OIDC_ISSUER": idp.issuer,
        "STUDIOCORE_OIDC_AUDIENCE": AUDIENCE,
        "STUDIOCORE_OIDC_WEB_CLIENT_ID": WEB_CLIENT,
        "STUDIOCORE_PUBLIC_URL": "https://studio.example.com",
    }
    settings = Settings.from_env(env)
    assert settings.web_provider() == settings.oidc_providers[0]
    assert settings.public_url == "https://studio.example.com"


def test_an_id_token_for_another_sign_in_is_refused(
    client: TestClient[Litestar], idp: LocalIdP, services: Services
) -> None:
    services.users.create("alice@example.com", "Alice", ext_id=external_id(idp.issuer, "alice-123"))
    callback = provider_answer(idp, to_provider(client))
    [grant] = idp.codes.values()
    grant["nonce"] = "the-nonce-of-another-sign-in"  # a replayed or swapped ID token
    answer = client.get(callback, follow_redirects=True)
    assert "does not match this sign-in" in answer.text
    assert "Signed in as" not in answer.text
