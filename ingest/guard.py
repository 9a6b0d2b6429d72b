"""The private-address guard: the fetcher may only reach public addresses.

Two parts: `address_allowed` is the pure decision (one IP → allowed?), and `resolve_checked`
resolves a host once, checks every answer, and returns the address to connect to — the fetcher
connects to exactly that address, so a second DNS answer (rebinding) is never used.
`INGEST_ALLOW_PRIVATE_NETWORKS` (tests, local demos) lifts the check.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) → the addresses it resolves to, as strings. Swapped out in tests.
Resolver = Callable[[str, int], list[str]]

# Legacy IPv4 spellings that the C resolver accepts: 2130706433, 0177.0.0.1, 0x7f.1, 127.1.
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)


class BlockedAddress(Exception):
    """The host resolves to an address the fetcher must not reach."""


class UnresolvableHost(OSError):
    """DNS gave no address (possibly for now: treated as a network error)."""


def address_allowed(ip: IPAddress) -> bool:
    """True when `ip` is a public unicast address (not loopback, private, link-local,
    reserved, multicast, unspecified, shared or documentation space)."""
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 is judged as the IPv4 address it carries.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return address_allowed(embedded)
        if ip in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64 → the IPv4 it maps to
            return address_allowed(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def ip_literal(host: str) -> IPAddress | None:
    """The address a host written as an IP literal stands for (any spelling), else None."""
    host = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


resolver: Resolver = system_resolver


def private_networks_allowed() -> bool:
    return bool(getattr(settings, "INGEST_ALLOW_PRIVATE_NETWORKS", False))


def resolve_checked(host: str, port: int) -> str:
    """Resolve `host` once and return the address to connect to; raise BlockedAddress when
    any answer is not public (unless private networks are allowed)."""
    literal = ip_literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            answers = resolver(host, port)
        except OSError as exc:
            raise UnresolvableHost(f"cannot resolve {host}: {exc}") from exc
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in answers]
        if not addresses:
            raise UnresolvableHost(f"cannot resolve {host}: no addresses")
    if not private_networks_allowed():
        refused = [a for a in addresses if not address_allowed(a)]
        if refused:
            # One bad answer refuses the host: a name mixing public and private answers is a trap.
            if literal is not None:
                raise BlockedAddress(f"{host} is not a public address")
            raise BlockedAddress(f"{host} is {refused[0]}, not a public address")
    return str(addresses[0])
