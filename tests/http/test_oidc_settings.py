"""The OIDC settings: read from STUDIOCORE_* variables, refused with one clear line
when unusable, and documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from studiocore import Services
from studiocore_http import ConfigError, Settings, create_app
from studiocore_http import settings as settings_module
from studiocore_http.oidc import reason_of
from studiocore_http.settings import DefaultMembership, OidcProvider

from .conftest import SECRET

ROOT = Path(__file__).resolve().parents[2]
ISSUER = "https://login.example.com/realms/studio"


def one_issuer(**more: str) -> dict[str, str]:
    """The variables of one usable issuer (audience "a"), with ``more`` added."""
    return {"STUDIOCORE_OIDC_ISSUER": ISSUER, "STUDIOCORE_OIDC_AUDIENCE": "a", **more}


def test_one_issuer_from_its_four_variables() -> None:
    settings = Settings.from_env(
        {
            "STUDIOCORE_OIDC_ISSUER": ISSUER,
            "STUDIOCORE_OIDC_AUDIENCE": "studiocore-api",
            "STUDIOCORE_OIDC_JWKS_URL": f"{ISSUER}/protocol/openid-connect/certs",
            "STUDIOCORE_OIDC_ALGORITHMS": "RS256, PS256",
            "STUDIOCORE_OIDC_PROVISION": "true",
            "STUDIOCORE_OIDC_DEFAULT_MEMBERSHIP": "client:client_01J000:member",
            "STUDIOCORE_OIDC_JWKS_COOLDOWN_SECONDS": "5",
        }
    )
    assert settings.oidc_providers == (
        OidcProvider(
            issuer=ISSUER,
            audience="studiocore-api",
            jwks_url=f"{ISSUER}/protocol/openid-connect/certs",
            algorithms=("RS256", "PS256"),
        ),
    )
    assert settings.oidc_provision is True
    assert settings.oidc_default_membership == DefaultMembership(
        group_uid="client_01J000", role="member"
    )
    assert settings.oidc_jwks_cooldown_seconds == 5


def test_no_oidc_by_default_and_default_algorithms() -> None:
    assert Settings.from_env({}).oidc_providers == ()
    only = Settings.from_env(
        {"STUDIOCORE_OIDC_ISSUER": ISSUER, "STUDIOCORE_OIDC_AUDIENCE": "api"}
    ).oidc_providers
    assert only[0].algorithms == ("RS256", "ES256")
    assert only[0].jwks_url is None


def test_several_issuers_from_a_json_list() -> None:
    providers = [
        {"issuer": ISSUER, "audience": "api"},
        {
            "issuer": "https://tenant.eu.auth0.com/",
            "audience": "https://studiocore.example.com/api",
            "jwks_url": "https://tenant.eu.auth0.com/.well-known/jwks.json",
            "algorithms": ["RS256"],
        },
    ]
    settings = Settings.from_env({"STUDIOCORE_OIDC_PROVIDERS": json.dumps(providers)})
    assert [p.issuer for p in settings.oidc_providers] == [ISSUER, "https://tenant.eu.auth0.com/"]
    assert settings.oidc_providers[1].algorithms == ("RS256",)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STUDIOCORE_OIDC_ISSUER": ISSUER}, "OIDC_AUDIENCE must be set"),
        ({"STUDIOCORE_OIDC_AUDIENCE": "api"}, "OIDC_ISSUER is not set"),
        (one_issuer(X="HS256"), None),
        (one_issuer(STUDIOCORE_OIDC_ALGORITHMS="HS256"), "'HS256' is not allowed"),
        (one_issuer(STUDIOCORE_OIDC_ALGORITHMS="RS256,none"), "'none' is not allowed"),
        (
            {"STUDIOCORE_OIDC_ISSUER": "http://login.example.com", "STUDIOCORE_OIDC_AUDIENCE": "a"},
            "must use https",
        ),
        (
            {"STUDIOCORE_OIDC_ISSUER": "login.example.com", "STUDIOCORE_OIDC_AUDIENCE": "a"},
            "must be an https URL",
        ),
        (one_issuer(STUDIOCORE_OIDC_JWKS_URL="file:///etc/keys.json"), "JWKS URL"),
        ({"STUDIOCORE_OIDC_PROVIDERS": "[{"}, "not valid JSON"),
        ({"STUDIOCORE_OIDC_PROVIDERS": '{"issuer": "x"}'}, "JSON list"),
        ({"STUDIOCORE_OIDC_PROVIDERS": f'[{{"issuer": "{ISSUER}"}}]'}, r"PROVIDERS\[0\]"),
        (
            {"STUDIOCORE_OIDC_PROVIDERS": f'[{{"issuer": "{ISSUER}", "audience": "a", "x": 1}}]'},
            "unknown key 'x'",
        ),
        (
            {
                "STUDIOCORE_OIDC_PROVIDERS": f'[{{"issuer": "{ISSUER}", "audience": "a"}}]',
                "STUDIOCORE_OIDC_ISSUER": ISSUER,
            },
            "not both",
        ),
        (
            {
                "STUDIOCORE_OIDC_PROVIDERS": json.dumps(
                    [{"issuer": ISSUER, "audience": "a"}, {"issuer": ISSUER, "audience": "b"}]
                )
            },
            "configured twice",
        ),
        (one_issuer(STUDIOCORE_JWT_ISSUER=ISSUER), "also STUDIOCORE_JWT_ISSUER"),
        ({"STUDIOCORE_OIDC_PROVISION": "true"}, "need an OIDC issuer"),
        (
            one_issuer(STUDIOCORE_OIDC_DEFAULT_MEMBERSHIP="client:client_01J:member"),
            "only used with STUDIOCORE_OIDC_PROVISION=true",
        ),
        ({"STUDIOCORE_OIDC_DEFAULT_MEMBERSHIP": "client_01J:member"}, "must look like"),
        ({"STUDIOCORE_OIDC_DEFAULT_MEMBERSHIP": "team:team_01J:member"}, "group type"),
        ({"STUDIOCORE_OIDC_DEFAULT_MEMBERSHIP": "client:studio_01J:member"}, "not a client uid"),
        ({"STUDIOCORE_OIDC_DEFAULT_MEMBERSHIP": "client:client_01J:owner"}, "the role"),
        ({"STUDIOCORE_OIDC_JWKS_COOLDOWN_SECONDS": "-1"}, "must not be negative"),
    ],
)
def test_unusable_oidc_settings_are_one_line_config_errors(
    env: dict[str, str], message: str | None
) -> None:
    if message is None:  # an unrelated variable changes nothing
        assert len(Settings.from_env(env).oidc_providers) == 1
        return
    with pytest.raises(ConfigError, match=message) as raised:
        Settings.from_env(env)
    assert "\n" not in str(raised.value)


def test_http_is_allowed_only_on_loopback() -> None:
    for issuer in ("http://127.0.0.1:8080/realms/x", "http://localhost:8080", "http://[::1]:9"):
        assert OidcProvider(issuer=issuer, audience="a").issuer == issuer
    with pytest.raises(ConfigError, match="https"):
        OidcProvider(issuer="http://10.0.0.5/realms/x", audience="a")


def test_the_default_membership_must_name_an_existing_group() -> None:
    services = Services.in_memory()
    settings = Settings(
        jwt_secret=SECRET,
        oidc_providers=(OidcProvider(issuer=ISSUER, audience="api"),),
        oidc_provision=True,
        oidc_default_membership=DefaultMembership.parse(
            "client:client_01J0000000000000000000000:member"
        ),
    )
    with pytest.raises(ConfigError, match="not a client in the database"):
        create_app(settings, services=services)
    studio = services.studios.create("Seoul")
    create_app(
        Settings(
            jwt_secret=SECRET,
            oidc_providers=settings.oidc_providers,
            oidc_provision=True,
            oidc_default_membership=DefaultMembership.parse(f"studio:{studio.uid}:manager"),
        ),
        services=services,
    )


def test_refusal_reasons_do_not_pass_on_library_messages() -> None:
    import jwt

    assert reason_of(jwt.DecodeError("Invalid header padding: b'...'")) == "malformed token"
    assert reason_of(jwt.InvalidTokenError("whatever")) == "invalid token"
    assert reason_of(None) == "invalid token"
    assert reason_of(jwt.MissingRequiredClaimError("aud")) == "missing claim 'aud'"


def test_every_setting_is_documented() -> None:
    """Each STUDIOCORE_* name the settings modules read is in the settings module's
    table and in docs (http-api.md or sign-in.md)."""
    folder = Path(settings_module.__file__).parent  # settings.py and its settings_*.py parts
    source = "".join(path.read_text() for path in sorted(folder.glob("settings*.py")))
    read = set(re.findall(r'_(?:flag|int|float|list|optional)\(env, "([A-Z_]+)"[,)]', source))
    assert {"OIDC_PROVIDERS", "OIDC_PROVISION", "RATE_LIMIT", "REDIS_URL"} <= read
    read |= {"JWT_ISSUER", "OIDC_ISSUER", "OIDC_AUDIENCE", "OIDC_JWKS_URL", "OIDC_ALGORITHMS"}
    docs = (ROOT / "docs" / "http-api.md").read_text() + (ROOT / "docs" / "sign-in.md").read_text()
    doc_table = settings_module.__doc__ or ""
    missing = sorted(
        name
        for name in read
        if f"STUDIOCORE_{name}`" not in doc_table or f"STUDIOCORE_{name}`" not in docs
    )
    assert missing == []
