"""Sign-in through an OpenID Connect provider, against a local identity provider.

The provider is real HTTP on 127.0.0.1 (a free port): an RSA key pair made with
``cryptography``, its JWKS and an openid-configuration document served by
``http.server`` in a thread. Tokens are minted with PyJWT, as a provider would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
from litestar import Litestar, Request, get
from litestar.testing import TestClient

from studiocore import Services, User, UserRole
from studiocore_http import Settings, create_app
from studiocore_http.oidc import external_id
from studiocore_http.settings import DefaultMembership, OidcProvider
from tests.support.idp import AUDIENCE, LocalIdP, new_key

from .conftest import SECRET, bearer

API = "/api/v1"


@pytest.fixture
def settings(idp: LocalIdP) -> Settings:
    """The conftest's settings plus the local provider (keys by discovery)."""
    return Settings(
        jwt_secret=SECRET,
        log_requests=False,
        auth_cache_seconds=0,
        oidc_providers=(OidcProvider(issuer=idp.issuer, audience=AUDIENCE),),
    )


@get("/test/whoami", sync_to_thread=False)
def whoami(request: Request[User, Any, Any]) -> dict[str, Any]:
    return {"uid": request.user.uid, "ext_id": request.user.ext_id}


@pytest.fixture
def app(settings: Settings, services: Services) -> Litestar:
    application = create_app(settings, services=services)
    application.register(whoami)
    return application


@pytest.fixture
def alice(services: Services, idp: LocalIdP) -> User:
    return services.users.create(
        "alice@example.com", "Alice", ext_id=external_id(idp.issuer, "alice-123")
    )


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _refused(client: TestClient[Litestar], token: str) -> str:
    response = client.get(f"{API}/studios", headers=_auth(token))
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["status_code"] == 401
    detail: str = body["detail"]
    return detail


# -- signing in -------------------------------------------------------------------


def test_a_valid_token_signs_in_as_the_user_of_its_subject(
    client: TestClient[Litestar], idp: LocalIdP, alice: User, services: Services
) -> None:
    services.users.create("bob@example.com", "Bob", ext_id=external_id(idp.issuer, "bob-9"))
    token = idp.token("alice-123")
    assert client.get(f"{API}/studios", headers=_auth(token)).status_code == 200
    response = client.get("/test/whoami", headers=_auth(token))
    assert response.status_code == 200
    assert response.json() == {"uid": alice.uid, "ext_id": f"{idp.issuer}|alice-123"}
    # The keys were found through the discovery document, then cached.
    assert idp.requests.count("/realms/studio/.well-known/openid-configuration") == 1
    client.get(f"{API}/studios", headers=_auth(token))
    assert idp.jwks_fetches() == 1


def test_an_oidc_admin_writes_and_the_write_is_audited_as_them(
    client: TestClient[Litestar], idp: LocalIdP, services: Services
) -> None:
    admin = services.users.create(
        "ops@example.com", "Ops", role=UserRole.ADMIN, ext_id=external_id(idp.issuer, "ops")
    )
    response = client.post(
        f"{API}/studios", json={"name": "Tokyo"}, headers=_auth(idp.token("ops"))
    )
    assert response.status_code == 201, response.text
    audits = services.audits.history(response.json()["uid"])
    assert [a.user_uid for a in audits] == [admin.uid]


def test_a_configured_jwks_url_is_used_without_discovery(
    idp: LocalIdP, services: Services, alice: User
) -> None:
    settings = Settings(
        jwt_secret=SECRET,
        log_requests=False,
        oidc_providers=(OidcProvider(issuer=idp.issuer, audience=AUDIENCE, jwks_url=idp.jwks_url),),
    )
    with TestClient(create_app(settings, services=services)) as client:
        assert client.get(f"{API}/studios", headers=_auth(idp.token())).status_code == 200
    assert idp.requests == ["/jwks"]


def test_the_subject_is_scoped_by_issuer(
    client: TestClient[Litestar], idp: LocalIdP, services: Services
) -> None:
    """A user linked to another issuer's ``alice-123`` is not this issuer's ``alice-123``."""
    services.users.create(
        "alice@example.com", "Alice", ext_id=external_id("https://other.example.com", "alice-123")
    )
    assert "unknown to studiocore" in _refused(client, idp.token("alice-123"))


