"""Where webhooks may go (studiocore_http.egress): public addresses, and the
networks a deployment allows; the request goes to the address checked."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

from studiocore_http import Settings
from studiocore_http.egress import EgressPolicy, EgressRefusedError
from studiocore_http.settings import ConfigError

REFUSED = [
    "127.0.0.1",  # loopback
    "10.1.2.3",  # private
    "172.16.0.9",
    "192.168.1.20",
    "169.254.169.254",  # link-local: a cloud's metadata service
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "0.0.0.0",
    "224.0.0.1",  # multicast
    "::1",
    "fd00::1",  # unique local
    "fe80::1",  # link-local
    "::ffff:10.0.0.1",  # IPv4-mapped: judged as its IPv4 address
]
PUBLIC = ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused_by_default(address: str) -> None:
    assert not EgressPolicy().permits(ipaddress.ip_address(address))
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(EgressRefusedError, match="not a public address"):
        EgressPolicy().pinned(f"https://{host}/hook")


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_permitted(address: str) -> None:
    assert EgressPolicy().permits(ipaddress.ip_address(address))


def test_allowed_networks_open_what_they_list_and_nothing_else() -> None:
    policy = EgressPolicy(["10.20.0.0/16", "127.0.0.1"])
    assert policy.permits(ipaddress.ip_address("10.20.5.6"))
    assert policy.permits(ipaddress.ip_address("::ffff:10.20.5.6"))
    assert policy.permits(ipaddress.ip_address("127.0.0.1"))
    assert not policy.permits(ipaddress.ip_address("10.21.0.1"))
    assert not policy.permits(ipaddress.ip_address("127.0.0.2"))


def _resolving(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> list[tuple[str, int]]:
    """Make every name resolve to ``addresses``; the names asked for."""
    asked: list[tuple[str, int]] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append((host, port))
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_is_refused_when_any_of_its_addresses_is_not_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _resolving(monkeypatch, "93.184.215.14", "10.0.0.7")
    with pytest.raises(EgressRefusedError, match=r"hooks.example.com \(10.0.0.7\) is not a public"):
        EgressPolicy().pinned("https://hooks.example.com/in")


def test_the_request_goes_to_the_checked_address_under_the_url_s_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = _resolving(monkeypatch, "93.184.215.14")
    url, headers, extensions = EgressPolicy().pinned("https://hooks.example.com:8443/in?x=1")
    assert asked == [("hooks.example.com", 8443)]  # resolved once, here
    assert str(url) == "https://93.184.215.14:8443/in?x=1"
    assert headers == {"host": "hooks.example.com:8443"}
    assert extensions == {"sni_hostname": "hooks.example.com"}  # the certificate's name
    url, headers, extensions = EgressPolicy().pinned("http://hooks.example.com/in")
    assert (str(url), headers, extensions) == (
        "http://93.184.215.14/in",
        {"host": "hooks.example.com"},
        {},
    )


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(EgressRefusedError, match="does not resolve"):
        EgressPolicy().pinned("https://no-such-host.invalid/hook")


def test_the_setting_is_read_and_checked_naming_the_variable() -> None:
    env = {"STUDIOCORE_WEBHOOK_ALLOWED_NETWORKS": "10.20.0.0/16, 127.0.0.1"}
    assert Settings.from_env(env).webhook_allowed_networks == ("10.20.0.0/16", "127.0.0.1")
    assert Settings.from_env({}).webhook_allowed_networks == ()
    with pytest.raises(ConfigError, match=r"WEBHOOK_ALLOWED_NETWORKS: '10.300.0.0/16' is not"):
        Settings.from_env({"STUDIOCORE_WEBHOOK_ALLOWED_NETWORKS": "10.300.0.0/16"})
