"""Outbound URL rules: http(s) only, no credentials in the URL, no private or local targets.

The address is resolved once, checked, and the connection is pinned to it (Host header and
TLS SNI keep the name), so a DNS answer that changes between check and connect cannot
smuggle a request to an internal address.

The API checks a webhook's URL through `refusal`, loaded on first use (app.core.lazy) so that
a web worker loads httpx only when a URL is checked; the delivery worker imports it as usual.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(ValueError):
    """The URL may not be called."""


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)


def check_syntax(raw: str) -> httpx.URL:
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, TypeError) as exc:
        raise UnsafeTarget("not a valid URL") from exc
    if url.scheme not in ("http", "https"):
        raise UnsafeTarget("only http and https URLs are allowed")
    if url.userinfo:
        raise UnsafeTarget("credentials in the URL are not allowed")
    if not url.host:
        raise UnsafeTarget("the URL has no host")
    return url


def is_forbidden(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_link_local
        or ip.is_private
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"the host {host} does not resolve") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def safe_target(raw: str, *, allow_private: bool) -> Target:
    """Check `raw` and pin it to one allowed address (every address must be allowed)."""
    url = check_syntax(raw)
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = resolve(url.host, port)
    if not allow_private:
        refused = [str(ip) for ip in addresses if is_forbidden(ip)]
        if refused:
            raise UnsafeTarget(f"{url.host} resolves to a non-public address ({refused[0]})")
    ip = addresses[0]
    host_header = url.netloc.decode("ascii")
    literal = _is_ip_literal(url.host)
    extensions = {"sni_hostname": url.host} if url.scheme == "https" and not literal else {}
    return Target(url.copy_with(host=str(ip)), {"Host": host_header}, extensions)


def refusal(raw: str, *, allow_private: bool) -> str | None:
    """Why `raw` may not be called, or None when it may (safe_target's answer, as text)."""
    try:
        safe_target(raw, allow_private=allow_private)
    except UnsafeTarget as exc:
        return str(exc)
    return None


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