# -- refused tokens -----------------------------------------------------------------


def _foreign_issuer(idp: LocalIdP) -> str:
    claims = {**idp.claims("alice-123"), "iss": "https://evil.example.com"}
    return jwt.encode(claims, idp.keys["key-1"], algorithm="RS256", headers={"kid": "key-1"})


def _expired(idp: LocalIdP) -> str:
    past = int(time.time()) - 600
    return idp.token(iat=past - 300, exp=past)


def _without_expiry(idp: LocalIdP) -> str:
    claims = idp.claims("alice-123")
    del claims["exp"]
    return jwt.encode(claims, idp.keys["key-1"], algorithm="RS256", headers={"kid": "key-1"})


def _forged_under_a_known_kid(idp: LocalIdP) -> str:
    return jwt.encode(
        idp.claims("alice-123"), new_key(), algorithm="RS256", headers={"kid": "key-1"}
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_foreign_issuer, "unknown issuer"),
        (lambda idp: idp.token(aud="some-other-api"), "wrong audience"),
        (_expired, "token expired"),
        (_without_expiry, "missing claim 'exp'"),
        (lambda idp: idp.token(kid="not-in-the-jwks"), "unknown signing key"),
        (_forged_under_a_known_kid, "invalid signature"),
    ],
    ids=["other-issuer", "other-audience", "expired", "no-exp", "unknown-kid", "other-key"],
)
def test_a_token_that_does_not_prove_who_it_names_is_refused_with_the_reason(
    client: TestClient[Litestar],
    idp: LocalIdP,
    alice: User,
    make: Callable[[LocalIdP], str],
    reason: str,
) -> None:
    assert _refused(client, make(idp)) == reason


def test_a_tampered_token_is_refused(
    client: TestClient[Litestar], idp: LocalIdP, alice: User, services: Services
) -> None:
    """The payload is changed to name another (admin) user; the signature is kept."""
    services.users.create(
        "root@example.com", "Root", role=UserRole.ADMIN, ext_id=external_id(idp.issuer, "root")
    )
    header, _, signature = idp.token("alice-123").split(".")
    payload = base64.urlsafe_b64encode(json.dumps(idp.claims("root")).encode()).rstrip(b"=")
    assert _refused(client, f"{header}.{payload.decode()}.{signature}") == "invalid signature"


def test_an_unsigned_token_is_refused(
    client: TestClient[Litestar], idp: LocalIdP, alice: User, settings: Settings
) -> None:
    unsigned = jwt.encode(idp.claims("alice-123"), "", algorithm="none", headers={"kid": "key-1"})
    assert _refused(client, unsigned) == "signing algorithm not allowed"
    builtin = {"sub": alice.uid, "exp": 4102444800, "iat": 0, "iss": settings.jwt_issuer}
    assert _refused(client, jwt.encode(builtin, "", algorithm="none")) == (
        "signing algorithm not allowed"
    )


