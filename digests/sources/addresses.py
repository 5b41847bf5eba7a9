"""Which network addresses a fetched URL may reach: public unicast only (SSRF guard).

The bot fetches links that strangers send it, so a link must never make it talk to
itself, the host's other services, the cloud metadata endpoint (169.254.169.254) or
anything else on a private network.  The check is on every address a host name resolves
to (a name may resolve to several, and one bad address is enough to refuse), in both
IPv4 and IPv6, including IPv6 forms that embed an IPv4 address (IPv4-mapped
``::ffff:127.0.0.1``, NAT64, 6to4, Teredo), which would otherwise smuggle a private IPv4
address past a check that only looks at the IPv6 ranges.
"""

from __future__ import annotations

import ipaddress
import os
import socket

from digests.sources.errors import SourceError

ALLOW_PRIVATE_ENV = "BRIEFBOT_ALLOW_PRIVATE_URLS"
"""Set to 1 to allow private addresses: tests on loopback, or a deliberate intranet set-up."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def private_urls_allowed() -> bool:
    """Read at each fetch (never at import), so a test or an operator can switch it."""
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be contacted ("loopback", "private"…), or None when public."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return address_problem(embedded)
    # Order matters only for the reason's wording: 127.0.0.1 is loopback before private.
    for attribute in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(ip, f"is_{attribute}"):
            return attribute.replace("_", "-")
    if not ip.is_global:  # shared address space (100.64/10), benchmarking ranges…
        return "non-public"
    return None


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def resolve_public(host: str, port: int) -> str:
    """The address to connect to for ``host``: resolved once, every address checked.

    Raises SourceError naming the reason when the host does not resolve or any of its
    addresses is loopback, private, link-local, multicast, reserved or unspecified.
    The caller connects to the returned address itself, so a DNS answer that changes
    between this check and the connection (DNS rebinding) cannot redirect it.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise SourceError(f"cannot resolve host {host}: {exc}", code="dns") from None
    addresses: list[IPAddress] = []
    for info in infos:
        literal = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        ip = ipaddress.ip_address(literal)
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise SourceError(f"cannot resolve host {host}", code="dns")
    for ip in addresses:
        problem = address_problem(ip)
        if problem:
            raise SourceError(
                f"refused: {host} resolves to a {problem} address ({ip})",
                code="private_address",
            )
    return str(addresses[0])
