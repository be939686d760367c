"""The sender's address behind reverse proxies: X-Forwarded-For, from trusted proxies only."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def sender() -> str:
    """Who sends the request, for limits per address: an IPv4 address, or an IPv6 /64.

    One IPv6 subscriber holds a whole /64, so its addresses count as one sender.
    """
    address = request.remote_addr or ""
    try:
        found = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(found, ipaddress.IPv6Address):
        if found.ipv4_mapped is not None:
            return str(found.ipv4_mapped)
        return str(ipaddress.ip_network(f"{found}/64", strict=False))
    return address


def parse(setting: object) -> int | list[Network]:
    """TRUSTED_PROXIES as a number of proxies, or the networks of the trusted proxies."""
    if isinstance(setting, bool):
        raise ValueError("TRUSTED_PROXIES: give a number of proxies or their addresses.")
    if isinstance(setting, int):
        return max(setting, 0)
    items = re.split(r"[\s,]+", setting.strip()) if isinstance(setting, str) else setting
    items = [item for item in items if str(item).strip()]
    if len(items) == 1 and str(items[0]).isdigit():
        return int(items[0])
    try:
        return [ipaddress.ip_network(str(item).strip(), strict=False) for item in items]
    except ValueError as error:
        raise ValueError(
            f"TRUSTED_PROXIES: {error}; give a number of proxies or their addresses."
        ) from None


def address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IP address, or None for anything else."""
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: REMOTE_ADDR becomes the first address, from the right of
    X-Forwarded-For, that is not a trusted proxy (the header is ignored from anyone else)."""

    def __init__(self, app: Callable, networks: Iterable[Network]):
        self.app, self.networks = app, list(networks)

    def trusts(self, text: str) -> bool:
        """Whether the address is one of the trusted proxies."""
        found = address(text)
        return found is not None and any(found in network for network in self.networks)

    def client(self, peer: str, forwarded: str) -> str:
        """The sender's address: walk back through the trusted proxies' X-Forwarded-For."""
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        sender = peer
        while hops and self.trusts(sender):
            hop = hops.pop()
            if address(hop) is None:
                break
            sender = hop
        return sender

    def __call__(self, environ: dict, start_response: Callable):
        peer = environ.get("REMOTE_ADDR", "")
        environ["REMOTE_ADDR"] = self.client(peer, environ.get("HTTP_X_FORWARDED_FOR", ""))
        return self.app(environ, start_response)


def init_app(app: Flask) -> None:
    """Read the sender's address through the configured proxies (none by default)."""
    trusted = parse(app.config["TRUSTED_PROXIES"])
    if isinstance(trusted, int):
        if trusted:
            app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted)
    elif trusted:
        app.wsgi_app = TrustedProxies(app.wsgi_app, trusted)