def _hs256(claims: dict[str, Any], secret: bytes, kid: str | None = None) -> str:
    """HS256 by hand: PyJWT itself refuses to use a PEM public key as an HMAC secret."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    header: dict[str, Any] = {"alg": "HS256", "typ": "JWT"} | ({"kid": kid} if kid else {})
    signing_input = f"{part(header)}.{part(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def test_an_hs256_token_keyed_with_the_providers_public_key_is_refused(
    client: TestClient[Litestar], idp: LocalIdP, alice: User, settings: Settings
) -> None:
    """The algorithm-confusion attack: the public key is public, so an HMAC made
    with it proves nothing, whichever issuer the token claims."""
    as_provider = _hs256(idp.claims("alice-123"), idp.public_pem(), kid="key-1")
    assert _refused(client, as_provider) == "signing algorithm not allowed"
    builtin = {**idp.claims(alice.uid), "iss": settings.jwt_issuer}
    del builtin["aud"]
    assert _refused(client, _hs256(builtin, idp.public_pem())) == "invalid signature"


def test_a_malformed_token_and_a_missing_token_are_refused(client: TestClient[Litestar]) -> None:
    assert _refused(client, "not-a-jwt") == "malformed token"
    response = client.get(f"{API}/studios")
    assert response.status_code == 401
    assert response.json()["detail"] == "no bearer token"


# -- keys ---------------------------------------------------------------------------


def _client_with_cooldown(
    idp: LocalIdP, services: Services, *, seconds: float
) -> TestClient[Litestar]:
    """A client of an app trusting ``idp`` that refetches its keys for an
    unknown kid at most every ``seconds``."""
    settings = Settings(
        jwt_secret=SECRET,
        log_requests=False,
        oidc_providers=(OidcProvider(issuer=idp.issuer, audience=AUDIENCE),),
        oidc_jwks_cooldown_seconds=seconds,
    )
    return TestClient(create_app(settings, services=services))


def test_a_rotated_key_is_picked_up_without_a_restart(
    idp: LocalIdP, services: Services, alice: User
) -> None:
    with _client_with_cooldown(idp, services, seconds=0) as client:
        old = idp.token()
        assert client.get(f"{API}/studios", headers=_auth(old)).status_code == 200
        new_kid = idp.rotate()
        new = idp.token(kid=new_kid)
        assert client.get(f"{API}/studios", headers=_auth(new)).status_code == 200
        assert idp.jwks_fetches() == 2  # the unknown kid made it fetch the set once more
        # The withdrawn key is no longer in the set that is now cached.
        assert _refused(client, old) == "unknown signing key"


def test_unknown_key_ids_do_not_make_the_server_hammer_the_provider(
    idp: LocalIdP, services: Services, alice: User
) -> None:
    with _client_with_cooldown(idp, services, seconds=60) as client:
        assert client.get(f"{API}/studios", headers=_auth(idp.token())).status_code == 200
        for n in range(5):
            assert _refused(client, idp.token(kid=f"made-up-{n}")) == "unknown signing key"
    assert idp.jwks_fetches() == 1


def test_an_unreachable_provider_is_a_503(services: Services, alice: User, idp: LocalIdP) -> None:
    token = idp.token()
    idp.server.shutdown()
    idp.server.server_close()
    settings = Settings(
        jwt_secret=SECRET,
        log_requests=False,
        oidc_providers=(OidcProvider(issuer=idp.issuer, audience=AUDIENCE),),
    )
    with TestClient(create_app(settings, services=services)) as client:
        response = client.get(f"{API}/studios", headers=_auth(token))
    assert response.status_code == 503
    assert "identity provider" in response.json()["detail"]


# -- accounts -----------------------------------------------------------------------


def test_an_unknown_subject_is_refused_with_a_clear_message(
    client: TestClient[Litestar], idp: LocalIdP, services: Services
) -> None:
    detail = _refused(client, idp.token("newcomer", email="new@example.com"))
    assert "unknown to studiocore" in detail
    assert "administrator" in detail
    assert f"{idp.issuer}|newcomer" in detail
    assert services.users.list() == []


def test_a_deleted_user_is_refused(
    client: TestClient[Litestar], idp: LocalIdP, alice: User, services: Services
) -> None:
    services.users.delete(alice.uid)
    assert "deleted" in _refused(client, idp.token("alice-123"))


def test_a_banned_user_is_refused_by_the_core(
    client: TestClient[Litestar], idp: LocalIdP, alice: User, services: Services
) -> None:
    token = idp.token("alice-123")
    assert client.get(f"{API}/studios", headers=_auth(token)).status_code == 200
    services.users.update(alice.uid, {"is_banned": True})
    assert client.get(f"{API}/studios", headers=_auth(token)).status_code == 403


def test_built_in_tokens_still_work_next_to_oidc(
    client: TestClient[Litestar], settings: Settings, admin: User
) -> None:
    headers = bearer(settings, admin)
    assert client.post(f"{API}/studios", json={"name": "Mine"}, headers=headers).status_code == 201
    assert client.get("/test/whoami", headers=headers).json()["uid"] == admin.uid


def test_built_in_tokens_say_why_they_are_refused(
    client: TestClient[Litestar], settings: Settings, admin: User
) -> None:
    expired = jwt.encode(
        {"sub": admin.uid, "exp": 1_000_000_000, "iss": settings.jwt_issuer}, SECRET, "HS256"
    )
    assert _refused(client, expired) == "token expired"
    forged = jwt.encode(
        {"sub": admin.uid, "exp": 4102444800, "iss": settings.jwt_issuer}, "x" * 40, "HS256"
    )
    assert _refused(client, forged) == "invalid signature"
    claims = {
        "sub": "user_01J0000000000000000000000",
        "exp": 4102444800,
        "iss": settings.jwt_issuer,
    }
    assert _refused(client, jwt.encode(claims, SECRET, "HS256")) == "missing claim 'iat'"
    ghost = jwt.encode({**claims, "iat": int(time.time())}, SECRET, "HS256")
    assert _refused(client, ghost) == "the user of this token does not exist"


# -- provisioning -------------------------------------------------------------------


@pytest.fixture
def provisioning(idp: LocalIdP, services: Services) -> Iterator[tuple[TestClient[Litestar], str]]:
    client_uid = services.clients.create("Acme").uid
    settings = Settings(
        jwt_secret=SECRET,
        log_requests=False,
        oidc_providers=(OidcProvider(issuer=idp.issuer, audience=AUDIENCE),),
        oidc_provision=True,
        oidc_default_membership=DefaultMembership.parse(f"client:{client_uid}:member"),
    )
    app = create_app(settings, services=services)
    app.register(whoami)
    with TestClient(app) as client:
        yield client, client_uid


def test_provisioning_creates_the_user_from_the_claims_with_the_default_membership(
    provisioning: tuple[TestClient[Litestar], str], idp: LocalIdP, services: Services
) -> None:
    client, client_uid = provisioning
    token = idp.token("carol-7", email="Carol@Example.com", email_verified=True, name="Carol C")
    response = client.get("/test/whoami", headers=_auth(token))
    assert response.status_code == 200, response.text
    user = services.users.get(response.json()["uid"])
    assert (user.email, user.name, user.role, user.ext_id) == (
        "carol@example.com",
        "Carol C",
        UserRole.USER,
        f"{idp.issuer}|carol-7",
    )
    assert services.memberships.role_in(user.uid, client_uid) == "member"
    # Audited like any write, as the system actor.
    created = {a.recordable_type: a for a in services.audits.page(limit=50).items}
    assert created["users"].recordable_uid == user.uid
    assert created["users"].action == "create"
    assert created["memberships"].new_values is not None
    assert created["memberships"].new_values["group_uid"] == client_uid
    # The next sign-in finds the same user.
    assert client.get("/test/whoami", headers=_auth(token)).json()["uid"] == user.uid
    assert len(services.users.list()) == 1


@pytest.mark.parametrize(
    ("claims", "name", "refusal"),
    [
        ({"email": "dave@example.com", "preferred_username": "dave"}, "dave", None),
        ({"email": "dave@example.com"}, "dave@example.com", None),
        ({}, None, "no e-mail address"),
        ({"email": "eve@example.com", "email_verified": False}, None, "not verified"),
        ({"email": "not an address"}, None, "cannot create your account"),
    ],
    ids=["username", "email-as-name", "no-email", "unverified", "bad-email"],
)
def test_provisioning_names_the_user_from_the_claims_and_needs_a_verified_email(
    provisioning: tuple[TestClient[Litestar], str],
    idp: LocalIdP,
    services: Services,
    *,
    claims: dict[str, Any],
    name: str | None,
    refusal: str | None,
) -> None:
    client, _ = provisioning
    token = idp.token("dave", **claims)
    if refusal is None:
        assert client.get(f"{API}/studios", headers=_auth(token)).status_code == 200
        assert [u.name for u in services.users.list()] == [name]
    else:
        assert refusal in _refused(client, token)
        assert services.users.list() == []


def test_provisioning_never_takes_over_an_account_by_its_email(
    provisioning: tuple[TestClient[Litestar], str], idp: LocalIdP, services: Services
) -> None:
    services.users.create("boss@example.com", "Boss", role=UserRole.ADMIN)
    detail = _refused(client=provisioning[0], token=idp.token("mallory", email="boss@example.com"))
    assert "not linked" in detail
    assert [u.ext_id for u in services.users.list()] == [None]


def test_provisioning_does_not_bring_back_a_deleted_account(
    provisioning: tuple[TestClient[Litestar], str], idp: LocalIdP, services: Services
) -> None:
    client, _ = provisioning
    token = idp.token("frank", email="frank@example.com")
    uid = client.get("/test/whoami", headers=_auth(token)).json()["uid"]
    services.users.delete(uid)
    assert "deleted" in _refused(client, token)
    assert services.users.list() == []
