"""Where webhooks may be sent: public addresses, and the networks a deployment allows.

A webhook's URL is chosen by a studio manager, and the server POSTs to it from
inside the deployment's network. Left open, that is a way to reach what only
the server can: the database's host, an admin interface on ``localhost``, a
cloud's metadata service at ``169.254.169.254`` (server-side request forgery).
So by default a webhook goes only to a *public* address (globally routable:
not loopback, private, link-local, shared, reserved, multicast or
unspecified, IPv4-mapped IPv6 addresses judged as their IPv4 address);
``STUDIOCORE_WEBHOOK_ALLOWED_NETWORKS`` lists the networks that may be reached
anyway (``10.20.0.0/16`` for an internal receiver, ``127.0.0.0/8`` for one on
the same host).

The check is made when a delivery is sent, on every address the URL's host
resolves to (all must be allowed), and the request then goes to the address
that was checked: the host is not resolved a second time, so a name that
answers a public address first and a private one next (DNS rebinding) cannot
slip through. The request still carries the URL's host name in its ``Host``
header and, over TLS, as the name the certificate must match (SNI).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpx

__all__ = ["EgressPolicy", "EgressRefusedError", "IPAddress", "IPNetwork"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class EgressRefusedError(Exception):
    """A URL's host is, or resolves to, an address the policy does not allow."""


class EgressPolicy:
    """Public addresses, and those in ``allowed`` (CIDR networks or their text)."""

    def __init__(self, allowed: Iterable[str | IPNetwork] = ()) -> None:
        self.allowed: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in allowed
        )

    def permits(self, address: IPAddress) -> bool:
        """Whether a webhook may be sent to ``address``."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in self.allowed):
            return True
        return address.is_global and not address.is_multicast

    def address_of(self, host: str, port: int) -> IPAddress:
        """The address to connect to for ``host``: itself when it is an address,
        else the first it resolves to. Raises :class:`EgressRefusedError` when
        any of them is not allowed, or the name does not resolve."""
        try:
            addresses = [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            try:
                found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError as exc:
                raise EgressRefusedError(f"{host} does not resolve: {exc}") from exc
            addresses = list(dict.fromkeys(_address(str(info[4][0])) for info in found))
        refused = [a for a in addresses if not self.permits(a)]
        if refused:
            what = host if _is_address(host) else f"{host} ({', '.join(map(str, refused))})"
            raise EgressRefusedError(
                f"{what} is not a public address, nor in STUDIOCORE_WEBHOOK_ALLOWED_NETWORKS"
            )
        if not addresses:
            raise EgressRefusedError(f"{host} resolves to no address")
        return addresses[0]

    def pinned(self, url: str) -> tuple[httpx.URL, dict[str, str], dict[str, Any]]:
        """How to send a request to ``url`` through the checked address: the URL
        with its host replaced by the address, the ``Host`` header and the
        request extensions (the TLS server name) that keep the original name."""
        parsed = httpx.URL(url)
        host = parsed.host
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        address = self.address_of(host, port)
        headers = {"host": parsed.netloc.decode("ascii")}
        extensions: dict[str, Any] = {}
        if parsed.scheme == "https" and not _is_address(host):
            extensions["sni_hostname"] = host
        return parsed.copy_with(host=str(address)), headers, extensions


def _address(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])  # no IPv6 zone


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
