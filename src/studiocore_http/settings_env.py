"""Reading ``STUDIOCORE_*`` environment variables: the error a bad value raises
and the parsers of flags, numbers, lists and rates that :mod:`studiocore_http.settings`
and :mod:`studiocore_http.settings_oidc` share (import the public names from
:mod:`studiocore_http.settings`, which re-exports them)."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["ENV_PREFIX", "ConfigError", "Rate"]

ENV_PREFIX = "STUDIOCORE_"


class ConfigError(Exception):
    """The configuration cannot run a server (for example: no JWT secret)."""


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{ENV_PREFIX}{name} must be true or false, got {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{name} must be an integer, got {raw!r}") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{ENV_PREFIX}{name} must not be negative")
    return value


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env.get(ENV_PREFIX + name, "")
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _optional(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(ENV_PREFIX + name)
    return raw if raw else None


_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@attrs.frozen(kw_only=True)
class Rate:
    """At most ``limit`` requests per ``period`` seconds (a fixed window)."""

    limit: int
    period: int

    @classmethod
    def parse(cls, raw: str, name: str) -> Rate:
        """From ``N/second``, ``N/minute``, ``N/hour`` or ``N/day``; ``name`` (the
        setting) is named in the :class:`ConfigError` raised on anything else."""
        count, _, unit = raw.strip().partition("/")
        unit = unit.strip().lower()
        if not count.strip().isdigit() or unit not in _PERIODS or int(count) < 1:
            raise ConfigError(
                f"{name} must look like 600/minute (a positive number of requests per "
                f"{'|'.join(_PERIODS)}), got {raw!r}"
            )
        return cls(limit=int(count), period=_PERIODS[unit])

    def __str__(self) -> str:
        units = [u for u, seconds in _PERIODS.items() if seconds == self.period]
        return f"{self.limit}/{units[0]}" if units else f"{self.limit}/{self.period}s"


def _rate(env: Mapping[str, str], name: str, default: Rate) -> Rate:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    return Rate.parse(raw, ENV_PREFIX + name)
