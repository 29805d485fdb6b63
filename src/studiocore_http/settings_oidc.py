"""The OpenID Connect settings: the issuers whose tokens are accepted
(:class:`OidcProvider`, from ``STUDIOCORE_OIDC_ISSUER`` and its siblings or
``STUDIOCORE_OIDC_PROVIDERS``) and the membership of users provisioned at first
sign-in (:class:`DefaultMembership`). The settings are documented in the table of
:mod:`studiocore_http.settings`, which re-exports every public name here."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from urllib.parse import urlsplit

import attrs

from .settings_env import ENV_PREFIX, ConfigError, _list, _optional

__all__ = [
    "DEFAULT_OIDC_ALGORITHMS",
    "OIDC_ALGORITHMS",
    "DefaultMembership",
    "OidcProvider",
    "check_url",
]

DEFAULT_OIDC_ALGORITHMS = ("RS256", "ES256")
OIDC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
"""Asymmetric algorithms only: ``none`` and the HMAC ones (``HS*``) are never
accepted from an identity provider (an HMAC "public key" is no secret)."""
_GROUP_TYPES = ("studio", "client", "platform")
_MEMBERSHIP_ROLES = ("admin", "manager", "member")


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(value: str, what: str) -> None:
    """An ``https`` URL (``http`` only on this machine's loopback, for tests)."""
    parts = urlsplit(value)
    if not parts.netloc or parts.scheme not in {"https", "http"}:
        raise ConfigError(f"{what} must be an https URL, got {value!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError(f"{what} must use https (http only on localhost), got {value!r}")


@attrs.frozen(kw_only=True)
class OidcProvider:
    """An OpenID Connect issuer whose bearer tokens are accepted. Raises
    :class:`ConfigError` when it cannot be used safely."""

    issuer: str
    """The ``iss`` of its tokens, exactly as the provider writes it."""
    audience: str
    """The ``aud`` its tokens must carry (the API's client id or identifier)."""
    jwks_url: str | None = None
    """Its key set; ``None``: read from ``<issuer>/.well-known/openid-configuration``."""
    algorithms: tuple[str, ...] = DEFAULT_OIDC_ALGORITHMS

    def __attrs_post_init__(self) -> None:
        check_url(self.issuer, "the OIDC issuer")
        if "|" in self.issuer or any(c.isspace() for c in self.issuer):
            raise ConfigError(f"the OIDC issuer must not contain '|' or spaces: {self.issuer!r}")
        if not self.audience.strip():
            raise ConfigError(f"the OIDC issuer {self.issuer} needs an audience")
        if self.jwks_url is not None:
            check_url(self.jwks_url, f"the JWKS URL of {self.issuer}")
        if not self.algorithms:
            raise ConfigError(f"the OIDC issuer {self.issuer} needs at least one algorithm")
        refused = [a for a in self.algorithms if a not in OIDC_ALGORITHMS]
        if refused:
            raise ConfigError(
                f"OIDC algorithm {refused[0]!r} is not allowed for {self.issuer}; "
                f"use asymmetric ones such as {', '.join(DEFAULT_OIDC_ALGORITHMS)}"
            )


@attrs.frozen(kw_only=True)
class DefaultMembership:
    """The membership a user provisioned at first sign-in is given."""

    group_uid: str
    role: str

    @classmethod
    def parse(cls, raw: str) -> DefaultMembership:
        """From ``<studio|client|platform>:<uid>:<admin|manager|member>``."""
        name = f"{ENV_PREFIX}OIDC_DEFAULT_MEMBERSHIP"
        parts = raw.strip().split(":")
        if len(parts) != 3:
            raise ConfigError(f"{name} must look like client:<client_uid>:member, got {raw!r}")
        group_type, group_uid, role = (p.strip() for p in parts)
        if group_type not in _GROUP_TYPES:
            raise ConfigError(f"{name}: the group type must be one of {', '.join(_GROUP_TYPES)}")
        if not group_uid.startswith(group_type + "_"):
            raise ConfigError(f"{name}: {group_uid!r} is not a {group_type} uid")
        if role not in _MEMBERSHIP_ROLES:
            raise ConfigError(f"{name}: the role must be one of {', '.join(_MEMBERSHIP_ROLES)}")
        return cls(group_uid=group_uid, role=role)

    @property
    def group_type(self) -> str:
        return self.group_uid.split("_", 1)[0]


def _provider_of(item: object, index: int) -> OidcProvider:
    name = f"{ENV_PREFIX}OIDC_PROVIDERS[{index}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{name} must be an object with issuer and audience")
    unknown = sorted(set(item) - {"issuer", "audience", "jwks_url", "algorithms"})
    if unknown:
        raise ConfigError(f"{name} has an unknown key {unknown[0]!r}")
    issuer, audience = item.get("issuer"), item.get("audience")
    jwks_url, algorithms = item.get("jwks_url"), item.get("algorithms", DEFAULT_OIDC_ALGORITHMS)
    if not isinstance(issuer, str) or not isinstance(audience, str):
        raise ConfigError(f"{name} needs an issuer and an audience (strings)")
    if jwks_url is not None and not isinstance(jwks_url, str):
        raise ConfigError(f"{name}: jwks_url must be a string")
    if not isinstance(algorithms, list | tuple) or not all(isinstance(a, str) for a in algorithms):
        raise ConfigError(f"{name}: algorithms must be a list of strings")
    return OidcProvider(
        issuer=issuer, audience=audience, jwks_url=jwks_url, algorithms=tuple(algorithms)
    )


def _oidc_providers(env: Mapping[str, str]) -> tuple[OidcProvider, ...]:
    single = {k: _optional(env, "OIDC_" + k) for k in ("ISSUER", "AUDIENCE", "JWKS_URL")}
    algorithms = _list(env, "OIDC_ALGORITHMS")
    raw = _optional(env, "OIDC_PROVIDERS")
    if raw is not None:
        if any(single.values()) or algorithms:
            raise ConfigError(
                f"set either {ENV_PREFIX}OIDC_PROVIDERS or {ENV_PREFIX}OIDC_ISSUER (and its "
                "AUDIENCE, JWKS_URL, ALGORITHMS), not both"
            )
        try:
            items = json.loads(raw)
        except ValueError:
            raise ConfigError(f"{ENV_PREFIX}OIDC_PROVIDERS is not valid JSON") from None
        if not isinstance(items, list):
            raise ConfigError(f"{ENV_PREFIX}OIDC_PROVIDERS must be a JSON list of objects")
        return tuple(_provider_of(item, i) for i, item in enumerate(items))
    if single["ISSUER"] is None:
        if any(single.values()) or algorithms:
            raise ConfigError(f"{ENV_PREFIX}OIDC_ISSUER is not set, but other OIDC_* settings are")
        return ()
    if single["AUDIENCE"] is None:
        raise ConfigError(f"{ENV_PREFIX}OIDC_AUDIENCE must be set with {ENV_PREFIX}OIDC_ISSUER")
    return (
        OidcProvider(
            issuer=single["ISSUER"],
            audience=single["AUDIENCE"],
            jwks_url=single["JWKS_URL"],
            algorithms=algorithms or DEFAULT_OIDC_ALGORITHMS,
        ),
    )
